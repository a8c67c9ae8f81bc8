import type { GenerationProgress } from '@genesis/schema/progress';
import type { Message } from '@genesis/schema/report-message';
import { type GenerationEstimate, projectCost } from './estimate.ts';

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

/** What only a running job knows; a stored job reports zeros and nulls for these. */
export interface LiveFigures {
  status: GenerationProgress['status'];
  message: string | null;
  statusMessage: Message | null;
  concurrency: number;
  itemsPerMinute: number;
  etaSeconds: number | null;
  rejectionReasons: ReadonlyMap<string, number>;
  perLabel: GenerationProgress['perLabel'];
  latest: GenerationProgress['latest'];
  batch: GenerationProgress['batch'];
  sequence: number;
  updatedAt: Date;
}

/** The counters a job row keeps (see generation-job.entity.ts). */
interface JobCounters {
  id: number;
  kind: string;
  requested: number;
  accepted: number;
  rejected: number;
  retries: number;
  throttles: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  estimate?: GenerationEstimate | null;
  dataset?: unknown;
}

/** Statuses after which a job spends nothing more until it is resumed. */
const ENDED = new Set(['completed', 'completed_short', 'failed', 'cancelled']);

/**
 * One progress event from a job's stored counters and what is known live: the runner and the manager (for jobs
 * that are not running) both build their events here, so the two cannot drift apart.
 */
export function buildProgress(job: JobCounters, live: LiveFigures): GenerationProgress {
  return {
    jobId: job.id,
    datasetId: (job.dataset as { id: number } | null | undefined)?.id ?? null,
    kind: job.kind as GenerationProgress['kind'],
    status: live.status,
    message: live.message,
    statusMessage: live.statusMessage,
    requested: job.requested,
    accepted: job.accepted,
    rejected: job.rejected,
    rejectionReasons: [...live.rejectionReasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count),
    retries: job.retries,
    throttles: job.throttles,
    calls: job.calls,
    concurrency: live.concurrency,
    itemsPerMinute: live.itemsPerMinute,
    etaSeconds: live.etaSeconds,
    inputTokens: job.inputTokens,
    outputTokens: job.outputTokens,
    cacheReadTokens: job.cacheReadTokens,
    cacheWriteTokens: job.cacheWriteTokens,
    costUsd: job.costUsd,
    costPerItemUsd: job.accepted > 0 ? job.costUsd / job.accepted : null,
    projectedCostUsd: ENDED.has(live.status) ? job.costUsd : projectCost(job),
    perLabel: live.perLabel,
    latest: live.latest,
    batch: live.batch,
    sequence: live.sequence,
    updatedAt: live.updatedAt.toISOString(),
  };
}
