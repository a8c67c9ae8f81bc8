/**
 * What a user asks of a generation job. The same schema validates the GraphQL input, the CLI flags and the
 * web form, so a wrong value gets the same message everywhere.
 */
import * as v from 'valibot';
import { INTENT_IDS } from './catalog/intents.ts';
import { SERIES_TYPE_IDS } from './catalog/series.ts';
import {
  COMPLEXITIES,
  DatasetNameSchema,
  isoTimestampField,
  LANGUAGES,
  RESOLUTIONS,
  SENTIMENTS,
  safeText,
  TagsSchema,
} from './common.ts';
import { issueMessage } from './messages.ts';
import { FREQUENCIES, type Frequency, frequencyMs } from './timeseries.ts';

export const GENERATION_KINDS = ['conversations', 'timeseries'] as const;
export type GenerationKind = (typeof GENERATION_KINDS)[number];

export const PROVIDERS = ['local', 'bedrock', 'openai'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The most items one job may ask for. */
export const MAX_GENERATION_COUNT = 100_000;

/** The keys of `input` that are not among `allowed`, quoted: `"foo", "bar"`. */
function unknownKeys(input: unknown, allowed: readonly string[]): string {
  return Object.keys(input as object)
    .filter((k) => !allowed.includes(k))
    .map((k) => `"${k}"`)
    .join(', ');
}

/**
 * Target shares: `{ en: 0.5, es: 0.5 }`. Weights need not sum to 1 (they are normalised), but each must be
 * finite and >= 0, at least one > 0, their sum finite (1e308 + 1e308 is Infinity, and every share would be
 * 0), and every key one of `allowed`.
 */
function weights<const T extends readonly string[]>(field: string, allowed: T) {
  return v.pipe(
    v.record(
      v.string(),
      v.pipe(
        v.number(issueMessage('weights.notNumber', { field })),
        v.finite(issueMessage('weights.notFinite', { field })),
        v.minValue(0, issueMessage('weights.negative', { field })),
      ),
    ),
    v.check(
      (w) => Object.keys(w).every((k) => allowed.includes(k)),
      allowed.length > 12
        ? issueMessage('weights.keysMany', (issue) => ({
            field,
            count: allowed.length,
            keys: unknownKeys(issue.input, allowed),
          }))
        : issueMessage('weights.keys', (issue) => ({
            field,
            allowed: allowed.join(', '),
            keys: unknownKeys(issue.input, allowed),
          })),
    ),
    v.check((w) => Object.values(w).some((x) => x > 0), issueMessage('weights.allZero', { field })),
    v.check(
      (w) => Number.isFinite(Object.values(w).reduce((sum, x) => sum + x, 0)),
      issueMessage('weights.sumTooLarge', { field }),
    ),
  );
}

export const DEFAULT_LANGUAGES = { en: 0.5, es: 0.5 } as const;
export const DEFAULT_SENTIMENTS = { positive: 0.3, neutral: 0.5, negative: 0.2 } as const;
export const DEFAULT_COMPLEXITIES = { simple: 0.3, medium: 0.5, complex: 0.2 } as const;
export const DEFAULT_RESOLUTIONS = { resolved: 0.7, unresolved: 0.15, escalated: 0.15 } as const;

export const GenerationTargetsSchema = v.object({
  /** Intent weights; default every intent equally. */
  intents: v.optional(weights('intents', INTENT_IDS)),
  languages: v.optional(weights('languages', LANGUAGES)),
  sentiments: v.optional(weights('sentiments', SENTIMENTS)),
  complexities: v.optional(weights('complexities', COMPLEXITIES)),
  resolutions: v.optional(weights('resolutions', RESOLUTIONS)),
  /** Series-type weights; default the domain shares (electricity 50%, energy 20%, sensors 20%, financial 10%). */
  seriesTypes: v.optional(weights('seriesTypes', SERIES_TYPE_IDS)),
});
export type GenerationTargets = v.InferOutput<typeof GenerationTargetsSchema>;

/**
 * Time series of a job: the defaults of `frequency`, `start` and `length` when a request leaves them out. Three
 * weeks of hourly points (504), so a series holds its weekly pattern three times over and the weekly seasonality
 * can be measured; financial types default to daily trading days (504 of them, two years) instead of hourly.
 */
export const DEFAULT_SERIES_FREQUENCY: Frequency = '1H';
export const DEFAULT_FINANCIAL_FREQUENCY: Frequency = '1D';
export const DEFAULT_SERIES_START = '2025-01-06T00:00:00Z';
export const DEFAULT_SERIES_LENGTH = 24 * 21;
/** Longest series a job may ask for (points). */
export const MAX_JOB_SERIES_LENGTH = 100_000;

/** Series start on or after 1970 and end before 2100: dates every store, chart and library handles. */
export const SERIES_EARLIEST = '1970-01-01T00:00:00Z';
export const SERIES_LATEST = '2100-01-01T00:00:00Z';
const EARLIEST_MS = Date.parse(SERIES_EARLIEST);
const LATEST_MS = Date.parse(SERIES_LATEST);

const positiveInt = (field: string, max: number) =>
  v.pipe(
    v.number(issueMessage('value.notNumber', { field })),
    v.integer(issueMessage('value.notInteger', { field })),
    v.minValue(1, issueMessage('value.atLeast', { field, min: 1 })),
    v.maxValue(max, issueMessage('value.atMost', { field, max })),
  );

/** The most intents one intent's items may be contrasted with. */
export const MAX_NOT_INTENTS = 5;

const intentKeys = <T extends Record<string, unknown>>(field: string) =>
  v.check<T, (issue: v.CheckIssue<T>) => string>(
    (w) => Object.keys(w).every((k) => INTENT_IDS.includes(k)),
    issueMessage<v.CheckIssue<T>>('intents.unknownKeys', (issue) => ({
      field,
      keys: unknownKeys(issue.input, INTENT_IDS),
    })),
  );

/**
 * Exact items per intent: whole numbers of at least 1 (an intent left out gets none), at least one intent, and
 * together at most a job's size.
 */
export const IntentCountsSchema = v.pipe(
  v.record(
    v.string(),
    v.pipe(
      v.number(issueMessage('intentCounts.notNumber')),
      v.integer(issueMessage('intentCounts.notInteger')),
      v.minValue(1, issueMessage('intentCounts.atLeast')),
      v.maxValue(
        MAX_GENERATION_COUNT,
        issueMessage('intentCounts.atMost', { max: MAX_GENERATION_COUNT }),
      ),
    ),
  ),
  intentKeys<Record<string, number>>('intentCounts'),
  v.check((w) => Object.keys(w).length > 0, issueMessage('intentCounts.empty')),
  v.check(
    (w) => Object.values(w).reduce((a, b) => a + b, 0) <= MAX_GENERATION_COUNT,
    issueMessage('intentCounts.sumTooLarge', (issue) => ({
      sum: Object.values(issue.input as Record<string, number>).reduce((a, b) => a + b, 0),
      max: MAX_GENERATION_COUNT,
    })),
  ),
);

/** Per intent, the intents its items must be told apart from (known ids, not itself, at most 5). */
export const NotIntentsSchema = v.pipe(
  v.record(
    v.string(),
    v.pipe(
      v.array(v.string(issueMessage('notIntents.notList'))),
      v.maxLength(MAX_NOT_INTENTS, issueMessage('notIntents.tooMany', { max: MAX_NOT_INTENTS })),
      v.check(
        (list) => list.every((n) => INTENT_IDS.includes(n)),
        issueMessage('notIntents.unknown', (issue) => ({
          unknown: (issue.input as string[])
            .filter((n) => !INTENT_IDS.includes(n))
            .map((n) => `"${n}"`)
            .join(', '),
        })),
      ),
    ),
  ),
  intentKeys<Record<string, string[]>>('notIntents'),
  v.check(
    (w) => Object.entries(w).every(([k, list]) => !list.includes(k)),
    issueMessage('notIntents.self', (issue) => ({
      intents: Object.entries(issue.input as Record<string, string[]>)
        .filter(([k, list]) => list.includes(k))
        .map(([k]) => k)
        .join(', '),
    })),
  ),
);

/** Seeds one intent may carry, and the longest seed (characters). */
export const MAX_INTENT_EXAMPLES = 20;
export const MAX_INTENT_EXAMPLE_LENGTH = 500;

/** Per intent, real customer messages to vary (seeded augmentation): known ids, 1-20 short texts each. */
export const IntentExamplesSchema = v.pipe(
  v.record(
    v.string(),
    v.pipe(
      v.array(
        v.pipe(
          v.string(issueMessage('intentExamples.notText')),
          v.trim(),
          v.nonEmpty(issueMessage('intentExamples.empty')),
          v.maxLength(
            MAX_INTENT_EXAMPLE_LENGTH,
            issueMessage('intentExamples.tooLong', { max: MAX_INTENT_EXAMPLE_LENGTH }),
          ),
        ),
      ),
      v.minLength(1, issueMessage('intentExamples.none')),
      v.maxLength(
        MAX_INTENT_EXAMPLES,
        issueMessage('intentExamples.tooMany', { max: MAX_INTENT_EXAMPLES }),
      ),
    ),
  ),
  intentKeys<Record<string, string[]>>('intentExamples'),
);

const GenerationInputObject = v.object({
  kind: v.picklist(
    GENERATION_KINDS,
    issueMessage('value.eitherOf2', { field: 'kind', a: 'conversations', b: 'timeseries' }),
  ),
  count: positiveInt('count', MAX_GENERATION_COUNT),
  name: v.optional(DatasetNameSchema),
  tags: v.optional(TagsSchema),
  provider: v.optional(
    v.picklist(
      PROVIDERS,
      issueMessage('value.eitherOf3', { field: 'provider', a: 'local', b: 'bedrock', c: 'openai' }),
    ),
  ),
  /** Model id or inference profile (bedrock), or the server's model name (openai). */
  model: v.optional(
    v.pipe(
      v.string(),
      safeText('model'),
      v.trim(),
      v.nonEmpty(issueMessage('text.empty', { field: 'model' })),
      v.maxLength(200, issueMessage('text.longerThan', { field: 'model', max: 200 })),
    ),
  ),
  targets: v.optional(GenerationTargetsSchema, {}),
  /** Items per model call. */
  slotsPerCall: v.optional(positiveInt('slotsPerCall', 20)),
  /** Most model calls in flight at once; the runner adapts below it when throttled. */
  concurrency: v.optional(positiveInt('concurrency', 64)),
  /** Quota the runner paces itself to: requests and tokens per minute. */
  rpm: v.optional(positiveInt('rpm', 1_000_000)),
  tpm: v.optional(positiveInt('tpm', 1_000_000_000)),
  /** Stop before the cost would exceed this many US dollars. */
  budgetUsd: v.optional(
    v.pipe(
      v.number(issueMessage('value.notNumber', { field: 'budgetUsd' })),
      v.minValue(0, issueMessage('value.notNegative', { field: 'budgetUsd' })),
    ),
  ),
  seed: v.optional(
    v.pipe(v.number(), v.integer(issueMessage('value.notInteger', { field: 'seed' }))),
  ),
  /** Time series: frequency, start and length of every series. */
  frequency: v.optional(
    v.picklist(
      FREQUENCIES,
      issueMessage('value.oneOf', (issue) => ({
        field: 'frequency',
        options: FREQUENCIES.join(', '),
        received: issue.received,
      })),
    ),
  ),
  start: v.optional(
    v.pipe(
      isoTimestampField('start'),
      v.check(
        (start) => Date.parse(start) >= EARLIEST_MS && Date.parse(start) < LATEST_MS,
        issueMessage('timestamp.range', (issue) => ({
          field: 'start',
          earliest: SERIES_EARLIEST,
          latest: SERIES_LATEST,
          received: issue.received,
        })),
      ),
    ),
  ),
  length: v.optional(positiveInt('length', MAX_JOB_SERIES_LENGTH)),
  /** Time series: IANA time zone of the series' clock (daily profiles, weekends, solar nights); default per type. */
  timeZone: v.optional(
    v.pipe(
      v.string(issueMessage('value.notString', { field: 'timeZone' })),
      v.check(
        (zone) => {
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: zone });
            return zone.length > 0;
          } catch {
            return false;
          }
        },
        issueMessage('timeZone.unknown', (issue) => ({ received: String(issue.input) })),
      ),
    ),
  ),
  /** Time series: share of the series that carry anomalies (spikes, outages, shifts), 0..1; default 0, none. */
  anomalyShare: v.optional(
    v.pipe(
      v.number(issueMessage('value.notNumber', { field: 'anomalyShare' })),
      v.minValue(0, issueMessage('value.share', { field: 'anomalyShare' })),
      v.maxValue(1, issueMessage('value.share', { field: 'anomalyShare' })),
    ),
  ),
  /**
   * Time series: calibrate the engine on this imported time-series dataset (its levels, profiles, noise and
   * bounds, per series type) instead of the shipped reference parameters; the job records it as lineage.
   */
  likeDatasetId: v.optional(
    v.pipe(
      v.string(issueMessage('datasetId.notString', { field: 'likeDatasetId' })),
      v.trim(),
      v.regex(
        /^[1-9][0-9]{0,15}$/,
        issueMessage('datasetId.format', (issue) => ({
          field: 'likeDatasetId',
          received: JSON.stringify(issue.input),
        })),
      ),
    ),
  ),
  /** Failed calls in a row after which the job pauses itself. */
  maxConsecutiveFailures: v.optional(positiveInt('maxConsecutiveFailures', 1000)),
  /** Tries per slot (first ask plus re-asks) before it is recorded as rejected. */
  maxAttemptsPerSlot: v.optional(positiveInt('maxAttemptsPerSlot', 10)),
  /** on_demand (Converse calls), batch (Bedrock batch inference: half price, no per-minute quota) or auto (batch
   * above GENESIS_BATCH_AUTO_MIN items when batch is configured). Conversations only. */
  mode: v.optional(
    v.picklist(
      ['on_demand', 'batch', 'auto'],
      issueMessage('value.eitherOf3', { field: 'mode', a: 'on_demand', b: 'batch', c: 'auto' }),
    ),
  ),
  /** Draw few-shot examples from this dataset (a reference set) instead of the built-in ones. */
  exampleDatasetId: v.optional(v.string()),
  /**
   * Conversations: exactly this many items of each intent (an augmentation plan), instead of `targets.intents`
   * shares. The counts must add up to `count`; an intent left out gets none.
   */
  intentCounts: v.optional(IntentCountsSchema),
  /**
   * Conversations: contrastive guidance per intent, the intents its items must not be mistaken for ("about A,
   * not B"): the Bedrock prompt states it and the local writer steers away from their wording.
   */
  notIntents: v.optional(NotIntentsSchema),
  /**
   * Conversations: real customer messages per intent (an augmentation's seeds, docs/curation.md "Augment"). Each
   * slot of the intent carries them as few-shot `examples`: the Bedrock prompt shows them, the local writer varies
   * some of its first messages from them.
   */
  intentExamples: v.optional(IntentExamplesSchema),
});

export const GenerationInputSchema = v.pipe(
  GenerationInputObject,
  // The last point, start + (length - 1) x frequency, must fall before SERIES_LATEST too.
  v.forward(
    v.partialCheck(
      [['start'], ['length'], ['frequency']],
      (input) => {
        const start = Date.parse(input.start ?? DEFAULT_SERIES_START);
        // A start outside the range is reported by its own check.
        if (!(start >= EARLIEST_MS && start < LATEST_MS)) return true;
        const steps = (input.length ?? DEFAULT_SERIES_LENGTH) - 1;
        return start + steps * frequencyMs(input.frequency ?? DEFAULT_SERIES_FREQUENCY) < LATEST_MS;
      },
      issueMessage('series.endsTooLate', (issue) => {
        const input = issue.input as v.InferOutput<typeof GenerationInputObject>;
        return {
          length: input.length ?? DEFAULT_SERIES_LENGTH,
          frequency: input.frequency ?? DEFAULT_SERIES_FREQUENCY,
          start: input.start ?? DEFAULT_SERIES_START,
          latest: SERIES_LATEST,
        };
      }),
    ),
    ['start'],
  ),
  // A plan's exact counts are the job's size: they must add up to `count`, and replace the intent shares.
  v.forward(
    v.partialCheck(
      [['count'], ['intentCounts']],
      (input) =>
        input.intentCounts === undefined ||
        // A count below 1, or a sum over the limit, is reported by its own check.
        Object.values(input.intentCounts).some((n) => !(n >= 1)) ||
        Object.values(input.intentCounts).reduce((a, b) => a + b, 0) > MAX_GENERATION_COUNT ||
        Object.values(input.intentCounts).reduce((a, b) => a + b, 0) === input.count,
      issueMessage('intentCounts.sumNotCount', (issue) => {
        const input = issue.input as v.InferOutput<typeof GenerationInputObject>;
        const sum = Object.values(input.intentCounts ?? {}).reduce((a, b) => a + b, 0);
        return { sum, count: String(input.count) };
      }),
    ),
    ['intentCounts'],
  ),
  v.forward(
    v.partialCheck(
      [['targets', 'intents'], ['intentCounts']],
      (input) => input.intentCounts === undefined || input.targets?.intents === undefined,
      issueMessage('intentCounts.withShares'),
    ),
    ['intentCounts'],
  ),
  v.forward(
    v.partialCheck(
      [['kind'], ['intentCounts'], ['notIntents'], ['intentExamples']],
      (input) =>
        input.kind === 'conversations' ||
        (input.intentCounts === undefined &&
          input.notIntents === undefined &&
          input.intentExamples === undefined),
      issueMessage('intentCounts.notForSeries'),
    ),
    ['kind'],
  ),
  v.forward(
    v.partialCheck(
      [['kind'], ['likeDatasetId']],
      (input) => input.kind === 'timeseries' || input.likeDatasetId === undefined,
      issueMessage('generation.likeKind'),
    ),
    ['likeDatasetId'],
  ),
);
export type GenerationInput = v.InferInput<typeof GenerationInputSchema>;
export type GenerationConfigInput = v.InferOutput<typeof GenerationInputSchema>;
