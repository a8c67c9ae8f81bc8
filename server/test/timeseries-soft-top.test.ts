import { describe, expect, it } from 'vitest';
import { drawHourly, everyDay, fitHourly, hourlyType } from './helpers/series.ts';

/**
 * The calibrated engine's ceiling at the upper bound (`top`, set by `FitTuning.softTop`; docs/timeseries.md,
 * "The clearest noon (solar)"): a bright day is clamped at the upper bound, or bent below it above the knee,
 * instead of being reflected into a dip at noon. The knee is a per-type choice, not fitted: it is written as set.
 */

/** A solar-like bell from 07:00 to 17:00, off otherwise, on the relative scale (mean 1). */
const DAY = (() => {
  const raw = Array.from({ length: 24 }, (_, h) =>
    h > 6 && h < 18 ? Math.sin((Math.PI * (h - 6)) / 12) : 0,
  );
  const m = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((x) => x / m);
})();
const PEAK = Math.max(...DAY);
const NORM = Math.hypot(...DAY);

/** Days scaled as a whole (one mode along the bell, sd 40% of it, day to day 0.5), little hourly noise. */
const solar = (top?: number) =>
  hourlyType(
    'relative',
    everyDay(DAY, {
      level: 100,
      hsd: DAY.map((x) => (x > 0 ? 0.03 : 0)),
      acf: [0.7, 0.6, 0.95, 0.3],
      lo: 0,
      hi: 1.3 * PEAK,
      atoms: [0, 0],
      modes: [[0.4 * NORM, 0.5, ...DAY.map((x) => x / NORM)]],
      ...(top !== undefined ? { top } : {}),
    }),
  );

/** Noons (12:00) lower than both neighbours: a bright day reflected at the upper bound. */
const noonDips = (values: Float64Array) => {
  let dips = 0;
  for (let i = 12; i + 1 < values.length; i += 24) {
    if (values[i]! < values[i - 1]! && values[i]! < values[i + 1]!) dips++;
  }
  return dips;
};

describe('ceiling at the upper bound (solar)', () => {
  it.each([0.6, 1])('is written as the tuning sets it (%s), and not without the tuning', (top) => {
    const drawn = drawHourly(solar(), `soft-top-${top}`, 24 * 60);
    expect(fitHourly(drawn, 'relative', { softTop: top }).top).toBe(top);
    expect(fitHourly(drawn, 'relative').top).toBeUndefined();
  });

  it('keeps bright noons the top of their day where reflecting made them dips, and stays under the bound', () => {
    const reflected = drawHourly(solar(), 'bright', 24 * 120);
    const clamped = drawHourly(solar(1), 'bright', 24 * 120);
    const bent = drawHourly(solar(0.6), 'bright', 24 * 120);
    expect(noonDips(reflected.values)).toBeGreaterThan(5);
    expect(noonDips(clamped.values)).toBe(0);
    expect(noonDips(bent.values)).toBe(0);
    const bound = 1.3 * PEAK * 100;
    expect(Math.max(...clamped.values)).toBeCloseTo(bound, 6);
    // Bent: above the knee (60% of the bound) values approach the bound without reaching it.
    expect(Math.max(...bent.values)).toBeLessThan(bound);
    expect(Math.max(...bent.values)).toBeGreaterThan(0.6 * bound);
  });
});
