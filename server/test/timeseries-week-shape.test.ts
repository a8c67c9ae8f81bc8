import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import {
  fitPrice,
  fitSeasonal,
  renderCalibrated,
  type SeasonalSeriesParams,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, HOUR, hourlyType, START } from './helpers/series.ts';

/**
 * Each weekday's daily shape (`dDow`) and the returns' short autoregression (`ar`) of the calibrated engine
 * (docs/timeseries.md, "The calibrated engine"): series drawn with known values of them are fitted back to those
 * values, within stated tolerances, and series drawn without them are not given them.
 */

const DAY = 24 * HOUR;
/** A household's day: low at night, peaks in the morning and the evening (mean 1). */
const DAY_PROFILE = Array.from(
  { length: 24 },
  (_, h) => 1 + 0.3 * Math.sin((Math.PI * (h - 9)) / 12) + 0.2 * Math.cos((Math.PI * (h - 19)) / 6),
);
/** Saturday's late, long morning and Monday's early start, each day's deviations summing to 0. */
const WEEK_SHAPE = (() => {
  const shape = new Array<number>(168).fill(0);
  for (let h = 0; h < 24; h++) {
    shape[6 * 24 + h] = 0.25 * Math.cos((Math.PI * (h - 11)) / 12);
    shape[1 * 24 + h] = 0.15 * Math.sin((Math.PI * (h - 3)) / 12);
  }
  for (let d = 0; d < 7; d++) {
    const m = shape.slice(d * 24, d * 24 + 24).reduce((a, b) => a + b, 0) / 24;
    for (let h = 0; h < 24; h++) shape[d * 24 + h] = shape[d * 24 + h]! - m;
  }
  return shape;
})();

function load(extra: Partial<SeasonalSeriesParams>): TypeParams {
  return hourlyType(
    'relative',
    everyDay(DAY_PROFILE, {
      level: 50,
      hsd: new Array(24).fill(0.08),
      acf: [0.8, 0.5, 0.99, 0],
      lo: 0.1,
      hi: 5,
      atoms: [0, 0],
      ...extra,
    }),
  );
}

function fitDrawn(p: TypeParams, seed: string, weeks: number) {
  const series = drawHourly(p, seed, 168 * weeks);
  const fitted = fitSeasonal(series.values, series.times, {
    transform: 'relative',
    stepMs: HOUR,
    timeZone: 'UTC',
    weekly: true,
    tuning: { weekShape: true },
  });
  if (!fitted) throw new Error('not fitted');
  return fitted;
}

/**
 * What of `WEEK_SHAPE` the fit can tell from the weekday and weekend profiles: each day's shape less the mean
 * shape of its group (Saturday and Sunday; Monday to Friday), since the profiles take that mean.
 */
const IDENTIFIABLE = WEEK_SHAPE.map((x, c) => {
  const d = Math.floor(c / 24);
  const h = c % 24;
  const group = d === 0 || d === 6 ? [0, 6] : [1, 2, 3, 4, 5];
  return x - group.reduce((s, g) => s + WEEK_SHAPE[g * 24 + h]!, 0) / group.length;
});

const rms = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('each weekday’s daily shape (dDow)', () => {
  it('is fitted back from series drawn with it (beyond the weekday and weekend profiles): the same shape, its size within 25%', () => {
    for (const seed of ['a', 'b', 'c']) {
      const fitted = fitDrawn(load({ dDow: WEEK_SHAPE }), `week:${seed}`, 12);
      expect(fitted.dDow).toHaveLength(168);
      expect(correlation(fitted.dDow!, IDENTIFIABLE)).toBeGreaterThan(0.9);
      const ratio = rms(fitted.dDow!) / rms(IDENTIFIABLE);
      expect(ratio).toBeGreaterThan(0.75);
      expect(ratio).toBeLessThan(1.25);
    }
  });

  it('is not fitted from series drawn without it, beyond a small chance shape', () => {
    for (const seed of ['a', 'b', 'c']) {
      const fitted = fitDrawn(load({}), `flat:${seed}`, 12);
      // Shrunk by the noise in its cells' means: nothing, or a small fraction of the shape above.
      expect(rms(fitted.dDow ?? [0])).toBeLessThan(0.25 * rms(IDENTIFIABLE));
    }
  });

  it('is not fitted without the tuning', () => {
    const series = drawHourly(load({ dDow: WEEK_SHAPE }), 'untuned', 168 * 8);
    const fitted = fitSeasonal(series.values, series.times, {
      transform: 'relative',
      stepMs: HOUR,
      timeZone: 'UTC',
      weekly: true,
    });
    expect(fitted?.dDow).toBeUndefined();
  });
});

describe('the returns’ autoregression (ar)', () => {
  const price = (ar?: number[]): TypeParams => ({
    kind: 'price',
    transform: 'returns',
    stepMs: DAY,
    calendar: 'always',
    timeZone: 'UTC',
    levelScale: 1,
    source: 'test',
    series: [
      {
        level: 100,
        mu: 0.0005,
        omega: 0.0004 * 0.1,
        alpha: 0.08,
        beta: 0.82,
        nu: 5,
        still: 0,
        ...(ar ? { ar } : {}),
      },
    ],
  });
  const draw = (p: TypeParams, seed: string) =>
    renderCalibrated(
      p,
      { length: 6000, startMs: START, stepMs: DAY, timeZone: 'UTC', extensive: false },
      new Random(seed),
    ).values;

  it('is fitted back from prices drawn with it, each coefficient within 0.05', () => {
    const truth = [-0.05, 0.12, 0.06];
    for (const seed of ['a', 'b']) {
      const fitted = fitPrice(draw(price(truth), `ar:${seed}`), { returnsAr: true });
      expect(fitted?.ar).toHaveLength(3);
      fitted!.ar!.forEach((c, k) => {
        expect(Math.abs(c - truth[k]!)).toBeLessThan(0.05);
      });
    }
  });

  it('keeps the returns’ variance: the innovations are narrowed by the share the autoregression explains', () => {
    const logSd = (values: Float64Array) => {
      const r = Array.from({ length: values.length - 1 }, (_, i) =>
        Math.log(values[i + 1]! / values[i]!),
      );
      const m = r.reduce((s, x) => s + x, 0) / r.length;
      return Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / r.length);
    };
    const ratios = ['a', 'b', 'c'].map(
      (seed) =>
        logSd(draw(price([0.3, 0.2, 0.1]), `v:${seed}`)) / logSd(draw(price(), `v:${seed}`)),
    );
    const meanRatio = ratios.reduce((s, x) => s + x, 0) / ratios.length;
    expect(meanRatio).toBeGreaterThan(0.9);
    expect(meanRatio).toBeLessThan(1.1);
  });

  it('is fitted near zero from prices drawn without it, and not at all without the tuning', () => {
    const values = draw(price(), 'plain');
    const fitted = fitPrice(values, { returnsAr: true });
    for (const c of fitted!.ar!) expect(Math.abs(c)).toBeLessThan(0.04);
    expect(fitPrice(values)?.ar).toBeUndefined();
  });
});
