/**
 * pnpm --filter @genesis/server exec tsx scripts/fit-series-engine.ts [--data DIR] [--output JSON] [--types a,b]
 *
 * Fits the calibrated series engine (`src/timeseries/calibrated.ts`) to the real reference data beside the repo
 * (`../shared/data/{electricity,energy,sensors,financial}/`) and writes the parameters of the 16 types to
 * `data/reference/series-engine.params.json`: per real series, its level, daily and weekly profiles, hourly
 * residual spread, residual quantiles and autocorrelation (smooth fast noise and slow swings), the day-to-day
 * variation of its daily cycle's amplitude (or, for solar, the modes of its day shapes), its meter's resolution or
 * share of held values, the shares of values at its bounds, the volatility of its steps and the quantiles of its
 * values (or, for prices, its GARCH-t returns). Statistics only, never a series' values. Without the data it says
 * so and exits 0, leaving the shipped file as it is.
 *
 * - electricity: the 203 clients have no type; every electricity type is fitted on all of them, its levels
 *   rescaled to the type's typical level (a household's kWh, a grid's MW). The placeholder timestamps are
 *   realigned (real = placeholder + 2 days - 2 hours, see `calibration.ts`). The first day, New Year's Day, is
 *   left out of the fit and kept as each client's New Year's Day (see docs/timeseries.md).
 * - energy, sensors: each series' hours are read in its site's time zone (Europe for OPSD, Cambridge and the
 *   Danish meters; Beijing or Bedford for the sensors), so profiles are in local time.
 * - financial: daily; stocks, exchange rates and volumes on trading days, crypto every day (a volume's drifting level
 *   is searched by drawing: the type takes 10-20 s).
 *
 * `--types a,b` refits only those types and keeps the others as the output file has them (the four electricity
 * types are fitted together: name any of them).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getSeriesType, SERIES_TYPES } from '@genesis/schema/catalog/series';
import {
  type EngineParams,
  type FitInput,
  fitType,
  paramsFile,
  type SeasonalSeriesParams,
  type TypeParams,
  typesOf,
} from '../src/timeseries/calibrated.ts';
import { afterFirstDay, ELECTRICITY_REALIGN_MS } from '../src/timeseries/calibration.ts';
import { typeSpec } from '../src/timeseries/specs.ts';
import { aqiOfPm25, readLong } from '../src/validation/series/reference-data.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const root = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(root, '../shared/data') },
    output: {
      type: 'string',
      default: resolve(root, 'data/reference/series-engine.params.json'),
    },
    types: { type: 'string' },
  },
});
const only = args.types ? new Set(args.types.split(',')) : null;
const dataDir = resolve(args.data!);
const output = resolve(args.output!);
if (!existsSync(resolve(dataDir, 'energy/energy.csv'))) {
  console.log(
    `skipped: no reference data in ${dataDir}, so the engine parameters were not refitted`,
  );
  process.exit(0);
}
const started = performance.now();

/** The site time zone of each source, for reading hours in local time. */
const SOURCE_ZONES: Record<string, string> = {
  'cambridge_estates_v2.1': 'Europe/London',
  dk_smart_heat_meters_2022: 'Europe/Copenhagen',
  'opsd_time_series_2018-06-30': 'Europe/Berlin',
  beijing_multisite_uci: 'Asia/Shanghai',
  beijing_pm25_uci: 'Asia/Shanghai',
  midas_open_bedford: 'Europe/London',
};

function sourcesOf(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const out = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const [id, , source] = line.split(',');
    if (id && source) out.set(id, source);
  }
  return out;
}

const byType = new Map<string, FitInput[]>();
const add = (type: string, input: FitInput) => {
  const list = byType.get(type) ?? [];
  list.push(input);
  byType.set(type, list);
};

// Electricity: one population for the four types.
const electricity: FitInput[] = [];
const newYear: number[][] = [];
{
  const lines = readFileSync(resolve(dataDir, 'electricity/electricity_hourly.csv'), 'utf8').split(
    /\r?\n/,
  );
  const series = new Map<string, { values: number[]; times: number[] }>();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const [id, time, value] = line.split(',');
    const s = series.get(id!) ?? { values: [], times: [] };
    series.set(id!, s);
    s.values.push(Number(value));
    s.times.push(Date.parse(`${time!.replace(' ', 'T')}Z`) + ELECTRICITY_REALIGN_MS);
  }
  // The first calendar day is left out of the fit: it is New Year's Day, a public holiday on which every client
  // is low (see docs/timeseries.md, "The reference's first day"). Points before the first midnight that follows
  // at least 20 hours of data are dropped; the others keep their timestamps, so their hours and weekdays stay
  // aligned. The dropped day is kept as the client's New Year's Day.
  for (const s of series.values()) {
    const from = afterFirstDay(s.times);
    electricity.push({ values: s.values.slice(from), times: s.times.slice(from), timeZone: 'UTC' });
    newYear.push(newYearFactors(s.values, s.times, from));
  }
}

/**
 * The held-out first day as New Year's Day (`SeasonalSeriesParams.hol`): each hour's value over the mean of the
 * same hour on the client's other Sundays (clock in UTC, as the electricity inputs are read).
 */
function newYearFactors(values: number[], times: number[], from: number): number[] {
  const sums = new Array<number>(24).fill(0);
  const counts = new Array<number>(24).fill(0);
  for (let i = from; i < values.length; i++) {
    const d = new Date(times[i]!);
    if (d.getUTCDay() !== 0) continue;
    sums[d.getUTCHours()]! += values[i]!;
    counts[d.getUTCHours()]!++;
  }
  const out = new Array<number>(24).fill(1);
  for (let i = 0; i < from; i++) {
    const h = new Date(times[i]!).getUTCHours();
    const usual = counts[h]! > 0 ? sums[h]! / counts[h]! : 0;
    if (usual > 0) out[h] = Number(Math.min(3, values[i]! / usual).toFixed(3));
  }
  return out;
}

for (const domain of ['energy', 'sensors'] as const) {
  const sources = sourcesOf(resolve(dataDir, `${domain}/${domain}_series.csv`));
  for (const raw of readLong(resolve(dataDir, `${domain}/${domain}.csv`))) {
    add(raw.type, {
      values: raw.type === 'air_quality' ? raw.values.map(aqiOfPm25) : raw.values,
      times: raw.times.map((t) => Date.parse(t)),
      timeZone: SOURCE_ZONES[sources.get(raw.id) ?? ''] ?? 'UTC',
    });
  }
}
for (const raw of readLong(resolve(dataDir, 'financial/financial.csv'))) {
  add(raw.type, {
    values: raw.values,
    times: raw.times.map((t) => Date.parse(t)),
    timeZone: 'UTC',
  });
}

const TYPE_ZONES: Record<string, string> = {
  electricity: 'Europe/Lisbon',
  solar_generation: 'Europe/Berlin',
  wind_generation: 'Europe/Berlin',
  gas_consumption: 'Europe/London',
  heating_demand: 'Europe/Copenhagen',
  temperature: 'Asia/Shanghai',
  pressure: 'Asia/Shanghai',
  humidity: 'Asia/Shanghai',
  air_quality: 'Asia/Shanghai',
  financial: 'America/New_York',
};

const types: Record<string, TypeParams> = {};
let electricityPopulation: TypeParams['series'] | null = null;
const kept = only
  ? typesOf(JSON.parse(readFileSync(output, 'utf8')) as EngineParams)
  : ({} as Record<string, TypeParams>);
const electricityIds = SERIES_TYPES.filter((t) => t.domain === 'electricity').map((t) => t.id);
const refit = (id: string) =>
  !only || only.has(id) || (electricityIds.includes(id) && electricityIds.some((e) => only.has(e)));
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const info of SERIES_TYPES) {
  const type = getSeriesType(info.id)!;
  if (!refit(type.id)) {
    types[type.id] = kept[type.id]!;
    if (type.domain === 'electricity') electricityPopulation ??= kept[type.id]!.series;
    continue;
  }
  const financial = type.domain === 'financial';
  const inputs = type.domain === 'electricity' ? electricity : (byType.get(type.id) ?? []);
  let levelScale = 1;
  if (type.domain === 'electricity') {
    const [low, high] = typeSpec(type.id).typicalLevel;
    levelScale = Math.sqrt(low * high) / medianOf(electricity.map((s) => mean(s.values)));
  }
  const fitted = fitType(
    type,
    type.domain === 'electricity' && electricityPopulation ? [] : inputs,
    {
      stepMs: financial ? DAY : HOUR,
      calendar: financial && type.id !== 'crypto_price' ? 'trading_days' : 'always',
      timeZone: TYPE_ZONES[type.id] ?? TYPE_ZONES[type.domain] ?? 'UTC',
      source:
        type.domain === 'electricity'
          ? 'shared/data/electricity (203 clients x 1,000 h, all electricity types)'
          : `shared/data/${type.domain} (${inputs.length} real ${type.id} series)`,
      levelScale: Number(levelScale.toPrecision(4)),
      // The electricity reference's timestamps are placeholders (realigned for hours and weekdays only).
      datesAreReal: type.domain !== 'electricity',
    },
  );
  if (type.domain === 'electricity' && electricityPopulation) {
    // Fitted once: the four types share the population, each with its own level scale.
    types[type.id] = { ...fittedShell(levelScale), series: electricityPopulation };
    continue;
  }
  if (!fitted) throw new Error(`no ${type.id} series could be fitted`);
  if (type.domain === 'electricity') {
    if (fitted.series.length !== newYear.length)
      throw new Error('an electricity client was not fitted');
    // One day of each client is too few to keep its own hour-by-hour shape: each client keeps its day's level
    // (the mean of its factors), on the clients' median shape (each hour's median factor over their mean).
    const median = Array.from({ length: 24 }, (_, h) => medianOf(newYear.map((f) => f[h]!)));
    const shape = median.map((x) => x / mean(median));
    fitted.series.forEach((p, i) => {
      const level = mean(newYear[i]!);
      (p as SeasonalSeriesParams).hol = shape.map((x) => Number((level * x).toFixed(3)));
    });
    electricityPopulation = fitted.series;
  }
  types[type.id] = fitted;
  console.log(
    `  ${type.id}: ${fitted.series.length} of ${inputs.length} series fitted (${fitted.kind})`,
  );
}

function fittedShell(levelScale: number): Omit<TypeParams, 'series'> {
  const first = types.residential_consumption!;
  const { series: _, ...rest } = first;
  return {
    ...rest,
    levelScale: Number(levelScale.toPrecision(4)),
    timeZone: TYPE_ZONES.electricity!,
  };
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

const params = paramsFile(types);
const text = `${JSON.stringify(params)}\n`;
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, text);
console.log(
  `wrote ${relative(process.cwd(), output)}: ${Object.keys(types).length} types, ${(text.length / 1024).toFixed(0)} KiB, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
