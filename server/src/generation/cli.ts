import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { DatasetNameSchema } from '@genesis/schema/common';
import {
  MAX_GENERATION_COUNT,
  MAX_INTENT_EXAMPLES,
  MAX_JOB_SERIES_LENGTH,
} from '@genesis/schema/generation';
import type { GenerationProgress } from '@genesis/schema/progress';
import { FREQUENCIES } from '@genesis/schema/timeseries';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  commandConfig,
  csvList,
  parseDatasetId,
  parseIntArg,
  parseMoney,
  validated,
} from '../platform/cli.ts';
import type { Config } from '../platform/config.ts';
import { initORM } from '../platform/db/orm.ts';
import { InputError, ProviderConfigError } from '../platform/errors.ts';
import { createAppPubSub } from '../platform/pubsub.ts';
import { exportRecords } from '../registry/export.ts';
import { formatBytes, parseGenerationInput, resolveConfig } from './config.ts';
import { estimateGeneration, learnedFor } from './estimate.ts';
import { GenerationJobSchema } from './generation-job.entity.ts';
import { IntentExamplesFileError, readIntentExamples } from './intent-examples.ts';
import { GenerationManager } from './service.ts';

export interface GenerateOptions {
  kind?: 'conversations' | 'timeseries';
  count?: number;
  length?: number;
  frequency?: string;
  start?: string;
  timeZone?: string;
  anomalyShare?: number;
  like?: number;
  provider?: 'local' | 'bedrock' | 'openai';
  model?: string;
  languages?: string[];
  intents?: string[];
  intentCounts?: Record<string, number>;
  notIntents?: Record<string, string[]>;
  intentExamples?: Record<string, string[]>;
  seriesTypes?: string[];
  concurrency?: number;
  slotsPerCall?: number;
  rpm?: number;
  tpm?: number;
  budget?: number;
  seed?: number;
  name?: string;
  out?: string;
  examples?: number;
  mode?: 'on_demand' | 'batch' | 'auto';
  dryRun?: boolean;
  resume?: number;
  json?: boolean;
}

const equal = (list: string[] | undefined) =>
  list ? Object.fromEntries(list.map((k) => [k, 1])) : undefined;

function inputFrom(opts: GenerateOptions): unknown {
  const targets = Object.fromEntries(
    Object.entries({
      languages: equal(opts.languages),
      intents: equal(opts.intents),
      seriesTypes: equal(opts.seriesTypes),
    }).filter(([, w]) => w !== undefined),
  );
  // Without --count, a job with exact per-intent counts is their sum (capped: a sum over the limit is reported
  // once, at --intent-counts).
  const count =
    opts.count ??
    (opts.intentCounts
      ? Math.max(
          1,
          Math.min(
            MAX_GENERATION_COUNT,
            Object.values(opts.intentCounts).reduce((a, b) => a + b, 0),
          ),
        )
      : undefined);
  const input: Record<string, unknown> = {
    kind: opts.kind,
    count,
    length: opts.length,
    frequency: opts.frequency,
    start: opts.start,
    timeZone: opts.timeZone,
    anomalyShare: opts.anomalyShare,
    likeDatasetId: opts.like !== undefined ? String(opts.like) : undefined,
    provider: opts.provider,
    model: opts.model,
    targets,
    concurrency: opts.concurrency,
    slotsPerCall: opts.slotsPerCall,
    rpm: opts.rpm,
    tpm: opts.tpm,
    budgetUsd: opts.budget,
    seed: opts.seed,
    name: opts.name,
    exampleDatasetId: opts.examples !== undefined ? String(opts.examples) : undefined,
    mode: opts.mode,
    intentCounts: opts.intentCounts,
    notIntents: opts.notIntents,
    intentExamples: opts.intentExamples,
  };
  return Object.fromEntries(Object.entries(input).filter(([, x]) => x !== undefined));
}

/** The flag each request field comes from, so an input problem names what the user typed. */
const FLAGS: Record<string, string> = {
  kind: '--kind',
  count: '--count',
  length: '--length',
  frequency: '--frequency',
  start: '--start',
  timeZone: '--time-zone',
  anomalyShare: '--anomaly-share',
  likeDatasetId: '--like',
  provider: '--provider',
  model: '--model',
  'targets.languages': '--languages',
  'targets.intents': '--intents',
  'targets.seriesTypes': '--series-types',
  concurrency: '--concurrency',
  slotsPerCall: '--slots-per-call',
  rpm: '--rpm',
  tpm: '--tpm',
  budgetUsd: '--budget',
  seed: '--seed',
  name: '--name',
  exampleDatasetId: '--examples',
  mode: '--mode',
  intentCounts: '--intent-counts',
  notIntents: '--not-intents',
  intentExamples: '--intent-examples',
};

/** The flag of an issue's path, or of its nearest parent (`intentCounts.card_arrival` is --intent-counts). */
function flagOf(path: string): string {
  for (let p = path; p; p = p.slice(0, Math.max(0, p.lastIndexOf('.')))) {
    const flag = FLAGS[p];
    if (flag) return flag;
  }
  return path;
}

/** "--length: length must be at most 100000" from an InputError's issues. */
function flagIssues(err: InputError): string {
  return err.issues.map((i) => `${flagOf(i.path)}: ${i.message}`).join('; ');
}

/**
 * A per-intent option's value: inline (`a=3,b=5`), or a JSON file holding an object keyed by intent or a list
 * of `{ intent, ... }` entries (the GraphQL input's shape). Returns the entries in order; an intent given twice
 * is refused.
 */
function perIntentEntries(value: string, flag: string, field: string): [string, unknown][] {
  const raw = value.trim();
  let entries: [string, unknown][];
  if (raw.includes('=')) {
    entries = raw
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf('=');
        const intent = part.slice(0, at).trim();
        if (at <= 0 || !intent) {
          throw new InvalidArgumentError(
            `${flag}: expected intent=value pairs separated by commas; got '${part}'.`,
          );
        }
        return [intent, part.slice(at + 1).trim()];
      });
  } else {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(resolve(raw), 'utf8'));
    } catch (err) {
      const why =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new InvalidArgumentError(
        `${flag}: '${raw}' is neither intent=value pairs nor a readable JSON file (${why}).`,
      );
    }
    if (Array.isArray(json)) {
      entries = json.map((entry, i) => {
        const e = entry as Record<string, unknown> | null;
        if (!e || typeof e.intent !== 'string' || !(field in e)) {
          throw new InvalidArgumentError(
            `${flag}: entry ${i + 1} of ${raw} must be an object with "intent" and "${field}".`,
          );
        }
        return [e.intent, e[field]];
      });
    } else if (json && typeof json === 'object') {
      entries = Object.entries(json);
    } else {
      throw new InvalidArgumentError(
        `${flag}: ${raw} must hold a JSON object keyed by intent or a list of { "intent", "${field}" }.`,
      );
    }
  }
  if (entries.length === 0) throw new InvalidArgumentError(`${flag} needs at least one intent.`);
  const twice = entries.map(([k]) => k).filter((k, i, all) => all.indexOf(k) !== i);
  if (twice.length > 0) {
    throw new InvalidArgumentError(
      `${flag} gives ${[...new Set(twice)].join(', ')} more than once.`,
    );
  }
  return entries;
}

/**
 * `--intent-counts card_arrival=30,exchange_rate=10`, or a JSON file (`{ "card_arrival": 30 }` or
 * `[{ "intent": "card_arrival", "count": 30 }]`). Whole numbers only here; the job's checks (intent ids, at least
 * 1 each, the sum) are the API's.
 */
export function parseIntentCounts(value: string): Record<string, number> {
  return Object.fromEntries(
    perIntentEntries(value, '--intent-counts', 'count').map(([intent, count]) => {
      const n = typeof count === 'string' && /^-?\d+$/.test(count) ? Number(count) : count;
      if (typeof n !== 'number' || !Number.isInteger(n)) {
        throw new InvalidArgumentError(
          `--intent-counts: the count of ${intent} must be a whole number; got ${JSON.stringify(count)}.`,
        );
      }
      return [intent, n];
    }),
  );
}

/**
 * `--not-intents card_arrival=card_delivery_estimate+card_linking,exchange_rate=exchange_charge` (the intents
 * after `=` joined by `+`), or a JSON file (`{ "card_arrival": ["card_linking"] }` or
 * `[{ "intent": "card_arrival", "notIntents": ["card_linking"] }]`).
 */
export function parseNotIntents(value: string): Record<string, string[]> {
  return Object.fromEntries(
    perIntentEntries(value, '--not-intents', 'notIntents').map(([intent, list]) => {
      const ids =
        typeof list === 'string'
          ? list
              .split('+')
              .map((x) => x.trim())
              .filter(Boolean)
          : list;
      if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string')) {
        throw new InvalidArgumentError(
          `--not-intents: ${intent} needs one or more intent ids (a+b inline, a list of strings in a file).`,
        );
      }
      return [intent, ids as string[]];
    }),
  );
}

/**
 * `--intent-examples FILE`: real customer messages per intent for a seeded job (docs/generation.md, "Seeds"), read
 * by the same reader as the API's `readIntentExamples` (`generation/intent-examples.ts`: JSON or `intent,text` CSV;
 * an empty text or too many examples is refused with its line, entry or key); the API checks the rest (known
 * intent ids, length, conversations only) and its messages name the flag.
 */
export function parseIntentExamples(value: string): Record<string, string[]> {
  const file = value.trim();
  let raw: string;
  try {
    raw = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new InvalidArgumentError(`--intent-examples: cannot read '${file}' (${why}).`);
  }
  try {
    return readIntentExamples(raw, file);
  } catch (err) {
    if (err instanceof IntentExamplesFileError) {
      throw new InvalidArgumentError(`--intent-examples: ${err.message}.`);
    }
    throw err;
  }
}

/** Frequency names people type (hourly, daily, 15min, 1h) as the schema's aliases. */
const FREQUENCY_NAMES: Record<string, (typeof FREQUENCIES)[number]> = {
  hourly: '1H',
  daily: '1D',
  weekly: '1W',
  ...Object.fromEntries(FREQUENCIES.map((f) => [f.toLowerCase(), f])),
};

export function parseFrequency(value: string): string {
  const f = FREQUENCY_NAMES[value.trim().toLowerCase()];
  if (!f) {
    throw new InvalidArgumentError(
      `--frequency must be one of hourly, daily, weekly, ${FREQUENCIES.join(', ')}; got '${value}'.`,
    );
  }
  return f;
}

export function parseShare(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError(`--anomaly-share must be a number within 0..1; got '${value}'.`);
  }
  return n;
}

/** `genesis generate`'s exit code for a job that finished with fewer items than requested (`completed_short`). */
export const EXIT_COMPLETED_SHORT = 3;

function usageError(message: string): number {
  process.stderr.write(`error: ${message}\n(run \`pnpm genesis generate --help\` for usage)\n`);
  return 2;
}

/** A duration for people: "under a second", "about 40 s", "3 min", "1 h 20 min" (never "0 min"). */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

function fmtMoney(n: number | null): string {
  return n === null ? 'n/a' : `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;
}

/** `genesis generate`: runs a job in this process with a progress bar; Ctrl+C leaves it resumable. */
export async function runGenerate(server: Config, opts: GenerateOptions): Promise<number> {
  if (opts.resume === undefined && (!opts.kind || (!opts.count && !opts.intentCounts))) {
    return usageError(
      '--kind and --count are required (or --intent-counts, whose sum is the count; or --resume JOB)',
    );
  }
  const input = inputFrom(opts);
  if (opts.resume === undefined) {
    let config: ReturnType<typeof resolveConfig>;
    try {
      // The same checks as the job's start, the size cap included, before anything is opened.
      config = resolveConfig(parseGenerationInput(input), server);
    } catch (err) {
      if (err instanceof InputError) return usageError(flagIssues(err));
      throw err;
    }
    if (opts.dryRun) {
      // Learns from this registry's finished jobs of the same provider, model and kind (estimate.ts).
      const services = await initORM(server.db);
      let e: ReturnType<typeof estimateGeneration>;
      try {
        const learned = await learnedFor(services.em.fork(), config);
        e = estimateGeneration(config, server.prices, server.batch, learned);
      } finally {
        await services.close();
      }
      if (opts.json) process.stdout.write(`${JSON.stringify({ config, estimate: e }, null, 2)}\n`);
      else {
        process.stdout.write(
          [
            `Estimate for ${config.count} ${config.kind} with ${config.provider}${config.provider !== 'local' ? ` (${config.model})` : ''}:`,
            e.mode === 'batch'
              ? `  batch records: ${e.calls} (${Math.min(config.slotsPerCall, 5)} items per record, Bedrock batch inference)`
              : `  model calls:   ${e.calls} (${config.slotsPerCall} items per call)`,
            `  tokens:        ${e.inputTokens.toLocaleString('en')} in (+${e.cacheReadTokens.toLocaleString('en')} cached), ${e.outputTokens.toLocaleString('en')} out`,
            `  cost:          ${fmtMoney(e.costUsd)}`,
            `  size:          ${config.kind === 'timeseries' ? `${e.items.toLocaleString('en')} series x ${config.length.toLocaleString('en')} points = ${e.points.toLocaleString('en')} points` : `${e.items.toLocaleString('en')} items`}, about ${formatBytes(e.bytes)} (limit ${server.maxJobPoints.toLocaleString('en')} points per job, GENESIS_MAX_JOB_POINTS)`,
            e.mode === 'batch'
              ? `  time:          up to ${Math.round(e.seconds / 3600)} h (${e.limitedBy}; batch price, no per-minute quota)`
              : `  time:          ${e.seconds < 1 ? '' : 'about '}${formatDuration(e.seconds)} (limited by ${e.limitedBy})`,
            e.basis
              ? `  based on:      ${e.basis.jobs} finished ${e.basis.jobs === 1 ? 'job' : 'jobs'} (${e.basis.items.toLocaleString('en')} items) with this provider, model and kind`
              : '  based on:      the documented prior (no finished job with this provider, model and kind yet)',
            '',
          ].join('\n'),
        );
      }
      return 0;
    }
  }

  const services = await initORM(server.db);
  const pubsub = createAppPubSub();
  // Job log lines (job id on each) go to stderr; warnings only unless GENESIS_LOG_LEVEL asks for more,
  // so the progress bar stays readable.
  const { createLogger } = await import('../platform/logger.ts');
  const logger = createLogger(
    { logLevel: process.env.GENESIS_LOG_LEVEL ? server.logLevel : 'warn' },
    { stderr: true },
  );
  const manager = new GenerationManager(services, pubsub, server, undefined, { logger });
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    void manager.stopAll();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let jobId: number;
    try {
      jobId =
        opts.resume !== undefined
          ? (
              await manager.resume(
                opts.resume,
                opts.budget !== undefined ? { budgetUsd: opts.budget } : {},
              )
            ).id
          : (await manager.start(input)).id;
    } catch (err) {
      if (err instanceof InputError) return usageError(flagIssues(err));
      if (err instanceof ProviderConfigError) {
        process.stderr.write(`error: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    const bar =
      process.stderr.isTTY && !opts.json
        ? new cliProgress.SingleBar(
            {
              format:
                'generating [{bar}] {percentage}% | {value}/{total} | {rate}/min | ETA {etaText} | {cost} | retries {retries}',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    let last: GenerationProgress | null = await manager.progress(jobId);
    if (bar && last) bar.start(last.requested, last.accepted, barPayload(last));
    const events = pubsub.subscribe('generation:progress', jobId);
    const watching = (async () => {
      for await (const p of events) {
        last = p;
        bar?.update(p.accepted + p.rejected, barPayload(p));
      }
    })();
    const result = await manager.wait(jobId);
    await events.return(undefined);
    await watching;
    bar?.stop();
    const final = (await manager.progress(jobId))!;
    if (opts.out && final.datasetId) {
      const out = createWriteStream(resolve(opts.out));
      const em = services.em.fork();
      for await (const chunk of exportRecords(
        final.kind,
        services.datasets(em).streamItems(final.datasetId) as never,
        'jsonl',
      )) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      out.end();
      await finished(out);
    }
    const summary = {
      jobId: String(jobId),
      datasetId: final.datasetId === null ? null : String(final.datasetId),
      status: final.status,
      message: final.message,
      requested: final.requested,
      accepted: final.accepted,
      rejected: final.rejected,
      retries: final.retries,
      throttles: final.throttles,
      /** Missing items of a `completed_short` job (requested minus accepted). */
      shortfall: final.status === 'completed_short' ? final.requested - final.accepted : 0,
      calls: final.calls,
      inputTokens: final.inputTokens,
      outputTokens: final.outputTokens,
      cacheReadTokens: final.cacheReadTokens,
      cacheWriteTokens: final.cacheWriteTokens,
      costUsd: final.costUsd,
      itemsPerMinute: final.itemsPerMinute,
      rejectionReasons: final.rejectionReasons,
      /** The estimate made when the job was created, to compare with the figures above. */
      estimate:
        (await services.em.fork().findOne(GenerationJobSchema, jobId, { fields: ['estimate'] }))
          ?.estimate ?? null,
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const lines = [
        `Job ${jobId} ${final.status}: ${final.accepted}/${final.requested} accepted, ${final.rejected} rejected, ${final.retries} retries, cost ${fmtMoney(final.costUsd)}`,
        `Dataset ${final.datasetId}${opts.out ? ` (also written to ${opts.out})` : ''}`,
      ];
      if (final.message) lines.push(final.message);
      if (final.status !== 'completed')
        lines.push(
          final.status === 'completed_short'
            ? `Top it up with: pnpm genesis generate --resume ${jobId}`
            : `Resume with: pnpm genesis generate --resume ${jobId}`,
        );
      for (const r of final.rejectionReasons.slice(0, 5))
        lines.push(`  rejected ${r.count}x: ${r.reason}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (interrupted) return 130;
    if (result?.status === 'queued') return 1; // another process holds the job (its message says so)
    // Exit codes: 0 completed, 1 paused/failed/cancelled, 2 usage, 3 completed short of the count, 130 Ctrl+C.
    if (final.status === 'completed_short') return EXIT_COMPLETED_SHORT;
    return final.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await manager.stopAll();
    await services.close();
  }
}

function barPayload(p: GenerationProgress) {
  return {
    rate: Math.round(p.itemsPerMinute),
    etaText:
      p.etaSeconds === null
        ? '?'
        : `${Math.floor(p.etaSeconds / 60)}m${String(p.etaSeconds % 60).padStart(2, '0')}s`,
    cost: fmtMoney(p.costUsd),
    retries: p.retries,
  };
}

/** Registers the generation commands on the `genesis` program. */
export function registerGenerationCommands(program: Command): void {
  program
    .command('generate')
    .description(
      'generate a dataset with the local provider, Bedrock or an OpenAI-compatible server (progress bar and ETA on a terminal)',
    )
    .addOption(
      new Option('--kind <kind>', 'what to generate').choices(['conversations', 'timeseries']),
    )
    .option('--count <n>', 'how many items', parseIntArg('--count', 1, 100_000))
    .option(
      '--length <n>',
      'time series: points per series (default 504: three weeks hourly, two years of trading days for financial types)',
      parseIntArg('--length', 1, MAX_JOB_SERIES_LENGTH),
    )
    .option(
      '--frequency <f>',
      'time series: hourly, daily, weekly or 1min, 5min, 10min, 15min, 30min (default hourly; financial types daily trading days)',
      parseFrequency,
    )
    .option(
      '--start <iso>',
      'time series: first timestamp of every series, ISO-8601 (default 2025-01-06T00:00:00Z); calibrated series take the season of their dates',
    )
    .option(
      '--time-zone <zone>',
      "time series: IANA zone of the series' clock, e.g. Europe/Madrid (default each type's reference zone)",
    )
    .option(
      '--anomaly-share <share>',
      'time series: share of the series with anomalies, 0..1 (default 0: none)',
      parseShare,
    )
    .option(
      '--like <dataset>',
      'time series: calibrate the engine on this imported time-series dataset (levels, profiles, noise)',
      parseDatasetId,
    )
    .addOption(
      new Option(
        '--provider <name>',
        'model provider (default: GENESIS_PROVIDER or local)',
      ).choices(['local', 'bedrock', 'openai']),
    )
    .option(
      '--model <id>',
      "Bedrock model id or inference profile, or the OpenAI-compatible server's model (default GENESIS_OPENAI_MODEL)",
    )
    .option('--languages <list>', 'languages, equally weighted (e.g. en,es)', (s) =>
      csvList(s, '--languages'),
    )
    .option('--intents <list>', 'only these intents, equally weighted', (s) =>
      csvList(s, '--intents'),
    )
    .option(
      '--intent-counts <spec>',
      'conversations: exactly this many items per intent, inline (card_arrival=30,exchange_rate=10) or a JSON file ({"card_arrival": 30} or [{"intent": "card_arrival", "count": 30}]); --count defaults to their sum',
      parseIntentCounts,
    )
    .option(
      '--not-intents <spec>',
      'conversations: per intent, the intents its items must not be mistaken for, inline (card_arrival=card_linking+card_delivery_estimate,...) or a JSON file ({"card_arrival": ["card_linking"]})',
      parseNotIntents,
    )
    .option(
      '--intent-examples <file>',
      `conversations: real customer messages per intent to seed the writing with (each slot carries a few; the Bedrock prompt shows them as few-shot examples), a JSON file ({"card_arrival": ["where is my card?"]}) or a CSV file of intent,text rows; at most ${MAX_INTENT_EXAMPLES} per intent`,
      parseIntentExamples,
    )
    .option('--series-types <list>', 'only these series types, equally weighted', (s) =>
      csvList(s, '--series-types'),
    )
    .option('--concurrency <n>', 'most model calls at once', parseIntArg('--concurrency', 1, 64))
    .option(
      '--slots-per-call <n>',
      'items asked per model call',
      parseIntArg('--slots-per-call', 1, 20),
    )
    .option('--rpm <n>', 'requests per minute to stay under', parseIntArg('--rpm', 1, 1_000_000))
    .option('--tpm <n>', 'tokens per minute to stay under', parseIntArg('--tpm', 1, 1_000_000_000))
    .option('--budget <usd>', 'stop before the cost exceeds this', parseMoney)
    .option(
      '--seed <n>',
      'seed for a reproducible plan and local output',
      parseIntArg('--seed', 0, 2 ** 31 - 1),
    )
    .option('--name <name>', 'dataset name', validated(DatasetNameSchema))
    .option(
      '--examples <dataset>',
      'draw few-shot examples from this dataset (e.g. imported Banking77)',
      parseDatasetId,
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'Bedrock on demand, batch inference (half price, no per-minute quota, results within hours), or auto (batch above GENESIS_BATCH_AUTO_MIN items)',
      ).choices(['on_demand', 'batch', 'auto']),
    )
    .option('--out <file>', 'also write the dataset to this JSONL file')
    .option(
      '--dry-run',
      'print the estimate (calls, tokens, cost, time, size) without calling the model',
    )
    .option('--resume <job>', 'resume an interrupted, paused or cancelled job', parseDatasetId)
    .option('--json', 'print the result as JSON')
    .action(async (opts: GenerateOptions) => {
      process.exitCode = await runGenerate(commandConfig(program), opts);
    });
}
