import {
  MAX_GENERATION_COUNT,
  MAX_INTENT_EXAMPLE_LENGTH,
  MAX_INTENT_EXAMPLES,
} from '@genesis/schema/generation';
import { codedMessage } from '@genesis/schema/messages';
import type { GenerationProgress } from '@genesis/schema/progress';
import type { Message } from '@genesis/schema/report-message';
import { FREQUENCIES } from '@genesis/schema/timeseries';
import { KNOWN_MODELS, outputBurndown, priceOf } from '../llm/prices.ts';
import type { ProviderCheck } from '../llm/provider.ts';
import { InputError, NotFoundError, ProviderConfigError } from '../platform/errors.ts';
import { builder, type Context } from '../platform/graphql/builder.ts';
import { messageFields } from '../platform/graphql/errors.ts';
import { parseId } from '../platform/graphql/ids.ts';
import { locatedUnder } from '../platform/graphql/input.ts';
import { newestFirst } from '../platform/graphql/pagination.ts';
import { progressStream, sharedCurrentState } from '../platform/graphql/progress-stream.ts';
import { DatasetRef } from '../registry/graphql/dataset.ts';
import { parseGenerationInput, resolveConfig } from './config.ts';
import { estimateGeneration, learnedFor } from './estimate.ts';
import {
  type GenerationJob,
  GenerationJobSchema,
  JOB_STATUSES,
  type ProgressSample,
} from './generation-job.entity.ts';
import { IntentExamplesFileError, readIntentExamples } from './intent-examples.ts';
import type { BedrockCheckResult } from './service.ts';

const GenerationKindEnum = builder.enumType('GenerationKind', {
  values: {
    CONVERSATIONS: { value: 'conversations' as const },
    TIMESERIES: { value: 'timeseries' as const },
  },
});
export const ProviderEnum = builder.enumType('Provider', {
  values: {
    LOCAL: { value: 'local' as const },
    BEDROCK: { value: 'bedrock' as const },
    OPENAI: {
      value: 'openai' as const,
      description: 'An OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, LM Studio)',
    },
  },
});
const JobStatusEnum = builder.enumType('JobStatus', {
  values: Object.fromEntries(JOB_STATUSES.map((s) => [s.toUpperCase(), { value: s }])) as {
    [K in (typeof JOB_STATUSES)[number] as Uppercase<K>]: { value: K };
  },
});
const FrequencyEnum = builder.enumType('Frequency', {
  description: 'Sampling frequency of a time series',
  values: Object.fromEntries(
    FREQUENCIES.map((f) => [`F_${f.toUpperCase()}`, { value: f }]),
  ) as Record<string, { value: (typeof FREQUENCIES)[number] }>,
});

const LabelCountRef = builder
  .objectRef<{ label: string; count: number }>('ProgressLabelCount')
  .implement({
    fields: (t) => ({ label: t.exposeString('label'), count: t.exposeInt('count') }),
  });
const ReasonCountRef = builder
  .objectRef<{ reason: string; count: number }>('RejectionReason')
  .implement({
    fields: (t) => ({ reason: t.exposeString('reason'), count: t.exposeInt('count') }),
  });
const LatestItemRef = builder
  .objectRef<GenerationProgress['latest'][number]>('LatestItem')
  .implement({
    fields: (t) => ({
      key: t.exposeString('key'),
      label: t.exposeString('label'),
      preview: t.exposeString('preview'),
    }),
  });

const BatchProgressRef = builder
  .objectRef<NonNullable<GenerationProgress['batch']>>('BatchProgress')
  .implement({
    description:
      "Bedrock batch inference of a job: the least advanced batch job's status and record counts",
    fields: (t) => ({
      status: t.exposeString('status'),
      jobs: t.exposeInt('jobs'),
      recordsSubmitted: t.exposeInt('recordsSubmitted'),
      recordsCompleted: t.exposeInt('recordsCompleted'),
      recordsFailed: t.exposeInt('recordsFailed'),
    }),
  });

const GenerationModeEnum = builder.enumType('GenerationMode', {
  values: {
    ON_DEMAND: { value: 'on_demand' as const, description: 'Converse calls paced to the quota' },
    BATCH: {
      value: 'batch' as const,
      description: 'Bedrock batch inference: half price, no per-minute quota',
    },
    AUTO: {
      value: 'auto' as const,
      description: 'Batch above GENESIS_BATCH_AUTO_MIN items when batch is configured',
    },
  },
});

/** A job's status text as a message: its code, parameters and English sentence. */
interface JobMessageData {
  message: Message;
  text: string;
}

const JobMessageRef = builder.objectRef<JobMessageData>('JobMessage').implement({
  description:
    'Why a generation job paused, stopped or ended short, as a message code and parameters for a client to say in its reader\'s language (job.message.<code> in the web app\'s catalogues); text is the English sentence (docs/generation.md, "Job status text")',
  fields: (t) => ({
    code: t.string({ resolve: (m) => m.message.code }),
    params: t.field({
      type: 'JSON',
      description:
        "Values of the {name} placeholders: a string (a provider's own error, never translated), a number, a nested message {code, params} or a list {items, separator}",
      resolve: (m) => m.message.params ?? {},
    }),
    text: t.string({ description: 'The English sentence', resolve: (m) => m.text }),
  }),
});

/** A status text as a {@link JobMessageRef}; null without a message (and for jobs stopped before they were kept). */
function jobMessageOf(text: string | null, message: Message | null): JobMessageData | null {
  return text !== null && message ? { message, text } : null;
}

export const GenerationProgressRef = builder
  .objectRef<GenerationProgress>('GenerationProgress')
  .implement({
    description: 'A generation job as it runs: counts, pace, tokens, cost and the latest items',
    fields: (t) => ({
      jobId: t.id({ resolve: (p) => String(p.jobId) }),
      datasetId: t.id({
        nullable: true,
        resolve: (p) => (p.datasetId === null ? null : String(p.datasetId)),
      }),
      status: t.field({ type: JobStatusEnum, resolve: (p) => p.status }),
      message: t.exposeString('message', {
        nullable: true,
        description: 'Why the job paused or failed',
      }),
      statusMessage: t.field({
        type: JobMessageRef,
        nullable: true,
        description: '`message` as a code and parameters; null without one',
        resolve: (p) => jobMessageOf(p.message, p.statusMessage ?? null),
      }),
      requested: t.exposeInt('requested'),
      accepted: t.exposeInt('accepted'),
      rejected: t.exposeInt('rejected'),
      rejectionReasons: t.field({ type: [ReasonCountRef], resolve: (p) => p.rejectionReasons }),
      retries: t.exposeInt('retries'),
      throttles: t.exposeInt('throttles'),
      calls: t.exposeInt('calls'),
      concurrency: t.exposeInt('concurrency'),
      itemsPerMinute: t.exposeFloat('itemsPerMinute'),
      etaSeconds: t.exposeInt('etaSeconds', { nullable: true }),
      inputTokens: t.exposeInt('inputTokens'),
      outputTokens: t.exposeInt('outputTokens'),
      cacheReadTokens: t.exposeInt('cacheReadTokens'),
      cacheWriteTokens: t.exposeInt('cacheWriteTokens'),
      costUsd: t.exposeFloat('costUsd'),
      costPerItemUsd: t.exposeFloat('costPerItemUsd', { nullable: true }),
      projectedCostUsd: t.exposeFloat('projectedCostUsd', {
        nullable: true,
        description:
          "The final cost as it stands: spent so far plus the items left at a per-item cost that moves from the job's estimate to the measured one as answers come back; the cost itself once the job ended. Null when neither is known",
      }),
      perLabel: t.field({
        type: [LabelCountRef],
        description: 'Accepted items per intent (conversations) or series type (time series)',
        resolve: (p) => p.perLabel,
      }),
      latest: t.field({ type: [LatestItemRef], resolve: (p) => p.latest }),
      batch: t.field({ type: BatchProgressRef, nullable: true, resolve: (p) => p.batch }),
      sequence: t.exposeFloat('sequence', {
        description: 'Increases with every event of the job, across server processes (an integer)',
      }),
      updatedAt: t.exposeString('updatedAt'),
    }),
  });

export const GenerationJobRef = builder.objectRef<GenerationJob>('GenerationJob').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({
      type: GenerationKindEnum,
      resolve: (j) => j.kind as 'conversations' | 'timeseries',
    }),
    status: t.field({ type: JobStatusEnum, resolve: (j) => j.status }),
    provider: t.exposeString('provider'),
    model: t.exposeString('model', { nullable: true }),
    config: t.expose('config', {
      type: 'JSON',
      description: 'The full configuration, defaults filled in',
    }),
    dataset: t.field({
      type: DatasetRef,
      nullable: true,
      resolve: (j) => (j.dataset as { id: number } | null)?.id ?? null,
    }),
    calibratedOn: t.field({
      type: DatasetRef,
      nullable: true,
      description:
        'Time series: the imported dataset the engine was calibrated on (likeDatasetId); null when it used the shipped reference parameters, or the dataset was deleted',
      resolve: (j) => {
        const id = Number((j.config as { likeDatasetId?: string | null }).likeDatasetId);
        return Number.isSafeInteger(id) && id > 0 ? id : null;
      },
    }),
    requested: t.exposeInt('requested'),
    accepted: t.exposeInt('accepted'),
    rejected: t.exposeInt('rejected'),
    costUsd: t.exposeFloat('costUsd', { description: 'What the job has cost so far (USD)' }),
    calls: t.exposeInt('calls', { description: 'Model calls whose answers were recorded' }),
    inputTokens: t.exposeInt('inputTokens', {
      description: 'Input tokens billed as input (cache reads and writes are apart)',
    }),
    outputTokens: t.exposeInt('outputTokens'),
    cacheReadTokens: t.exposeInt('cacheReadTokens'),
    cacheWriteTokens: t.exposeInt('cacheWriteTokens'),
    estimate: t.field({
      type: EstimateRef,
      nullable: true,
      description:
        'The estimate made when the job was created, to compare with what it used (null for jobs from before estimates were kept)',
      resolve: (j) => j.estimate ?? null,
    }),
    samples: t.field({
      type: [ProgressSampleRef],
      description:
        'Progress over time (at most 120 points, thinned evenly): accepted items, items per minute, cost and throttles',
      resolve: (j, _a, ctx) => ctx.generation.samples(j),
    }),
    error: t.exposeString('error', { nullable: true }),
    errorMessage: t.field({
      type: JobMessageRef,
      nullable: true,
      description:
        '`error` as a code and parameters; null without one, or for a job stopped before these were kept',
      resolve: (j) => jobMessageOf(j.error ?? null, j.errorMessage ?? null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    progress: t.loadable({
      type: GenerationProgressRef,
      description: 'Live progress while the job runs here; its stored state otherwise',
      // One batch for a whole page of jobs: the stored ones and their label counts in two queries.
      load: async (ids: number[], ctx: Context) =>
        (await ctx.generation.progressOf(ids)).map(
          (p, i) => p ?? new Error(`generation job ${ids[i]} does not exist`),
        ),
      resolve: (j) => j.id,
    }),
  }),
});

const WeightInput = builder.inputType('WeightInput', {
  description: 'One target share, e.g. { key: "es", weight: 0.5 }',
  fields: (t) => ({ key: t.string({ required: true }), weight: t.float({ required: true }) }),
});

export const TargetsInput = builder.inputType('GenerationTargetsInput', {
  description: 'Target distributions; each list is normalised, so weights need not sum to 1',
  fields: (t) => ({
    intents: t.field({ type: [WeightInput], required: false }),
    languages: t.field({ type: [WeightInput], required: false }),
    sentiments: t.field({ type: [WeightInput], required: false }),
    complexities: t.field({ type: [WeightInput], required: false }),
    resolutions: t.field({ type: [WeightInput], required: false }),
    seriesTypes: t.field({ type: [WeightInput], required: false }),
  }),
});

const IntentCountInput = builder.inputType('IntentCountInput', {
  description: 'Exactly this many items of one intent, e.g. { intent: "card_arrival", count: 30 }',
  fields: (t) => ({
    intent: t.string({ required: true }),
    count: t.int({
      required: true,
      description: 'At least 1 (leave an intent out to give it none)',
    }),
  }),
});

const NotIntentsInput = builder.inputType('NotIntentsInput', {
  description:
    'Contrastive guidance for one intent: the intents its items must not be mistaken for ("about A, not B")',
  fields: (t) => ({
    intent: t.string({ required: true }),
    notIntents: t.stringList({
      required: true,
      description: 'At most 5 intent ids, other than `intent`',
    }),
  }),
});

const IntentExamplesInput = builder.inputType('IntentExamplesInput', {
  description:
    'Real customer messages of one intent, shown to the writer as few-shot seeds (seeded generation, docs/generation.md "Seeds")',
  fields: (t) => ({
    intent: t.string({ required: true }),
    examples: t.stringList({
      required: true,
      description: `1 to ${MAX_INTENT_EXAMPLES} non-empty texts of at most ${MAX_INTENT_EXAMPLE_LENGTH} characters`,
    }),
  }),
});

const GenerationInput = builder.inputType('GenerationInput', {
  fields: (t) => ({
    kind: t.field({ type: GenerationKindEnum, required: true }),
    count: t.int({
      required: false,
      description: 'Items to generate; required unless intentCounts is given (then their sum)',
    }),
    name: t.string({ required: false }),
    tags: t.stringList({ required: false }),
    provider: t.field({
      type: ProviderEnum,
      required: false,
      description: 'Default: GENESIS_PROVIDER',
    }),
    model: t.string({ required: false, description: 'Bedrock model id or inference profile' }),
    targets: t.field({ type: TargetsInput, required: false }),
    slotsPerCall: t.int({ required: false }),
    concurrency: t.int({ required: false }),
    rpm: t.int({ required: false, description: 'Requests per minute the runner paces itself to' }),
    tpm: t.int({ required: false, description: 'Tokens per minute the runner paces itself to' }),
    budgetUsd: t.float({ required: false, description: 'Stop before the cost would exceed this' }),
    seed: t.int({ required: false }),
    frequency: t.field({
      type: FrequencyEnum,
      required: false,
      description: 'Default hourly, and daily trading days for financial types',
    }),
    start: t.string({
      required: false,
      description:
        'ISO-8601 start of every series; calibrated series take the season of their dates (solar in June has long days)',
    }),
    length: t.int({
      required: false,
      description:
        'Points per series (default 504: three weeks hourly, or two years of trading days for financial types)',
    }),
    timeZone: t.string({
      required: false,
      description:
        "IANA time zone of the series' clock (daily profiles, weekends, solar nights); default each type's reference zone",
    }),
    anomalyShare: t.float({
      required: false,
      description: 'Share of the series that carry anomalies, 0..1 (default 0: none)',
    }),
    likeDatasetId: t.id({
      required: false,
      description:
        'Calibrate the time-series engine on this imported time-series dataset (recorded as the job’s calibratedOn)',
    }),
    maxConsecutiveFailures: t.int({ required: false }),
    maxAttemptsPerSlot: t.int({ required: false }),
    mode: t.field({ type: GenerationModeEnum, required: false, description: 'Default ON_DEMAND' }),
    exampleDatasetId: t.id({
      required: false,
      description: 'Draw few-shot examples from this dataset (e.g. imported Banking77 utterances)',
    }),
    intentCounts: t.field({
      type: [IntentCountInput],
      required: false,
      description:
        'Conversations: exactly this many items per intent, instead of targets.intents shares (an intent left out gets none); count, when given, must equal their sum',
    }),
    notIntents: t.field({
      type: [NotIntentsInput],
      required: false,
      description:
        'Conversations: per intent, the intents its items must not be mistaken for; the Bedrock prompt states it and the local writer steers away from their wording',
    }),
    intentExamples: t.field({
      type: [IntentExamplesInput],
      required: false,
      description:
        'Conversations: per intent, real customer messages to seed the writing with; each slot of the intent carries a few of them (the Bedrock prompt shows them as few-shot examples, the local writer varies some first messages from them); recorded in the job config',
    }),
  }),
});

type RawInput = Record<string, unknown> & {
  targets?: Record<string, { key: string; weight: number }[] | null> | null;
  intentCounts?: { intent: string; count: number }[] | null;
  notIntents?: { intent: string; notIntents: string[] }[] | null;
  intentExamples?: { intent: string; examples: string[] }[] | null;
};

/**
 * GraphQL's weight lists become the schema's weight maps, and the per-intent lists its per-intent maps (the
 * shape the augmentation plan gives `GenerationManager.start`); nulls become absent. An intent listed twice is
 * refused here, since a map cannot hold it twice.
 */
function toSchemaInput(input: RawInput): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(input))
    if (value !== null && value !== undefined) out[k] = value;
  if (input.targets) {
    out.targets = Object.fromEntries(
      Object.entries(input.targets)
        .filter(([, list]) => Array.isArray(list))
        .map(([k, list]) => [k, Object.fromEntries(list!.map((w) => [w.key, w.weight]))]),
    );
  }
  const perIntent = <T>(field: string, list: { intent: string }[], value: (x: never) => T) => {
    const twice = list.map((x) => x.intent).filter((id, i, all) => all.indexOf(id) !== i);
    if (twice.length > 0) {
      throw new InputError([
        {
          path: field,
          ...codedMessage('generation.intentTwice', {
            field,
            intents: [...new Set(twice)].join(', '),
          }),
        },
      ]);
    }
    return Object.fromEntries(list.map((x) => [x.intent, value(x as never)]));
  };
  if (input.intentCounts) {
    const counts = perIntent('intentCounts', input.intentCounts, (x: { count: number }) => x.count);
    out.intentCounts = counts;
    // Without a count the job is the counts' sum (capped, so a sum over the limit is reported once, there).
    if (out.count === undefined) {
      const sum = Object.values(counts).reduce((a, b) => a + b, 0);
      out.count = Math.max(1, Math.min(sum, MAX_GENERATION_COUNT));
    }
  }
  if (out.count === undefined) {
    throw new InputError([{ path: 'count', ...codedMessage('generation.countRequired') }]);
  }
  if (input.notIntents) {
    out.notIntents = perIntent(
      'notIntents',
      input.notIntents,
      (x: { notIntents: string[] }) => x.notIntents,
    );
  }
  if (input.intentExamples) {
    out.intentExamples = perIntent(
      'intentExamples',
      input.intentExamples,
      (x: { examples: string[] }) => x.examples,
    );
  }
  return out;
}

const ProgressSampleRef = builder.objectRef<ProgressSample>('GenerationSample').implement({
  description: "One point of a job's progress over time",
  fields: (t) => ({
    t: t.exposeFloat('t', { description: "Seconds since the job's first run started" }),
    accepted: t.exposeInt('accepted'),
    itemsPerMinute: t.exposeFloat('itemsPerMinute'),
    costUsd: t.exposeFloat('costUsd'),
    throttles: t.exposeInt('throttles'),
  }),
});

export const EstimateRef = builder
  .objectRef<ReturnType<typeof estimateGeneration>>('GenerationEstimate')
  .implement({
    description: 'What a job would take, computed without calling the model',
    fields: (t) => ({
      calls: t.exposeInt('calls'),
      inputTokens: t.exposeInt('inputTokens'),
      outputTokens: t.exposeInt('outputTokens'),
      cacheReadTokens: t.exposeInt('cacheReadTokens'),
      cacheWriteTokens: t.int({ resolve: (e) => e.cacheWriteTokens ?? 0 }),
      costUsd: t.exposeFloat('costUsd', {
        nullable: true,
        description: 'Null when the model has no known price',
      }),
      seconds: t.int({
        description: 'Wall-clock seconds, rounded up (so work that takes any time is never 0)',
        resolve: (e) => Math.ceil(e.seconds),
      }),
      basedOnJobs: t.int({
        description:
          'Finished jobs of the same provider, model and kind the per-item figures were learned from; 0 when they are the documented prior (docs/benchmarks.md)',
        resolve: (e) => e.basis?.jobs ?? 0,
      }),
      basedOnItems: t.int({
        description: 'Accepted items of those jobs',
        resolve: (e) => e.basis?.items ?? 0,
      }),
      limitedBy: t.exposeString('limitedBy'),
      ceilingItemsPerMinute: t.exposeInt('ceilingItemsPerMinute', { nullable: true }),
      mode: t.field({
        type: GenerationModeEnum,
        description: 'BATCH when the job would use Bedrock batch inference (half price, no quota)',
        resolve: (e) => e.mode,
      }),
      items: t.exposeInt('items', { description: 'Items the dataset would hold' }),
      points: t.exposeFloat('points', {
        description:
          'Series points (count x length) for time series, one per conversation; at most GENESIS_MAX_JOB_POINTS',
      }),
      bytes: t.exposeFloat('bytes', {
        description: 'Approximate size of the items as stored (JSON), about a JSONL export’s size',
      }),
    }),
  });

const ModelInfoRef = builder
  .objectRef<{ id: string; price: ReturnType<typeof priceOf> }>('ModelInfo')
  .implement({
    description:
      'A Bedrock model or inference profile with its price (USD per million tokens) as the server knows it',
    fields: (t) => ({
      id: t.exposeID('id'),
      inputPrice: t.float({ nullable: true, resolve: (m) => m.price?.input ?? null }),
      outputPrice: t.float({ nullable: true, resolve: (m) => m.price?.output ?? null }),
      cacheReadPrice: t.float({ nullable: true, resolve: (m) => m.price?.cacheRead ?? null }),
      cacheWritePrice: t.float({ nullable: true, resolve: (m) => m.price?.cacheWrite ?? null }),
      outputBurndown: t.int({
        description: 'Quota tokens per output token',
        resolve: (m) => outputBurndown(m.id),
      }),
    }),
  });

const ProviderCheckRef = builder.objectRef<ProviderCheck>('ProviderCheck').implement({
  description: "One of the doctor's checks of a model provider: what was found, or what to fix",
  fields: (t) => ({
    name: t.exposeString('name'),
    ok: t.exposeBoolean('ok'),
    detail: t.exposeString('detail', { description: 'The English text' }),
    ...messageFields(t),
    optional: t.boolean({
      description: 'A failing optional check warns instead of failing',
      resolve: (c) => c.optional ?? false,
    }),
  }),
});

const BedrockCheckRef = builder.objectRef<BedrockCheckResult>('BedrockCheck').implement({
  description:
    'Whether Bedrock can be used with a model, as `pnpm genesis doctor` checks it: credentials, then a one-token call',
  fields: (t) => ({
    model: t.exposeString('model'),
    ok: t.exposeBoolean('ok', { description: 'Every required check passed' }),
    checks: t.field({ type: [ProviderCheckRef], resolve: (r) => r.checks }),
    checkedAt: t.expose('checkedAt', {
      type: 'DateTime',
      description: 'When the checks ran (a result is reused for a minute, a failure for 5 s)',
    }),
  }),
});

/** The longest examples file `readIntentExamples` reads (characters); 20 texts of 500 for every intent fit. */
const MAX_EXAMPLES_FILE_CHARS = 2_000_000;

const IntentExamplesRef = builder
  .objectRef<{ intent: string; examples: string[] }>('IntentExamples')
  .implement({
    description: 'Real customer messages of one intent, as an examples file gives them',
    fields: (t) => ({
      intent: t.exposeString('intent'),
      examples: t.exposeStringList('examples'),
    }),
  });

builder.queryFields((t) => ({
  readIntentExamples: t.field({
    type: [IntentExamplesRef],
    description:
      'Reads an examples file (JSON or intent,text CSV; docs/generation.md "Seeds") the way `genesis generate --intent-examples` does, for `intentExamples`; a refused file is a ValidationError on `text` naming its line, entry or key',
    errors: { types: [InputError] },
    args: {
      fileName: t.arg.string({
        required: true,
        description: 'The file’s name, as messages give it',
      }),
      text: t.arg.string({ required: true, description: 'The file’s contents (UTF-8 text)' }),
    },
    resolve: (_root, args) => {
      if (args.text.length > MAX_EXAMPLES_FILE_CHARS) {
        throw new InputError([
          {
            path: 'text',
            ...codedMessage('text.longerThan', { field: 'text', max: MAX_EXAMPLES_FILE_CHARS }),
          },
        ]);
      }
      try {
        const read = readIntentExamples(args.text, args.fileName.trim() || 'the file');
        return Object.entries(read).map(([intent, examples]) => ({ intent, examples }));
      } catch (err) {
        if (err instanceof IntentExamplesFileError) {
          throw new InputError([{ path: 'text', ...err.coded }]);
        }
        throw err;
      }
    },
  }),
  bedrockCheck: t.field({
    type: BedrockCheckRef,
    description:
      'The doctor’s checks of Bedrock with this model (default: the server’s default model), cached briefly; a Bedrock job started while they fail is refused with ProviderConfigError',
    errors: { types: [InputError] },
    args: { model: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) =>
      locatedUnder('input', () => ctx.generation.bedrockCheck(args.model ?? null)),
  }),
  bedrockModels: t.field({
    type: [ModelInfoRef],
    description:
      'Suggested models (the first is the default when GENESIS_BEDROCK_MODEL is not set)',
    resolve: (_r, _a, ctx) => {
      const ids = [ctx.config.bedrockModel, ...KNOWN_MODELS].filter((m): m is string => !!m);
      return [...new Set(ids)].map((id) => ({ id, price: priceOf(id, ctx.config.prices) }));
    },
  }),
  generationJob: t.field({
    type: GenerationJobRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.em.findOne(GenerationJobSchema, parseId(args.id)),
  }),
  generationJobs: t.connection(
    {
      type: GenerationJobRef,
      description: 'Generation jobs, newest first',
      args: { status: t.arg({ type: JobStatusEnum, required: false }) },
      resolve: (_root, args, ctx) =>
        newestFirst(ctx.em, GenerationJobSchema, args.status ? { status: args.status } : {}, args),
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (p) => p.totalCount }) }) },
  ),
  estimateGeneration: t.field({
    type: EstimateRef,
    errors: { types: [InputError] },
    args: { input: t.arg({ type: GenerationInput, required: true }) },
    resolve: (_root, args, ctx) =>
      locatedUnder('input', async () => {
        const config = resolveConfig(
          parseGenerationInput(toSchemaInput(args.input as RawInput)),
          ctx.config,
        );
        return estimateGeneration(
          config,
          ctx.config.prices,
          ctx.config.batch,
          await learnedFor(ctx.em, config),
        );
      }),
  }),
}));

builder.mutationFields((t) => ({
  startGeneration: t.field({
    type: GenerationJobRef,
    description:
      'Creates a generation job and its dataset, and starts it. Refused with ProviderConfigError when the provider cannot be used as configured (checked first, as `genesis doctor` does)',
    errors: { types: [InputError, ProviderConfigError] },
    args: { input: t.arg({ type: GenerationInput, required: true }) },
    resolve: (_root, args, ctx) =>
      locatedUnder('input', () => ctx.generation.start(toSchemaInput(args.input as RawInput))),
  }),
  cancelGeneration: t.field({
    type: GenerationJobRef,
    description: 'Stops a job; the items generated so far stay in its dataset',
    errors: { types: [NotFoundError, InputError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.generation.cancel(parseId(args.id)),
  }),
  resumeGeneration: t.field({
    type: GenerationJobRef,
    description:
      'Continues a paused, cancelled, failed or interrupted job: only missing items are generated. Refused with ProviderConfigError while the provider cannot be used as configured',
    errors: { types: [NotFoundError, InputError, ProviderConfigError] },
    args: {
      id: t.arg.id({ required: true }),
      budgetUsd: t.arg.float({
        required: false,
        description: 'A new budget, e.g. after the old one stopped the job',
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.generation.resume(
        parseId(args.id),
        args.budgetUsd != null ? { budgetUsd: args.budgetUsd } : {},
      ),
  }),
}));

/**
 * Subscribers arriving together share the state read for their first event (docs/architecture.md), per server
 * (its manager: job ids are per database).
 */
const currentProgress = new WeakMap<
  object,
  ReturnType<typeof sharedCurrentState<number, GenerationProgress>>
>();
function currentProgressOf(manager: object) {
  let shared = currentProgress.get(manager);
  if (!shared) {
    shared = sharedCurrentState<number, GenerationProgress>();
    currentProgress.set(manager, shared);
  }
  return shared;
}

builder.subscriptionField('generationProgress', (t) =>
  t.field({
    type: GenerationProgressRef,
    description:
      "The job's state now, then every change, until it completes, fails or is cancelled",
    args: { jobId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => {
      const id = parseId(args.jobId, 'jobId');
      return progressStream<GenerationProgress>({
        events: ctx.pubsub.subscribe('generation:progress', id),
        current: () => currentProgressOf(ctx.generation)(id, () => ctx.generation.progress(id)),
        isRunning: () => ctx.generation.isRunning(id),
        notFound: () => new NotFoundError('GenerationJob', String(id)),
        isNewer: (e, last) => e.sequence > last.sequence,
      });
    },
    resolve: (p) => p,
  }),
);
