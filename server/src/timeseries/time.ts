/** Calendar arithmetic on epoch milliseconds, in UTC: the engine's clock is the series' timestamps. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
const YEAR_DAYS = 365.2425;

/** Hour of day as a fraction, 0 <= h < 24. */
export function hourOfDay(ms: number): number {
  return (((ms % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** Day of the week, 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(ms: number): number {
  return (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7;
}

export function isWeekend(ms: number): boolean {
  const day = dayOfWeek(ms);
  return day === 0 || day === 6;
}

/**
 * Position in the year, 0 = 1 January .. 1. Measured in mean Gregorian years from 1970, so it drifts by less
 * than a day over a century: plenty for seasons.
 */
export function yearPhase(ms: number): number {
  const days = ms / DAY_MS;
  return (((days % YEAR_DAYS) + YEAR_DAYS) % YEAR_DAYS) / YEAR_DAYS;
}

/** Mean of `f` over [startMs, endMs], sampled at up to 257 evenly spaced instants. */
export function windowMean(startMs: number, endMs: number, f: (ms: number) => number): number {
  const samples = 256;
  let sum = 0;
  for (let k = 0; k <= samples; k++) sum += f(startMs + ((endMs - startMs) * k) / samples);
  return sum / (samples + 1);
}
