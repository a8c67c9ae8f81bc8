/**
 * The US EPA air quality index of a PM2.5 concentration (µg/m³) and back: the index is piecewise linear in the
 * concentration between the breakpoints below, rounded to 0.1, and 500 beyond the last.
 */
const PM25 = [0, 12, 35.4, 55.4, 150.4, 250.4, 350.4, 500.4];
const AQI = [0, 50, 100, 150, 200, 300, 400, 500];

/** The index of a PM2.5 concentration in µg/m³. */
export function aqiOfPm25(c: number): number {
  if (c <= 0) return 0;
  for (let k = 1; k < PM25.length; k++) {
    if (c <= PM25[k]!) {
      const t = (c - PM25[k - 1]!) / (PM25[k]! - PM25[k - 1]!);
      return Math.round((AQI[k - 1]! + t * (AQI[k]! - AQI[k - 1]!)) * 10) / 10;
    }
  }
  return 500;
}

/** The PM2.5 concentration (µg/m³) an index reads as: the inverse of `aqiOfPm25` before its rounding. */
export function pm25OfAqi(index: number): number {
  if (index <= 0) return 0;
  for (let k = 1; k < AQI.length; k++) {
    if (index <= AQI[k]!) {
      const t = (index - AQI[k - 1]!) / (AQI[k]! - AQI[k - 1]!);
      return PM25[k - 1]! + t * (PM25[k]! - PM25[k - 1]!);
    }
  }
  return PM25[PM25.length - 1]!;
}

/** The top of the index: every concentration beyond the last breakpoint reads as it. */
export const AQI_TOP = 500;

/**
 * An index as a reading of PM2.5 in whole steps of `step` µg/m³ gives it: its concentration, plus the reading's
 * error `error` (µg/m³) and not under `floor` (µg/m³), rounded to the step and the index computed back (the top of
 * the index stays).
 */
export function aqiOnGrid(index: number, step: number, error = 0, floor = 0): number {
  if (index >= AQI_TOP) return AQI_TOP;
  const c = Math.max(floor, pm25OfAqi(index) + error);
  return aqiOfPm25(Math.round(c / step) * step);
}
