import { Random } from '@genesis/schema/random';
import {
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
