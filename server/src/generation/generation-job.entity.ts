import { DATASET_KINDS } from '@genesis/schema/common';
import type { Message } from '@genesis/schema/report-message';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { baseProperties } from '../platform/db/base.ts';
import { DatasetSchema } from '../registry/dataset.entity.ts';
import type { AnswerSizes, GenerationEstimate } from './estimate.ts';

export const JOB_STATUSES = [
  'queued',
  'running',
  'paused',
  'completed',
  /** Finished, with fewer items than requested: slots rejected after every attempt (`rejections` says why). */
  'completed_short',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** One point of a job's progress over time, for the job page's charts. */
export interface ProgressSample {
  /** Seconds since the job's first run started. */
  t: number;
  accepted: number;
  itemsPerMinute: number;
  costUsd: number;
  throttles: number;
}

/** The most samples a job keeps: when full, every other one is dropped and the interval doubles. */
export const MAX_SAMPLES = 120;

/** A generation run: its full config, where it writes, and its counters. The generation engine fills it in. */
export const GenerationJobSchema = defineEntity({
  name: 'GenerationJob',
  properties: {
    ...baseProperties,
    kind: p.enum([...DATASET_KINDS]),
    status: p.enum([...JOB_STATUSES]).index(),
    provider: p.string().length(40),
    model: p.string().length(200).nullable(),
    config: p.json<Record<string, unknown>>(),
    dataset: () => p.manyToOne(DatasetSchema).nullable().deleteRule('set null'),
    requested: p.integer().default(0),
    accepted: p.integer().default(0),
    rejected: p.integer().default(0),
    /** Model calls whose answers were recorded (calls lost to a crash are not counted, nor billed here). */
    calls: p.integer().default(0),
    retries: p.integer().default(0),
    throttles: p.integer().default(0),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    cacheReadTokens: p.integer().default(0),
    cacheWriteTokens: p.integer().default(0),
    costUsd: p.double().$type<number>().default(0),
    /** Slots given up on, with the last reason: `[{ slot, reason, attempts }]`. */
    rejections: p.json<{ slot: string; reason: string; attempts: number }[]>().nullable(),
    /** Why the job paused, stopped or ended short (English), and the same as a message code and parameters. */
    error: p.text().nullable(),
    errorMessage: p.json<Message>().nullable(),
    /** ARNs of the Bedrock batch jobs in flight, so a restart re-attaches instead of submitting again. */
    batchJobs: p.json<string[]>().nullable(),
    /** The server process running the job, and until when its claim holds unless renewed (heartbeat). */
    leaseOwner: p.string().length(120).nullable(),
    leaseExpiresAt: p.datetime().nullable().index(),
    /** Top-ups run by `resumeGeneration` of a `completed_short` job: varies the re-asked slots' seeds. */
    topUps: p.integer().default(0),
    /** The rate (accepted items per minute) and concurrency of the job's last run, kept when it stops. */
    finalItemsPerMinute: p.double().$type<number>().nullable(),
    finalConcurrency: p.integer().nullable(),
    /** The estimate made when the job was created (`estimate.ts`), to compare with what it used. */
    estimate: p.json<GenerationEstimate>().nullable(),
    /** Answer sizes of the accepted items per language and complexity, measured when the job finished. */
    answerSizes: p.json<AnswerSizes>().nullable(),
    /** Progress over time, at most {@link MAX_SAMPLES} points (thinned evenly), kept when a run stops. */
    samples: p.json<ProgressSample[]>().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export interface GenerationJob extends InferEntity<typeof GenerationJobSchema> {}
