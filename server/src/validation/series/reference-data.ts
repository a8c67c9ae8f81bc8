/**
 * Reads the real reference data of the energy, sensors and financial domains (`../shared/data/<domain>/
 * <domain>.csv`, long format `series_id,series_type,timestamp,value`) into dataset items, the way
 * `scripts/build-profile-domains.ts` profiles them and the tests split them into real-vs-real halves. The
 * data itself never enters the repository; only profiles (statistics) built from it do.
 *
 * - energy, sensors: hourly 1,000-point windows as published, one item each;
 * - air_quality: PM2.5 in µg/m³ becomes the US EPA air quality index (the catalog's unit for the type),
 *   piecewise linear between the EPA breakpoints, 500 beyond the index;
 * - financial: daily, with the timestamps, so stocks, exchange rates and volumes (no weekend rows) read as
 *   trading-day series; each series is cut into non-overlapping windows of `FINANCIAL_WINDOW` points (the
 *   remainder is dropped), and `sources` names the instrument of each window. `shifted` holds the same series
 *   cut into the same windows a whole week later, two weeks later, ..., up to a window's length (a week is 5
 *   points on trading days, 7 for crypto, which trades every day): real data of other dates, which the profile's
 *   real-vs-real band also covers (docs/architecture.md).
 */
import { readFileSync } from 'node:fs';
import { getSeriesType } from '@genesis/schema/catalog/series';
import { aqiOfPm25 } from '../../timeseries/aqi.ts';
import { TRADING_WEEK } from './features.ts';
import { tradingDays } from './read.ts';

/** The domains whose reference data these files hold (electricity has its own script and format). */
export const REFERENCE_DOMAINS = ['energy', 'sensors', 'financial'] as const;
export type ReferenceDomain = (typeof REFERENCE_DOMAINS)[number];

/** Points per financial window: about a trading year. */
export const FINANCIAL_WINDOW = 250;

/** One series of the long CSV, in file order. */
export interface RawSeries {
  id: string;
  type: string;
  times: string[];
  values: number[];
}

export function readLong(file: string): RawSeries[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines[0] !== 'series_id,series_type,timestamp,value') {
    throw new Error(`${file}: expected the header series_id,series_type,timestamp,value`);
  }
  const series = new Map<string, RawSeries>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const [id, type, time, value] = line.split(',');
    const x = Number(value);
    if (!id || !type || !time || value === undefined || value === '' || !Number.isFinite(x)) {
      throw new Error(`${file}:${i + 1}: not a series row: ${line.slice(0, 80)}`);
    }
    let s = series.get(id);
    if (!s) {
      s = { id, type, times: [], values: [] };
      series.set(id, s);
    }
    s.times.push(time.length === 10 ? `${time}T00:00:00Z` : time);
    s.values.push(x);
  }
  return [...series.values()];
}

/** The US EPA air quality index of PM2.5 (the catalog's unit for air quality). */
export { aqiOfPm25 };

/** A dataset item as a generation job stores it, from one raw series (a window of it). */
function item(raw: RawSeries, id: string, from: number, to: number): Record<string, unknown> {
  const type = getSeriesType(raw.type);
  if (!type) throw new Error(`series ${raw.id}: unknown series type ${raw.type}`);
  const times = raw.times.slice(from, to);
  const ms = times.map((t) => Date.parse(t));
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < ms.length; i++) step = Math.min(step, ms[i]! - ms[i - 1]!);
  const target = raw.values.slice(from, to);
  return {
    series_id: id,
    domain: type.domain,
    series_type: type.id,
    frequency: step === 86_400_000 ? '1D' : step === 3_600_000 ? '1H' : type.frequency,
    start: new Date(ms[0]!).toISOString(),
    length: target.length,
    target: raw.type === 'air_quality' ? target.map(aqiOfPm25) : target,
    timestamps: ms.map((t) => new Date(t).toISOString()),
    unit: type.unit,
    seasonality_types: [...type.seasonality],
    trend_type: 'none',
    noise_level: 0,
    anomalies: [],
  };
}

/** Points in a week of a daily series: `TRADING_WEEK` on trading days (as `read.ts` tells them), else 7. */
function weekOf(raw: RawSeries): number {
  return tradingDays(Float64Array.from(raw.times, (t) => Date.parse(t))) ? TRADING_WEEK : 7;
}

/** The financial windows of `raw` from point `offset` on, `FINANCIAL_WINDOW` points each, the remainder dropped. */
export function windowsOf(raw: RawSeries, offset: number): Record<string, unknown>[] {
  const count = Math.floor((raw.values.length - offset) / FINANCIAL_WINDOW);
  return Array.from({ length: Math.max(0, count) }, (_, w) => {
    const from = offset + w * FINANCIAL_WINDOW;
    const id = `${raw.id}_w${w + 1}${offset > 0 ? `+${offset}` : ''}`;
    return item(raw, id, from, from + FINANCIAL_WINDOW);
  });
}

/**
 * The items to profile, the source of each (the raw series a window was cut from) and, for financial series,
 * the sets of windows shifted by whole weeks.
 */
function seriesOf(
  domain: ReferenceDomain,
  raws: RawSeries[],
): { items: Record<string, unknown>[]; sources: string[]; shifted: Record<string, unknown>[][] } {
  const items: Record<string, unknown>[] = [];
  const sources: string[] = [];
  const shifted: Record<string, unknown>[][] = [];
  for (const raw of raws) {
    if (domain !== 'financial') {
      items.push(item(raw, raw.id, 0, raw.values.length));
      sources.push(raw.id);
      continue;
    }
    for (const window of windowsOf(raw, 0)) {
      items.push(window);
      sources.push(raw.id);
    }
    const week = weekOf(raw);
    for (let k = 1; k * week < FINANCIAL_WINDOW; k++) {
      shifted[k - 1] ??= [];
      shifted[k - 1]!.push(...windowsOf(raw, k * week));
    }
  }
  return { items, sources, shifted };
}

/**
 * The items of a domain's reference CSV and the source of each (the raw series a window was cut from),
 * with how many raw series the file holds and (financial; empty otherwise) the windows shifted by whole weeks.
 */
export function readReferenceSeries(
  domain: ReferenceDomain,
  file: string,
): {
  raws: number;
  items: Record<string, unknown>[];
  sources: string[];
  shifted: Record<string, unknown>[][];
} {
  const raws = readLong(file);
  return { raws: raws.length, ...seriesOf(domain, raws) };
}
