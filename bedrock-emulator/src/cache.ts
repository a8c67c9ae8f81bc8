/** A `cachePoint` of a request: the prefix before it, identified by a hash, and its length in tokens. */
export interface Checkpoint {
  hash: string;
  tokens: number;
  ttl: '5m' | '1h';
}

/** How one call uses the prompt cache: tokens read, tokens written (per TTL), and how to record it. */
export interface CachePlan {
  readTokens: number;
  writeTokens: number;
  /** Written tokens per TTL, 1h before 5m like Bedrock's `cacheDetails`. */
  details: { ttl: '5m' | '1h'; inputTokens: number }[];
  /** Records the written checkpoints and refreshes the TTL of the ones read. Call once the call is accepted. */
  commit(): void;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/**
 * Bedrock's prompt cache as the caller sees it (docs/bedrock.md §5): a prefix that ends at a cachePoint is written the
 * first time (cacheWriteInputTokens) and read while it lives (cacheReadInputTokens); every hit resets its TTL.
 * Checkpoints shorter than the model's minimum are not cached, and the request still succeeds.
 */
export class PromptCache {
  readonly #minTokens: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, number>();

  constructor(minTokens: number, now: () => number = Date.now) {
    this.#minTokens = minTokens;
    this.#now = now;
  }

  plan(modelId: string, checkpoints: readonly Checkpoint[]): CachePlan {
    const now = this.#now();
    const eligible = checkpoints.filter((c) => c.tokens >= this.#minTokens && c.tokens > 0);
    const key = (c: Checkpoint) => `${modelId}\u0000${c.hash}`;
    let hit = -1;
    eligible.forEach((c, i) => {
      if ((this.#entries.get(key(c)) ?? 0) > now) hit = i;
    });
    const readTokens = hit >= 0 ? eligible[hit]!.tokens : 0;
    const byTtl = { '1h': 0, '5m': 0 };
    let previous = readTokens;
    for (const c of eligible.slice(hit + 1)) {
      byTtl[c.ttl] += c.tokens - previous;
      previous = c.tokens;
    }
    const writeTokens = previous - readTokens;
    return {
      readTokens,
      writeTokens,
      details: (['1h', '5m'] as const)
        .filter((ttl) => byTtl[ttl] > 0)
        .map((ttl) => ({ ttl, inputTokens: byTtl[ttl] })),
      commit: () => {
        for (const c of eligible) this.#entries.set(key(c), this.#now() + TTL_MS[c.ttl]);
      },
    };
  }
}
