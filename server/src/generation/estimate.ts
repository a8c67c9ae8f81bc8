import { estimateTokens } from '@genesis/schema/request';
import type { EntityManager } from '@mikro-orm/core';
import { costOf, type ModelPrice, outputBurndown, priceOf, supportsBatch } from '../llm/prices.ts';
import type { Config } from '../platform/config.ts';
import { type GenerationConfig, jobSize } from './config.ts';
import { type GenerationJob, GenerationJobSchema } from './generation-job.entity.ts';
import {
  CONVERSATION_EXAMPLES,
  CONVERSATION_SYSTEM_PROMPT,
  SERIES_SYSTEM_PROMPT,
} from './prompts.ts';

export interface GenerationEstimate {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  /** Wall-clock estimate (seconds, fractional), from the quota, the concurrency and the time per call. */
  seconds: number;
  /** What bounds the speed: "quota (requests)", "quota (tokens)" or "latency". */
  limitedBy: string;
  /** The best rate the quota allows, in items per minute (null without a quota, and in batch mode). */
  ceilingItemsPerMinute: number | null;
  /** How the job would run: `batch` when Bedrock batch inference would be used (half price, no quota). */
  mode: 'on_demand' | 'batch';
  /** Items the dataset would hold. */
  items: number;
  /** Points: series x length for time series, one per conversation (what GENESIS_MAX_JOB_POINTS caps). */
  points: number;
  /** Finished jobs the per-item figures were learned from; null when they are the documented prior. */
  basis: EstimateBasis | null;
  /** Approximate size of the items as stored (JSON), about what a JSONL export of them weighs. */
  bytes: number;
}

/** Bedrock's completion window for batch jobs (best effort): the time estimate of a batch job. */
const BATCH_WINDOW_S = 24 * 3600;

/**
 * Whether `count` slots of this job go through Bedrock batch inference: asked for, or `auto` from the batch
 * threshold for a model with batch pricing. The runner decides with it, and the estimate follows it.
 */
export function usesBatch(
  config: Pick<GenerationConfig, 'provider' | 'mode' | 'model'>,
  batch: Config['batch'] | undefined,
  count: number,
): boolean {
  if (config.provider !== 'bedrock' || config.mode === 'on_demand' || !batch || count === 0)
    return false;
  return config.mode === 'batch' || (count >= batch.autoMin && supportsBatch(config.model));
}

/**
 * The prior: what a job costs per item when this registry has no finished job of the same provider, model and
 * kind to learn from. Measured on the embedded writers (`pnpm bench:estimate`, docs/benchmarks.md): an answer
 * entry is about as long as the stored item, so output tokens per accepted item follow the complexity of the
 * conversation; a series scenario is short whatever the series' length. Real models write somewhat different
 * lengths; the first finished job replaces these figures (see {@link learnFromJobs}).
 */
export const PRIOR = {
  /** Output tokens per accepted conversation, by complexity; per accepted series scenario. */
  outputPerItem: {
    conversations: { simple: 160, medium: 195, complex: 280 } as Record<string, number>,
    timeseries: 65,
  },
  /** Request tokens per slot (its JSON line in the user message), beside the per-call overhead. */
  inputPerSlot: { conversations: 60, timeseries: 50 },
  /** Request tokens per call beside the slots and the shared system prompt and examples. */
  inputPerCall: 60,
  /** Slots asked per accepted item: rejected answers are asked again. */
  attemptsPerItem: 1.05,
  /** Share of the shared prompt read from the prompt cache after the first call (Bedrock). */
  cacheShare: 1,
  /** Seconds per call: the local provider is instant, LLM calls take a few seconds for a batch of slots. */
  secondsPerCall: { local: 0.01, bedrock: 8, openai: 8 },
} as const;

/** Tokens of the shared system prompt and examples sent with every call. */
function promptTokens(kind: GenerationConfig['kind']): number {
  return estimateTokens(
    kind === 'conversations'
      ? CONVERSATION_SYSTEM_PROMPT + CONVERSATION_EXAMPLES
      : SERIES_SYSTEM_PROMPT,
  );
}

/** Answer sizes of a finished job's items per language and complexity (stored on the job when it ends). */
export interface AnswerSizes {
  groups: { language: string | null; complexity: string | null; items: number; chars: number }[];
}

/** What a finished job measured: its figures as stored on the job row. */
export interface MeasuredJob {
  config: Pick<GenerationConfig, 'kind' | 'slotsPerCall' | 'concurrency' | 'targets'>;
  accepted: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Seconds the job ran (finished minus started), when known and from a single run. */
  seconds: number | null;
  concurrency: number | null;
  answerSizes: AnswerSizes | null;
}

/** Figures learned from finished jobs of one provider, model and kind; replaces the prior where present. */
export interface Learned {
  jobs: number;
  items: number;
  attemptsPerItem: number;
  inputPerSlot: number;
  cacheShare: number | null;
  /** Output tokens per stored character of an item, from jobs whose answer sizes are known. */
  outputPerChar: number | null;
  /** Characters per stored item, by `language/complexity`. */
  charsPerItem: Map<string, number>;
  /** Measured output over the prior's prediction for the same jobs (used without answer sizes). */
  outputScale: number;
  secondsPerCall: number | null;
}

const groupKey = (language: string | null, complexity: string | null) =>
  `${language ?? ''}/${complexity ?? ''}`;

/** The shares of each `language/complexity` group a job asks for (one group for time series). */
function groupShares(config: Pick<GenerationConfig, 'kind' | 'targets'>): Map<string, number> {
  if (config.kind !== 'conversations') return new Map([[groupKey(null, null), 1]]);
  const norm = (w: Record<string, number>) => {
    const total = Object.values(w).reduce((a, b) => a + b, 0) || 1;
    return Object.entries(w).map(([k, x]) => [k, x / total] as const);
  };
  const out = new Map<string, number>();
  for (const [language, wl] of norm(config.targets.languages))
    for (const [complexity, wc] of norm(config.targets.complexities))
      out.set(groupKey(language, complexity), wl * wc);
  return out;
}

/** The prior's output tokens per accepted item for a job's mix. */
function priorOutputPerItem(config: Pick<GenerationConfig, 'kind' | 'targets'>): number {
  if (config.kind !== 'conversations') return PRIOR.outputPerItem.timeseries;
  const byComplexity = PRIOR.outputPerItem.conversations;
  let total = 0;
  for (const [key, share] of groupShares(config))
    total += share * (byComplexity[key.split('/')[1] ?? ''] ?? byComplexity.medium ?? 195);
  return total;
}

/**
 * Learns per-item figures from finished jobs of the same provider, model and kind, pooled (so a big job weighs
 * more than a small one): slots asked per accepted item, request tokens per slot, the prompt-cache share,
 * output tokens per stored character with the characters per item of each language and complexity, and seconds
 * per call. Null without a job that accepted anything.
 */
export function learnFromJobs(jobs: readonly MeasuredJob[]): Learned | null {
  const useful = jobs.filter((j) => j.accepted > 0 && j.calls > 0);
  if (useful.length === 0) return null;
  let items = 0;
  let attempts = 0;
  let slotInput = 0;
  let cacheRead = 0;
  let cacheable = 0;
  let output = 0;
  let priorOutput = 0;
  let sizedOutput = 0;
  let sizedChars = 0;
  let busySeconds = 0;
  let timedCalls = 0;
  const groups = new Map<string, { items: number; chars: number }>();
  for (const j of useful) {
    const prompt = promptTokens(j.config.kind);
    const jobAttempts = j.calls * j.config.slotsPerCall;
    items += j.accepted;
    attempts += jobAttempts;
    const allInput = j.inputTokens + j.cacheReadTokens + j.cacheWriteTokens;
    slotInput += Math.max(0, allInput - j.calls * (prompt + PRIOR.inputPerCall));
    cacheRead += j.cacheReadTokens;
    cacheable += Math.max(0, j.calls - 1) * prompt;
    output += j.outputTokens;
    priorOutput += j.accepted * priorOutputPerItem(j.config) * PRIOR.attemptsPerItem;
    if (j.answerSizes && j.answerSizes.groups.length > 0) {
      sizedOutput += j.outputTokens;
      for (const g of j.answerSizes.groups) {
        sizedChars += g.chars;
        const key = groupKey(g.language, g.complexity);
        const acc = groups.get(key) ?? { items: 0, chars: 0 };
        acc.items += g.items;
        acc.chars += g.chars;
        groups.set(key, acc);
      }
    }
    if (j.seconds !== null && j.seconds > 0) {
      busySeconds += j.seconds * (j.concurrency ?? j.config.concurrency);
      timedCalls += j.calls;
    }
  }
  return {
    jobs: useful.length,
    items,
    // Calls are whole, so a small job's last partial call counts as full slots: a slight overestimate.
    attemptsPerItem: Math.max(1, attempts / items),
    inputPerSlot: slotInput / attempts,
    cacheShare: cacheable > 0 ? Math.min(1, cacheRead / cacheable) : null,
    outputPerChar: sizedChars > 0 ? sizedOutput / sizedChars : null,
    charsPerItem: new Map([...groups].map(([k, g]) => [k, g.chars / g.items])),
    outputScale: priorOutput > 0 ? output / priorOutput : 1,
    secondsPerCall: timedCalls > 0 ? busySeconds / timedCalls : null,
  };
}

/** Output tokens per accepted item for a job's mix: learned per group where measured, else the prior. */
function outputPerItem(config: GenerationConfig, learned: Learned | null): number {
  if (!learned) return priorOutputPerItem(config) * PRIOR.attemptsPerItem;
  if (learned.outputPerChar !== null && learned.charsPerItem.size > 0) {
    const all = [...learned.charsPerItem.values()];
    const meanChars = all.reduce((a, b) => a + b, 0) / all.length;
    let chars = 0;
    for (const [key, share] of groupShares(config))
      chars += share * (learned.charsPerItem.get(key) ?? meanChars);
    return chars * learned.outputPerChar;
  }
  return priorOutputPerItem(config) * PRIOR.attemptsPerItem * learned.outputScale;
}

/** Where an estimate's figures come from: the prior, or finished jobs of the same provider, model and kind. */
export interface EstimateBasis {
  jobs: number;
  items: number;
}

/**
 * Estimates a job without calling the model: calls, tokens (the system prompt and examples are read from the
 * prompt cache after the first call), cost from the model's price and time from the quota and concurrency.
 * Per-item figures come from `learned` (finished jobs of the same provider, model and kind, see
 * {@link learnFromJobs}) or else from the {@link PRIOR}.
 */
export function estimateGeneration(
  config: GenerationConfig,
  prices: Record<string, ModelPrice> = {},
  batch: Config['batch'] = null,
  learned: Learned | null = null,
): GenerationEstimate {
  const basis = learned ? { jobs: learned.jobs, items: learned.items } : null;
  if (usesBatch(config, batch, config.count)) return estimateBatch(config, prices, learned, basis);
  const local = config.provider === 'local';
  const attempts = config.count * (learned?.attemptsPerItem ?? PRIOR.attemptsPerItem);
  const calls = Math.ceil(attempts / config.slotsPerCall);
  const prompt = promptTokens(config.kind);
  const perSlotIn = learned?.inputPerSlot ?? PRIOR.inputPerSlot[config.kind];
  const slotIn = Math.round(attempts * perSlotIn + calls * PRIOR.inputPerCall);
  const outputTokens = Math.round(config.count * outputPerItem(config, learned));
  const cacheShare = learned?.cacheShare ?? PRIOR.cacheShare;
  // Bedrock reports cache reads and writes apart from the input tokens; the local provider has no cache.
  const cacheReadTokens = local ? 0 : Math.round(Math.max(0, calls - 1) * prompt * cacheShare);
  const cacheWriteTokens = local ? 0 : prompt;
  const inputTokens = local
    ? slotIn + calls * prompt
    : slotIn + Math.round(Math.max(0, calls - 1) * prompt * (1 - cacheShare));
  const price = priceOf(config.model, prices);
  const costUsd = price
    ? costOf(price, { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens })
    : null;
  const secondsPerCall = learned?.secondsPerCall ?? PRIOR.secondsPerCall[config.provider];
  const latencySeconds = (calls * secondsPerCall) / config.concurrency;
  // Quota consumption as Bedrock counts it: input + output x burndown (5 for Claude 3.7/4.x).
  const quotaTokens = inputTokens + outputTokens * outputBurndown(config.model);
  const rpmSeconds = config.rpm ? (calls / config.rpm) * 60 : 0;
  const tpmSeconds = config.tpm ? (quotaTokens / config.tpm) * 60 : 0;
  const seconds = Math.max(latencySeconds, rpmSeconds, tpmSeconds);
  const limitedBy =
    seconds === rpmSeconds && rpmSeconds > 0
      ? 'quota (requests)'
      : seconds === tpmSeconds && tpmSeconds > 0
        ? 'quota (tokens)'
        : 'latency';
  const perCallTokens = quotaTokens / calls;
  const ceilingCallsPerMin = Math.min(
    config.rpm ?? Number.POSITIVE_INFINITY,
    config.tpm ? config.tpm / perCallTokens : Number.POSITIVE_INFINITY,
  );
  return {
    calls,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    costUsd,
    seconds,
    limitedBy,
    ceilingItemsPerMinute: Number.isFinite(ceilingCallsPerMin)
      ? Math.round((ceilingCallsPerMin * config.slotsPerCall * config.count) / attempts)
      : null,
    mode: 'on_demand',
    basis,
    ...jobSize(config),
  };
}

/**
 * A batch job: one record per up to 5 slots, every record carrying the system prompt and examples (batch has
 * no prompt cache), at half the on-demand price; re-asks run on demand but are few, so they are priced the
 * same way. Time is Bedrock's completion window, not the quota.
 */
function estimateBatch(
  config: GenerationConfig,
  prices: Record<string, ModelPrice>,
  learned: Learned | null,
  basis: EstimateBasis | null,
): GenerationEstimate {
  const perRecord = Math.min(config.slotsPerCall, 5);
  const attempts = config.count * (learned?.attemptsPerItem ?? PRIOR.attemptsPerItem);
  const calls = Math.ceil(attempts / perRecord);
  const perSlotIn = learned?.inputPerSlot ?? PRIOR.inputPerSlot[config.kind];
  const inputTokens = Math.round(
    attempts * perSlotIn + calls * (PRIOR.inputPerCall + promptTokens(config.kind)),
  );
  const outputTokens = Math.round(config.count * outputPerItem(config, learned));
  const price = priceOf(config.model, prices);
  return {
    calls,
    inputTokens,
    outputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: price
      ? costOf(price, { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }) * 0.5
      : null,
    seconds: BATCH_WINDOW_S,
    limitedBy: 'batch (Bedrock finishes most jobs within 24 h)',
    ceilingItemsPerMinute: null,
    mode: 'batch',
    basis,
    ...jobSize(config),
  };
}

/** How many of the newest finished jobs an estimate learns from. */
const LEARN_FROM_JOBS = 20;

/**
 * Learns from this registry's newest finished jobs (completed, or completed short) of the same provider, model
 * and kind; null when there are none, so the estimate uses the {@link PRIOR}.
 */
export async function learnedFor(
  em: EntityManager,
  config: Pick<GenerationConfig, 'provider' | 'model' | 'kind'>,
): Promise<Learned | null> {
  const jobs = await em.find(
    GenerationJobSchema,
    {
      provider: config.provider,
      model: config.model,
      kind: config.kind,
      status: { $in: ['completed', 'completed_short'] },
      accepted: { $gt: 0 },
    },
    { orderBy: { finishedAt: 'desc', id: 'desc' }, limit: LEARN_FROM_JOBS },
  );
  return learnFromJobs(jobs.map(measuredJob));
}

/** A stored job's measurements, for {@link learnFromJobs}. */
export function measuredJob(job: GenerationJob): MeasuredJob {
  const config = job.config as Partial<GenerationConfig>;
  // A top-up run restarts the clock's meaning (startedAt is the first run's), so only single runs are timed.
  const seconds =
    job.startedAt && job.finishedAt && job.topUps === 0
      ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000
      : null;
  return {
    config: {
      kind: job.kind as GenerationConfig['kind'],
      slotsPerCall: config.slotsPerCall ?? 1,
      concurrency: config.concurrency ?? 1,
      targets: config.targets ?? {
        intents: null,
        languages: {},
        sentiments: {},
        complexities: {},
        resolutions: {},
        seriesTypes: null,
      },
    },
    accepted: job.accepted,
    calls: job.calls,
    inputTokens: job.inputTokens,
    outputTokens: job.outputTokens,
    cacheReadTokens: job.cacheReadTokens,
    cacheWriteTokens: job.cacheWriteTokens,
    seconds,
    concurrency: job.finalConcurrency ?? null,
    answerSizes: job.answerSizes ?? null,
  };
}

/**
 * How many items' worth of weight the job's estimate keeps against its own measurements: after this many items
 * the projection is half estimate, half measured, and the measurements take over as the job goes on.
 */
const PRIOR_WEIGHT_ITEMS = 10;

/** Blends a per-item figure from the estimate with the measured one, by items measured so far. */
function blend(prior: number | null, measured: number | null, measuredItems: number) {
  if (measured === null || measuredItems <= 0) return prior;
  if (prior === null) return measured;
  return (
    (PRIOR_WEIGHT_ITEMS * prior + measuredItems * measured) / (PRIOR_WEIGHT_ITEMS + measuredItems)
  );
}

interface ProjectedJob {
  requested: number;
  accepted: number;
  rejected: number;
  costUsd: number;
  estimate?: Pick<GenerationEstimate, 'costUsd' | 'seconds' | 'items'> | null;
}

/**
 * The job's final cost as it stands: what it spent plus what is left at a per-item cost that starts at the
 * estimate's and converges to the measured one as answers come back. Null when neither is known.
 */
export function projectCost(job: ProjectedJob): number | null {
  const done = job.accepted + job.rejected;
  const left = Math.max(0, job.requested - done);
  const prior =
    job.estimate && job.estimate.costUsd !== null && job.estimate.items > 0
      ? job.estimate.costUsd / job.estimate.items
      : null;
  const perItem = blend(prior, done > 0 ? job.costUsd / done : null, done);
  return perItem === null ? null : job.costUsd + left * perItem;
}

/**
 * Seconds left: the items left at a time per item that starts at the estimate's and converges to the rate
 * measured in this run (`itemsPerMinute` over `measuredItems` items). Null when neither is known.
 */
export function projectSeconds(
  job: ProjectedJob,
  itemsPerMinute: number,
  measuredItems: number,
): number | null {
  const left = Math.max(0, job.requested - job.accepted - job.rejected);
  if (left === 0) return 0;
  const prior =
    job.estimate && job.estimate.items > 0 ? job.estimate.seconds / job.estimate.items : null;
  const perItem = blend(prior, itemsPerMinute > 0 ? 60 / itemsPerMinute : null, measuredItems);
  return perItem === null ? null : Math.round(left * perItem);
}
