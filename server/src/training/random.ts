import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded random source for the training code: the same seed gives the same folds and the same fits. */
export class Rng {
  readonly #gen: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.#gen = xoroshiro128plus(seed | 0);
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return uniformInt(this.#gen, 0, n - 1);
  }

  /** A float in [0, 1). */
  float(): number {
    return uniformInt(this.#gen, 0, 0x3fffffff) / 0x40000000;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
