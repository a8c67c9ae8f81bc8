import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { baseProperties } from '../platform/db/base.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';

export const JUDGE_STATUSES = [
  'queued',
  'running',
  /** Stopped by the budget, a provider configuration problem or too many failures in a row; resumable. */
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JudgeStatus = (typeof JUDGE_STATUSES)[number];

/** The settings of a judge run, as stored (its plan is derived from them, so a resume plans the same items). */
export interface JudgeRunConfig {
  /** Items to judge: a seeded sample of this many, or every item (null). */
  sample: number | null;
  seed: string;
  /** The dataset's highest item id when the run was made: later items are not in its plan. */
  maxItemId: number;
  budgetUsd: number | null;
  itemsPerCall: number;
  concurrency: number;
}

/**
 * One LLM-judge run over a dataset (docs/curation.md, "LLM judge"): its settings, counters, cost, and the lease
 * of the process running it (as generation jobs have).
 */
export const JudgeRunSchema = defineEntity({
  name: 'JudgeRun',
  properties: {
    ...baseProperties,
    dataset: () => p.manyToOne(DatasetSchema).deleteRule('cascade').index(),
    status: p.enum([...JUDGE_STATUSES]).index(),
    provider: p.string().length(40),
    model: p.string().length(200),
    /** `model@rubric version`: scores of the same judge are never asked twice for an item. */
    judge: p.string().length(240),
    mode: p.string().length(16),
    config: p.json<JudgeRunConfig>(),
    planned: p.integer().default(0),
    scored: p.integer().default(0),
    failed: p.integer().default(0),
    calls: p.integer().default(0),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    costUsd: p.double().$type<number>().default(0),
    estimateUsd: p.double().$type<number>().default(0),
    error: p.text().nullable(),
    /** ARNs of the Bedrock batch jobs in flight, so a restart re-attaches instead of submitting again. */
    batchJobs: p.json<string[]>().nullable(),
    leaseOwner: p.string().length(120).nullable(),
    leaseExpiresAt: p.datetime().nullable().index(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export interface JudgeRun extends InferEntity<typeof JudgeRunSchema> {}
