import { describe, expect, it } from 'vitest';
import { drawHourly, everyDay, fitHourly, hourlyType } from './helpers/series.ts';

/**
 * The calibrated engine's share of zeros by hour for series off at night (`zeros`, fitted with
 * `FitTuning.dawnZeros`; docs/timeseries.md, "The calibrated engine"): a series drawn with known shares is fitted
 * back to them, and without them every hour under the night threshold is drawn as zero.
 */

/** A solar-like bell from 07:00 to 17:00 with dawn (06:00) and dusk (18:00) at 1% of the mean, off otherwise. */
const DAY = (() => {
  const raw = Array.from({ length: 24 }, (_, h) =>
    h > 6 && h < 18 ? Math.sin((Math.PI * (h - 6)) / 12) : 0,
  );
  const m = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((x, h) => (h === 6 || h === 18 ? 0.01 : x / m));
})();
/** Zero at night, at dawn 40% and at dusk 70% of the time, never in daylight. */
const ZEROS = DAY.map((x, h) => (h === 6 ? 0.4 : h === 18 ? 0.7 : x > 0 ? 0 : 1));

const solar = (zeros?: number[]) =>
  hourlyType(
    'relative',
    everyDay(DAY, {
      level: 100,
      // Small dawn and dusk noise, so their drawn readings stay above zero.
      hsd: DAY.map((x) => (x > 0.05 ? 0.05 : x > 0 ? 0.002 : 0)),
      acf: [0.7, 0.6, 0.95, 0.3],
      lo: 0,
      hi: 10,
      atoms: [0, 0],
      ...(zeros ? { zeros } : {}),
    }),
  );

const zeroShareAt = (values: Float64Array, hour: number) => {
  let zeros = 0;
  let count = 0;
  for (let i = hour; i < values.length; i += 24) {
    count++;
    if (values[i] === 0) zeros++;
  }
  return zeros / count;
};

describe('zeros by hour (series off at night)', () => {
  it('draws each hour under the night threshold as zero as often as `zeros` says, and fits that back (within 0.1)', () => {
    const drawn = drawHourly(solar(ZEROS), 'dawn-zeros', 24 * 180);
    expect(Math.abs(zeroShareAt(drawn.values, 6) - 0.4)).toBeLessThan(0.1);
    expect(Math.abs(zeroShareAt(drawn.values, 18) - 0.7)).toBeLessThan(0.1);
    const fitted = fitHourly(drawn, 'relative', { dawnZeros: true });
    expect(fitted.zeros).toBeDefined();
    ZEROS.forEach((z, h) => {
      expect(Math.abs(fitted.zeros![h]! - z)).toBeLessThan(0.1);
    });
  });

  it('without `zeros`, draws every hour under the threshold as zero, and fits no shares without the tuning', () => {
    const drawn = drawHourly(solar(), 'all-off', 24 * 60);
    expect(zeroShareAt(drawn.values, 6)).toBe(1);
    expect(zeroShareAt(drawn.values, 18)).toBe(1);
    expect(fitHourly(drawn, 'relative').zeros).toBeUndefined();
  });
});
