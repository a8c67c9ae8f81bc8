import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import {
  fitSeasonal,
  normalQuantile,
  QUANTILE_PROBS,
  renderCalibrated,
  type SeasonalSeriesParams,
  type TypeParams,
  windowShare,
} from '../src/timeseries/calibrated.ts';
import { START } from './helpers/series.ts';

/**
 * A daily series' drifting level (`FitTuning.levelDrift`, `SeasonalSeriesParams.drift`) in the calibrated engine:
 * series drawn with a known level are fitted back to it within stated tolerances, the marginal is read over the
 * level (each year's spikes as skewed as the others'), and series drawn without one are not given much of one.
 */

const DAY = 86_400_000;
const YEAR = 252;

/** A right-skewed residual quantile function (a log-normal's, standardised): volume-like spikes. */
const SKEWED = QUANTILE_PROBS.map((p) => {
  const s = 0.5;
  const m = Math.exp((s * s) / 2);
  const sdev = Math.sqrt((Math.exp(s * s) - 1) * Math.exp(s * s));
  return (Math.exp(s * normalQuantile(p)) - m) / sdev;
});

const volume = (drift?: [number, number]): TypeParams => ({
  kind: 'seasonal',
  transform: 'relative',
  stepMs: DAY,
  calendar: 'always',
  timeZone: 'UTC',
  levelScale: 1,
  source: 'test',
  series: [
    {
      level: 1_000_000,
      scale: 0,
      dWk: [1],
      dWe: [1],
      w: [1, 1, 1, 1, 1, 1, 1],
      hsd: [0.4],
      q: SKEWED,
      acf: [1, 0.4, 0.98, 0],
      lo: 0.2,
      hi: 6,
      atoms: [0, 0],
      ...(drift ? { drift } : {}),
    } satisfies SeasonalSeriesParams,
  ],
});

const draw = (p: TypeParams, seed: string, length = 6 * YEAR) => {
  const s = renderCalibrated(
    p,
    { length, startMs: START, stepMs: DAY, timeZone: 'UTC', extensive: false },
    new Random(seed),
  );
  return { values: s.values, times: s.times };
};

const fit = (s: { values: Float64Array; times: number[] }) =>
  fitSeasonal(s.values, s.times, {
    transform: 'relative',
    stepMs: DAY,
    timeZone: 'UTC',
    tuning: { acfWindow: YEAR, levelDrift: 21 },
  })!;

describe('a drifting level (levelDrift)', () => {
  it('recovers the spread of a known level, and draws it', () => {
    const sds: number[] = [];
    for (const seed of ['a', 'b']) {
      const fitted = fit(draw(volume([0.3, 0.98]), `drift:${seed}`));
      expect(fitted.drift).toBeDefined();
      sds.push(fitted.drift![0]);
      // The copula keeps the fast noise alone: the slow component is the level's.
      expect(fitted.acf[0]).toBe(1);
      expect(fitted.drift![1]).toBeGreaterThanOrEqual(0.9);
    }
    const meanSd = sds.reduce((x, y) => x + y, 0) / sds.length;
    expect(meanSd).toBeGreaterThan(0.22);
    expect(meanSd).toBeLessThan(0.4);
  });

  it('finds little level in a series drawn without one', () => {
    const fitted = fit(draw(volume(), 'flat'));
    expect(fitted.drift?.[0] ?? 0).toBeLessThan(0.15);
  });

  it('scales the whole series by the level: the log level moves as drawn', () => {
    const { values } = draw(volume([0.3, 0.98]), 'level', 40 * YEAR);
    // Monthly means of the log values: their spread is mostly the level's (0.3), not the daily noise's.
    const logs = Array.from(values, Math.log);
    const months: number[] = [];
    for (let i = 0; i + 21 <= logs.length; i += 21) {
      months.push(logs.slice(i, i + 21).reduce((x, y) => x + y, 0) / 21);
    }
    const m = months.reduce((x, y) => x + y, 0) / months.length;
    const spread = Math.sqrt(months.reduce((x, y) => x + (y - m) ** 2, 0) / months.length);
    expect(spread).toBeGreaterThan(0.25);
    expect(spread).toBeLessThan(0.38);
  });

  it('reads a last part-year of at least half a year as one more year, and a shorter one not at all', () => {
    // Two years without a level, then a part-year whose level climbs by e^1.5: the climb is a drift within that
    // part-year, read only when the part-year counts.
    const spread = (rest: number, seed: string) => {
      const { values, times } = draw(volume(), `rest:${seed}`, 2 * YEAR + rest);
      const climbed = values.map((x, i) =>
        i < 2 * YEAR ? x : x * Math.exp((1.5 * (i - 2 * YEAR)) / rest),
      );
      return fit({ values: climbed, times }).drift?.[0] ?? 0;
    };
    for (const seed of ['a', 'b', 'c']) {
      // Under half a year (100 of 252 days): left out, as without it (about 0.11-0.14 here).
      expect(spread(100, seed)).toBeLessThan(0.2);
      // 151 days: a third of the windows carries the climb (about 0.47-0.57; read only by the drift's own
      // simulation check before every reading took the same windows, 0.16-0.20).
      expect(spread(151, seed)).toBeGreaterThan(0.35);
    }
  });

  it('reads the share of an AR(1) variance a window sees', () => {
    expect(windowShare(0, 250)).toBeCloseTo(1 - 1 / 250, 6);
    expect(windowShare(0.99, 250)).toBeGreaterThan(0.4);
    expect(windowShare(0.99, 250)).toBeLessThan(0.6);
    expect(windowShare(0.999, 250)).toBeLessThan(0.2);
  });
});
