import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ValidationMetric, ValidationReportData } from '@genesis/schema/reports';
import type { Command } from 'commander';
import {
  commandConfig,
  newTable,
  parseDatasetId,
  withServices as withRegistry,
} from '../platform/cli.ts';
import type { Config } from '../platform/config.ts';
import type { Services } from '../platform/db/orm.ts';
import { DomainError, InputError } from '../platform/errors.ts';
import {
  buildReferenceProfile,
  type ComparisonReference,
  profileArgument,
  type ReferenceArgument,
  ValidationManager,
} from './service.ts';

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
const MARK: Record<ValidationMetric['verdict'], string> = {
  pass: 'pass',
  warn: 'WARN',
  fail: 'FAIL',
  not_computable: 'n/c',
};
const MARK_OVERALL: Record<ValidationReportData['overall']['verdict'], string> = {
  ...MARK,
  incomplete: 'INCOMPLETE',
};

/** One registry connection for a command; expected domain failures become a message and an exit code. */
async function withServices(
  server: Config,
  run: (s: Services) => Promise<number>,
): Promise<number> {
  try {
    return await withRegistry(server, run);
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err instanceof InputError ? 2 : 1;
    }
    throw err;
  }
}

export async function runValidate(
  server: Config,
  datasetId: number,
  opts: {
    reference?: number | readonly number[];
    profile?: string | readonly string[];
    json?: boolean;
  },
): Promise<number> {
  return withServices(server, async (services) => {
    if (process.stderr.isTTY && !opts.json)
      process.stderr.write('Validating (in a worker thread)...\n');
    // Each --profile is a shipped id or a profile file written by `pnpm genesis profile`; each --reference a dataset.
    // Several of them: one reference per language (text) or per domain (time series).
    const list = <T>(x: T | readonly T[] | undefined): T[] =>
      x === undefined ? [] : Array.isArray(x) ? [...(x as T[])] : [x as T];
    const references: ReferenceArgument[] = [
      ...list(opts.profile).map((value) => ({
        ...profileArgument(value),
        path: `--profile ${value}`,
      })),
      ...list(opts.reference).map((id) => ({
        referenceDatasetId: id,
        path: `--reference ${id}`,
      })),
    ];
    const stored = await new ValidationManager(services).validate(datasetId, { references });
    const r = stored.report as unknown as ValidationReportData;
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ reportId: String(stored.id), reportVersion: stored.version, ...r }, null, 2)}\n`,
      );
      return 0;
    }
    const table = newTable({
      head: ['group', 'metric', 'value [95%]', 'real-vs-real', 'verdict', 'note'],
      wordWrap: true,
      colWidths: [12, 40, 13, 14, 8, 40],
    });
    for (const m of r.metrics) {
      table.push([
        m.group,
        m.name,
        // The 95% interval under the value, where the metric has one (rates, fidelity distances).
        m.interval
          ? `${fmt(m.value)} [${fmt(m.interval.low)}-${fmt(m.interval.high)}]`
          : fmt(m.value),
        m.band ? `${fmt(m.band.low)}-${fmt(m.band.high)}` : '',
        MARK[m.verdict],
        m.reason ?? '',
      ]);
    }
    const lines = [
      ...verdictLines(r),
      `Dataset ${datasetId}, report v${stored.version}${r.reference ? ` against ${r.reference.name}` : ''}: overall ${r.overall.score.toFixed(1)}/100${r.scoreInterval ? ` (interval ${fmt(r.scoreInterval.low)}-${fmt(r.scoreInterval.high)})` : ''} (${r.overall.verdict})`,
      table.toString(),
    ];
    if (r.bias)
      lines.push(
        `Bias: ${r.bias.severity}${r.bias.reasons.length ? ` - ${r.bias.reasons.join('; ')}` : ''}`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/**
 * The report's verdict first (its reason line), then its gates, its coverage and what was not checked with how
 * to supply it.
 */
export function verdictLines(r: ValidationReportData): string[] {
  const lines = [r.reason ?? `${r.overall.verdict}: score ${r.overall.score.toFixed(1)}`];
  if (r.gates?.length) {
    lines.push(
      `Gates: ${r.gates.map((g) => `${g.name} ${fmt(g.value)} ${MARK[g.verdict]}`).join(', ')}`,
    );
  }
  const c = r.coverage;
  if (c) {
    const parts = c.parts
      .map((p) => `${p.key} ${p.items} ${p.referenced ? 'referenced' : 'NO REFERENCE'}`)
      .join(', ');
    lines.push(
      `Coverage: ${(c.items * 100).toFixed(0)}% of items and ${(c.weight * 100).toFixed(0)}% of the score's weight measured against a reference${parts ? ` (${parts})` : ''}`,
    );
    for (const ref of c.references ?? []) {
      lines.push(
        `Reference ${ref.name}: ${ref.covers.length ? `covers ${ref.covers.join(', ')} (${ref.items} items)` : 'covers no language of the data'}`,
      );
    }
    if (c.notMeasured.length) {
      lines.push(
        `Not checked: ${c.notMeasured.map((m) => `${m.metricId} (${m.reason})`).join('; ')}`,
      );
    }
    for (const m of c.missing) lines.push(`Missing: ${m.what}. To supply it: ${m.how}`);
  }
  return lines;
}

const REFERENCE_SOURCE: Record<ComparisonReference['source'], string> = {
  given: 'as given',
  a: "the reference of the first dataset's latest report",
  b: "the reference of the second dataset's latest report",
  default: 'the shipped default; neither dataset had a report',
};

export async function runCompare(
  server: Config,
  a: number,
  b: number,
  opts: { profile?: string; json?: boolean },
): Promise<number> {
  return withServices(server, async (services) => {
    const c = await new ValidationManager(services).compare(
      a,
      b,
      opts.profile ? profileArgument(opts.profile) : null,
    );
    if (opts.json) {
      const { reportA, reportB, ...rest } = c;
      process.stdout.write(
        `${JSON.stringify({ ...rest, reportA: reportA.id, reportB: reportB.id }, null, 2)}\n`,
      );
      return 0;
    }
    const table = newTable({ head: ['metric', `#${a}`, `#${b}`, 'b - a', 'b vs a'] });
    for (const m of c.metrics) {
      const equal = m.basis === 'equal_sample';
      table.push([
        m.name,
        `${fmt(equal ? m.rangeA?.value : m.a?.value)} ${m.a ? MARK[m.a.verdict] : ''}`,
        `${fmt(equal ? m.rangeB?.value : m.b?.value)} ${m.b ? MARK[m.b.verdict] : ''}`,
        fmt(equal ? m.equalDifference : m.difference),
        `${m.change === 'unknown' ? '' : m.change}${equal ? ' (equal samples)' : ''}`,
      ]);
    }
    const ra = c.reportA.report as unknown as ValidationReportData;
    const rb = c.reportB.report as unknown as ValidationReportData;
    process.stdout.write(
      [
        `Both measured against ${c.reference.name} (${REFERENCE_SOURCE[c.reference.source]})${
          c.reference.revalidated.length
            ? `; validated anew against it: ${c.reference.revalidated.map((id) => `#${id}`).join(', ')}`
            : ''
        }`,
        `Overall: #${a} ${ra.overall.score.toFixed(1)} ${MARK_OVERALL[ra.overall.verdict]} (report v${c.reportA.version}), #${b} ${rb.overall.score.toFixed(1)} ${MARK_OVERALL[rb.overall.verdict]} (report v${c.reportB.version})`,
        ...(ra.reason ? [`#${a}: ${ra.reason}`] : []),
        ...(rb.reason ? [`#${b}: ${rb.reason}`] : []),
        table.toString(),
        c.equalSample ? `Diversity: ${c.equalSample.note}` : '',
        c.vocabularyOverlap !== null
          ? `Vocabulary overlap (Jaccard): ${c.vocabularyOverlap.toFixed(3)}`
          : '',
        `Intents with samples in both: ${c.samples.filter((s) => s.a && s.b).length}`,
        '',
      ].join('\n'),
    );
    return 0;
  });
}

export async function runProfile(
  server: Config,
  datasetId: number,
  opts: { out?: string },
): Promise<number> {
  return withServices(server, async (services) => {
    const json = `${JSON.stringify(await buildReferenceProfile(services, datasetId))}\n`;
    if (opts.out) {
      writeFileSync(resolve(opts.out), json);
      process.stderr.write(`Wrote the profile of dataset ${datasetId} to ${opts.out}\n`);
    } else process.stdout.write(json);
    return 0;
  });
}

/** Registers the validation commands on the `genesis` program. */
export function registerValidationCommands(program: Command): void {
  program
    .command('validate')
    .description(
      'validate a dataset (quality, bias, fidelity) against a reference; stores a new report version',
    )
    .argument('<dataset>', 'dataset id', parseDatasetId)
    .option(
      '--reference <dataset>',
      'build the reference profile from this dataset; repeat for one reference per language (text) or domain (series), e.g. `--profile banking77 --reference SPANISH_DATASET`',
      (value: string, previous: number[] = []) => [...previous, parseDatasetId(value)],
    )
    .option(
      '--profile <id|file>',
      'a shipped reference profile (banking77; electricity, energy, sensors, financial, or timeseries: each domain against its own, the default for series) or a profile file written by `pnpm genesis profile`; repeatable like --reference',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the report as JSON')
    .action(
      async (
        dataset: number,
        opts: { reference?: number[]; profile?: string[]; json?: boolean },
      ) => {
        process.exitCode = await runValidate(commandConfig(program), dataset, opts);
      },
    );

  program
    .command('compare')
    .description(
      'compare two datasets: every metric side by side, vocabulary overlap, samples per intent',
    )
    .argument('<a>', 'first dataset id', parseDatasetId)
    .argument('<b>', 'second dataset id', parseDatasetId)
    .option(
      '--profile <id|file>',
      "measure both against this reference (shipped id or profile file); default: the one the first dataset's latest report used",
    )
    .option('--json', 'print the comparison as JSON')
    .action(async (a: number, b: number, opts: { profile?: string; json?: boolean }) => {
      process.exitCode = await runCompare(commandConfig(program), a, b, opts);
    });

  program
    .command('profile')
    .description('build a reference profile (statistics only, never the text) from a dataset')
    .argument('<dataset>', 'dataset id', parseDatasetId)
    .option('--out <file>', 'write the profile JSON here (default: standard output)')
    .action(async (dataset: number, opts: { out?: string }) => {
      process.exitCode = await runProfile(commandConfig(program), dataset, opts);
    });
}
