import { describe, expect, it } from 'vitest';
import { type FitTuning, fitSeasonal, type TypeParams } from '../src/timeseries/calibrated.ts';
import { seasonalStrength } from '../src/validation/series/stats.ts';
import { drawHourly, everyDay, HOUR, hourlyType } from './helpers/series.ts';

/**
 * The cycle strengths a load's fit matches by drawing (`FitTuning.cycleStrength` and `weekStrength`,
 * docs/timeseries.md, "Each weekday's shape"): series drawn from the fit of a load have that load's daily and
 * weekly seasonal strengths, whether it has a weekly pattern or not.
 */

/** A household's day: low at night, peaks in the morning and the evening (mean 1). */
const DAY_PROFILE = Array.from(
  { length: 24 },
  (_, h) => 1 + 0.3 * Math.sin((Math.PI * (h - 9)) / 12) + 0.2 * Math.cos((Math.PI * (h - 19)) / 6),
);
/** Six weeks of hours, as the reference clients have. */
const LENGTH = 1000;

function load(w: number[]): TypeParams {
  const series = everyDay(DAY_PROFILE, {
    level: 50,
    hsd: new Array(24).fill(0.1),
    acf: [0.8, 0.5, 0.99, 0],
    lo: 0.05,
    hi: 5,
    atoms: [0, 0],
  });
  return hourlyType('relative', { ...series, w });
}

const strengths = (values: ArrayLike<number>) => seasonalStrength(values, 24, 168);

/** The mean daily and weekly strengths of four series drawn from the fit of `source` with `tuning`. */
function drawnFromFit(source: Float64Array, times: number[], tuning: FitTuning) {
  const fitted = fitSeasonal(source, times, {
    transform: 'relative',
    stepMs: HOUR,
    timeZone: 'UTC',
    weekly: true,
    tuning,
  });
  if (!fitted) throw new Error('not fitted');
  let daily = 0;
  let weekly = 0;
  for (let k = 0; k < 4; k++) {
    const s = strengths(drawHourly(hourlyType('relative', fitted), `again:${k}`, LENGTH).values);
    daily += (s.daily ?? 0) / 4;
    weekly += (s.weekly ?? 0) / 4;
  }
  return { daily, weekly };
}

const LOAD_TUNING: FitTuning = { weekShape: true, steadySteps: true, cycleStrength: true };

describe('matching a load’s cycle strengths by drawing', () => {
  it('gives series drawn from the fit the source’s weekly strength within 0.06, with or without a weekly pattern', () => {
    for (const w of [
      [0.8, 1.05, 1.05, 1.05, 1.05, 1.05, 0.95],
      [1, 1, 1, 1, 1, 1, 1],
    ]) {
      for (const seed of ['a', 'b']) {
        const source = drawHourly(load(w), `source:${seed}`, LENGTH);
        const real = strengths(source.values);
        const drawn = drawnFromFit(source.values, source.times, {
          ...LOAD_TUNING,
          weekStrength: true,
        });
        expect(Math.abs(drawn.weekly - real.weekly!)).toBeLessThan(0.06);
        expect(Math.abs(drawn.daily - real.daily!)).toBeLessThan(0.03);
      }
    }
  });

  it('does not give a load without a weekly pattern the chance one of its sample, as the fit without it does', () => {
    const source = drawHourly(load([1, 1, 1, 1, 1, 1, 1]), 'flat', LENGTH);
    const real = strengths(source.values).weekly!;
    const matched = drawnFromFit(source.values, source.times, {
      ...LOAD_TUNING,
      weekStrength: true,
    });
    const kept = drawnFromFit(source.values, source.times, LOAD_TUNING);
    expect(Math.abs(matched.weekly - real)).toBeLessThan(Math.abs(kept.weekly - real));
  });
});
