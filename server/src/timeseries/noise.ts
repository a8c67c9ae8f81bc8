import type { Random } from '@genesis/schema/random';
/**
 * Random building blocks of the series engine: normal and Student-t draws, stationary AR(1) processes whose
 * persistence is given in hours (so a 15-minute and an hourly series of the same scenario look alike), and the
 * normal CDF used to map Gaussian processes onto other distributions.
 */

/**
 * Standard normal draws from a seeded `Random`. Box-Muller yields two independent normals per pair of
 * uniforms; keeping the second halves the cost, which matters at a million points per second.
 */
export class Gauss {
  #spare: number | undefined;

  constructor(readonly rng: Random) {}

  next(): number {
    const spare = this.#spare;
    if (spare !== undefined) {
      this.#spare = undefined;
      return spare;
    }
    const u = 1 - this.rng.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.rng.next();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /**
   * A Student-t draw with `df` (an integer >= 3) degrees of freedom, scaled to unit variance: fat tails
   * without changing the volatility a caller asked for.
   */
  studentT(df: number): number {
    let chi2 = 0;
    for (let i = 0; i < df; i++) {
      const z = this.next();
      chi2 += z * z;
    }
    return (this.next() / Math.sqrt(chi2 / df)) * Math.sqrt((df - 2) / df);
  }
}

/**
 * A stationary AR(1) process with unit variance: x[t] = phi x[t-1] + sqrt(1 - phi²) e[t]. `tauHours` is
 * the e-folding time of its autocorrelation, so phi = exp(-step / tau) adapts to the sampling step.
 */
export class Ar1 {
  readonly phi: number;
  readonly #innovation: number;
  #value: number;

  constructor(
    readonly gauss: Gauss,
    tauHours: number,
    stepHours: number,
  ) {
    this.phi = tauHours > 0 ? Math.exp(-stepHours / tauHours) : 0;
    this.#innovation = Math.sqrt(1 - this.phi * this.phi);
    // Start from the stationary distribution, so the first points are as variable as the rest.
    this.#value = gauss.next();
  }

  next(): number {
    this.#value = this.phi * this.#value + this.#innovation * this.gauss.next();
    return this.#value;
  }
}

/**
 * A smooth stationary process with unit variance: two AR(1) filters in a row (an AR(2) with a double root),
 * whose path has no kinks. Used for atmospheric pressure, which drifts smoothly with passing fronts.
 */
export class SmoothAr {
  readonly #phi: number;
  readonly #scale: number;
  #inner = 0;
  #outer = 0;

  constructor(
    readonly gauss: Gauss,
    tauHours: number,
    stepHours: number,
  ) {
    const phi = Math.exp(-stepHours / tauHours);
    this.#phi = phi;
    // Var of y[t] = 2 phi y[t-1] - phi² y[t-2] + e[t] is (1 + phi²) / (1 - phi²)³.
    this.#scale = Math.sqrt((1 - phi * phi) ** 3 / (1 + phi * phi));
    // Burn in for a few time constants so the start is stationary too.
    const burnIn = Math.min(20_000, Math.ceil((5 * tauHours) / stepHours));
    for (let i = 0; i < burnIn; i++) this.next();
  }

  next(): number {
    this.#inner = this.#phi * this.#inner + this.gauss.next();
    this.#outer = this.#phi * this.#outer + this.#inner;
    return this.#outer * this.#scale;
  }
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26; absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}
