import type { GenerationProgress } from '@genesis/schema/progress';
import type { SeriesSlot, Slot } from '@genesis/schema/request';
import type { ModelPrice } from '../../llm/prices.ts';
import type { ModelAnswer } from '../../llm/provider.ts';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import type { GenerationConfig } from '../config.ts';
import { usesBatch } from '../estimate.ts';
import type { GenerationJob } from '../generation-job.entity.ts';
import type { SlotOutcome } from '../parse.ts';
import type { RepeatedConversations } from './repeats.ts';
import { type Item, ShutdownError, type SlotStore } from './slot-store.ts';

/** What the batch phase uses of the runner that starts it. */
export interface BatchPhaseHost {
  job: GenerationJob;
  config: GenerationConfig;
  batch: NonNullable<Config['batch']>;
  region: string | undefined;
  price: ModelPrice | null;
  store: SlotStore;
  repeats: RepeatedConversations;
  logger: Logger | undefined;
  now: () => number;
  system: (slots: readonly Slot[]) => string;
  examples: string;
  parseSeries: (
    answer: ModelAnswer,
    slots: SeriesSlot[],
    meta: (slot: Slot) => ItemMeta,
  ) => Promise<SlotOutcome<Item>[]>;
  /** Records the batch's answers like one on-demand answer (with the batch's cost). */
  record: (
    answer: ModelAnswer,
    outcomes: SlotOutcome<Item>[],
    slots: Slot[],
    pending: Slot[],
    costUsd: number,
  ) => Promise<void>;
  onProgress: (batch: GenerationProgress['batch']) => void;
}

interface ItemMeta {
  model: string;
  provider: string;
  created_at: string;
  slot: string;
}

/**
 * Whether the slots go through Bedrock batch inference first: the estimate's rule (usesBatch), or Bedrock jobs
 * a previous run submitted, which are re-attached to whatever the count.
 */
export function batchWanted(
  config: GenerationConfig,
  job: GenerationJob,
  batch: Config['batch'] | undefined,
  pendingCount: number,
  logger: Logger | undefined,
): boolean {
  if (pendingCount === 0 || config.provider !== 'bedrock' || config.mode === 'on_demand')
    return false;
  if (config.mode === 'batch' && !batch) {
    // Refused at start; a job resumed on a server that lost its batch settings goes on on demand.
    logger?.warn(
      'batch mode asked but GENESIS_BATCH_ROLE_ARN / _INPUT_URI / _OUTPUT_URI are not set; generating on demand',
    );
  }
  const submitted = (job.batchJobs?.length ?? 0) > 0 && !!batch;
  return submitted || usesBatch(config, batch ?? null, pendingCount);
}

/**
 * The slots a batch may take under the budget: as many as the remaining budget pays for at batch price (the
 * rest stay pending, and the on-demand loop pauses at the budget as usual). `costOf` estimates one on-demand
 * call for the given slots.
 */
export function affordableAtBatchPrice(
  slots: Slot[],
  config: GenerationConfig,
  spentUsd: number,
  priced: boolean,
  costOf: (slots: Slot[]) => number,
): Slot[] {
  const budget = config.budgetUsd;
  if (budget === null || !priced) return slots;
  const per = Math.min(config.slotsPerCall, 5);
  const perSlot = costOf(slots.slice(0, per)) / Math.min(per, slots.length) / 2;
  const fit = perSlot > 0 ? Math.floor((budget - spentUsd) / perSlot) : slots.length;
  return slots.slice(0, Math.max(0, Math.min(slots.length, fit)));
}

/**
 * Bedrock batch inference for the pending slots (half price, no per-minute quota): writes the records to S3,
 * submits the jobs (or re-attaches to the ones a previous run submitted), stores the accepted items like any
 * answer, and returns the slots to finish on demand (failed records and rejected answers, with their reasons).
 */
export async function runBatchPhase(
  host: BatchPhaseHost,
  slots: Slot[],
  signal: AbortSignal,
): Promise<Slot[]> {
  const { batch, job, config } = host;
  const [{ BedrockClient }, { S3Client }, { BatchEngine, BatchError }] = await Promise.all([
    import('@aws-sdk/client-bedrock'),
    import('@aws-sdk/client-s3'),
    import('../batch/engine.ts'),
  ]);
  const region = host.region ?? 'us-east-1';
  const endpoint = batch.endpoint ? { endpoint: batch.endpoint } : {};
  const bedrock = new BedrockClient({ region, ...endpoint });
  const s3 = new S3Client({ region, ...endpoint, forcePathStyle: !!batch.endpoint });
  const createdAt = new Date(host.now()).toISOString();
  const meta = (slot: Slot): ItemMeta => ({
    model: config.model,
    provider: 'bedrock',
    created_at: createdAt,
    slot: slot.slot,
  });
  let progress: GenerationProgress['batch'] = null;
  const engine = new BatchEngine({
    bedrock,
    s3,
    modelId: config.model,
    roleArn: batch.roleArn,
    inputUri: batch.inputUri,
    outputUri: batch.outputUri,
    jobNamePrefix: `genesis-job${job.id}`,
    task: config.kind,
    slotsPerRecord: Math.min(config.slotsPerCall, 5),
    minRecordsPerJob: batch.minRecords,
    system: host.system,
    examples: host.examples,
    ...(config.kind === 'timeseries'
      ? {
          parse: (answer: ModelAnswer, recordSlots: Slot[]) =>
            host.parseSeries(answer, recordSlots as SeriesSlot[], meta),
        }
      : {}),
    poll: { initialMs: batch.pollMs, maxMs: Math.max(batch.pollMs, 300_000) },
    price: host.price,
    meta: (slot) => ({ ...meta(slot), conversationId: `job${job.id}-${slot.slot}` }),
    onProgress: (p) => {
      progress = {
        status: p.status,
        jobs: p.jobs.length,
        recordsSubmitted: p.recordsSubmitted,
        recordsCompleted: p.recordsCompleted,
        recordsFailed: p.recordsFailed,
      };
      host.onProgress(progress);
    },
    onJobs: (arns) => host.store.saveBatchJobs(arns),
    signal,
  });
  try {
    const result = job.batchJobs?.length
      ? await engine.attach(job.batchJobs, slots)
      : await engine.run(slots);
    const pending: Slot[] = result.failed.map((f) => f.slot);
    // Repeats are re-asked like on demand; the rest is written as one answer (half-price usage).
    const outcomes = result.outcomes.map((o) =>
      config.kind === 'conversations' ? host.repeats.screen(o as SlotOutcome<Item>) : o,
    ) as SlotOutcome<Item>[];
    const bySlot = new Map(slots.map((s) => [s.slot, s]));
    await host.record(
      { text: '', usage: result.usage, stopReason: 'end_turn', model: config.model, latencyMs: 0 },
      outcomes,
      outcomes.map((o) => bySlot.get(o.slot)!),
      pending,
      result.cost,
    );
    await host.store.saveBatchJobs(null);
    host.onProgress({
      ...(progress ?? { jobs: 0, recordsSubmitted: 0, recordsCompleted: 0, recordsFailed: 0 }),
      status: 'Done',
    });
    return pending;
  } catch (err) {
    if (signal.aborted) {
      // A shutdown or a takeover leaves the Bedrock jobs running (the next run re-attaches to them); a cancel
      // stops them so they stop costing. What they answered before stopping is collected on a resume.
      if (!(signal.reason instanceof ShutdownError)) await engine.stop();
      return slots;
    }
    const reason =
      err instanceof BatchError ? err.message : `batch failed: ${(err as Error).message}`;
    host.logger?.warn({ reason }, 'batch not used; generating on demand');
    return slots;
  } finally {
    bedrock.destroy();
    s3.destroy();
  }
}
