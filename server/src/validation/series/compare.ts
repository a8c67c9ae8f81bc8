/**
 * The statistics of a group of series (one domain of a dataset or of a reference) and the fidelity distances
 * between two groups. The report compares a dataset's group with the profile's; the profile compares random
 * halves of its own series the same way to get the real-vs-real bands.
 */

import { type Reason, say } from '../messages.ts';
import { discriminate } from './discriminator.ts';
import { ACF_LAGS, FEATURE_NAMES, type SeriesAnalysis } from './features.ts';
import { ksDistance, type Sketch, sketchOf, wassersteinDistance } from './stats.ts';

/** What a group of series is compared by. */
export interface GroupStats {
  count: number;
  /** Quantile sketch of the pooled normalised values; empty when none could be normalised. */
  sketch: Sketch;
  /** Mean autocorrelation at `ACF_LAGS`, NaN where no series had that lag. */
  acf: number[];
  /** Per-series daily seasonality strengths (series where it is defined). */
  daily: number[];
  weekly: number[];
  /** Per-series feature rows, `FEATURE_NAMES` order. */
  features: number[][];
}

/** The fidelity metrics that compare a group with a reference group. */
export const FIDELITY_KEYS = [
  'marginal_ks',
  'marginal_wasserstein',
  'acf_distance',
  'daily_seasonality',
  'weekly_seasonality',
  'discriminator',
] as const;
export type FidelityKey = (typeof FIDELITY_KEYS)[number];

export interface FidelityValue {
  value: number | null;
  reason?: Reason;
  details?: Record<string, unknown>;
}

/** Fewest strengths on each side for a seasonality distance. */
const MIN_STRENGTHS = 3;

/** Pools the analyses of a group's series. */
export function groupStats(analyses: readonly SeriesAnalysis[]): GroupStats {
  const total = analyses.reduce((sum, a) => sum + a.normalised.length, 0);
  const pooled = new Float64Array(total);
  let at = 0;
  for (const a of analyses) {
    pooled.set(a.normalised, at);
    at += a.normalised.length;
  }
  const acf = ACF_LAGS.map((_, k) => {
    let sum = 0;
    let n = 0;
    for (const a of analyses) {
      const r = a.acf[k]!;
      if (Number.isFinite(r)) {
        sum += r;
        n++;
      }
    }
    return n > 0 ? sum / n : Number.NaN;
  });
  return {
    count: analyses.length,
    sketch: total > 0 ? sketchOf(pooled) : [],
    acf,
    daily: analyses.flatMap((a) => (a.daily === null ? [] : [a.daily])),
    weekly: analyses.flatMap((a) => (a.weekly === null ? [] : [a.weekly])),
    features: analyses.map((a) => a.features),
  };
}

/** Mean absolute difference of two ACF curves over the lags both define. */
export function acfDistance(a: readonly number[], b: readonly number[]): number | null {
  let sum = 0;
  let n = 0;
  a.forEach((x, k) => {
    const y = b[k] ?? Number.NaN;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      sum += Math.abs(x - y);
      n++;
    }
  });
  return n > 0 ? sum / n : null;
}

const medianOf = (xs: readonly number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? null : s[Math.floor(s.length / 2)]!;
};

export function strengthDistance(
  dataset: readonly number[],
  reference: readonly number[],
  what: string,
): FidelityValue {
  if (dataset.length < MIN_STRENGTHS || reference.length < MIN_STRENGTHS) {
    return {
      value: null,
      reason: say(what === 'daily' ? 'series.fewDaily' : 'series.fewWeekly', {
        min: MIN_STRENGTHS,
        n: dataset.length,
        m: reference.length,
      }),
    };
  }
  const sketch = (xs: readonly number[]) => sketchOf(Float64Array.from(xs), 101);
  return {
    value: wassersteinDistance(sketch(dataset), sketch(reference)),
    details: { datasetMedian: medianOf(dataset), referenceMedian: medianOf(reference) },
  };
}

/** Every fidelity distance of `dataset` against `reference` but the discriminator's (which trains a model). */
export function fidelityDistances(
  dataset: GroupStats,
  reference: GroupStats,
): Record<Exclude<FidelityKey, 'discriminator'>, FidelityValue> {
  const marginal = dataset.sketch.length > 0 && reference.sketch.length > 0;
  const noMarginal = {
    value: null,
    reason: say('series.noScale'),
  };
  const acf = acfDistance(dataset.acf, reference.acf);
  return {
    marginal_ks: marginal ? { value: ksDistance(dataset.sketch, reference.sketch) } : noMarginal,
    marginal_wasserstein: marginal
      ? { value: wassersteinDistance(dataset.sketch, reference.sketch) }
      : noMarginal,
    acf_distance:
      acf === null
        ? {
            value: null,
            reason: say('series.noLag'),
          }
        : { value: acf },
    daily_seasonality: strengthDistance(dataset.daily, reference.daily, 'daily'),
    weekly_seasonality: strengthDistance(dataset.weekly, reference.weekly, 'weekly'),
  };
}

/** Every fidelity distance of `dataset` against `reference`. */
export function compareGroups(
  dataset: GroupStats,
  reference: GroupStats,
  seed: number | string,
): Record<FidelityKey, FidelityValue> {
  const discriminator = discriminate(reference.features, dataset.features, FEATURE_NAMES, seed);
  return {
    ...fidelityDistances(dataset, reference),
    discriminator: discriminator.ok
      ? {
          value: discriminator.accuracy,
          details: {
            seriesPerSide: discriminator.perSide,
            folds: discriminator.folds,
            features: discriminator.features,
          },
        }
      : { value: null, reason: discriminator.said },
  };
}
