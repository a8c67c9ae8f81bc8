import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  commandConfig,
  parseDatasetId,
  parseIntArg,
  parseMoney,
  withServices,
} from '../platform/cli.ts';
import { DomainError, InputError } from '../platform/errors.ts';
import { createAppPubSub } from '../platform/pubsub.ts';
import { JudgeManager, judgeSummary } from './judge.ts';
import { curateDataset } from './service.ts';

interface CurateOptions {
  minLabelFidelity?: number;
  dropNearDuplicates?: boolean;
  dropLanguageMismatch?: boolean;
  dropLabelDisagreement?: boolean;
  openingOnly?: boolean;
  minJudgeScore?: number;
  reference?: number;
  json?: boolean;
}

const FLAGS: Record<string, string> = {
  'rules.minLabelFidelity': '--min-label-fidelity',
  'rules.minJudgeScore': '--min-judge-score',
  'rules.openingOnly': '--opening-only',
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

interface JudgeOptions {
  provider?: 'local' | 'bedrock' | 'openai';
  model?: string;
  mode?: 'on_demand' | 'batch';
  sample?: number;
  budget?: number;
  seed?: string;
  itemsPerCall?: number;
  concurrency?: number;
  estimate?: boolean;
  resume?: number;
  json?: boolean;
}

const JUDGE_FLAGS: Record<string, string> = {
  'rubric.provider': '--provider',
  'rubric.model': '--model',
  'rubric.mode': '--mode',
  'rubric.sample': '--sample',
  'rubric.budgetUsd': '--budget',
  'rubric.seed': '--seed',
  'rubric.itemsPerCall': '--items-per-call',
  'rubric.concurrency': '--concurrency',
  id: 'DATASET',
};

/** `genesis judge`: estimates, runs (or resumes) an LLM-judge run and prints its outcome. */
function registerJudgeCommand(program: Command): void {
  program
    .command('judge')
    .description(
      'score each item of DATASET against the LLM-judge rubric (docs/curation.md, "LLM judge"): label faithfulness, customer naturalness, agent quality, language and register, 1-5 each',
    )
    .argument('[dataset]', 'dataset id to judge', parseDatasetId)
    .addOption(
      new Option(
        '--provider <provider>',
        'local (a heuristic judge, offline), bedrock or openai',
      ).choices(['local', 'bedrock', 'openai']),
    )
    .option('--model <id>', 'the judge model (implies --provider bedrock unless given)')
    .addOption(
      new Option('--mode <mode>', 'on_demand, or batch (Bedrock batch inference, half price)')
        .choices(['on_demand', 'batch'])
        .default('on_demand'),
    )
    .option(
      '--sample <n>',
      'judge a seeded sample of N items',
      parseIntArg('--sample', 1, 10_000_000),
    )
    .option(
      '--budget <usd>',
      'refuse the run when its estimate is over this, and pause at it',
      parseMoney,
    )
    .option('--seed <seed>', 'seed of the sample')
    .option(
      '--items-per-call <n>',
      'items per model call (1-20, default 5)',
      parseIntArg('--items-per-call', 1, 20),
    )
    .option(
      '--concurrency <n>',
      'calls in flight (1-16, default 4)',
      parseIntArg('--concurrency', 1, 16),
    )
    .option('--estimate', 'print the estimate only; call no model')
    .option(
      '--resume <run>',
      'resume a paused or interrupted judge run',
      parseIntArg('--resume', 1, Number.MAX_SAFE_INTEGER),
    )
    .option('--json', 'print the result as JSON')
    .action(async (dataset: number | undefined, opts: JudgeOptions) => {
      if (dataset === undefined && opts.resume === undefined) {
        process.stderr.write('error: give a DATASET to judge, or --resume RUN\n');
        process.exitCode = 2;
        return;
      }
      const server = commandConfig(program);
      process.exitCode = await withServices(server, async (services) => {
        const pubsub = createAppPubSub();
        const { createLogger } = await import('../platform/logger.ts');
        const logger = createLogger(
          { logLevel: process.env.GENESIS_LOG_LEVEL ? server.logLevel : 'warn' },
          { stderr: true },
        );
        const manager = new JudgeManager(services, pubsub, server, undefined, { logger });
        const onSignal = () => void manager.stopAll();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const input = {
          ...(opts.provider ? { provider: opts.provider } : {}),
          ...(opts.model ? { model: opts.model } : {}),
          ...(opts.mode ? { mode: opts.mode } : {}),
          ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
          ...(opts.budget !== undefined ? { budgetUsd: opts.budget } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.itemsPerCall !== undefined ? { itemsPerCall: opts.itemsPerCall } : {}),
          ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        };
        try {
          if (opts.estimate && dataset !== undefined) {
            const estimate = await manager.estimate(dataset, input);
            process.stdout.write(
              opts.json
                ? `${JSON.stringify(estimate, null, 2)}\n`
                : `${estimate.toScore} of ${estimate.items} items to score with ${estimate.model} (${estimate.mode}): ${estimate.calls} calls, ~${estimate.inputTokens} input and ~${estimate.outputTokens} output tokens, about $${estimate.costUsd.toFixed(4)}${estimate.priced ? '' : ' (model not in the price table)'}${estimate.note ? `\n  ${estimate.note}` : ''}\n`,
            );
            return 0;
          }
          let runId: number;
          let estimate = null;
          if (opts.resume !== undefined) {
            runId = (
              await manager.resume(
                opts.resume,
                opts.budget !== undefined ? { budgetUsd: opts.budget } : {},
              )
            ).id;
          } else {
            const started = await manager.start(dataset!, input);
            runId = started.run.id;
            estimate = started.estimate;
            if (!opts.json) {
              process.stderr.write(
                `judging ${estimate.toScore} of ${estimate.items} items with ${estimate.model} (${estimate.mode}); estimate $${estimate.costUsd.toFixed(4)}\n`,
              );
            }
          }
          const live = process.stderr.isTTY && !opts.json;
          const events = pubsub.subscribe('judge:progress', runId);
          const watching = (async () => {
            for await (const p of events) {
              if (live) {
                process.stderr.write(
                  `\rjudged ${p.scored}/${p.planned}${p.failed ? ` (${p.failed} failed)` : ''} | $${p.costUsd.toFixed(4)}${p.batch ? ` | batch ${p.batch.status}` : ''}   `,
                );
              }
            }
          })();
          const result = await manager.wait(runId);
          await events.return(undefined);
          await watching;
          if (live) process.stderr.write('\n');
          const final = (await manager.progress(runId))!;
          const summary = final.datasetId ? await judgeSummary(services, final.datasetId) : null;
          if (opts.json) {
            process.stdout.write(
              `${JSON.stringify({ ...final, ...(estimate ? { estimate } : {}), summary }, null, 2)}\n`,
            );
          } else {
            process.stdout.write(
              `judge run ${runId} ${final.status}: ${final.scored} of ${final.planned} items scored${final.failed ? `, ${final.failed} failed` : ''}, ${final.calls} calls, $${final.costUsd.toFixed(4)}${final.message ? `\n  ${final.message}` : ''}${summary ? `\n  mean overall score ${summary.overall.toFixed(2)} over ${summary.items} judged items` : ''}\n`,
            );
          }
          const status = result?.status ?? final.status;
          return status === 'completed' ? 0 : 1;
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          const message =
            err instanceof InputError
              ? err.issues.map((i) => `${JUDGE_FLAGS[i.path] ?? i.path}: ${i.message}`).join('; ')
              : err.message;
          process.stderr.write(`error: ${message}\n`);
          return err instanceof InputError ? 2 : 1;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await pubsub.close();
        }
      });
    });
}

/** Registers `genesis curate` and `genesis judge`. */
export function registerCurationCommands(program: Command): void {
  registerJudgeCommand(program);
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
      '--drop-label-disagreement',
      'drop items whose label out-of-fold predictions confidently contradict (confident learning; trains on the items plus --reference)',
    )
    .option(
      '--opening-only',
      "conversations: keep each kept item's opening exchange (the customer's first message and the reply)",
    )
    .option(
      '--min-judge-score <s>',
      'drop items the LLM judge scored under S (1..5); needs judge scores',
      number('--min-judge-score'),
    )
    .option(
      '--reference <dataset>',
      'real texts: the label oracle trains on them instead of the shipped Banking77 oracle, and --drop-label-disagreement beside the items',
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
            ...(opts.dropLabelDisagreement ? { dropLabelDisagreement: true } : {}),
            ...(opts.openingOnly ? { openingOnly: true } : {}),
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
              ...(report.trimmedTurns !== undefined
                ? [`  opening only: ${report.trimmedTurns} later customer turns removed`]
                : []),
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
