import { estimateTokens } from '@genesis/schema/request';
import { costOf, type ModelPrice, outputBurndown, priceOf, supportsBatch } from '../llm/prices.ts';
import type { Config } from '../platform/config.ts';
import { type GenerationConfig, jobSize } from './config.ts';
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
  costUsd: number | null;
  /** Wall-clock estimate, from the quota, the concurrency and a typical latency. */
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

/** Typical tokens of one slot's request and answer, beside the shared system prompt and examples. */
function slotTokens(config: GenerationConfig) {
  const conversations = config.kind === 'conversations';
  return {
    input: conversations ? 75 : 60,
    output: conversations ? 110 * 5 + 80 : 160,
    prompt: estimateTokens(
      conversations ? CONVERSATION_SYSTEM_PROMPT + CONVERSATION_EXAMPLES : SERIES_SYSTEM_PROMPT,
    ),
  };
}

/** Typical seconds per call: the local provider is instant, LLM calls take a few seconds for a batch. */
const LATENCY_S = { local: 0.01, bedrock: 8, openai: 8 };
/** Share of slots asked again after a rejected answer, from the runner's behaviour under faults. */
const REASK_RATE = 0.05;

/**
 * Estimates a job without calling the model: calls, tokens (the system prompt and examples are read from the
 * prompt cache after the first call), cost from the model's price and time from the quota and concurrency.
 */
export function estimateGeneration(
  config: GenerationConfig,
  prices: Record<string, ModelPrice> = {},
  batch: Config['batch'] = null,
): GenerationEstimate {
  if (usesBatch(config, batch, config.count)) return estimateBatch(config, prices);
  const calls = Math.ceil((config.count * (1 + REASK_RATE)) / config.slotsPerCall);
  const { input: perSlotIn, output: perSlotOut, prompt: cached } = slotTokens(config);
  const items = config.count * (1 + REASK_RATE);
  const uncachedIn = Math.round(items * perSlotIn + calls * 60);
  const outputTokens = Math.round(items * perSlotOut);
  const cacheReadTokens = config.provider === 'local' ? 0 : Math.max(0, calls - 1) * cached;
  const inputTokens = uncachedIn + (config.provider === 'local' ? calls * cached : cached);
  const price = priceOf(config.model, prices);
  const costUsd = price
    ? costOf(price, {
        inputTokens: uncachedIn,
        outputTokens,
        cacheReadTokens,
        cacheWriteTokens: config.provider === 'local' ? 0 : cached,
      })
    : null;
  const latencySeconds = (calls * LATENCY_S[config.provider]) / config.concurrency;
  // Quota consumption as Bedrock counts it: input + output x burndown (5 for Claude 3.7/4.x).
  const quotaTokens = uncachedIn + outputTokens * outputBurndown(config.model);
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
    costUsd,
    seconds: Math.round(seconds),
    limitedBy,
    ceilingItemsPerMinute: Number.isFinite(ceilingCallsPerMin)
      ? Math.round((ceilingCallsPerMin * config.slotsPerCall) / (1 + REASK_RATE))
      : null,
    mode: 'on_demand',
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
): GenerationEstimate {
  const tokens = slotTokens(config);
  const perRecord = Math.min(config.slotsPerCall, 5);
  const items = config.count * (1 + REASK_RATE);
  const calls = Math.ceil(items / perRecord);
  const inputTokens = Math.round(items * tokens.input + calls * (60 + tokens.prompt));
  const outputTokens = Math.round(items * tokens.output);
  const price = priceOf(config.model, prices);
  return {
    calls,
    inputTokens,
    outputTokens,
    cacheReadTokens: 0,
    costUsd: price
      ? costOf(price, { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }) * 0.5
      : null,
    seconds: BATCH_WINDOW_S,
    limitedBy: 'batch (Bedrock finishes most jobs within 24 h)',
    ceilingItemsPerMinute: null,
    mode: 'batch',
    ...jobSize(config),
  };
}
