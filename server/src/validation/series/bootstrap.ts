/**
 * Bootstrap confidence intervals of the fidelity distances that have no analytic one (Wasserstein, ACF
 * distance, daily and weekly seasonality): the dataset's series are resampled with replacement, the distance
 * to the (fixed) reference recomputed on each draw, and the 2.5% and 97.5% points of the draws taken. Series,
 * not points, are the unit: points of one series are dependent. The draws are seeded, so a report of the same
 * data is the same report. See docs/validation.md, "Sample sizes".
 *
 * Hand-written: a percentile bootstrap over a few hundred draws is a dozen lines, and the statistics it
 * resamples are this module's own (no bootstrap library takes a custom statistic over pre-analysed series).
 */

import { Random } from '@genesis/schema/random';
import type { Interval } from '@genesis/schema/reports';
import { CONFIDENCE } from '../verdict.ts';
import { acfDistance, type FidelityKey, type GroupStats, strengthDistance } from './compare.ts';
import type { SeriesAnalysis } from './features.ts';
import { quantileSorted, round, sketchOf, wassersteinDistance } from './stats.ts';

/** Draws per interval: enough for stable 2.5% / 97.5% points at this report's rounding. */
export const BOOTSTRAP_DRAWS = 200;

/**
 * Most series bootstrapped. The interval matters where n is small; above this the sampling spread is a few
 * hundredths or less and the cost (a sort of every draw's pooled sketch) grows with n, so no interval is given.
 */
export const BOOTSTRAP_MAX_SERIES = 200;

/** Points of each series' own quantile sketch, pooled for a draw's marginal distribution. */
const SERIES_SKETCH = 101;

export type BootstrappedKey = Extract<
  FidelityKey,
  'marginal_wasserstein' | 'acf_distance' | 'daily_seasonality' | 'weekly_seasonality'
>;

export const BOOTSTRAPPED: readonly BootstrappedKey[] = [
  'marginal_wasserstein',
  'acf_distance',
  'daily_seasonality',
  'weekly_seasonality',
];

/**
 * The 95% bootstrap interval of each distance in `values` (the report's point values) that has one. The
 * marginal distribution of a draw pools each series' 101-point sketch rather than every point (a draw would
 * otherwise sort every value again); the interval is the draws' spread around the same statistic on the whole
 * sample, shifted onto the reported value, so that approximation moves the centre, not the width.
 */
export function bootstrapIntervals(
  analyses: readonly SeriesAnalysis[],
  reference: GroupStats,
  values: Partial<Record<BootstrappedKey, number | null>>,
  seed: string,
): Partial<Record<BootstrappedKey, Interval>> {
  const n = analyses.length;
  if (n < 2 || n > BOOTSTRAP_MAX_SERIES) return {};
  const seriesSketches = analyses.map((a) =>
    a.normalised.length > 0 ? sketchOf(Float64Array.from(a.normalised), SERIES_SKETCH) : null,
  );
  const statistic = (picks: readonly number[]): Partial<Record<BootstrappedKey, number>> => {
    const out: Partial<Record<BootstrappedKey, number>> = {};
    const pooled: number[] = [];
    for (const i of picks) {
      const s = seriesSketches[i];
      if (s) for (const x of s) pooled.push(x);
    }
    if (pooled.length > 0 && reference.sketch.length > 0) {
      out.marginal_wasserstein = wassersteinDistance(
        sketchOf(Float64Array.from(pooled)),
        reference.sketch,
      );
    }
    const acf = reference.acf.map((_, k) => {
      let sum = 0;
      let count = 0;
      for (const i of picks) {
        const r = analyses[i]!.acf[k]!;
        if (Number.isFinite(r)) {
          sum += r;
          count++;
        }
      }
      return count > 0 ? sum / count : Number.NaN;
    });
    const acfValue = acfDistance(acf, reference.acf);
    if (acfValue !== null) out.acf_distance = acfValue;
    for (const [key, which] of [
      ['daily_seasonality', 'daily'],
      ['weekly_seasonality', 'weekly'],
    ] as const) {
      const strengths = picks.flatMap((i) => {
        const x = analyses[i]![which];
        return x === null ? [] : [x];
      });
      const d = strengthDistance(strengths, reference[which], which).value;
      if (d !== null && Number.isFinite(d)) out[key] = d;
    }
    return out;
  };
  const whole = statistic(analyses.map((_, i) => i));
  const rng = new Random(`${seed}:bootstrap`);
  const draws: Record<BootstrappedKey, number[]> = {
    marginal_wasserstein: [],
    acf_distance: [],
    daily_seasonality: [],
    weekly_seasonality: [],
  };
  const picks = new Array<number>(n);
  for (let b = 0; b < BOOTSTRAP_DRAWS; b++) {
    for (let i = 0; i < n; i++) picks[i] = rng.int(0, n - 1);
    const s = statistic(picks);
    for (const key of BOOTSTRAPPED) {
      const x = s[key];
      if (x !== undefined && Number.isFinite(x)) draws[key].push(x);
    }
  }
  const out: Partial<Record<BootstrappedKey, Interval>> = {};
  const tail = (1 - CONFIDENCE) / 2;
  for (const key of BOOTSTRAPPED) {
    const value = values[key];
    const centre = whole[key];
    // Too few usable draws (a seasonality that most resamples cannot measure) give no interval.
    if (value == null || centre === undefined || draws[key].length < BOOTSTRAP_DRAWS / 2) continue;
    const sorted = Float64Array.from(draws[key]).sort();
    const shift = value - centre;
    // A distance resampled reads high (duplicated series drift from the reference), so the percentile range
    // can sit above the value: it is stretched to include it.
    out[key] = {
      low: round(Math.max(0, Math.min(value, quantileSorted(sorted, tail) + shift)), 4),
      high: round(Math.max(value, quantileSorted(sorted, 1 - tail) + shift), 4),
      level: CONFIDENCE,
      method: 'bootstrap',
    };
  }
  return out;
}
