import type { DatasetKind } from '@genesis/schema/common';
import type { JudgeGroup, ValidationReportData } from '@genesis/schema/reports';
import YAML from 'yaml';
import { GenerationJobSchema } from '../generation/generation-job.entity.ts';
import type { Services } from '../platform/db/orm.ts';
import { NotFoundError } from '../platform/errors.ts';
import { ValidationReportSchema } from '../validation/validation-report.entity.ts';
import { DatasetSchema } from './dataset.entity.ts';
import { PARQUET_FIELDS, type ParquetField } from './parquet.ts';

function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  return '1M<n<10M';
}

const pct = (x: number, total: number) => (total ? `${((100 * x) / total).toFixed(1)}%` : '0%');
const fmt = (x: number | null) =>
  x === null ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);

/** The card's "LLM judge" part of the validation: the report's judge group, outside the verdict. */
function judgeSection(g: JudgeGroup, datasetId: number): string[] {
  const lines = ['### LLM judge', ''];
  if (g.status === 'not_run' || !g.run) {
    lines.push(
      `Not run when this report was made: \`pnpm genesis judge ${datasetId}\` scores each item against the rubric (not part of the verdict).`,
    );
    return lines;
  }
  lines.push(
    `${g.scored.toLocaleString('en')} items scored (${(g.share * 100).toFixed(1)}% of the dataset), mean overall ${g.overall === null ? 'n/a' : g.overall.toFixed(2)}/5; latest run by \`${g.run.model}\` (${g.run.provider}, ${g.run.mode}, ${g.run.status}); ${g.runs} ${g.runs === 1 ? 'run' : 'runs'} cost $${g.costUsd.toFixed(4)}. Not part of the verdict.`,
    '',
    '| criterion | mean (1-5) | items scored |',
    '|---|---|---|',
  );
  for (const d of g.dimensions) {
    lines.push(`| ${d.criterion} | ${d.mean === null ? 'n/a' : d.mean.toFixed(2)} | ${d.scored} |`);
  }
  return lines;
}

/** The Hugging Face `datasets` feature of one Parquet column (dataset card, `dataset_info.features`). */
function feature(f: ParquetField): Record<string, unknown> {
  const dtype = (t: string) => (t === 'timestamp' ? 'timestamp[ms]' : t === 'json' ? 'string' : t); // JSON cells are UTF-8 text
  return 'list' in f
    ? { name: f.name, list: f.list.map((c) => ({ name: c.name, dtype: dtype(c.type) })) }
    : { name: f.name, dtype: dtype(f.type) };
}

/** The `dataset_info.features` of a kind's Parquet file, in the card's YAML shape. */
export function cardFeatures(kind: DatasetKind): Record<string, unknown>[] {
  return PARQUET_FIELDS[kind].map(feature);
}

/** Where the card says the data is, and what it lists as the files beside it. */
export interface CardLayout {
  /** The data files, one entry per split (a path or a glob, relative to the card). */
  dataFiles: { split: string; path: string }[];
  /** The card's "Files" section, one line each. */
  files: string[];
  /** Rows and bytes of the one split's Parquet file, for `dataset_info` (given when the file is built already). */
  parquet?: { rows: number; bytes: number };
  /** A license id for the `license` field; default: cc-by-4.0 for imported utterances (Banking77), else none. */
  license?: string | null;
}

/** The card of a zip or a single-file export: `data.parquet` and `data.jsonl` beside it. */
export const EXPORT_LAYOUT: CardLayout = {
  dataFiles: [{ split: 'train', path: 'data.parquet' }],
  files: [
    '- `data.parquet`, `data.jsonl`: the items (one row per item; time series in the long format, one row per point).',
    '- `README.md`: this card.',
  ],
};

/**
 * A dataset card (README.md in the Hugging Face dataset-card format: a YAML header the Hub reads, then prose):
 * provenance and lineage, generation config, model, cost, label distributions, every metric of the latest
 * validation with its verdict, and known limitations. The header (written with the `yaml` library) carries
 * `pretty_name`, `language`, `license`, `size_categories`, `task_categories`, `tags` (with `synthetic` for
 * generated data), `configs` (the data files per split) and `dataset_info.features`, derived from the same
 * column table as the Parquet file (`PARQUET_FIELDS`), so the two always agree.
 */
export async function datasetCard(
  services: Services,
  datasetId: number,
  layout: CardLayout = EXPORT_LAYOUT,
): Promise<string> {
  const em = services.em.fork();
  const dataset = await em.findOne(DatasetSchema, datasetId, { populate: ['tags'] });
  if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
  const repo = services.datasets(em);
  const job = await em.findOne(
    GenerationJobSchema,
    { dataset: datasetId },
    { orderBy: { id: 'desc' } },
  );
  const report = await em.findOne(
    ValidationReportSchema,
    { dataset: datasetId },
    { orderBy: { version: 'desc' } },
  );
  const languages = await repo.labelCounts(datasetId, 'language');
  const intents = await repo.labelCounts(datasetId, 'intent');
  const seriesTypes = await repo.labelCounts(datasetId, 'seriesType');
  const n = dataset.itemCount;
  const textual = dataset.kind !== 'timeseries';
  const generated = dataset.origin !== 'imported';
  const tags = [
    ...(generated ? ['synthetic', 'synthetic-data'] : []),
    'genesis-lab',
    ...dataset.tags
      .getItems()
      .map((t) => t.tag)
      .sort(),
  ].filter((t, i, all) => all.indexOf(t) === i);
  const license =
    layout.license ??
    (dataset.origin === 'imported' && dataset.kind === 'utterances' ? 'cc-by-4.0' : null);
  const header: Record<string, unknown> = {
    pretty_name: dataset.name,
    language: languages.length ? languages.map((l) => l.label).sort() : ['en'],
    ...(license ? { license } : {}),
    size_categories: [sizeCategory(n)],
    task_categories: [textual ? 'text-classification' : 'time-series-forecasting'],
    ...(textual ? { task_ids: ['intent-classification'] } : {}),
    tags,
    configs: [{ config_name: 'default', data_files: layout.dataFiles }],
    dataset_info: {
      config_name: 'default',
      features: cardFeatures(dataset.kind),
      ...(layout.parquet
        ? {
            splits: [
              {
                name: layout.dataFiles[0]?.split ?? 'train',
                num_bytes: layout.parquet.bytes,
                num_examples: layout.parquet.rows,
              },
            ],
            download_size: layout.parquet.bytes,
            dataset_size: layout.parquet.bytes,
          }
        : {}),
    },
  };
  const doc = new YAML.Document(header);
  // The name is quoted whatever it holds: a name like "yes" or "1.0" stays a string for every YAML reader.
  const name = doc.get('pretty_name', true) as YAML.Scalar;
  name.type = 'QUOTE_DOUBLE';
  const yaml = ['---', doc.toString({ lineWidth: 0, indentSeq: false }).trimEnd(), '---'];
  const body: string[] = [`# ${dataset.name}`, ''];
  body.push(
    `${n.toLocaleString('en')} ${dataset.kind} ${dataset.origin === 'generated' ? 'generated' : 'imported'} with GENESIS-LAB${dataset.description ? `: ${dataset.description}` : '.'}`,
    '',
    '## Provenance',
    '',
    `- Origin: ${dataset.origin}; created ${dataset.createdAt.toISOString()}, last changed ${dataset.updatedAt.toISOString()}.`,
  );
  if (dataset.source) body.push(`- Lineage (source): \`${JSON.stringify(dataset.source)}\``);
  if (job) {
    const config = job.config as Record<string, unknown>;
    body.push(
      `- Generation job ${job.id}: provider \`${job.provider}\`, model \`${job.model ?? 'n/a'}\`, seed ${String(config.seed)}, status ${job.status}.`,
      `- Items: ${job.accepted} accepted of ${job.requested} requested, ${job.rejected} rejected; ${job.calls} model calls, ${job.retries} retries, ${job.throttles} throttles.`,
      `- Tokens: ${job.inputTokens.toLocaleString('en')} input, ${job.outputTokens.toLocaleString('en')} output, ${job.cacheReadTokens.toLocaleString('en')} cache reads, ${job.cacheWriteTokens.toLocaleString('en')} cache writes.`,
      `- Cost: $${job.costUsd.toFixed(4)}${job.accepted ? ` ($${(job.costUsd / job.accepted).toFixed(5)} per item)` : ''}.`,
      '',
      '### Generation config',
      '',
      '```json',
      JSON.stringify(config, null, 2),
      '```',
    );
  }
  body.push('', '## Contents', '');
  const table = (title: string, rows: { label: string; count: number }[]) => {
    if (!rows.length) return;
    body.push(`### ${title}`, '', '| value | count | share |', '|---|---|---|');
    for (const r of rows) body.push(`| ${r.label} | ${r.count} | ${pct(r.count, n)} |`);
    body.push('');
  };
  table('Languages', languages);
  table('Intents', intents);
  table('Series types', seriesTypes);
  if (textual) {
    table('Sentiment', await repo.labelCounts(datasetId, 'sentiment'));
    table('Complexity', await repo.labelCounts(datasetId, 'complexity'));
    table('Resolution', await repo.labelCounts(datasetId, 'resolution'));
  }
  body.push('## Validation', '');
  if (report) {
    const r = report.report as unknown as ValidationReportData;
    const cell = (text: string) => text.replace(/\|/g, '/');
    body.push(
      `**Verdict: ${r.reason ?? `${r.overall.verdict}: score ${r.overall.score.toFixed(1)}`}**`,
      '',
      `Report v${report.version} (${report.createdAt.toISOString()})${r.reference ? ` against the reference "${r.reference.name}"` : ' without a reference'}: overall score **${r.overall.score.toFixed(1)}/100**${r.scoreInterval ? ` (range ${fmt(r.scoreInterval.low)}–${fmt(r.scoreInterval.high)} over the metrics' 95% intervals)` : ''} (${r.overall.verdict}).`,
    );
    if (r.gates?.length) {
      body.push('', '### Gates', '', '| gate | metric | value | verdict |', '|---|---|---|---|');
      for (const g of r.gates) {
        body.push(`| ${g.name} | ${g.metricId} | ${fmt(g.value)} | ${g.verdict} |`);
      }
    }
    if (r.coverage) {
      const c = r.coverage;
      body.push(
        '',
        '### Coverage',
        '',
        `${(c.items * 100).toFixed(0)}% of the items and ${(c.weight * 100).toFixed(0)}% of the score's weight were measured against a reference (a verdict needs ${(c.minimumWeight * 100).toFixed(0)}% of the weight).`,
      );
      if (c.parts.length) {
        body.push('', '| part | items | reference |', '|---|---|---|');
        for (const p of c.parts) {
          body.push(
            `| ${p.dimension.replace('_', ' ')} ${p.key} | ${p.items} | ${p.referenced ? 'yes' : '**none**'} |`,
          );
        }
      }
      if (c.notMeasured.length || c.missing.length) body.push('', '#### What was not checked', '');
      for (const m of c.notMeasured) body.push(`- ${m.name}: ${cell(m.reason)}`);
      for (const m of c.missing) body.push(`- Missing ${m.what}. To supply it: ${m.how}`);
    }
    body.push(
      '',
      '### Metrics',
      '',
      '| metric | value | 95% interval | real-vs-real band | verdict | note |',
      '|---|---|---|---|---|---|',
    );
    for (const m of r.metrics) {
      const band = m.band ? `${fmt(m.band.low)}–${fmt(m.band.high)}` : '';
      const interval = m.interval ? `${fmt(m.interval.low)}–${fmt(m.interval.high)}` : '';
      body.push(
        `| ${m.name} | ${fmt(m.value)} | ${interval} | ${band} | ${m.verdict} | ${cell(m.reason ?? '')} |`,
      );
    }
    if (r.bias)
      body.push(
        '',
        `Bias severity: **${r.bias.severity}**${r.bias.reasons.length ? ` (${r.bias.reasons.join('; ')})` : ''}.`,
      );
    if (r.judge) body.push('', ...judgeSection(r.judge, dataset.id));
  } else {
    body.push(
      'Not validated yet: run `pnpm genesis validate ' +
        String(dataset.id) +
        '` or validate it in the web app.',
    );
  }
  body.push('', '## Known limitations', '');
  if (dataset.origin === 'generated') {
    body.push(
      '- Synthetic data: every item was written by a model (or the offline local provider) and checked by schema rules, not by people. Labels are what was asked for; the text may not always show it as clearly as real customers do.',
      "- Distributions follow the job's targets, not real-world frequencies.",
      job?.provider === 'local'
        ? '- The local provider composes text from templates: less varied than real language, and Spanish is less varied than English.'
        : "- Model-written text can repeat phrasings across items and may carry the model's own biases.",
    );
  } else {
    body.push(
      '- Imported as is; GENESIS-LAB validated its records against the schema but did not review their content.',
    );
  }
  body.push('', '## Files', '', ...layout.files, '');
  return `${yaml.join('\n')}\n\n${body.join('\n')}`;
}
