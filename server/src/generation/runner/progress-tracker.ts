import type { GenerationProgress } from '@genesis/schema/progress';
import type { Message } from '@genesis/schema/report-message';
import type { AppPubSub } from '../../platform/pubsub.ts';
import { projectSeconds } from '../estimate.ts';
import { type GenerationJob, MAX_SAMPLES, type ProgressSample } from '../generation-job.entity.ts';
import { buildProgress, nextSequence } from '../progress.ts';

const PROGRESS_INTERVAL_MS = 200;
const LATEST = 5;

/**
 * What a running job shows: per-label counts, rejection reasons, the newest items, batch records, its status,
 * and the rate and ETA since this run started. The ETA and the projected cost move from the job's estimate to
 * what is measured as answers come back (`estimate.ts` `projectSeconds`, `projectCost`). Publishes at most every
 * 200 ms (status changes at once), so a big job does not flood its subscribers.
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
  /** `message` as a code and parameters, when it has them. */
  statusMessage: Message | null = null;
  batch: GenerationProgress['batch'] = null;

  constructor(job: GenerationJob, pubsub: AppPubSub, now: () => number, concurrency: () => number) {
    this.#job = job;
    this.#pubsub = pubsub;
    this.#now = now;
    this.#concurrency = concurrency;
    this.#startedAt = now();
  }

  /** Sets the status text: its English sentence and its message. */
  say(said: { text: string; message: Message | null }): void {
    this.message = said.text;
    this.statusMessage = said.message;
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
      statusMessage: this.statusMessage,
      concurrency: this.#concurrency(),
      itemsPerMinute: Math.round(rate * 10) / 10,
      // From the job's estimate at first, converging to this run's measured rate as items come back.
      etaSeconds:
        left === 0
          ? 0
          : this.status === 'running'
            ? projectSeconds(job, rate, job.accepted - this.#acceptedAtStart)
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

/**
 * A job's progress over time for the job page's charts, bounded: one sample per interval (2 s at first); when
 * {@link MAX_SAMPLES} are held, every other one is dropped and the interval doubles, so a long job keeps an
 * even picture of its whole run in a fixed size. Continues the samples an earlier run stored.
 */
export class SampleSeries {
  #samples: ProgressSample[];
  #intervalS: number;
  readonly #origin: number;

  /** `origin`: when the job's first run started (ms since the epoch); `t` counts seconds from it. */
  constructor(origin: number, stored: readonly ProgressSample[] = []) {
    this.#origin = origin;
    this.#samples = [...stored];
    this.#intervalS = 2;
    // Resume at the spacing the stored samples reached.
    const span = stored.length > 1 ? stored[stored.length - 1]!.t - stored[0]!.t : 0;
    while (span / this.#intervalS > MAX_SAMPLES) this.#intervalS *= 2;
  }

  /** Records an event when the interval has passed since the last sample (or the job's state ended). */
  add(p: GenerationProgress, force = false): void {
    const t = Math.max(0, (Date.parse(p.updatedAt) - this.#origin) / 1000);
    const last = this.#samples[this.#samples.length - 1];
    if (last && !force && t - last.t < this.#intervalS) return;
    const sample: ProgressSample = {
      t: Math.round(t * 100) / 100,
      accepted: p.accepted,
      itemsPerMinute: p.itemsPerMinute,
      costUsd: p.costUsd,
      throttles: p.throttles,
    };
    if (last && last.t === sample.t) this.#samples[this.#samples.length - 1] = sample;
    else this.#samples.push(sample);
    if (this.#samples.length > MAX_SAMPLES) {
      // Keep the first and the newest, thin the rest evenly.
      const newest = this.#samples[this.#samples.length - 1]!;
      this.#samples = this.#samples.filter((_, i) => i % 2 === 0);
      if (this.#samples[this.#samples.length - 1] !== newest) this.#samples.push(newest);
      this.#intervalS *= 2;
    }
  }

  get samples(): ProgressSample[] {
    return [...this.#samples];
  }
}
