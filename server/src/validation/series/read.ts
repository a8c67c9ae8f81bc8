/**
 * Reads dataset items as time series without trusting them: an item may come from an import, an old job or a
 * hand-edited file and need not pass `TimeSeriesSchema`. Every temporal or physical problem is recorded on the
 * view (the report counts them); only clean series feed the statistics.
 */
import {
  DOMAIN_IDS,
  type DomainId,
  getSeriesType,
  type SeriesTypeInfo,
} from '@genesis/schema/catalog/series';
import { FREQUENCIES, type Frequency, frequencyMs, withinBounds } from '@genesis/schema/timeseries';

/** What can be wrong with one series, in the order the report lists them. */
export const SERIES_PROBLEMS = [
  'unreadable',
  'order',
  'frequency',
  'gaps',
  'non_finite',
  'bounds',
] as const;
export type SeriesProblem = (typeof SERIES_PROBLEMS)[number];

/** One item read as a series. */
export interface SeriesView {
  /** Position in the dataset. */
  index: number;
  /** `series_id`, or `#index` when it has none. */
  id: string;
  domain: DomainId | null;
  type: SeriesTypeInfo | null;
  /** The step of the declared frequency, in milliseconds. */
  stepMs: number | null;
  /** The finite values, in order. */
  values: Float64Array;
  /** Epoch milliseconds of each value, when they are known. */
  times: Float64Array | null;
  /** Each problem found, with a sentence for people. */
  problems: Map<SeriesProblem, string>;
  /** Readable, in order, regularly spaced, complete and finite: fit for statistics. */
  clean: boolean;
  /**
   * `trading_days`: a daily series whose timestamps never fall on a Saturday or Sunday (UTC), as markets
   * publish them; its points are consecutive trading days, so weekends and market holidays (steps of up to
   * `MAX_TRADING_STEP_DAYS`) are not gaps, and its week is 5 points. `continuous` otherwise.
   */
  calendar: SeriesCalendar;
}

/** How the points of a series follow the clock (see `SeriesView.calendar`). */
export type SeriesCalendar = 'continuous' | 'trading_days';

const DAY_MS = 86_400_000;
/** The longest step between two trading days that is a market closure (a long weekend with a holiday), not a gap. */
export const MAX_TRADING_STEP_DAYS = 5;

const DOMAINS = new Set<string>(DOMAIN_IDS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads item `index` of a dataset as a series and records what is wrong with it. */
export function readSeries(item: unknown, index: number): SeriesView {
  const problems = new Map<SeriesProblem, string>();
  const record = isRecord(item) ? item : {};
  const id =
    typeof record.series_id === 'string' && record.series_id !== ''
      ? record.series_id
      : `#${index}`;
  const type =
    typeof record.series_type === 'string' ? getSeriesType(record.series_type) : undefined;
  const domain =
    typeof record.domain === 'string' && DOMAINS.has(record.domain)
      ? (record.domain as DomainId)
      : (type?.domain ?? null);
  const frequency = record.frequency;
  const stepMs =
    typeof frequency === 'string' && (FREQUENCIES as readonly string[]).includes(frequency)
      ? frequencyMs(frequency as Frequency)
      : null;
  const view: SeriesView = {
    index,
    id,
    domain,
    type: type ?? null,
    stepMs,
    values: new Float64Array(0),
    times: null,
    problems,
    clean: false,
    calendar: 'continuous',
  };

  const { target } = record;
  if (!isRecord(item) || !Array.isArray(target) || target.length === 0) {
    problems.set(
      'unreadable',
      !isRecord(item)
        ? `item ${index} is not an object`
        : !Array.isArray(target)
          ? `${id} has no target array`
          : `${id} has no values`,
    );
    return view;
  }

  const values: number[] = [];
  let missing = 0;
  let nonFinite = 0;
  let firstNonFinite = '';
  for (const point of target as unknown[]) {
    if (typeof point === 'number' && Number.isFinite(point)) values.push(point);
    else if (point === null || point === undefined) missing++;
    else {
      nonFinite++;
      if (firstNonFinite === '') firstNonFinite = String(point);
    }
  }
  view.values = Float64Array.from(values);
  if (nonFinite > 0) {
    problems.set(
      'non_finite',
      `${id} has ${nonFinite} value(s) that are not finite numbers (first: ${firstNonFinite})`,
    );
  }
  if (missing > 0) problems.set('gaps', `${id} has ${missing} missing value(s) (null)`);
  const { length } = record;
  if (typeof length === 'number' && length !== target.length) {
    problems.set('gaps', `${id} declares length ${length} but has ${target.length} values`);
  }
  if (stepMs === null) {
    problems.set(
      'frequency',
      `${id} has frequency ${JSON.stringify(frequency ?? null)}, not one of ${FREQUENCIES.join(', ')}`,
    );
  }

  view.times = readTimes(record, target.length, stepMs, id, problems);
  if (view.times && stepMs === DAY_MS && Array.isArray(record.timestamps)) {
    view.calendar = tradingDays(view.times) ? 'trading_days' : 'continuous';
  }
  if (view.times && stepMs !== null) {
    checkSpacing(view.times, stepMs, id, problems, view.calendar === 'trading_days');
  }

  if (type) {
    let outside = 0;
    let first = 0;
    for (const x of values) {
      if (!withinBounds(x, type.bounds)) {
        if (outside === 0) first = x;
        outside++;
      }
    }
    if (outside > 0) {
      problems.set(
        'bounds',
        `${id}: ${outside} value(s) of ${type.id} out of bounds (first: ${first})`,
      );
    }
  }
  view.clean = [...problems.keys()].every((p) => p === 'bounds');
  return view;
}

/** The time of each point: the timestamps when given, else start + i × step. */
function readTimes(
  record: Record<string, unknown>,
  count: number,
  stepMs: number | null,
  id: string,
  problems: Map<SeriesProblem, string>,
): Float64Array | null {
  const { timestamps, start } = record;
  if (Array.isArray(timestamps)) {
    if (timestamps.length !== count) {
      problems.set('frequency', `${id} has ${timestamps.length} timestamps for ${count} values`);
    }
    const times = new Float64Array(timestamps.length);
    for (let i = 0; i < timestamps.length; i++) {
      const text = timestamps[i];
      const ms = typeof text === 'string' ? Date.parse(text) : Number.NaN;
      if (Number.isNaN(ms)) {
        problems.set('order', `${id}: timestamp ${i} (${String(text)}) is not a date-time`);
        return null;
      }
      times[i] = ms;
    }
    return times;
  }
  const startMs = typeof start === 'string' ? Date.parse(start) : Number.NaN;
  if (Number.isNaN(startMs)) {
    problems.set('order', `${id} has no readable start (${String(start)}) and no timestamps`);
    return null;
  }
  if (stepMs === null) return null;
  return Float64Array.from({ length: count }, (_, i) => startMs + i * stepMs);
}

/**
 * Order (strictly increasing), gaps (a whole number of missing steps) and irregular steps. Once the order is
 * broken, the steps around it say nothing about spacing, so only the order problem is recorded.
 */
function checkSpacing(
  times: Float64Array,
  stepMs: number,
  id: string,
  problems: Map<SeriesProblem, string>,
  trading = false,
): void {
  let skipped = 0;
  let irregular: string | null = null;
  for (let i = 1; i < times.length; i++) {
    const step = times[i]! - times[i - 1]!;
    if (step === stepMs) continue;
    // Between trading days, a weekend or a market holiday is no missing point.
    if (trading && step > 0 && step % stepMs === 0 && step <= MAX_TRADING_STEP_DAYS * stepMs) {
      continue;
    }
    const at = new Date(times[i]!).toISOString();
    if (step <= 0) {
      problems.set('order', `${id}: timestamp ${i} (${at}) is not after the previous one`);
      return;
    }
    if (step % stepMs === 0) skipped += step / stepMs - 1;
    else {
      irregular ??= `${id}: timestamp ${i} (${at}) comes ${step / 60_000} min after the previous one; the frequency step is ${stepMs / 60_000} min`;
    }
  }
  if (irregular !== null && !problems.has('frequency')) problems.set('frequency', irregular);
  if (skipped > 0 && !problems.has('gaps')) {
    problems.set('gaps', `${id} skips ${skipped} point(s) of its frequency`);
  }
}

/** Daily times that skip at least one day and never fall on a Saturday or Sunday (UTC). */
export function tradingDays(times: Float64Array): boolean {
  if (times.length < 2) return false;
  let skips = false;
  for (let i = 0; i < times.length; i++) {
    const weekday = new Date(times[i]!).getUTCDay();
    if (weekday === 0 || weekday === 6) return false;
    if (i > 0 && times[i]! - times[i - 1]! > DAY_MS) skips = true;
  }
  return skips;
}
