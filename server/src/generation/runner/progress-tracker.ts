import type { GenerationProgress } from '@genesis/schema/progress';
import type { AppPubSub } from '../../platform/pubsub.ts';
import type { GenerationJob } from '../generation-job.entity.ts';
import { buildProgress, nextSequence } from '../progress.ts';

const PROGRESS_INTERVAL_MS = 200;
const LATEST = 5;

/**
 * What a running job shows: per-label counts, rejection reasons, the newest items, batch records, its status,
 * and the rate and ETA since this run started. Publishes at most every 200 ms (status changes at once), so a
 * big job does not flood its subscribers.
 */
export class ProgressTracker {
  readonly #job: GenerationJob;
  readonly #pubsub: AppPubSub;
  readonly #now: () => number;
  readonly #concurrency: () => number;
  readonly #startedAt: number;
  readonly #perLabel = new Map<string, number>();
  readonly #reasons = new Map<string, number>();
  #latest: GenerationProgress['latest'] = [];
  #acceptedAtStart = 0;
  #sequence = 0;
  #lastPublish = 0;
  #timer: NodeJS.Timeout | null = null;
  status: GenerationProgress['status'] = 'running';
  message: string | null = null;
  batch: GenerationProgress['batch'] = null;

  constructor(job: GenerationJob, pubsub: AppPubSub, now: () => number, concurrency: () => number) {
    this.#job = job;
    this.#pubsub = pubsub;
    this.#now = now;
    this.#concurrency = concurrency;
    this.#startedAt = now();
  }

  /** The rate counts items accepted from here on, not those an earlier run stored. */
  startFrom(accepted: number): void {
    this.#acceptedAtStart = accepted;
  }

  countLabel(label: string): void {
    this.#perLabel.set(label, (this.#perLabel.get(label) ?? 0) + 1);
  }

  countRejection(reason: string): void {
    this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1);
  }

  /** Puts newly stored items at the front of the newest-items list. */
  addLatest(items: GenerationProgress['latest']): void {
    this.#latest = [...items.slice(-LATEST).reverse(), ...this.#latest].slice(0, LATEST);
  }

  /** The job's live state. */
  progress(): GenerationProgress {
    const job = this.#job;
    const elapsedMin = Math.max(1e-9, (this.#now() - this.#startedAt) / 60_000);
    const rate = (job.accepted - this.#acceptedAtStart) / elapsedMin;
    const left = job.requested - job.accepted - job.rejected;
    return buildProgress(job, {
      status: this.status,
      message: this.message,
      concurrency: this.#concurrency(),
      itemsPerMinute: Math.round(rate * 10) / 10,
      etaSeconds:
        this.status === 'running' && rate > 0
          ? Math.round((left / rate) * 60)
          : left === 0
            ? 0
            : null,
      rejectionReasons: this.#reasons,
      perLabel: [...this.#perLabel]
        .map(([label, count]) => ({ label, count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
      latest: this.#latest,
      batch: this.batch,
      sequence: this.#sequence,
      updatedAt: new Date(this.#now()),
    });
  }

  /** Publishes now (`force`) or within 200 ms of the last event. */
  publish(force = false): void {
    const emit = () => {
      this.#timer = null;
      this.#lastPublish = this.#now();
      this.#sequence = nextSequence();
      this.#pubsub.publish('generation:progress', this.#job.id, this.progress());
    };
    if (force) {
      if (this.#timer) clearTimeout(this.#timer);
      emit();
      return;
    }
    if (this.#timer) return;
    const wait = PROGRESS_INTERVAL_MS - (this.#now() - this.#lastPublish);
    if (wait <= 0) emit();
    else this.#timer = setTimeout(emit, wait);
  }
}
