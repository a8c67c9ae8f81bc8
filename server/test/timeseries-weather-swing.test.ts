import { describe, expect, it } from 'vitest';
import {
  diffAcf1,
  FAST_SWING,
  fitAcfMixture,
  smoothArAcf,
  TYPE_TUNING,
} from '../src/timeseries/calibrated.ts';

/**
 * Pressure's synoptic swing (docs/timeseries.md, "Pressure: the synoptic swing"): a smooth swing lasting days
 * is fitted as such with `FitTuning.smoothSwing`, not given to the slow component, whose steps are white.
 */

describe('a smooth swing lasting days (smoothSwing)', () => {
  it('is fitted as a smooth fast component rather than a slow one with white steps', () => {
    // Pressure-like: all of the variance in one smooth swing lasting days (a = 0.99, c = 0.8).
    const lags = [...Array.from({ length: 48 }, (_, i) => i + 1), 72, 96, 168];
    const rho = lags.map((k) => smoothArAcf(0.99, 0.8, k));
    const diffs = (acf: readonly number[]) => {
      const [w, a, b, c = 0] = acf as [number, number, number, number?];
      const r = (k: number) => w * smoothArAcf(a, c, k) + (1 - w) * b ** k;
      return diffAcf1(r(1), r(2));
    };
    const swing = fitAcfMixture(rho, lags, undefined, undefined, { fastGrid: FAST_SWING });
    expect(swing[1]).toBeCloseTo(0.99, 6);
    expect(swing[3]).toBeCloseTo(0.8, 6);
    // Capped at 0.975, the fit gives part of the swing to the slow AR(1), whose steps are white: the fitted
    // differences' lag-1 autocorrelation falls short of the process's (0.79).
    const capped = fitAcfMixture(rho, lags);
    expect(capped[1]).toBeLessThanOrEqual(0.975);
    const truth = diffs([1, 0.99, 0.9, 0.8]);
    expect(diffs(swing)).toBeCloseTo(truth, 3);
    expect(diffs(capped)).toBeLessThan(truth - 0.05);
  });

  it('is fitted so for pressure only', () => {
    expect(TYPE_TUNING.pressure?.smoothSwing).toBe(true);
    const others = Object.entries(TYPE_TUNING).filter(
      ([id, t]) => id !== 'pressure' && t.smoothSwing,
    );
    expect(others).toEqual([]);
  });
});
