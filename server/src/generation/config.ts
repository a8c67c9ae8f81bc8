import { randomInt } from 'node:crypto';
import {
  DEFAULT_COMPLEXITIES,
  DEFAULT_LANGUAGES,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SENTIMENTS,
  DEFAULT_SERIES_FREQUENCY,
  DEFAULT_SERIES_LENGTH,
  DEFAULT_SERIES_START,
  GENERATION_KINDS,
  type GenerationConfigInput,
  GenerationInputSchema,
  PROVIDERS,
} from '@genesis/schema/generation';
import { formatIssues } from '@genesis/schema/issues';
import { codedMessage } from '@genesis/schema/messages';
import { FREQUENCIES } from '@genesis/schema/timeseries';
import * as v from 'valibot';
import { DEFAULT_BEDROCK_MODEL } from '../llm/prices.ts';
import type { Config } from '../platform/config.ts';
import { InputError } from '../platform/errors.ts';

const Weights = v.record(v.string(), v.pipe(v.number(), v.finite(), v.minValue(0)));
const Count = v.pipe(v.number(), v.integer(), v.minValue(1));
const Nullable = <T extends v.GenericSchema>(schema: T) => v.nullable(schema);

/**
 * A job's configuration with every default filled in: what is stored with the job and what resume reuses. It is
 * re-validated whenever a stored job is read (`readStoredConfig`), so a row written by an older version or
 * edited by hand fails with a message instead of running with a wrong shape.
 */
export const GenerationConfigSchema = v.object({
  kind: v.picklist(GENERATION_KINDS),
  count: Count,
  name: v.string(),
  tags: v.array(v.string()),
  provider: v.picklist(PROVIDERS),
  model: v.string(),
  seed: v.pipe(v.number(), v.integer()),
  targets: v.object({
    intents: Nullable(Weights),
    languages: Weights,
    sentiments: Weights,
    complexities: Weights,
    resolutions: Weights,
    seriesTypes: Nullable(Weights),
  }),
  slotsPerCall: Count,
  concurrency: Count,
  rpm: Nullable(Count),
  tpm: Nullable(Count),
  budgetUsd: Nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
  frequency: v.picklist(FREQUENCIES),
  start: v.string(),
  length: Count,
  /**
   * Time series (jobs from before the calibrated engine lack these): the frequency was left to each type
   * (financial daily trading days, the rest `frequency`), the series' time zone (null: each type's
   * reference zone), the share of series with anomalies, and the engine.
   */
  frequencyByType: v.optional(v.boolean()),
  timeZone: v.optional(Nullable(v.string())),
  anomalyShare: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  engine: v.optional(v.picklist(['calibrated', 'original'])),
  /** Time series: the imported dataset the engine was calibrated on (null: the shipped reference parameters). */
  likeDatasetId: v.optional(Nullable(v.string())),
  maxConsecutiveFailures: Count,
  maxAttemptsPerSlot: Count,
  exampleDatasetId: Nullable(v.string()),
  mode: v.picklist(['on_demand', 'batch', 'auto']),
  /**
   * Conversations from an augmentation plan (absent on other jobs and on jobs from before plans): exact items per
   * intent, which replace `targets.intents`, and the intents each intent's items must not be mistaken for.
   */
  intentCounts: v.optional(
    Nullable(v.record(v.string(), v.pipe(v.number(), v.integer(), v.minValue(0)))),
  ),
  notIntents: v.optional(Nullable(v.record(v.string(), v.array(v.string())))),
  /** Seeded generation: real customer messages per intent, carried by its slots as `examples`. */
  intentExamples: v.optional(Nullable(v.record(v.string(), v.array(v.string())))),
  /**
   * Seeded generation: how many of its intent's `intentExamples` each slot carries (a seeded draw per slot).
   * Absent on seeded jobs from before it: each of their slots carried all of them.
   */
  seedsPerSlot: v.optional(Count),
});
export type GenerationConfig = v.InferOutput<typeof GenerationConfigSchema>;

/**
 * Real texts one slot of a seeded job carries, drawn from its intent's `intentExamples` (docs/generation.md,
 * "Seeds"): enough for a few-shot prompt and for the local writer's recombinations, few enough that each item
 * is seeded from a known handful of texts, which cross-validation keeps away from the folds that test them
 * (docs/curation.md, "Augment"). With every seed on every slot, every seeded item would be left out of every fold.
 */
export const SEEDS_PER_SLOT = 3;

/** A stored job's configuration, checked against the schema; throws a readable error naming the fields. */
export function readStoredConfig(jobId: number, stored: unknown): GenerationConfig {
  const result = v.safeParse(GenerationConfigSchema, stored);
  if (result.success) return result.output;
  const problems = formatIssues(result.issues)
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`);
  throw new Error(
    `generation job ${jobId} has an invalid stored configuration (${problems.join('; ')})`,
  );
}

/**
 * Checks a generation request against the schema: the one check every entry point (GraphQL, CLI) goes through.
 * Throws an InputError naming each bad field.
 */
export function parseGenerationInput(raw: unknown): GenerationConfigInput {
  const parsed = v.safeParse(GenerationInputSchema, raw);
  if (!parsed.success) throw InputError.fromIssues(parsed.issues);
  return parsed.output;
}

/**
 * Typical stored size (JSON, as in the registry and a JSONL export), measured on generated data: a time series
 * costs about 34 bytes per point (value and timestamp) plus 650 for its labels and description; a conversation
 * about 1 KB.
 */
const BYTES_PER_POINT = 34;
const BYTES_PER_SERIES = 650;
const BYTES_PER_CONVERSATION = 1000;

/** How big a job's dataset would be: items, points (series x length; one per conversation) and bytes. */
export function jobSize(config: Pick<GenerationConfig, 'kind' | 'count' | 'length'>): {
  items: number;
  points: number;
  bytes: number;
} {
  if (config.kind === 'timeseries') {
    const points = config.count * config.length;
    return {
      items: config.count,
      points,
      bytes: points * BYTES_PER_POINT + config.count * BYTES_PER_SERIES,
    };
  }
  return {
    items: config.count,
    points: config.count,
    bytes: config.count * BYTES_PER_CONVERSATION,
  };
}

/** A byte count for people: 1.2 GB, 340 MB, 12 KB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value >= 100 ? Math.round(value) : value.toPrecision(2)} ${units[unit]}`;
}

/**
 * Refuses a job bigger than the server allows (GENESIS_MAX_JOB_POINTS), before anything is created: located at
 * `length` when the request set it (series too long for their number), else at `count`.
 */
function checkJobSize(config: GenerationConfig, input: GenerationConfigInput, server: Config) {
  const size = jobSize(config);
  if (size.points <= server.maxJobPoints) return;
  const n = (x: number) => x.toLocaleString('en');
  const common = {
    count: n(config.count),
    size: formatBytes(size.bytes),
    limit: n(server.maxJobPoints),
  };
  throw new InputError([
    {
      path: config.kind === 'timeseries' && input.length !== undefined ? 'length' : 'count',
      ...(config.kind === 'timeseries'
        ? codedMessage('generation.tooLargeSeries', {
            ...common,
            length: n(config.length),
            points: n(size.points),
          })
        : codedMessage(
            config.kind === 'conversations'
              ? 'generation.tooLargeConversations'
              : 'generation.tooLargeUtterances',
            common,
          )),
    },
  ]);
}

/**
 * Fills the defaults of a validated input (provider and model default from the server's configuration) and
 * refuses a job over the server's size cap.
 */
export function resolveConfig(input: GenerationConfigInput, server: Config): GenerationConfig {
  const config = fillDefaults(input, server);
  checkJobSize(config, input, server);
  return config;
}

/** An OpenAI-compatible server has no default model: the request's, or GENESIS_OPENAI_MODEL. */
function openaiModel(model: string | undefined, server: Config): string {
  const chosen = model ?? server.openai.model;
  if (!chosen) {
    throw new InputError([{ path: 'model', ...codedMessage('generation.openaiModel') }]);
  }
  return chosen;
}

function fillDefaults(input: GenerationConfigInput, server: Config): GenerationConfig {
  const provider = input.provider ?? server.provider;
  const t = input.targets ?? {};
  return {
    kind: input.kind,
    count: input.count,
    name: input.name ?? `${input.kind} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    tags: input.tags ?? [],
    provider,
    model:
      provider === 'local'
        ? 'local'
        : provider === 'openai'
          ? openaiModel(input.model, server)
          : (input.model ?? server.bedrockModel ?? DEFAULT_BEDROCK_MODEL),
    seed: input.seed ?? randomInt(0, 2 ** 31 - 1),
    targets: {
      // Exact counts are also the shares, for what reads the targets (the bias report).
      intents: t.intents ?? input.intentCounts ?? null,
      languages: t.languages ?? { ...DEFAULT_LANGUAGES },
      sentiments: t.sentiments ?? { ...DEFAULT_SENTIMENTS },
      complexities: t.complexities ?? { ...DEFAULT_COMPLEXITIES },
      resolutions: t.resolutions ?? { ...DEFAULT_RESOLUTIONS },
      seriesTypes: t.seriesTypes ?? null,
    },
    // Local answers are instant, so bigger calls only cut overhead; LLM answers must fit maxTokens.
    slotsPerCall:
      input.slotsPerCall ?? (provider === 'local' ? 10 : input.kind === 'conversations' ? 4 : 8),
    concurrency: input.concurrency ?? (provider === 'local' ? 4 : 8),
    rpm: input.rpm ?? null,
    tpm: input.tpm ?? null,
    budgetUsd: input.budgetUsd ?? null,
    frequency: input.frequency ?? DEFAULT_SERIES_FREQUENCY,
    frequencyByType: input.frequency === undefined,
    timeZone: input.timeZone ?? null,
    anomalyShare: input.anomalyShare ?? 0,
    engine: 'calibrated',
    likeDatasetId: input.likeDatasetId ?? null,
    start: input.start ?? DEFAULT_SERIES_START,
    length: input.length ?? DEFAULT_SERIES_LENGTH,
    maxConsecutiveFailures: input.maxConsecutiveFailures ?? 25,
    maxAttemptsPerSlot: input.maxAttemptsPerSlot ?? 4,
    exampleDatasetId: input.exampleDatasetId ?? null,
    mode: input.mode ?? 'on_demand',
    ...(input.intentCounts ? { intentCounts: input.intentCounts } : {}),
    ...(input.notIntents ? { notIntents: input.notIntents } : {}),
    ...(input.intentExamples
      ? { intentExamples: input.intentExamples, seedsPerSlot: SEEDS_PER_SLOT }
      : {}),
  };
}
