import { describe, expect, it } from 'vitest';
import {
  dewTemperature,
  logGridStep,
  type SeasonalSeriesParams,
  TYPE_TUNING,
} from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, fitHourly, hourlyType, repeatShare } from './helpers/series.ts';

/**
 * Humidity computed from whole-degree temperature and dew point (`FitTuning.dewGrid`, docs/timeseries.md,
 * "Per-type tuning of sensors"): a series drawn with a known grid has its grid's temperature and its air's
 * speed fitted back, and a series off any grid is fitted with held values instead.
 */

const d = Array.from({ length: 24 }, (_, h) => 1 + 0.25 * Math.sin((2 * Math.PI * (h - 4)) / 24));
const base = everyDay(d, {
  level: 60,
  hsd: Array(24).fill(0.15),
  acf: [0.6, 0.8, 0.98, 0.7] as [number, number, number, number],
  lo: 0.2,
  hi: 100 / 60,
  atoms: [0, 0] as [number, number],
});

describe('humidity on a grid of whole-degree readings', () => {
  it('recovers the grid (temperature within 3 degrees) and the share of still hours (within 0.04)', () => {
    expect(TYPE_TUNING.humidity?.dewGrid).toBe(100);
    const truth: [number, number, number] = [100, 10, 0.6];
    const source = hourlyType('relative', { ...base, dew: truth });
    const drawn = drawHourly(source, 'dew', 24 * 7 * 12);
    // Every move of log humidity is a whole number of degrees of one reading or the other, about 0.07 at 10 C.
    expect(logGridStep(drawn.values)).toBeGreaterThan(0.06);
    const tuned = fitHourly(drawn, 'relative', { dewGrid: 100 });
    expect(tuned.dew).toBeDefined();
    expect(tuned.hold).toBeUndefined();
    expect(tuned.dew![0]).toBe(100);
    expect(Math.abs(tuned.dew![1] - truth[1])).toBeLessThan(3);
    expect(dewTemperature(0.0725)).toBeCloseTo(0, 0);
    // Drawn back from the fit, the readings stand still as often as the source's.
    const again = drawHourly(hourlyType('relative', tuned), 'again', 24 * 7 * 12);
    expect(Math.abs(repeatShare(again.values) - repeatShare(drawn.values))).toBeLessThan(0.04);
  });

  it('fits held values, not a grid, to a series whose moves are off any grid', () => {
    const source = hourlyType('relative', { ...base, hold: 0.15 });
    const drawn = drawHourly(source, 'no-grid', 24 * 7 * 12);
    expect(logGridStep(drawn.values)).toBe(0);
    const tuned = fitHourly(drawn, 'relative', { dewGrid: 100 });
    expect(tuned.dew).toBeUndefined();
    expect(Math.abs(tuned.hold! - 0.15)).toBeLessThan(0.02);
  });
});

describe("humid air's still temperature (`humidCalm`)", () => {
  /** The share of points repeating the one before, among those whose previous reading is in the top or bottom third. */
  const repeatsByThird = (values: Float64Array) => {
    const sorted = Float64Array.from(values).sort();
    const low = sorted[Math.floor(sorted.length / 3)]!;
    const high = sorted[Math.floor((2 * sorted.length) / 3)]!;
    const count = { top: [0, 0], bottom: [0, 0] };
    for (let i = 1; i < values.length; i++) {
      const third =
        values[i - 1]! >= high ? count.top : values[i - 1]! <= low ? count.bottom : null;
      if (!third) continue;
      third[1]!++;
      if (values[i] === values[i - 1]) third[0]!++;
    }
    return { top: count.top[0]! / count.top[1]!, bottom: count.bottom[0]! / count.bottom[1]! };
  };

  it('holds the humid hours still more often and the dry ones less, at the same air speed', () => {
    expect(TYPE_TUNING.humidity?.humidCalm).toBe(1);
    const length = 24 * 7 * 12;
    for (const seed of ['calm:a', 'calm:b']) {
      const draw = (dew: NonNullable<SeasonalSeriesParams['dew']>) =>
        repeatsByThird(drawHourly(hourlyType('relative', { ...base, dew }), seed, length).values);
      const plain = draw([100, 10, 0.6]);
      const calm = draw([100, 10, 0.6, 1]);
      // Seed 'calm:a': the top third repeats 0.23 of its hours without, 0.34 with; the bottom 0.19 and 0.16.
      expect(calm.top).toBeGreaterThan(plain.top + 0.05);
      expect(calm.bottom).toBeLessThan(plain.bottom);
      expect(calm.top - calm.bottom).toBeGreaterThan(plain.top - plain.bottom + 0.05);
    }
  });

  it('fits the air speed with it: drawn back, the readings stand still as often as the source (within 0.04)', () => {
    const source = hourlyType('relative', { ...base, dew: [100, 10, 0.6, 1] });
    const drawn = drawHourly(source, 'calm-fit', 24 * 7 * 24);
    const tuned = fitHourly(drawn, 'relative', { dewGrid: 100, humidCalm: 1 });
    expect(tuned.dew?.[3]).toBe(1);
    const again = drawHourly(hourlyType('relative', tuned), 'calm-again', 24 * 7 * 24);
    expect(tuned.dew![2]).toBe(0.6);
    expect(Math.abs(repeatShare(again.values) - repeatShare(drawn.values))).toBeLessThan(0.04);
  });
});

describe('drawing humidity from one population (`pairOnGrid`)', () => {
  // A flat series on the grid and a strongly cyclical one off it: a drawn series blends its first series' daily
  // profile with its second's (5-25% of it), so a grid series paired with the other shows a daily cycle.
  const flat = everyDay(Array(24).fill(1), {
    level: 60,
    hsd: Array(24).fill(0.05),
    acf: [1, 0.3, 0.9, 0] as [number, number, number, number],
    lo: 0.2,
    hi: 100 / 60,
    atoms: [0, 0] as [number, number],
    dew: [100, 10, 0.5],
  });
  const cyclical = {
    ...flat,
    dWk: Array.from({ length: 24 }, (_, h) => 1 + 0.5 * Math.sin((2 * Math.PI * h) / 24)),
    dew: undefined,
  };
  cyclical.dWe = cyclical.dWk;
  /** The largest daily cycle of the draws on a grid: its hours' means over the mean, projected on the other's. */
  const gridCycle = (pairOnGrid: boolean) => {
    const type = { ...hourlyType('relative', flat), series: [flat, cyclical], pairOnGrid };
    let largest = 0;
    let onGrid = 0;
    for (let k = 0; k < 40; k++) {
      const { values } = drawHourly(type, `pair:${k}`, 24 * 28);
      if (logGridStep(values) === 0) continue;
      onGrid++;
      const hours = Array.from({ length: 24 }, (_, h) => {
        let sum = 0;
        for (let i = h; i < values.length; i += 24) sum += values[i]!;
        return sum / 28;
      });
      const m = hours.reduce((x, y) => x + y, 0) / 24;
      const swing =
        hours.reduce((x, y, h) => x + (y / m) * Math.sin((2 * Math.PI * h) / 24), 0) / 12;
      largest = Math.max(largest, swing);
    }
    return { largest, onGrid };
  };

  it('pairs a series on the grid only with one on the grid', () => {
    expect(TYPE_TUNING.humidity?.pairOnGrid).toBe(true);
    const paired = gridCycle(true);
    expect(paired.onGrid).toBeGreaterThan(10);
    expect(paired.largest).toBeLessThan(0.01);
    // Paired with any series, some grid draws take the other's cycle.
    expect(gridCycle(false).largest).toBeGreaterThan(0.05);
  });
});
