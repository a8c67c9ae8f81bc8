import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import {
  fitSeasonal,
  renderCalibrated,
  type SeasonalSeriesParams,
  smoothArAcf,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { everyDay, HOUR, hourlyType, START } from './helpers/series.ts';

/**
 * The calibrated engine's noise and daily-amplitude model (docs/timeseries.md): series drawn with known smooth
 * noise and a known day-to-day amplitude variation are fitted back to those values, within stated tolerances.
 */

function params(acf: SeasonalSeriesParams['acf'], amp?: [number, number], swing = 0.5): TypeParams {
  const d = Array.from(
    { length: 24 },
    (_, h) => 1 + swing * Math.sin((2 * Math.PI * (h - 9)) / 24),
  );
  return hourlyType(
    'relative',
    everyDay(d, {
      level: 50,
      hsd: Array(24).fill(0.08),
      acf,
      lo: 0,
      hi: 10,
      ...(amp ? { amp } : {}),
    }),
  );
}

function draw(p: TypeParams, seed: string, weeks = 24) {
  return renderCalibrated(
    p,
    { length: 24 * 7 * weeks, startMs: START, stepMs: HOUR, timeZone: 'UTC', extensive: false },
    new Random(seed),
  );
}

/** Model autocorrelation at lag k of fitted or true parameters. */
function rho(acf: readonly number[], k: number): number {
  const [w, a, b, c = 0] = acf as [number, number, number, number?];
  return w * smoothArAcf(a, c, k) + (1 - w) * b ** k;
}

/** Lag-1 autocorrelation of the first differences implied by an autocorrelation function. */
const diffAcf = (acf: readonly number[]) =>
  (2 * rho(acf, 1) - 1 - rho(acf, 2)) / (2 * (1 - rho(acf, 1)));

function lag1OfDifferences(values: Float64Array): number {
  const d = Array.from({ length: values.length - 1 }, (_, i) => values[i + 1]! - values[i]!);
  const m = d.reduce((a, b) => a + b, 0) / d.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < d.length; i++) {
    den += (d[i]! - m) ** 2;
    if (i > 0) num += (d[i]! - m) * (d[i - 1]! - m);
  }
  return num / den;
}

describe('smooth noise and daily amplitude', () => {
  it('smoothArAcf is the autocorrelation of an AR(1) driven by AR(1) innovations', () => {
    expect(smoothArAcf(0.8, 0, 3)).toBeCloseTo(0.8 ** 3, 12);
    expect(smoothArAcf(0.7, 0.5, 0)).toBeCloseTo(1, 12);
    // Simulated: the sample autocorrelation at lags 1 and 5 of a long path.
    const rng = new Random('ar2');
    let e = 0;
    let u = 0;
    const xs: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      e = 0.6 * e + g;
      u = 0.7 * u + e;
      xs.push(u);
    }
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const acfAt = (k: number) => {
      let num = 0;
      let den = 0;
      for (let i = 0; i < xs.length; i++) {
        den += (xs[i]! - m) ** 2;
        if (i >= k) num += (xs[i]! - m) * (xs[i - k]! - m);
      }
      return num / den;
    };
    expect(Math.abs(acfAt(1) - smoothArAcf(0.7, 0.6, 1))).toBeLessThan(0.02);
    expect(Math.abs(acfAt(5) - smoothArAcf(0.7, 0.6, 5))).toBeLessThan(0.03);
  });

  it('draws smooth series when the innovations are autocorrelated, and rough ones when not', () => {
    // A flat daily profile, so the differences are the noise's.
    const smooth = draw(params([0.8, 0.8, 0.99, 0.8], undefined, 0), 'smooth');
    const rough = draw(params([0.8, 0.8, 0.99, 0], undefined, 0), 'rough');
    expect(lag1OfDifferences(smooth.values)).toBeGreaterThan(lag1OfDifferences(rough.values) + 0.2);
  });

  it('recovers the noise smoothness (differences lag-1 ACF within 0.15, lag-1 ACF within 0.05)', () => {
    const truth: SeasonalSeriesParams['acf'] = [0.7, 0.85, 0.995, 0.8];
    const drawn = draw(params(truth), 'recover-noise');
    const fitted = fitSeasonal(drawn.values, drawn.times, {
      transform: 'relative',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    expect(fitted.acf).toHaveLength(4);
    expect(Math.abs(rho(fitted.acf, 1) - rho(truth, 1))).toBeLessThan(0.05);
    expect(Math.abs(diffAcf(fitted.acf) - diffAcf(truth))).toBeLessThan(0.15);
  });

  it('recovers the day-to-day amplitude (sd within 0.1, autocorrelation within 0.3), and finds none when there is none', () => {
    const withAmp = draw(params([0.6, 0.5, 0.98, 0], [0.3, 0.6]), 'recover-amp', 40);
    const fitted = fitSeasonal(withAmp.values, withAmp.times, {
      transform: 'relative',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    expect(fitted.amp).toBeDefined();
    expect(Math.abs(fitted.amp![0] - 0.3)).toBeLessThan(0.1);
    expect(Math.abs(fitted.amp![1] - 0.6)).toBeLessThan(0.3);

    const flat = draw(params([0.6, 0.5, 0.98, 0]), 'no-amp', 40);
    const none = fitSeasonal(flat.values, flat.times, {
      transform: 'relative',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    expect(none.amp?.[0] ?? 0).toBeLessThan(0.08);
  });
});
