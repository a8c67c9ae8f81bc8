import { describe, expect, it } from 'vitest';
import { aqiOfPm25, aqiOnGrid, pm25OfAqi } from '../src/timeseries/aqi.ts';
import { TYPE_TUNING } from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, fitHourly, hourlyType, repeatShare } from './helpers/series.ts';

/**
 * An air quality index computed from PM2.5 read in whole µg/m³ (`FitTuning.pmGrid`, docs/timeseries.md,
 * "Air quality"): the index and its concentration round-trip on the grid, a series drawn with a known reading
 * noise has its grid, noise and held values fitted back, and a series off the grid is fitted without one.
 */

const d = Array.from({ length: 24 }, (_, h) => 1 + 0.08 * Math.sin((2 * Math.PI * (h - 3)) / 24));
const base = everyDay(d, {
  level: 100,
  hsd: Array(24).fill(0.5),
  acf: [0.6, 0.8, 0.98, 0.7] as [number, number, number, number],
  lo: 0.125,
  hi: 4,
  atoms: [0.03, 0] as [number, number],
});

describe('air quality on the grid of whole-µg/m³ readings', () => {
  it('reads every whole concentration back from its index', () => {
    for (let c = 0; c <= 500; c++) {
      const index = aqiOfPm25(c);
      expect(aqiOnGrid(index, 1)).toBe(index);
      expect(Math.abs(pm25OfAqi(index) - c)).toBeLessThan(0.1);
    }
    // Beyond the last breakpoint every concentration is the top of the index.
    expect(aqiOnGrid(aqiOfPm25(994), 1)).toBe(500);
    // The floor holds a reading's error: 3 µg/m³ less 2 stays at 3.
    expect(aqiOnGrid(aqiOfPm25(3), 1, -2, 3)).toBe(aqiOfPm25(3));
  });

  it('recovers the grid, the reading noise (within 1 µg/m³) and the repeats (within 0.03)', () => {
    expect(TYPE_TUNING.air_quality?.pmGrid).toBe(1);
    const truth: [number, number] = [1, 2];
    const source = hourlyType('relative', { ...base, pm: truth, hold: 0.03 });
    const drawn = drawHourly(source, 'pm', 24 * 7 * 8);
    expect(Array.from(drawn.values).every((v) => aqiOnGrid(v, 1) === v)).toBe(true);
    const tuned = fitHourly(drawn, 'relative', { pmGrid: 1 });
    expect(tuned.pm).toBeDefined();
    expect(tuned.pm![0]).toBe(1);
    expect(Math.abs(tuned.pm![1] - truth[1])).toBeLessThanOrEqual(1);
    // Drawn back from the fit, the readings stand still as often as the source's.
    const again = drawHourly(hourlyType('relative', tuned), 'again', 24 * 7 * 8);
    expect(Array.from(again.values).every((v) => aqiOnGrid(v, 1) === v)).toBe(true);
    expect(Math.abs(repeatShare(again.values) - repeatShare(drawn.values))).toBeLessThan(0.03);
  });

  it('fits no grid to a series off it', () => {
    const drawn = drawHourly(hourlyType('relative', base), 'off-grid', 24 * 7 * 8);
    const tuned = fitHourly(drawn, 'relative', { pmGrid: 1 });
    expect(tuned.pm).toBeUndefined();
  });
});
