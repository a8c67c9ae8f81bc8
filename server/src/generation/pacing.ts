/**
 * Pacing for model calls under a per-minute quota. Written here rather than taken from a library because it
 * needs two coupled budgets (requests and tokens per minute, refilled continuously like Bedrock's quota), a
 * token estimate that is corrected after the call, abortable waits, and an AIMD concurrency limit driven by
 * throttling signals; rate-limiter libraries on npm cover one budget and fixed concurrency.
 */

/** Waits `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A bucket holding up to `perMinute` units, refilled continuously at `perMinute` per minute. */
class Bucket {
  #level: number;
  #at: number;
  constructor(
    readonly perMinute: number,
    private readonly now: () => number,
  ) {
    this.#level = perMinute;
    this.#at = now();
  }
  #refill() {
    const t = this.now();
    this.#level = Math.min(
      this.perMinute,
      this.#level + ((t - this.#at) * this.perMinute) / 60_000,
    );
    this.#at = t;
  }
  /** Milliseconds until `amount` units are available, less `credit` (0 when they are now). */
  waitFor(amount: number, credit = 0): number {
    this.#refill();
    const need = Math.min(amount, this.perMinute) - credit - this.#level;
    return need <= 0 ? 0 : Math.ceil((need * 60_000) / this.perMinute);
  }
  take(amount: number) {
    this.#refill();
    this.#level -= amount;
  }
  /** What the bucket holds now (negative while in debt). */
  level(): number {
    this.#refill();
    return this.#level;
  }
  /** Returns (or, negative, charges more) units once a call's real usage is known. */
  adjust(delta: number) {
    this.#refill();
    this.#level = Math.min(this.perMinute, this.#level + delta);
  }
}

/**
 * Requests-per-minute and tokens-per-minute budgets; either may be unlimited. It mirrors how Bedrock counts
 * (docs/bedrock.md §7): a call reserves one request and its input plus maxTokens x burndown when it starts
 * (`acquire`), and settles to what it really consumed when it ends (`settle`), on success as on failure.
 *
 * Our buckets are an estimate of the service's; the service is the authority. While no throttle has been seen,
 * the pacer probes upward: a token credit, grown by a small step with each success and capped at
 * `maxCreditShare` of the per-minute quota, lets a call start that far before our estimate says it fits. A
 * throttle halves the credit and drains a little of the request budget, so the probe costs a few 429s, not
 * idle quota: Bedrock charges a refused call nothing.
 */
export class QuotaPacer {
  readonly #requests: Bucket | null;
  readonly #tokens: Bucket | null;
  #queue: Promise<void> = Promise.resolve();
  #credit = 0;
  readonly #creditStep: number;
  readonly #maxCredit: number;
  /** Throttles seen (each halves the probe credit). */
  throttles = 0;

  constructor(
    rpm: number | null,
    tpm: number | null,
    now: () => number = Date.now,
    { creditStepShare = 0.01, maxCreditShare = 0.1 } = {},
  ) {
    this.#requests = rpm ? new Bucket(rpm, now) : null;
    this.#tokens = tpm ? new Bucket(tpm, now) : null;
    this.#creditStep = (tpm ?? 0) * creditStepShare;
    this.#maxCredit = (tpm ?? 0) * maxCreditShare;
  }

  /**
   * Waits until one request and `tokens` tokens fit the quota (less the probe credit), then takes them.
   * Callers are served in order, so a large call is not starved by small ones.
   */
  acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        const wait = Math.max(
          this.#requests?.waitFor(1) ?? 0,
          this.#tokens?.waitFor(tokens, this.#credit) ?? 0,
        );
        if (wait === 0) break;
        // Wakes early when a call settles: its refund may be what this call waits for (sleeping out a wait
        // computed before the refund left the quota idle for seconds).
        await this.#sleepUnlessSettled(wait, signal);
      }
      this.#requests?.take(1);
      this.#tokens?.take(tokens);
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Settles a call when it ends: `actual` (what the service charged: input + cache writes + output x burndown;
   * 0 for a call refused or failed before answering) replaces the `estimated` reservation. A successful call
   * also grows the probe credit.
   */
  settle(estimated: number, actual: number, success = actual > 0) {
    this.#tokens?.adjust(estimated - actual);
    if (success) this.#credit = Math.min(this.#maxCredit, this.#credit + this.#creditStep);
    for (const wake of [...this.#wakers]) wake();
  }

  readonly #wakers = new Set<() => void>();

  #sleepUnlessSettled(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        signal?.removeEventListener('abort', onAbort);
      };
      const wake = () => {
        stop();
        resolve();
      };
      const onAbort = () => {
        stop();
        reject(signal?.reason);
      };
      const timer = setTimeout(wake, ms);
      if (signal?.aborted) return onAbort();
      this.#wakers.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * After a throttle the service's view of our usage is ahead of ours: halve the probe credit and drain a
   * tenth of a minute of requests. The tokens need no draining: the refused call's reservation is settled to
   * 0 on both sides, and taking more would leave quota idle at the service.
   */
  drain() {
    this.throttles++;
    this.#credit /= 2;
    this.#requests?.take(this.#requests.perMinute / 10);
  }

  /** What the buckets hold now (null: unlimited) and the probe credit, for tests and benchmarks. */
  levels(): { requests: number | null; tokens: number | null; credit: number } {
    return {
      requests: this.#requests?.level() ?? null,
      tokens: this.#tokens?.level() ?? null,
      credit: this.#credit,
    };
  }
}

/**
 * Keeps a call's `maxTokens` tight (docs/bedrock.md §7): Bedrock reserves maxTokens x burndown of the quota for
 * every call while it runs, so a loose ceiling holds quota that answers never use (and a run's last calls hand
 * it back when nothing is left to spend it on). The gauge learns how much of the static ceiling
 * (`maxOutputTokens`: the most a slot request could need) answers really use, and asks for a high quantile of
 * that share plus a margin. It never truncates an item for good: an answer cut at a tightened ceiling is
 * asked again at the full ceiling (the runner does that, without counting an attempt), and each cut widens
 * the margin.
 */
export class OutputTokenGauge {
  readonly #shares: number[] = [];
  #next = 0;
  #margin: number;
  /** Answers cut at a tightened ceiling. */
  cuts = 0;
  constructor(
    private readonly options: {
      /** Answers remembered (a ring). */
      window: number;
      /** Answers seen before the ceiling is tightened at all. */
      minSamples: number;
      /** The quantile of the observed shares asked for. */
      quantile: number;
      /** Relative margin over that quantile; widened by each cut. */
      margin: number;
    } = { window: 200, minSamples: 10, quantile: 0.98, margin: 0.15 },
  ) {
    this.#margin = options.margin;
  }

  /** Records a complete answer (not cut): `outputTokens` used of the static `ceiling`. */
  observe(ceiling: number, outputTokens: number) {
    if (ceiling <= 0) return;
    const share = outputTokens / ceiling;
    if (this.#shares.length < this.options.window) this.#shares.push(share);
    else this.#shares[this.#next] = share;
    this.#next = (this.#next + 1) % this.options.window;
  }

  /** The maxTokens to ask for a call whose static ceiling is `ceiling` (never above it). */
  limit(ceiling: number): number {
    if (this.#shares.length < this.options.minSamples) return ceiling;
    const sorted = [...this.#shares].sort((a, b) => a - b);
    const q =
      sorted[Math.min(sorted.length - 1, Math.floor(this.options.quantile * sorted.length))]!;
    return Math.min(ceiling, Math.ceil(ceiling * q * (1 + this.#margin)) + 16);
  }

  /** An answer was cut at a tightened ceiling: widen the margin (its slots are asked again at the full one). */
  cut() {
    this.cuts++;
    this.#margin = Math.min(1, this.#margin * 1.5 + 0.05);
  }
}

/**
 * Additive-increase, multiplicative-decrease concurrency: +1 after a window of successes, halved on a throttle,
 * between 1 and `max`. Like TCP, it decreases at most once per `cooldownMs`: a burst of 429s answering calls that
 * were all in flight together is one congestion signal, not one per call.
 */
export class AimdLimit {
  #limit: number;
  #successes = 0;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  constructor(
    readonly max: number,
    initial = Math.min(max, 4),
    private readonly now: () => number = Date.now,
    private readonly cooldownMs = 2000,
  ) {
    this.#limit = Math.max(1, Math.min(max, initial));
  }
  get value(): number {
    return this.#limit;
  }
  success() {
    if (++this.#successes >= this.#limit) {
      this.#successes = 0;
      this.#limit = Math.min(this.max, this.#limit + 1);
    }
  }
  throttled() {
    this.#successes = 0;
    const t = this.now();
    if (t - this.#lastDecrease < this.cooldownMs) return;
    this.#lastDecrease = t;
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
  }
}

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^attempt)). */
export function backoffMs(
  attempt: number,
  random: () => number,
  base = 1000,
  cap = 30_000,
): number {
  return Math.floor(random() * Math.min(cap, base * 2 ** attempt));
}
