/**
 * Numbers measured on real data that the engine's electricity shapes are calibrated against. Only statistics
 * are kept here, never the data.
 *
 * Source: the real hourly electricity benchmark subset in `shared/data/electricity/` (203 Portuguese clients x
 * 1,000 h; see its README). Its timestamps are placeholders, so hours and weekdays were realigned by assuming
 * the series start on a Sunday at 00:00 (real = placeholder + 2 days - 2 hours): with that shift the office-like
 * clients are low on Saturdays and Sundays and the household-like ones trough at 4-5 h and peak at 19-21 h, as
 * such loads do. Clients were grouped by their weekend/weekday mean ratio: < 0.8 office-like (27 clients),
 * >= 1 household-like (60); the grid profile is the sum of all 203. Each profile is the mean level per hour of
 * day (0..23) divided by the profile's own mean. `test/series-engine-calibration.test.ts` recomputes these
 * numbers from the data when it is present and checks the engine against them.
 */

/** The shift that realigns the electricity reference's placeholder timestamps (real = placeholder + 2 days - 2 hours). */
export const ELECTRICITY_REALIGN_MS = 2 * 86_400_000 - 2 * 3_600_000;

/**
 * Where the electricity reference's first calendar day ends, New Year's Day (see docs/timeseries.md, "The
 * reference's first day"): the index of the first point at or after the first midnight that follows at least 20
 * hours of data, the times (ms) on the realigned clock. The fit leaves the points before it out (and keeps them as
 * the client's New Year's Day); `bench:timeseries --trim-electricity` drops them from the reference.
 */
export function afterFirstDay(times: readonly number[]): number {
  const day = 86_400_000;
  const midnight = Math.ceil((times[0]! + 20 * 3_600_000) / day) * day;
  return times.findIndex((t) => t >= midnight);
}

/** A daily profile: 24 relative levels for the hours 0..23, mean 1. */
export type DailyProfile = readonly number[];

export interface LoadCalibration {
  weekday: DailyProfile;
  weekend: DailyProfile;
  /** Mean level on Saturdays and Sundays divided by the weekday mean. */
  weekendRatio: number;
}

/** Household-like clients (weekend/weekday ratio >= 1): night trough at 4 h, evening peak at 19-21 h. */
export const HOUSEHOLD: LoadCalibration = {
  weekday: [
    1.09, 0.99, 0.95, 0.76, 0.67, 0.75, 0.85, 0.86, 0.85, 0.88, 0.91, 0.93, 0.94, 0.92, 0.88, 0.87,
    0.87, 0.95, 1.25, 1.47, 1.49, 1.44, 1.31, 1.13,
  ],
  weekend: [
    1.03, 0.93, 0.86, 0.72, 0.66, 0.68, 0.77, 0.77, 0.76, 0.88, 0.98, 1.05, 1.1, 1.04, 1.0, 0.98,
    0.96, 1.03, 1.29, 1.41, 1.4, 1.34, 1.24, 1.11,
  ],
  weekendRatio: 1.067,
};

/** Office-like clients (ratio < 0.8): business hours 8-19 on weekdays, a flat low weekend. */
export const OFFICE: LoadCalibration = {
  weekday: [
    0.71, 0.66, 0.58, 0.53, 0.51, 0.53, 0.62, 0.79, 1.18, 1.47, 1.46, 1.47, 1.22, 1.11, 1.2, 1.19,
    1.21, 1.22, 1.27, 1.23, 1.13, 0.98, 0.9, 0.82,
  ],
  weekend: [
    1.22, 1.13, 0.97, 0.87, 0.83, 0.83, 0.91, 0.98, 0.97, 1.04, 1.05, 1.05, 1.01, 0.91, 0.91, 0.91,
    0.91, 0.93, 1.1, 1.15, 1.12, 1.09, 1.06, 1.01,
  ],
  weekendRatio: 0.616,
};

/** The sum of all 203 clients, the closest thing in the data to a grid: smooth, a dip at the weekend. */
export const AGGREGATE: LoadCalibration = {
  weekday: [
    0.72, 0.64, 0.61, 0.57, 0.58, 0.63, 0.73, 0.89, 0.98, 1.12, 1.15, 1.17, 1.17, 1.18, 1.17, 1.18,
    1.2, 1.22, 1.29, 1.3, 1.25, 1.2, 1.11, 0.94,
  ],
  weekend: [
    0.78, 0.68, 0.64, 0.6, 0.6, 0.64, 0.74, 0.87, 0.95, 1.12, 1.18, 1.2, 1.2, 1.18, 1.16, 1.17,
    1.18, 1.19, 1.26, 1.26, 1.22, 1.18, 1.08, 0.92,
  ],
  weekendRatio: 0.949,
};

/** Per-series statistics of an hourly load (see `REAL_ELECTRICITY_STATS`). */
export type LoadStatistic = 'acf1' | 'acf24' | 'acf168' | 'cv' | 'residualCv';

/** The 10th, 25th, 50th, 75th and 90th percentiles of a statistic over a group of clients. */
export type Percentiles = readonly [number, number, number, number, number];

/**
 * Statistics of the real series: autocorrelation at lags 1, 24 and 168 hours, the coefficient of variation,
 * and the coefficient of variation left after dividing each point by its client's mean for that hour of a
 * weekday or weekend day (the noise around the daily routine). For each group of clients, their
 * percentiles; for the aggregate (one series), its values.
 */
export const REAL_ELECTRICITY_STATS: {
  all: Record<LoadStatistic, Percentiles>;
  household: Record<LoadStatistic, Percentiles>;
  office: Record<LoadStatistic, Percentiles>;
  aggregate: Record<LoadStatistic, number>;
} = {
  all: {
    acf1: [0.83, 0.858, 0.891, 0.917, 0.932],
    acf24: [0.572, 0.766, 0.879, 0.904, 0.922],
    acf168: [0.607, 0.721, 0.76, 0.784, 0.795],
    cv: [0.222, 0.279, 0.326, 0.392, 0.51],
    residualCv: [0.073, 0.089, 0.105, 0.125, 0.209],
  },
  household: {
    acf1: [0.824, 0.847, 0.868, 0.887, 0.919],
    acf24: [0.524, 0.829, 0.879, 0.9, 0.919],
    acf168: [0.44, 0.715, 0.759, 0.779, 0.793],
    cv: [0.233, 0.301, 0.334, 0.403, 0.51],
    residualCv: [0.08, 0.092, 0.108, 0.124, 0.226],
  },
  office: {
    acf1: [0.817, 0.872, 0.913, 0.932, 0.95],
    acf24: [0.396, 0.553, 0.636, 0.698, 0.742],
    acf168: [0.666, 0.734, 0.78, 0.803, 0.81],
    cv: [0.3, 0.357, 0.448, 0.518, 0.717],
    residualCv: [0.087, 0.117, 0.138, 0.231, 0.382],
  },
  aggregate: { acf1: 0.945, acf24: 0.922, acf168: 0.794, cv: 0.257, residualCv: 0.058 },
};
