/**
 * The live progress events of long work, as the server publishes them (over the in-process or Redis event bus)
 * and streams them to subscribers. Shared by the domains that publish them and the platform that carries them.
 */

import type { Message } from './report-message.ts';

/** The states of a training run. */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A generation job's live state, as streamed by `generationProgress` and shown by the CLI. */
export interface GenerationProgress {
  jobId: number;
  datasetId: number | null;
  kind: 'conversations' | 'timeseries';
  /** `completed_short`: finished with fewer items than requested (see `message` and `rejectionReasons`). */
  status:
    | 'queued'
    | 'running'
    | 'paused'
    | 'completed'
    | 'completed_short'
    | 'failed'
    | 'cancelled';
  /** Why the job paused or failed, for people. */
  message: string | null;
  /**
   * `message` as a code and parameters (`job-messages.ts`), for a client to say in its reader's language; null
   * without a message or for a job stopped before these were kept.
   */
  statusMessage: Message | null;
  requested: number;
  accepted: number;
  rejected: number;
  /** Rejection reasons seen so far, most common first. */
  rejectionReasons: { reason: string; count: number }[];
  retries: number;
  throttles: number;
  calls: number;
  concurrency: number;
  itemsPerMinute: number;
  etaSeconds: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  costPerItemUsd: number | null;
  /**
   * The final cost as it stands: the cost so far plus the items left at a per-item cost that moves from the
   * job's estimate to the measured one as answers come back; the cost itself once the job has ended.
   */
  projectedCostUsd: number | null;
  /** Accepted items per intent (conversations) or series type (time series). */
  perLabel: { label: string; count: number }[];
  /** The newest accepted items (at most 5), newest first. */
  latest: { key: string; label: string; preview: string }[];
  /** Bedrock batch inference, while a batch runs: status and record counts. */
  batch: {
    status: string;
    jobs: number;
    recordsSubmitted: number;
    recordsCompleted: number;
    recordsFailed: number;
  } | null;
  /** Increases with every event of this job, so clients can order and de-duplicate. */
  sequence: number;
  updatedAt: string;
}

/**
 * The statuses after which a job or run publishes nothing more (until it is resumed): a progress stream ends
 * there, and a slow subscriber's coalescing never drops an event with one of them.
 */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'completed_short',
  'failed',
  'cancelled',
]);

/** Whether a progress event (generation or training) is its stream's last. */
export function isTerminalProgress(progress: { status: string }): boolean {
  return TERMINAL_STATUSES.has(progress.status);
}

/** Live state of a run, streamed by `trainingProgress`. */
export interface RunProgress {
  runId: number;
  status: RunStatus;
  stage: string;
  fold: number | null;
  folds: number | null;
  iteration: number | null;
  iterations: number | null;
  loss: number | null;
  fraction: number;
  elapsedSeconds: number;
  etaSeconds: number | null;
  message: string | null;
}
