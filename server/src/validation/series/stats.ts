/**
 * Numeric building blocks of the time-series fidelity report: moments, autocorrelation, seasonality strength and
 * quantile sketches. They work on typed arrays because a report reads millions of points; none allocates per
 * point beyond one copy for sorting.
 */

/** The arithmetic mean; NaN for no values. */
export function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  return sum / xs.length;
}

/** The population variance around `m`. */
export function variance(xs: ArrayLike<number>, m = mean(xs)): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += (xs[i]! - m) ** 2;
  return sum / xs.length;
}

/** Skewness and excess kurtosis (population moments); NaN when the values do not vary. */
export function shape(xs: ArrayLike<number>): { skewness: number; kurtosis: number } {
  const m = mean(xs);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const n = xs.length;
  m2 /= n;
  if (!(m2 > 0)) return { skewness: Number.NaN, kurtosis: Number.NaN };
  return { skewness: m3 / n / m2 ** 1.5, kurtosis: m4 / n / (m2 * m2) - 3 };
}

/** The median of plain numbers (NaN for none); NaNs are ignored. */
export function median(xs: readonly number[]): number {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return quantileSorted(sorted, 0.5);
}

/** The `p` quantile of ascending values, linearly interpolated (numpy's default, "type 7"). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const at = p * (n - 1);
  const lo = Math.floor(at);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Sample autocorrelation of `xs` at each lag (in points), with the usual estimator that divides by the full
 * sum of squares. A lag longer than half the series, or a series that does not vary, gives NaN: such an
 * estimate rests on too few pairs to mean anything.
 */
export function autocorrelation(xs: ArrayLike<number>, lags: readonly number[]): number[] {
  const n = xs.length;
  const m = mean(xs);
  const centred = new Float64Array(n);
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    centred[i] = d;
    den += d * d;
  }
  return lags.map((lag) => {
    if (!(den > 0) || !Number.isInteger(lag) || lag < 1 || lag > n / 2) return Number.NaN;
    let num = 0;
    for (let i = lag; i < n; i++) num += centred[i]! * centred[i - lag]!;
    return num / den;
  });
}

/**
 * Strength of the daily and weekly seasonality of an evenly spaced series, each in 0..1: the share of the
 * variance left after removing the trend that a per-phase mean explains (an R² adjusted for the number of
 * phases, so pure noise scores about 0 even with few cycles). The trend is a centred moving average over a
 * week (a day when the series is shorter than three weeks); the weekly strength is measured on what the daily
 * profile leaves, so it is the weekly pattern beyond the daily one. Periods are in points; a null period, or
 * a series shorter than three periods, gives null. Phases are positions in the series, not clock hours, so the
 * strength does not depend on whether the timestamps are aligned with real time.
 */
export function seasonalStrength(
  xs: ArrayLike<number>,
  dayPeriod: number | null,
  weekPeriod: number | null,
): { daily: number | null; weekly: number | null } {
  const n = xs.length;
  const week = weekPeriod !== null && weekPeriod >= 2 && n >= 3 * weekPeriod ? weekPeriod : null;
  const day = dayPeriod !== null && dayPeriod >= 2 && n >= 3 * dayPeriod ? dayPeriod : null;
  const window = week ?? day;
  if (window === null) return { daily: null, weekly: null };
  const detrended = detrend(xs, window);
  const m = detrended.length;
  const ssTotal = sumOfSquares(detrended);
  if (!(ssTotal > 0)) return { daily: null, weekly: null };

  let daily: number | null = null;
  let rest = detrended;
  let ssRest = ssTotal;
  let params = 1;
  if (day !== null) {
    rest = removePhaseMeans(detrended, day);
    ssRest = sumOfSquares(rest);
    daily = adjustedShare(ssTotal, 1, ssRest, day, m);
    params = day;
  }
  let weekly: number | null = null;
  if (week !== null && ssRest > 0) {
    const left = removePhaseMeans(rest, week);
    weekly = adjustedShare(ssRest, params, sumOfSquares(left), week, m);
  }
  return { daily, weekly };
}

/** `1 − (ssAfter / dof) / (ssBefore / dof)`, clipped at 0: the adjusted R² of the added phase means. */
function adjustedShare(
  ssBefore: number,
  paramsBefore: number,
  ssAfter: number,
  paramsAfter: number,
  n: number,
): number {
  if (n - paramsAfter <= 0) return 0;
  const share = 1 - ssAfter / (n - paramsAfter) / (ssBefore / (n - paramsBefore));
  return Math.max(0, Math.min(1, share));
}

function sumOfSquares(xs: Float64Array): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s;
}

/**
 * The series minus its centred moving average over `window` points (a 2×window average for an even window,
 * as classical decomposition does), over the points where the whole window fits.
 */
function detrend(xs: ArrayLike<number>, window: number): Float64Array {
  const n = xs.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + xs[i]!;
  const half = Math.floor(window / 2);
  const out = new Float64Array(Math.max(0, n - 2 * half));
  for (let t = half; t < n - half; t++) {
    let trend: number;
    if (window % 2 === 1) {
      trend = (prefix[t + half + 1]! - prefix[t - half]!) / window;
    } else {
      // Half weights on the two end points keep the even window centred.
      const inner = prefix[t + half]! - prefix[t - half + 1]!;
      trend = (inner + 0.5 * (xs[t - half]! + xs[t + half]!)) / window;
    }
    out[t - half] = xs[t]! - trend;
  }
  return out;
}

function removePhaseMeans(xs: Float64Array, period: number): Float64Array {
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let i = 0; i < xs.length; i++) {
    sums[i % period]! += xs[i]!;
    counts[i % period]!++;
  }
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]! - sums[i % period]! / counts[i % period]!;
  return out;
}

/** A quantile sketch: the values at evenly spaced probabilities 0, 1/(k−1), ..., 1. */
export type Sketch = number[];

/** Resolution of the sketches: 401 quantiles, so the KS statistic is exact to about 0.0025. */
export const SKETCH_SIZE = 401;

/** The quantile sketch of some values (sorted in place when given a Float64Array you own). */
export function sketchOf(values: Float64Array, size = SKETCH_SIZE): Sketch {
  values.sort();
  return Array.from({ length: size }, (_, i) => quantileSorted(values, i / (size - 1)));
}

/** The distribution function a sketch describes, linear between its quantiles. */
export function sketchCdf(sketch: Sketch, x: number): number {
  const k = sketch.length;
  if (k === 0 || x < sketch[0]!) return 0;
  if (x >= sketch[k - 1]!) return 1;
  // The last quantile <= x, so ties (an atom such as many zeros) count whole.
  let lo = 0;
  let hi = k - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sketch[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const a = sketch[lo]!;
  const b = sketch[hi]!;
  return (lo + (b > a ? (x - a) / (b - a) : 0)) / (k - 1);
}

/** Kolmogorov-Smirnov statistic between two sketched distributions: the largest gap between their CDFs. */
export function ksDistance(a: Sketch, b: Sketch): number {
  let worst = 0;
  for (const x of [...a, ...b])
    worst = Math.max(worst, Math.abs(sketchCdf(a, x) - sketchCdf(b, x)));
  return worst;
}

/** Wasserstein-1 (earth mover's) distance between two sketches of the same size: ∫|Qa(p) − Qb(p)| dp. */
export function wassersteinDistance(a: Sketch, b: Sketch): number {
  const k = Math.min(a.length, b.length);
  if (k < 2) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < k - 1; i++) {
    sum += (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!)) / 2;
  }
  return sum / (k - 1);
}

/** Shares of a sketched distribution in each bin `[edges[i], edges[i+1])`. */
export function sketchHistogram(sketch: Sketch, edges: readonly number[]): number[] {
  return edges.slice(1).map((edge, i) => sketchCdf(sketch, edge) - sketchCdf(sketch, edges[i]!));
}

/** Shares of plain values in each bin `[edges[i], edges[i+1])`, the last bin closed. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const x of values) {
    if (Number.isNaN(x) || x < edges[0]! || x > edges[last]!) continue;
    let i = edges.findIndex((edge) => x < edge) - 1;
    if (i < 0) i = last - 1;
    counts[i]!++;
  }
  const total = values.filter((x) => !Number.isNaN(x)).length;
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** `x` rounded to `digits` significant digits, so a stored profile stays small. */
export function round(x: number, digits = 5): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}
