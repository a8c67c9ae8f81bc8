import { describe, expect, it } from 'vitest';
import {
  matchSteps,
  type SeasonalSeriesParams,
  TYPE_TUNING,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import {
  drawHourly,
  everyDay,
  fitHourly,
  hourlyType,
  START,
  wholeUnitWeather,
} from './helpers/series.ts';

/**
 * The per-type fitting choices of the hourly energy and sensor types (docs/timeseries.md, "Per-type tuning"):
 * a rare share of held readings (heating's meter) and the simulation search that matches the drawn values' steps
 * (humidity, solar). Each is fitted back from series drawn with known parameters.
 */

/** Mean absolute step over the standard deviation. */
function meanStep(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]! / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2 / xs.length;
  let s = 0;
  for (let i = 1; i < xs.length; i++) s += Math.abs(xs[i]! - xs[i - 1]!);
  return s / (xs.length - 1) / Math.sqrt(v);
}

/** Mean over draws (seeds other than the fit's) of the mean step of series drawn from one fitted series. */
function drawnStep(p: TypeParams, length: number): number {
  let sum = 0;
  for (let k = 0; k < 6; k++) sum += meanStep(drawHourly(p, `check:${k}`, length).values) / 6;
  return sum;
}

describe('per-type tuning of the hourly energy and sensor types', () => {
  it('fits a rare share of held readings (within 0.003) only for a type that opts in', () => {
    const truth = 0.006;
    const d = Array.from(
      { length: 24 },
      (_, h) => 1 + 0.3 * Math.sin((2 * Math.PI * (h - 9)) / 24),
    );
    const source = hourlyType(
      'relative',
      everyDay(d, {
        level: 3,
        hsd: Array(24).fill(0.25),
        acf: [0.7, -0.4, 0.99, 0],
        lo: 0,
        hi: 3,
        atoms: [0, 0],
        hold: truth,
      }),
    );
    const drawn = drawHourly(source, 'held', 24 * 7 * 40);
    const tuned = fitHourly(drawn, 'relative', TYPE_TUNING.heating_demand);
    expect(tuned.hold).toBeDefined();
    expect(Math.abs(tuned.hold! - truth)).toBeLessThan(0.003);
    // The default floor (3% of the points) reads so few repeats as none.
    expect(fitHourly(drawn, 'relative').hold).toBeUndefined();
  });

  it('draws series whose mean step matches the source (within 4%) with `steps: vol`', () => {
    const length = 24 * 7 * 8;
    // Whole-unit readings on a bounded scale, as relative humidity.
    const source = wholeUnitWeather();
    const drawn = drawHourly(source, 'steps', length);
    const values = drawn.values.map((v) => Math.round(v));
    const real = meanStep(values);
    const tuned = fitHourly({ values, times: drawn.times }, 'standardised', { steps: 'vol' });
    const tunedStep = drawnStep(hourlyType('standardised', tuned), length);
    expect(Math.abs(Math.log(tunedStep / real))).toBeLessThan(0.04);
  });

  it('recovers the hourly noise scale of a solar-like series (within 15%) with `steps: noise`', () => {
    const length = 24 * 7 * 8;
    // A bell from 6 to 18 h, off at night; hourly noise proportional to it.
    const bell = Array.from({ length: 24 }, (_, h) =>
      h > 6 && h < 18 ? 3 * Math.sin((Math.PI * (h - 6)) / 12) : 0,
    );
    const truth: SeasonalSeriesParams = everyDay(bell, {
      level: 2,
      hsd: bell.map((x) => 0.3 * x),
      acf: [0.8, 0.7, 0.99, 0.6],
      lo: 0,
      hi: 6,
      atoms: [0, 0],
    });
    const drawn = drawHourly(hourlyType('relative', truth), 'solar', length);
    const real = meanStep(drawn.values);
    // Start from the truth with its hourly noise 40% too strong: the drawn days are rougher than the source's.
    const start: SeasonalSeriesParams = { ...truth, hsd: truth.hsd.map((x) => 1.4 * x) };
    const searched = { ...start };
    const y = Float64Array.from(drawn.values, (x) => x / truth.level);
    matchSteps(searched, hourlyType('relative', searched), y, START, TYPE_TUNING.solar_generation!);
    expect(searched.hsd[12]! / truth.hsd[12]!).toBeGreaterThan(0.85);
    expect(searched.hsd[12]! / truth.hsd[12]!).toBeLessThan(1.15);
    const after = drawnStep(hourlyType('relative', searched), length);
    expect(Math.abs(Math.log(after / real))).toBeLessThan(0.04);
    // Still exactly zero at night.
    const night = drawHourly(hourlyType('relative', searched), 'night', 48).values;
    for (const h of [0, 1, 2, 3, 4, 5, 19, 20, 21, 22, 23]) expect(night[h]).toBe(0);
  });
});
