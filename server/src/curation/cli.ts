import { type Command, InvalidArgumentError } from 'commander';
import { commandConfig, parseDatasetId, withServices } from '../platform/cli.ts';
import { DomainError, InputError } from '../platform/errors.ts';
import { curateDataset } from './service.ts';

interface CurateOptions {
  minLabelFidelity?: number;
  dropNearDuplicates?: boolean;
  dropLanguageMismatch?: boolean;
  minJudgeScore?: number;
  reference?: number;
  json?: boolean;
}

const FLAGS: Record<string, string> = {
  'rules.minLabelFidelity': '--min-label-fidelity',
  'rules.minJudgeScore': '--min-judge-score',
  'rules.referenceDatasetId': '--reference',
  rules: 'rules',
  id: 'DATASET',
};

function number(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${flag} must be a number.`);
    }
    return n;
  };
}

/** Registers `genesis curate`. */
export function registerCurationCommands(program: Command): void {
  program
    .command('curate')
    .description(
      'a new dataset of the items that pass the rules, with lineage to DATASET and a report of what was dropped (DATASET is unchanged)',
    )
    .argument('<dataset>', 'dataset id to curate', parseDatasetId)
    .option(
      '--min-label-fidelity <p>',
      'drop items whose label the label oracle gives a probability under P (0..1)',
      number('--min-label-fidelity'),
    )
    .option('--drop-near-duplicates', 'drop near-duplicates of earlier kept items (MinHash, 0.8)')
    .option(
      '--drop-language-mismatch',
      'drop items clearly written in another language than their label',
    )
    .option(
      '--min-judge-score <s>',
      'drop items the LLM judge scored under S (1..5); needs judge scores',
      number('--min-judge-score'),
    )
    .option(
      '--reference <dataset>',
      'train the label oracle on this dataset instead of the shipped Banking77 oracle',
      parseDatasetId,
    )
    .option('--json', 'print the result as JSON')
    .action(async (dataset: number, opts: CurateOptions) => {
      process.exitCode = await withServices(commandConfig(program), async (services) => {
        try {
          const {
            dataset: curated,
            report,
            reused,
          } = await curateDataset(services, dataset, {
            ...(opts.minLabelFidelity !== undefined
              ? { minLabelFidelity: opts.minLabelFidelity }
              : {}),
            ...(opts.dropNearDuplicates ? { dropNearDuplicates: true } : {}),
            ...(opts.dropLanguageMismatch ? { dropLanguageMismatch: true } : {}),
            ...(opts.minJudgeScore !== undefined ? { minJudgeScore: opts.minJudgeScore } : {}),
            ...(opts.reference !== undefined ? { referenceDatasetId: opts.reference } : {}),
          });
          if (opts.json) {
            process.stdout.write(
              `${JSON.stringify({ datasetId: curated.id, sourceId: dataset, reused, ...report }, null, 2)}\n`,
            );
          } else {
            const lines = [
              `${reused ? 'already curated' : 'curated'}: dataset ${curated.id} "${curated.name}" keeps ${report.kept} of ${report.source.items} items (${report.dropped} dropped)`,
              ...Object.entries(report.rules).map(
                ([rule, r]) =>
                  `  ${rule}: ${r.dropped} dropped${r.threshold !== undefined ? ` (threshold ${r.threshold})` : ''}`,
              ),
            ];
            process.stdout.write(`${lines.join('\n')}\n`);
          }
          return 0;
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          const message =
            err instanceof InputError
              ? err.issues.map((i) => `${FLAGS[i.path] ?? i.path}: ${i.message}`).join('; ')
              : err.message;
          process.stderr.write(`error: ${message}\n`);
          return err instanceof InputError ? 2 : 1;
        }
      });
    });
}
