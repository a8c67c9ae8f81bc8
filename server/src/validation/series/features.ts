/**
 * What the report measures on one series: its values on a scale comparable across series, its autocorrelation
 * at fixed time lags, its seasonality strengths, the return statistics of a price, and a vector of
 * scale-free summary features for the real-vs-synthetic discriminator.
 */
import type { SeriesTypeInfo } from '@genesis/schema/catalog/series';
import {
  autocorrelation,
  mean,
  quantileSorted,
  seasonalStrength,
  shape,
  variance,
} from './stats.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Points in a week of trading days (a daily series that skips weekends). */
export const TRADING_WEEK = 5;

/**
 * How a series is put on a common scale before values of different series are pooled:
 * - `relative`: divided by its own mean (non-negative quantities: loads, generation, humidity, volumes), so a
 *   value reads as "times the usual level" and the spread is the coefficient of variation;
 * - `standardised`: minus its mean, over its standard deviation (quantities with an arbitrary zero, such as
 *   temperature or pressure);
 * - `returns`: prices are analysed through their log returns (only the steps where the price moved, since
 *   markets close), standardised; the level of a random walk says nothing comparable.
 */
export type Transform = 'relative' | 'standardised' | 'returns';

/** The transform of a series type; untyped series are standardised. */
export function transformOf(type: SeriesTypeInfo | null): Transform {
  if (type === null) return 'standardised';
  if (type.bounds.min_exclusive) return 'returns';
  return type.bounds.min === 0 ? 'relative' : 'standardised';
}

/** Autocorrelation lags, in steps of the group's base frequency: 1..48 and a week of hours. */
export const ACF_LAGS: readonly number[] = [...Array.from({ length: 48 }, (_, i) => i + 1), 168];

/** The discriminator's features, all scale-free. */
export const FEATURE_NAMES = [
  'acf_1',
  'acf_day',
  'acf_week',
  'diff_acf_1',
  'spread',
  'skewness',
  'kurtosis',
  'tail_ratio',
  'zero_share',
  'daily_strength',
  'weekly_strength',
] as const;

/** Stylised facts of a price's returns. */
export interface ReturnStats {
  /** Excess kurtosis of the log returns (0 for a normal distribution). */
  kurtosis: number;
  /** Autocorrelation of the returns at lag 1 (near 0 in real markets). */
  acf1: number;
  /** Mean autocorrelation of the squared returns at lags 1..5 (volatility clustering). */
  squaredAcf: number;
}

export interface SeriesAnalysis {
  transform: Transform;
  /** The values on the common scale (see `Transform`); empty when the series cannot be put on it. */
  normalised: Float64Array;
  /** Autocorrelation at `ACF_LAGS` × the base step; NaN where the lag is not a whole number of steps. */
  acf: number[];
  daily: number | null;
  weekly: number | null;
  /** `FEATURE_NAMES` in order; NaN where undefined. */
  features: number[];
  returns: ReturnStats | null;
}

/** Log returns of the steps where the price moved; non-positive prices are skipped. */
export function logReturns(prices: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    const a = prices[i - 1]!;
    const b = prices[i]!;
    if (a > 0 && b > 0 && a !== b) out.push(Math.log(b / a));
  }
  return Float64Array.from(out);
}

/** Return statistics of a price; null with fewer than 30 moves, too few to estimate a kurtosis. */
export function returnStats(prices: ArrayLike<number>): ReturnStats | null {
  const r = logReturns(prices);
  if (r.length < 30) return null;
  const { kurtosis } = shape(r);
  const [acf1] = autocorrelation(r, [1]);
  const squared = r.map((x) => x * x);
  const squaredAcf = mean(autocorrelation(squared, [1, 2, 3, 4, 5]));
  if (!Number.isFinite(kurtosis) || !Number.isFinite(acf1!)) return null;
  return { kurtosis, acf1: acf1!, squaredAcf: Number.isFinite(squaredAcf) ? squaredAcf : 0 };
}

/** The lag, in points of a series stepping by `stepMs`, that spans `durationMs`; null unless whole. */
function lagOf(durationMs: number, stepMs: number): number | null {
  const lag = durationMs / stepMs;
  return Number.isInteger(lag) && lag >= 1 ? lag : null;
}

/**
 * Analyses one clean series. `baseStepMs` is the step that `ACF_LAGS` count in (the reference group's
 * frequency), so a 15-minute and an hourly load are compared at the same time lags. A daily series on
 * `trading_days` has a week of `TRADING_WEEK` points (its weekly seasonality and `acf_week`).
 */
export function analyseSeries(
  values: Float64Array,
  type: SeriesTypeInfo | null,
  stepMs: number,
  baseStepMs: number,
  calendar: 'continuous' | 'trading_days' = 'continuous',
): SeriesAnalysis {
  const weekLag =
    calendar === 'trading_days' && stepMs === DAY_MS ? TRADING_WEEK : lagOf(WEEK_MS, stepMs);
  const transform = transformOf(type);
  const analysed = transform === 'returns' ? logReturns(values) : values;
  const m = mean(analysed);
  const sd = Math.sqrt(variance(analysed, m));
  let normalised: Float64Array;
  if (transform === 'relative') {
    normalised = m > 0 ? analysed.map((x) => x / m) : new Float64Array(0);
  } else {
    normalised = sd > 0 ? analysed.map((x) => (x - m) / sd) : new Float64Array(0);
  }

  // Returns are evenly spaced in moves, not in time; their lags are counted in moves.
  const acfStep = transform === 'returns' ? baseStepMs : stepMs;
  const lags = ACF_LAGS.map((lag) => lagOf(lag * baseStepMs, acfStep));
  const computed = autocorrelation(
    analysed,
    lags.filter((lag): lag is number => lag !== null),
  );
  let next = 0;
  const acf = lags.map((lag) => (lag === null ? Number.NaN : computed[next++]!));

  const seasonal =
    transform === 'returns'
      ? { daily: null, weekly: null }
      : seasonalStrength(values, lagOf(DAY_MS, stepMs), weekLag);

  const single = (durationMs: number) => {
    const lag =
      transform === 'returns' ? 1 : durationMs === WEEK_MS ? weekLag : lagOf(durationMs, stepMs);
    return lag === null ? Number.NaN : autocorrelation(analysed, [lag])[0]!;
  };
  const diffs = new Float64Array(Math.max(0, analysed.length - 1));
  for (let i = 1; i < analysed.length; i++) diffs[i - 1] = analysed[i]! - analysed[i - 1]!;
  const { skewness, kurtosis } = shape(analysed);
  const sorted = Float64Array.from(analysed).sort();
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;

  const features = [
    single(baseStepMs),
    transform === 'returns' ? Number.NaN : single(DAY_MS),
    transform === 'returns' ? Number.NaN : single(WEEK_MS),
    autocorrelation(diffs, [1])[0]!,
    transform === 'relative' && m > 0 ? sd / m : Number.NaN,
    skewness,
    // Kurtosis spans orders of magnitude; its signed logarithm keeps one spike from dominating the fit.
    Math.sign(kurtosis) * Math.log1p(Math.abs(kurtosis)),
    iqr > 0 ? (quantileSorted(sorted, 0.99) - quantileSorted(sorted, 0.01)) / iqr : Number.NaN,
    values.length > 0 ? zeros / values.length : Number.NaN,
    seasonal.daily ?? Number.NaN,
    seasonal.weekly ?? Number.NaN,
  ];
  return {
    transform,
    normalised,
    acf,
    daily: seasonal.daily,
    weekly: seasonal.weekly,
    features,
    returns: transform === 'returns' ? returnStats(values) : null,
  };
}
