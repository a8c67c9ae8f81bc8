/** A generation job's live state, as streamed by `generationProgress` and shown by the CLI. */
export interface GenerationProgress {
  jobId: number;
  datasetId: number | null;
  kind: 'conversations' | 'timeseries';
  status: 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
  /** Why the job paused or failed, for people. */
  message: string | null;
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

let sequence = 0;

/**
 * Sequence numbers for progress events: increasing across every job and run, and across server processes (a
 * job taken over by another process keeps increasing numbers), because they start from the clock in
 * microseconds. Safe integers (2^53) for centuries.
 */
export function nextSequence(): number {
  sequence = Math.max(sequence + 1, Date.now() * 1000);
  return sequence;
}

export function currentSequence(): number {
  return sequence;
}
