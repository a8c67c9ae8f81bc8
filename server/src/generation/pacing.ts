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
  /** Milliseconds until `amount` units are available (0 when they are now). */
  waitFor(amount: number): number {
    this.#refill();
    const need = Math.min(amount, this.perMinute) - this.#level;
    return need <= 0 ? 0 : Math.ceil((need * 60_000) / this.perMinute);
  }
  take(amount: number) {
    this.#refill();
    this.#level -= amount;
  }
  /** Returns (or, negative, charges more) units once a call's real usage is known. */
  adjust(delta: number) {
    this.#refill();
    this.#level = Math.min(this.perMinute, this.#level + delta);
  }
}

/** Requests-per-minute and tokens-per-minute budgets; either may be unlimited. */
export class QuotaPacer {
  readonly #requests: Bucket | null;
  readonly #tokens: Bucket | null;
  #queue: Promise<void> = Promise.resolve();

  constructor(rpm: number | null, tpm: number | null, now: () => number = Date.now) {
    this.#requests = rpm ? new Bucket(rpm, now) : null;
    this.#tokens = tpm ? new Bucket(tpm, now) : null;
  }

  /**
   * Waits until one request and `tokens` tokens fit the quota, then takes them. Callers are served in order, so
   * a large call is not starved by small ones.
   */
  acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        const wait = Math.max(this.#requests?.waitFor(1) ?? 0, this.#tokens?.waitFor(tokens) ?? 0);
        if (wait === 0) break;
        await sleep(wait, signal);
      }
      this.#requests?.take(1);
      this.#tokens?.take(tokens);
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** Corrects the token budget once a call's real token use is known. */
  settle(estimated: number, actual: number) {
    this.#tokens?.adjust(estimated - actual);
  }

  /** After a throttle the service's view of our usage is ahead of ours: drain what we think is left. */
  drain() {
    this.#requests?.take(this.#requests.perMinute / 10);
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
