import { Random } from '@genesis/schema/random';
import {
  type FitTuning,
  fitSeasonal,
  renderCalibrated,
  type SeasonalSeriesParams,
  type TypeParams,
} from '../../src/timeseries/calibrated.ts';

/**
 * What the calibrated engine's recovery tests share: an hourly type of one series in UTC, and series drawn from
 * it from a fixed Monday (docs/timeseries.md, "The calibrated engine").
 */

export const HOUR = 3_600_000;
/** A Monday, 00:00 UTC: drawn weeks start on a Monday. */
export const START = Date.parse('2025-01-06T00:00:00Z');

/** An hourly seasonal type of one series, in UTC, every day a working day. */
export function hourlyType(
  transform: TypeParams['transform'],
  series: SeasonalSeriesParams,
): TypeParams {
  return {
    kind: 'seasonal',
    transform,
    stepMs: HOUR,
    calendar: 'always',
    timeZone: 'UTC',
    levelScale: 1,
    source: 'test',
    series: [series],
  };
}

/** `length` hours of `p` from `START`, drawn with the seed `seed`. */
export function drawHourly(p: TypeParams, seed: string, length: number) {
  return renderCalibrated(
    p,
    { length, startMs: START, stepMs: HOUR, timeZone: 'UTC', extensive: false },
    new Random(seed),
  );
}

/** Standard normal quantiles at 0.1%, 1%, 2.5%, 5%, 10%, 20%, 30%, 40%, 50% and their mirrors: residual quantiles of Gaussian noise. */
export const NORMAL_Q = [
  -3.09, -2.326, -1.96, -1.645, -1.2816, -0.8416, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.8416,
  1.2816, 1.645, 1.96, 2.326, 3.09,
];

/** The seasonal fit of a series drawn by {@link drawHourly} (hourly, UTC), with a type's tuning if given. */
export function fitHourly(
  drawn: { values: Float64Array; times: number[] },
  transform: 'relative' | 'standardised',
  tuning?: FitTuning,
) {
  return fitSeasonal(drawn.values, drawn.times, {
    transform,
    stepMs: HOUR,
    timeZone: 'UTC',
    ...(tuning ? { tuning } : {}),
  })!;
}

/**
 * One series' parameters with the daily profile `d` on every day of the week and Gaussian residual quantiles
 * (`NORMAL_Q`); `fields` gives the rest (level, hourly spread, autocorrelation, bounds, and any optional part).
 */
export function everyDay(
  d: number[],
  fields: Omit<SeasonalSeriesParams, 'scale' | 'dWk' | 'dWe' | 'w' | 'q'>,
): SeasonalSeriesParams {
  return { scale: 0, dWk: d, dWe: d, w: [1, 1, 1, 1, 1, 1, 1], q: NORMAL_Q, ...fields };
}

/** Share of points repeating the previous one. */
export function repeatShare(xs: ArrayLike<number>): number {
  let held = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] === xs[i - 1]) held++;
  return held / (xs.length - 1);
}

/**
 * An hourly standardised weather type of one series: the daily profile `d` on every day, no weekday levels,
 * Gaussian residual quantiles and bounds at -4 and 4 that it only touches; `fields` gives its level, scale, hourly
 * spread and noise, and any optional part.
 */
export function standardisedWeather(
  d: number[],
  fields: Pick<SeasonalSeriesParams, 'level' | 'scale' | 'hsd' | 'acf'> &
    Partial<SeasonalSeriesParams>,
): TypeParams {
  return hourlyType('standardised', {
    dWk: d,
    dWe: d,
    w: [0, 0, 0, 0, 0, 0, 0],
    q: NORMAL_Q,
    lo: -4,
    hi: 4,
    atoms: [0, 0],
    ...fields,
  });
}

/**
 * A humidity-like type read in whole units on a bounded scale: the copula's map from noise to values is not the
 * identity, so the noise fit alone misses the values' steps and the step search settles them by drawing.
 */
export function wholeUnitWeather(): TypeParams {
  const d = Array.from({ length: 24 }, (_, h) => 0.8 * Math.sin((2 * Math.PI * (h - 9)) / 24));
  return hourlyType('standardised', {
    level: 70,
    scale: 12,
    dWk: d,
    dWe: d,
    w: [0, 0, 0, 0, 0, 0, 0],
    hsd: Array(24).fill(0.6),
    q: NORMAL_Q,
    acf: [0.4, 0.6, 0.995, 0.3],
    lo: -2.5,
    hi: 2.5,
    atoms: [0, 0.05],
    vol: [0.8, 0.95],
    res: 1 / 12,
  });
}
