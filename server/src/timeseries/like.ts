/**
 * Calibration on a user's own data (`genesis generate --like DATASET`): the engine's parameters fitted to the
 * series of an imported time-series dataset, per series type, with the same fit the shipped parameters come
 * from (`calibrated.ts` `fitType`). Only derived statistics are kept; see docs/timeseries.md.
 */
import { getSeriesType } from '@genesis/schema/catalog/series';
import { type Frequency, frequencyMs } from '@genesis/schema/timeseries';
import { type FitInput, familyOf, fitType, type TypeParams } from './calibrated.ts';
import { typeSpec } from './specs.ts';
import { DAY_MS, HOUR_MS } from './time.ts';

/** The parts of a stored series the fit reads. */
export interface LikeSeries {
  series_type: string;
  frequency: string;
  start: string;
  target: readonly number[];
  timestamps?: readonly string[];
}

/** What the fit made of a dataset: parameters per type, how many series each was fitted on, what was skipped. */
export interface LikeCalibration {
  types: Record<string, TypeParams>;
  /** Series fitted per type (the population each type draws from). */
  fitted: Record<string, number>;
  /** Series read per type. */
  read: Record<string, number>;
  /** Why series could not be used, one line per reason with a count ("12 weekly series: ..."). */
  skipped: string[];
  /** The series not used, counted by reason (for a coded message: `generation.likeNoneFitted`). */
  unused: {
    /** Series of a type the engine does not know. */
    unknownType: number;
    /** Series whose frequency is neither hourly, sub-hourly nor daily. */
    frequency: number;
    /** Intraday series of a price type (prices are fitted on daily series). */
    intradayPrices: number;
    /** Series too short, constant or out of their type's range. */
    unfit: number;
  };
}

/** The instants of a series: its timestamps, else start + i x frequency. */
function instants(series: LikeSeries): number[] {
  if (series.timestamps && series.timestamps.length === series.target.length) {
    return series.timestamps.map((t) => Date.parse(t));
  }
  const start = Date.parse(series.start);
  const step = frequencyMs(series.frequency as Frequency);
  return series.target.map((_, i) => start + i * step);
}

/**
 * Sub-hourly points summed (amounts, e.g. kWh per interval) or averaged (levels) into hours, so every series is
 * fitted hourly or daily like the shipped parameters. Hours missing a point are left out.
 */
function toHourly(
  values: readonly number[],
  times: readonly number[],
  extensive: boolean,
): { values: number[]; times: number[] } {
  const sums = new Map<number, { sum: number; n: number }>();
  for (let i = 0; i < values.length; i++) {
    const hour = Math.floor(times[i]! / HOUR_MS) * HOUR_MS;
    const cell = sums.get(hour) ?? { sum: 0, n: 0 };
    cell.sum += values[i]!;
    cell.n += 1;
    sums.set(hour, cell);
  }
  const hours = [...sums.keys()].sort((a, b) => a - b);
  const full = Math.max(...[...sums.values()].map((c) => c.n));
  const kept = hours.filter((h) => sums.get(h)!.n === full);
  return {
    values: kept.map((h) => {
      const { sum, n } = sums.get(h)!;
      return extensive ? sum : sum / n;
    }),
    times: kept,
  };
}

/** Whether a daily series skips weekends (no Saturday or Sunday dates, UTC): a trading-day calendar. */
function tradingDays(times: readonly number[]): boolean {
  return times.every((t) => {
    const day = new Date(t).getUTCDay();
    return day !== 0 && day !== 6;
  });
}

/**
 * Fits the engine to `series` (an imported dataset's items), one parameter set per series that can be fitted,
 * grouped by series type. `timeZoneOf(type)` is the zone the generated series of a type will be read in (the
 * job's, else the type's reference zone): hours and weekdays of the profiles are read in the same zone.
 * Series that are too short (fewer than 48 hourly or 60 daily points), constant, weekly, or not positive where
 * the type needs it are skipped and counted in `skipped`.
 */
export function fitLike(
  series: Iterable<LikeSeries>,
  timeZoneOf: (type: string) => string,
  source: string,
): LikeCalibration {
  const groups = new Map<string, { hourly: FitInput[]; daily: FitInput[]; trading: boolean }>();
  const read: Record<string, number> = {};
  const skips = new Map<string, number>();
  const skip = (reason: string) => skips.set(reason, (skips.get(reason) ?? 0) + 1);
  const notes: string[] = [];
  const unused = { unknownType: 0, frequency: 0, intradayPrices: 0, unfit: 0 };
  for (const s of series) {
    const type = getSeriesType(s.series_type);
    if (!type) {
      skip(`series of an unknown type`);
      unused.unknownType++;
      continue;
    }
    read[type.id] = (read[type.id] ?? 0) + 1;
    const step = frequencyMs(s.frequency as Frequency);
    if (!(step > 0) || step > DAY_MS) {
      skip(`${s.frequency} series: only hourly, sub-hourly and daily series can be fitted`);
      unused.frequency++;
      continue;
    }
    const group = groups.get(type.id) ?? { hourly: [], daily: [], trading: true };
    groups.set(type.id, group);
    const times = instants(s);
    const timeZone = timeZoneOf(type.id);
    if (step === DAY_MS) {
      group.daily.push({ values: s.target, times, timeZone });
      group.trading &&= tradingDays(times);
    } else if (step === HOUR_MS) {
      group.hourly.push({ values: s.target, times, timeZone });
    } else {
      const hourly = toHourly(s.target, times, typeSpec(type.id).extensive);
      group.hourly.push({ ...hourly, timeZone });
    }
  }

  const types: Record<string, TypeParams> = {};
  const fitted: Record<string, number> = {};
  for (const [id, group] of groups) {
    const type = getSeriesType(id)!;
    const { kind } = familyOf(type);
    // A price is fitted on daily returns; a seasonal type on its finer data when it has both.
    const daily = kind === 'price' || group.hourly.length === 0;
    const inputs = daily ? group.daily : group.hourly;
    if (kind === 'price' && group.daily.length === 0 && group.hourly.length > 0) {
      notes.push(`${id}: prices are fitted on daily series; this dataset has only intraday ones`);
      unused.intradayPrices += group.hourly.length;
    }
    const params = fitType(type, inputs, {
      stepMs: daily ? DAY_MS : HOUR_MS,
      calendar: daily && group.trading && type.domain === 'financial' ? 'trading_days' : 'always',
      timeZone: timeZoneOf(id),
      source,
    });
    const dropped = inputs.length - (params?.series.length ?? 0);
    if (dropped > 0) {
      unused.unfit += dropped;
      notes.push(
        `${id}: ${dropped} series too short (under ${kind === 'price' ? '60 daily' : '48'} points), constant or out of the type's range`,
      );
    }
    if (params) {
      types[id] = params;
      fitted[id] = params.series.length;
    }
  }
  const skipped = [...[...skips].map(([reason, n]) => `${n} x ${reason}`), ...notes];
  return { types, fitted, read, skipped, unused };
}
