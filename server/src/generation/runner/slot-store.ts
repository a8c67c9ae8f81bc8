import type { Message } from '@genesis/schema/report-message';
import type { Slot } from '@genesis/schema/request';
import type { EntityManager } from '@mikro-orm/knex';
import type { TokenUsage } from '../../llm/provider.ts';
import type { Services } from '../../platform/db/orm.ts';
import { itemColumns } from '../../registry/columns.ts';
import { DatasetSchema } from '../../registry/dataset.entity.ts';
import { DatasetItemSchema } from '../../registry/dataset-item.entity.ts';
import type { GenerationConfig } from '../config.ts';
import {
  type GenerationJob,
  GenerationJobSchema,
  type JobStatus,
} from '../generation-job.entity.ts';

/** The abort reason of a server shutdown, as opposed to a user's cancel. */
export class ShutdownError extends Error {
  override name = 'ShutdownError';
}

/** Another process holds the job now (our lease expired): this run must stop without writing anything more. */
export class LeaseLostError extends ShutdownError {
  override name = 'LeaseLostError';
}

/** A generated item as the runner holds it: a conversation or a rendered series. */
export type Item = Record<string, unknown> & ({ conversation_id: string } | { series_id: string });

/** Everything one answer changes: items to store, slots given up on, tokens and cost. */
export interface AnswerEffect {
  accepted: readonly { slot: Slot; item: Item }[];
  finalRejections: readonly { slot: string; reason: string; attempts: number }[];
  usage: TokenUsage;
  costUsd: number;
  /** 1 for a model answer, 0 for slots settled without one. */
  calls: number;
}

/**
 * A job's writes. Each answer's accepted items, its final rejections, the job's counters and its cost go to the
 * database in ONE transaction, keyed by slot (unique per dataset), and writes are serialised per job: a crash
 * loses at most the answers in flight (their slots are filled again on resume), never duplicates an item and
 * never counts a cost twice. While a lease owner is set, every write is conditional on still holding the job.
 */
export class SlotStore {
  readonly #job: GenerationJob;
  readonly #kind: GenerationConfig['kind'];
  readonly #services: Services;
  readonly #em: EntityManager;
  readonly #owner: string | undefined;
  readonly #now: () => number;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    job: GenerationJob,
    kind: GenerationConfig['kind'],
    services: Services,
    owner: string | undefined,
    now: () => number,
  ) {
    this.#job = job;
    this.#kind = kind;
    this.#services = services;
    this.#em = services.em.fork();
    this.#owner = owner;
    this.#now = now;
  }

  get em(): EntityManager {
    return this.#em;
  }

  get datasetId(): number {
    const id = (this.#job.dataset as { id: number } | null)?.id;
    if (!id) throw new Error(`generation job ${this.#job.id} has no dataset`);
    return id;
  }

  /** What earlier runs stored: each item's slot key and label. */
  async storedSlots(): Promise<{ key: string; label: string | null }[]> {
    const rows = await this.#em
      .createQueryBuilder(DatasetItemSchema, 'i')
      .select(['key', 'intent', 'seriesType'])
      .where({ dataset: this.datasetId })
      .execute<{ key: string; intent: string | null; series_type: string | null }[]>('all', false);
    return rows.map((r) => ({ key: r.key, label: r.intent ?? r.series_type }));
  }

  /** Every stored item's data, oldest first (for the repeated-conversation check). */
  storedItems(): AsyncIterable<Record<string, unknown>> {
    return this.#services.datasets(this.#services.em.fork()).streamItems(this.datasetId);
  }

  /** Marks the job running, with counters that agree with what is stored. */
  async begin(): Promise<void> {
    const job = this.#job;
    await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), {
      status: 'running',
      startedAt: job.startedAt,
      error: null,
      errorMessage: null,
      accepted: job.accepted,
      rejected: job.rejected,
      updatedAt: new Date(this.#now()),
    });
  }

  /** The Bedrock batch jobs submitted for this job (null once collected). */
  async saveBatchJobs(arns: string[] | null): Promise<void> {
    this.#job.batchJobs = arns;
    await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), { batchJobs: arns });
  }

  /**
   * Writes one answer's effect in a single transaction, after the writes before it. Returns how many items were
   * inserted (an item whose slot is already stored is left as it is). The in-memory job follows only after the
   * commit. Throws LeaseLostError, with nothing written, when another process holds the job.
   */
  write(effect: AnswerEffect): Promise<number> {
    const job = this.#job;
    const write = this.#writes.then(async () => {
      const datasetId = this.datasetId;
      const { count, next } = await this.#em.transactional(async (em) => {
        let count = 0;
        if (effect.accepted.length > 0) {
          count = await this.#services.datasets(em).insertItems(
            datasetId,
            effect.accepted.map(({ slot, item }) => ({
              key: slot.slot,
              position: Number(slot.slot.slice(2)) - 1,
              data: item,
              columns: itemColumns(this.#kind, item as never),
            })),
            { ignoreExisting: true },
          );
          // insertItems adds the rows it inserted to the dataset's itemCount in this transaction; only the
          // job's clock is stamped here.
          await em.nativeUpdate(
            DatasetSchema,
            { id: datasetId },
            { updatedAt: new Date(this.#now()) },
          );
        }
        const usage = effect.usage;
        const next = {
          accepted: job.accepted + count,
          rejected: job.rejected + effect.finalRejections.length,
          calls: job.calls + effect.calls,
          retries: job.retries,
          throttles: job.throttles,
          inputTokens: job.inputTokens + usage.inputTokens,
          outputTokens: job.outputTokens + usage.outputTokens,
          cacheReadTokens: job.cacheReadTokens + usage.cacheReadTokens,
          cacheWriteTokens: job.cacheWriteTokens + usage.cacheWriteTokens,
          costUsd: job.costUsd + effect.costUsd,
          rejections:
            effect.finalRejections.length > 0
              ? [...(job.rejections ?? []), ...effect.finalRejections]
              : job.rejections,
        };
        const updated = await em.nativeUpdate(GenerationJobSchema, this.#mine(), {
          ...next,
          updatedAt: new Date(this.#now()),
        });
        // Rolls back this answer's items too: the process that took the job over will fill these slots.
        if (updated === 0) throw new LeaseLostError('another process took over this job');
        return { count, next };
      });
      // Retries and throttles are counted in memory by the runner as calls fail, also while this write was
      // awaited: they are stored as they were, never copied back (that would undo a count made meanwhile).
      const { retries: _retries, throttles: _throttles, ...written } = next;
      Object.assign(job, written);
      return count;
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }

  /** Waits for the writes in flight. */
  settled(): Promise<unknown> {
    return this.#writes;
  }

  /** Stores how the run ended and lets go of the job. */
  async finish(
    status: JobStatus,
    message: string | null,
    statusMessage: Message | null,
    rate?: { itemsPerMinute: number; concurrency: number },
  ): Promise<void> {
    await this.#em.nativeUpdate(GenerationJobSchema, this.#mine(), {
      leaseOwner: null,
      leaseExpiresAt: null,
      status,
      error: message,
      errorMessage: statusMessage,
      // The last run's figures, so a finished job still shows them after a reload.
      ...(rate
        ? { finalItemsPerMinute: rate.itemsPerMinute, finalConcurrency: rate.concurrency }
        : {}),
      retries: this.#job.retries,
      throttles: this.#job.throttles,
      finishedAt: status === 'paused' || status === 'queued' ? null : new Date(this.#now()),
      updatedAt: new Date(this.#now()),
    });
    Object.assign(this.#job, {
      status,
      error: message,
      errorMessage: statusMessage,
      ...(rate
        ? { finalItemsPerMinute: rate.itemsPerMinute, finalConcurrency: rate.concurrency }
        : {}),
    });
  }

  /** The job row, as long as this process holds it. */
  #mine() {
    return this.#owner ? { id: this.#job.id, leaseOwner: this.#owner } : { id: this.#job.id };
  }
}
