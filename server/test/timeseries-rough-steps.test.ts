import { describe, expect, it } from 'vitest';
import { diffAcf1, fitAcfMixture } from '../src/timeseries/calibrated.ts';

/**
 * `FitTuning.roughSteps` (docs/timeseries.md, "Gas: a burner's rough hours"): a persistent series with a small
 * white part on top steps back and forth from one hour to the next, and the ACF fit recovers that part.
 */

const LAGS = [...Array.from({ length: 48 }, (_, i) => i + 1), 72, 96, 168];
/** The mixture's autocorrelation at lag k, with a white (a = 0, c = 0) or AR(1) fast component. */
const mixture = ([w, a, b]: readonly [number, number, number, ...number[]], k: number) =>
  w * a ** k + (1 - w) * b ** k;

describe('rough steps', () => {
  // A slow AR(1) (0.99 per hour) with 3% of its variance white: the differences' lag-1 autocorrelation is -0.37.
  const truth: [number, number, number] = [0.03, 0, 0.99];
  const rho = LAGS.map((k) => mixture(truth, k));
  const target = diffAcf1(rho[0]!, rho[1]!);

  it('recovers a white share of a few percent and the back-and-forth steps it makes', () => {
    const [w, a, b] = fitAcfMixture(rho, LAGS, undefined, undefined, { rough: true });
    expect(w).toBeCloseTo(0.03, 6);
    expect(a).toBeCloseTo(0, 6);
    expect(b).toBeCloseTo(0.99, 6);
    expect(target).toBeLessThan(-0.3);
  });

  it('is what the default fit misses: its shares come in steps of 5%', () => {
    const fit = fitAcfMixture(rho, LAGS);
    const drawn = diffAcf1(mixture(fit, 1), mixture(fit, 2));
    expect(fit[0]).toBe(0.05);
    // The default fit's steps are smoother than the truth's.
    expect(drawn - target).toBeGreaterThan(0.1);
  });
});
