/**
 * A token bucket refilled continuously: it holds at most one minute of quota (Bedrock quotas are per minute) and
 * refills at quota / 60 s, so a burst of a full minute's quota passes, then the sustained rate is the quota.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #level: number;
  #updatedAt: number;

  constructor(perMinute: number, now: () => number = Date.now) {
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#now = now;
    this.#level = perMinute;
    this.#updatedAt = now();
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** What the bucket holds now. */
  level(): number {
    const now = this.#now();
    this.#level = Math.min(this.#capacity, this.#level + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
    return this.#level;
  }

  /** Takes `amount` if the bucket holds that much; otherwise takes nothing and returns false. */
  take(amount: number): boolean {
    if (this.level() < amount) return false;
    this.#level -= amount;
    return true;
  }

  /** Puts back what a request reserved but did not use (never above capacity). */
  give(amount: number): void {
    this.#level = Math.min(this.#capacity, this.level() + amount);
  }
}

/** Per-minute limits of one model (or inference profile); `null` means unlimited. */
export interface QuotaLimits {
  rpm: number | null;
  tpm: number | null;
  /**
   * Count as strictly as Bedrock (docs/bedrock.md §7): the reservation at the start of a call includes the
   * prompt tokens read from the cache, released when the call settles. Off, cache reads are never reserved.
   */
  strict?: boolean;
}

/** What a request reserved against the quota; settled when its answer is known. */
export interface Reservation {
  tokens: number;
}

/** A Converse call's token counts, as the quota sees them at its start. */
export interface CallTokens {
  /** Input tokens not read from the cache (cache writes included). */
  inputTokens: number;
  /** Input tokens read from the cache: reserved in strict mode, never charged. */
  cacheReadTokens: number;
  /** The request's maxTokens. */
  maxTokens: number;
  /** Quota tokens per output token (5 for Claude 3.7 and 4.x). */
  burndown: number;
}

/** A call's reservation, with what settling it needs. */
export interface CallReservation extends Reservation {
  call: CallTokens;
}

/** Quota tokens a call reserves when it starts: input (+ cache reads when strict) + maxTokens x burndown. */
export function reservedTokens(call: CallTokens, strict: boolean): number {
  return call.inputTokens + (strict ? call.cacheReadTokens : 0) + call.maxTokens * call.burndown;
}

/** Quota tokens a call consumes once its output is known: input + output x burndown (cache reads free). */
export function consumedTokens(call: CallTokens, outputTokens: number): number {
  return call.inputTokens + outputTokens * call.burndown;
}

/**
 * Bedrock's on-demand quota per model id: requests per minute and tokens per minute. At the start of a call
 * Bedrock reserves the input plus `maxTokens` (times the output burndown), and adjusts at the end
 * (docs/bedrock.md §7, "Token quota semantics"); cache reads are reserved (strict mode) but never charged.
 */
export class Quota {
  readonly #limits: QuotaLimits;
  readonly #now: () => number;
  readonly #buckets = new Map<
    string,
    { requests: TokenBucket | null; tokens: TokenBucket | null }
  >();

  constructor(limits: QuotaLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  #bucketsOf(modelId: string) {
    let buckets = this.#buckets.get(modelId);
    if (!buckets) {
      buckets = {
        requests: this.#limits.rpm === null ? null : new TokenBucket(this.#limits.rpm, this.#now),
        tokens: this.#limits.tpm === null ? null : new TokenBucket(this.#limits.tpm, this.#now),
      };
      this.#buckets.set(modelId, buckets);
    }
    return buckets;
  }

  /**
   * Reserves one request and `tokens` tokens, or returns which limit refused. A reservation larger than the
   * whole per-minute quota is capped at it, so such a call waits for a full bucket instead of failing forever.
   */
  reserve(modelId: string, tokens: number): Reservation | 'requests' | 'tokens' {
    const { requests, tokens: tokenBucket } = this.#bucketsOf(modelId);
    const wanted = tokenBucket ? Math.min(tokens, tokenBucket.capacity) : tokens;
    if (requests && requests.level() < 1) return 'requests';
    if (tokenBucket && !tokenBucket.take(wanted)) return 'tokens';
    requests?.take(1);
    return { tokens: wanted };
  }

  /** Settles a reservation against what the call really consumed, refunding the difference. */
  settle(modelId: string, reservation: Reservation, consumed: number): void {
    const bucket = this.#bucketsOf(modelId).tokens;
    if (bucket && consumed < reservation.tokens) bucket.give(reservation.tokens - consumed);
  }

  /**
   * Reserves a Converse call as Bedrock does when it starts: one request, and its input plus `maxTokens` times
   * the output burndown (plus its cache reads in strict mode). Returns which limit refused when it does not fit.
   */
  reserveCall(modelId: string, call: CallTokens): CallReservation | 'requests' | 'tokens' {
    const reservation = this.reserve(modelId, reservedTokens(call, this.#limits.strict ?? false));
    return typeof reservation === 'string' ? reservation : { ...reservation, call };
  }

  /**
   * Settles a call when it ends, to its input plus `outputTokens` times the burndown (0 output for a call that
   * failed before answering): what it reserved beyond that goes back to the bucket.
   */
  settleCall(modelId: string, reservation: CallReservation, outputTokens: number): void {
    this.settle(modelId, reservation, consumedTokens(reservation.call, outputTokens));
  }

  /** What each bucket of a model holds now (null: unlimited), for rate-limit headers. */
  levels(modelId: string): { requests: number | null; tokens: number | null } {
    const { requests, tokens } = this.#bucketsOf(modelId);
    return { requests: requests?.level() ?? null, tokens: tokens?.level() ?? null };
  }
}
