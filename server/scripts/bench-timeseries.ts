/**
 * pnpm bench:timeseries [--types a,b] [--engine calibrated|original|both] [--seed N] [--params FILE]
 *   [--start ISO] [--trim-electricity] [--dump DIR] [--explain] [--seasons]
 *   [--real-offsets] [--own-draws] [--same-population R] [--json FILE]
 *
 * Time-series fidelity benchmark: for each of the 16 types, generates as many series as the real reference
 * of its domain holds for it (local provider, fixed seed, the job's own parse-and-render path), and measures
 * them against that real data (`../shared/data/`): the report's discriminator (logistic regression on its
 * summary features) and a stronger one written here (gradient-boosted stumps on a richer feature set), marginal
 * KS, ACF distance and daily/weekly seasonality distances with their real-vs-real bands (from the report,
 * against a profile built from the same real series), the nearest-neighbour distance ratio to real series
 * (synthetic-to-nearest-real over real-to-nearest-other-real; copies counted), and series per second. Both
 * the calibrated engine and the original one (`--engine both`, the default) run in the same process.
 * `--params FILE` draws the calibrated engine from another parameter file than the shipped one (an earlier fit,
 * to compare with it on the same seeds). Generated energy and sensor series start when the real ones do (the
 * i-th drawn series at the i-th real one's start, in turn), so they ask for the reference's mix of seasons;
 * electricity starts on its reference's first day (Sunday 1 January 2012, New Year's Day), financial series on
 * Monday 2015-01-05; `--start ISO` starts every hourly series there instead, and
 * `--trim-electricity` drops the electricity reference's first day (docs/benchmarks.md). `--dump DIR` writes each
 * type's rich features, real and drawn, and the drawn values, to `DIR/<engine>-<type>-<seed>.json` for a closer look.
 * `--seasons` prints, per quarter of the year, the medians of the real and drawn series' means, shares of zeros
 * and daily strengths (docs/benchmarks.md).
 * `--real-offsets` (financial types) measures the real series cut at later dates against the reference.
 * `--own-draws` (energy and sensor types) draws each real series' own fit at its start, by quarter as `--seasons`, and
 * prints some rich features' means for the real series, those draws and the drawn population.
 * `--same-population R` also draws five times as many series again and, over R resamples of n of them (n the
 * reference's count), reads each distance from the real series to a resample and between two disjoint
 * resamples: how often a sample of the drawn population itself leaves the real-vs-real band, to tell a drawn
 * population unlike the real one from a band narrower than sampling (docs/benchmarks.md).
 * `--json FILE` also writes the table's rows as JSON (what `bench:timeseries:seeds` reads).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getSeriesType, SERIES_TYPES } from '@genesis/schema/catalog/series';
import { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import type { TimeSeries } from '@genesis/schema/timeseries';
import { parseSeriesAnswer } from '../src/generation/parse.ts';
import { answerSeries } from '../src/llm/local/series/answer.ts';
import { formatImportIssue, parseDatasetFile } from '../src/registry/import.ts';
import { type EngineParams, renderCalibrated, typesOf } from '../src/timeseries/calibrated.ts';
import { afterFirstDay, ELECTRICITY_REALIGN_MS } from '../src/timeseries/calibration.ts';
import { shippedCalibration } from '../src/timeseries/params.ts';
import {
  fidelityDistances,
  type GroupStats,
  groupStats,
} from '../src/validation/series/compare.ts';
import { discriminate } from '../src/validation/series/discriminator.ts';
import { analyseSeries, FEATURE_NAMES, logReturns } from '../src/validation/series/features.ts';
import { buildSeriesProfile, groupStatsOfProfile } from '../src/validation/series/profile.ts';
import {
  readLong,
  readReferenceSeries,
  windowsOf,
} from '../src/validation/series/reference-data.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import { autocorrelation, mean, quantileSorted, variance } from '../src/validation/series/stats.ts';

const root = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    types: { type: 'string' },
    engine: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '14' },
    explain: { type: 'boolean', default: false },
    seasons: { type: 'boolean', default: false },
    'real-offsets': { type: 'boolean', default: false },
    'own-draws': { type: 'boolean', default: false },
    data: { type: 'string', default: resolve(root, '../shared/data') },
    params: { type: 'string' },
    'trim-electricity': { type: 'boolean', default: false },
    start: { type: 'string' },
    dump: { type: 'string' },
    'same-population': { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const wantedTypes = args.types ? args.types.split(',') : SERIES_TYPES.map((t) => t.id);
const unknownTypes = wantedTypes.filter((id) => !getSeriesType(id));
if (unknownTypes.length > 0) {
  console.error(
    `bench:timeseries: unknown --types ${unknownTypes.join(', ')}; one of ${SERIES_TYPES.map((t) => t.id).join(', ')}`,
  );
  process.exit(2);
}
if (args.engine !== 'both' && args.engine !== 'calibrated' && args.engine !== 'original') {
  console.error(
    `bench:timeseries: --engine must be calibrated, original or both; got "${args.engine}"`,
  );
  process.exit(2);
}
if (!/^\d+$/.test(args.seed!)) {
  console.error(`bench:timeseries: --seed must be a whole number; got "${args.seed}"`);
  process.exit(2);
}
const engines = (args.engine === 'both' ? ['original', 'calibrated'] : [args.engine!]) as (
  | 'original'
  | 'calibrated'
)[];
const seed = Number(args.seed);
const resamples = Number(args['same-population']);
if (!Number.isInteger(resamples) || resamples < 0) {
  console.error(
    `--same-population: a whole number of resamples, 0 for none; got '${args['same-population']}'`,
  );
  process.exit(2);
}
const DAY = 86_400_000;
/**
 * Where generated electricity starts: the reference's own first day. Its clients' window opens on 1 January 2012,
 * a Sunday and a public holiday (the LSTNet data start there; the file's dates are placeholders, realigned in the
 * fit), so drawn series cover the same days of the year and of the week, New Year's Day included, as the real ones
 * they are told apart from (docs/benchmarks.md).
 */
const ELECTRICITY_START = '2012-01-01T00:00:00Z';

// ---------------------------------------------------------------------------------------------------------
// Real data

type Item = Record<string, unknown> & { target: number[]; timestamps?: string[] };
/** Each type's real series, the source of each, and (financial) the same series cut at other dates. */
const realByType = new Map<string, { items: Item[]; sources: string[]; shifted: Item[][] }>();
{
  const file = resolve(args.data!, 'electricity/electricity_hourly.csv');
  const parsed = parseDatasetFile(readFileSync(file, 'utf8'), {
    kind: 'timeseries',
    seriesType: 'commercial_consumption',
    filename: file,
  });
  if (!parsed.ok) throw new Error(parsed.errors.slice(0, 3).map(formatImportIssue).join('; '));
  const items = parsed.items
    .map((i) => i.data as Item)
    .map(args['trim-electricity'] ? fromSecondDay : (i) => i);
  for (const t of SERIES_TYPES.filter((x) => x.domain === 'electricity')) {
    realByType.set(t.id, { items, sources: items.map((i) => String(i.series_id)), shifted: [] });
  }
  for (const domain of ['energy', 'sensors', 'financial'] as const) {
    const {
      items: all,
      sources,
      shifted,
    } = readReferenceSeries(domain, resolve(args.data!, domain, `${domain}.csv`));
    all.forEach((item, i) => {
      const type = String(item.series_type);
      const entry = realByType.get(type) ?? { items: [], sources: [], shifted: [] };
      entry.items.push(item as Item);
      entry.sources.push(sources[i]!);
      realByType.set(type, entry);
    });
    // The same series cut a week later, two weeks later, ...: the profile's bands cover them (financial only).
    for (const [type, entry] of realByType) {
      if (getSeriesType(type)?.domain !== domain) continue;
      entry.shifted = shifted.map(
        (set) => set.filter((item) => item.series_type === type) as Item[],
      );
    }
  }
}

/**
 * An electricity client without its first calendar day (New Year's Day, see docs/timeseries.md; `afterFirstDay`),
 * so the window starts on a Monday at 00:00 like series generated from 2025-01-06.
 */
function fromSecondDay(item: Item): Item {
  const from = afterFirstDay(item.timestamps!.map((t) => Date.parse(t) + ELECTRICITY_REALIGN_MS));
  const target = item.target.slice(from);
  const timestamps = item.timestamps!.slice(from);
  return { ...item, start: timestamps[0], length: target.length, target, timestamps };
}

// ---------------------------------------------------------------------------------------------------------
// Generation, through the job's parse-and-render path

const calibrationOf = () =>
  args.params
    ? typesOf(JSON.parse(readFileSync(resolve(args.params), 'utf8')) as EngineParams)
    : shippedCalibration();

async function generate(
  typeId: string,
  count: number,
  reals: readonly Item[],
  engine: 'original' | 'calibrated',
): Promise<{ series: TimeSeries[]; seconds: number }> {
  const like = reals[0]!;
  const type = getSeriesType(typeId)!;
  const calibration = engine === 'calibrated' ? calibrationOf() : null;
  const params = calibration?.[typeId];
  const slots: SeriesSlot[] = Array.from({ length: count }, (_, i) => ({
    slot: `s${String(i).padStart(5, '0')}`,
    domain: type.domain,
    series_type: typeId,
    frequency: String(like.frequency) as SeriesSlot['frequency'],
    start:
      type.domain === 'financial'
        ? '2015-01-05T00:00:00Z'
        : (args.start ??
          (type.domain === 'electricity'
            ? ELECTRICITY_START
            : String(reals[i % reals.length]!.start))),
    length: like.target.length,
    language: i % 2 ? 'es' : 'en',
    ...(engine === 'calibrated'
      ? { calibrated: true, anomalies: false, time_zone: params?.timeZone ?? 'UTC' }
      : {}),
  }));
  const started = performance.now();
  const out: TimeSeries[] = [];
  for (let i = 0; i < slots.length; i += 10) {
    const batch = slots.slice(i, i + 10);
    const answer = answerSeries(batch, `${seed}:${i}`);
    const outcomes = await parseSeriesAnswer(
      { text: JSON.stringify(answer), stopReason: 'end_turn' },
      batch,
      {
        id: 1,
        seed,
        calibration: calibration ?? null,
        ...(engine === 'calibrated' ? { anomalies: false } : {}),
      },
      (slot) => ({
        model: 'local',
        provider: 'local',
        created_at: '2025-01-01T00:00:00Z',
        slot: slot.slot,
      }),
    );
    for (const o of outcomes) {
      if (!o.ok) throw new Error(`${typeId} ${o.slot}: ${o.reason}`);
      out.push(o.item);
    }
  }
  return { series: out, seconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------------------
// The stronger discriminator: richer features, gradient-boosted stumps

function stepOf(item: Item): number {
  const t = item.timestamps;
  if (!t || t.length < 2) return 3_600_000;
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < Math.min(t.length, 20); i++)
    step = Math.min(step, Date.parse(t[i]!) - Date.parse(t[i - 1]!));
  return step;
}

/** The bands of standardised values `archByLevel` splits a series' steps by (its z before the step). */
const LEVEL_BANDS = [-1.5, -0.5, 0.5, 1.5];

/**
 * Where a series' squared deviations from its mean change (what lowers `arch_1`): sum over steps of
 * (s_t - s_{t-1})^2 / (2 var(s) (n - 1)), s the squared deviations, which comes to about 1 - arch_1, split by the
 * band (`LEVEL_BANDS`) of the value before the step.
 */
function archByLevel(item: Item): number[] {
  const x = Float64Array.from(item.target);
  const n = x.length;
  const out = new Array<number>(LEVEL_BANDS.length + 1).fill(0);
  const m = mean(x);
  const sdv = Math.sqrt(variance(x, m));
  const sq = x.map((v) => (v - m) ** 2);
  const vs = variance(sq, mean(sq));
  if (!(sdv > 0) || !(vs > 0) || n < 2) return out;
  for (let t = 1; t < n; t++) {
    const z = (x[t - 1]! - m) / sdv;
    const band = LEVEL_BANDS.filter((b) => z >= b).length;
    out[band]! += (sq[t]! - sq[t - 1]!) ** 2 / (2 * vs * (n - 1));
  }
  return out;
}

/**
 * The report's analysis of one series, its lags counted in `baseStep` (its own step by default); daily series but
 * crypto's are on trading days.
 */
function analyseItem(item: Item, baseStep = stepOf(item)) {
  const type = getSeriesType(String(item.series_type))!;
  const step = stepOf(item);
  const calendar = step === DAY && type.id !== 'crypto_price' ? 'trading_days' : 'continuous';
  return analyseSeries(Float64Array.from(item.target), type, step, baseStep, calendar);
}

/** The middle value (the upper of two) of the finite ones, NaN when there are none: what the diagnostics print. */
function finiteMedian(xs: readonly number[]): number {
  const v = xs.filter(Number.isFinite).sort((x, y) => x - y);
  return v.length ? v[Math.floor(v.length / 2)]! : Number.NaN;
}

/** The report's fidelity distances (`KEYS`) of one group of series from another, null where one cannot be read. */
function distanceValues(a: GroupStats, b: GroupStats): Record<string, number | null> {
  const all = fidelityDistances(a, b);
  return Object.fromEntries(KEYS.map((key) => [key, all[key].value]));
}

function richFeatures(item: Item): number[] {
  const values = Float64Array.from(item.target);
  const a = analyseItem(item);
  const x = a.transform === 'returns' ? logReturns(values) : values;
  const m = mean(x);
  const sdv = Math.sqrt(variance(x, m));
  const z = sdv > 0 ? x.map((v) => (v - m) / sdv) : x.map(() => 0);
  const sorted = Float64Array.from(z).sort();
  const acf = autocorrelation(x, [2, 3, 6, 12]);
  const diffs = new Float64Array(Math.max(0, x.length - 1));
  for (let i = 1; i < x.length; i++) diffs[i - 1] = Math.abs(x[i]! - x[i - 1]!);
  const sq = x.map((v) => (v - m) ** 2);
  let run = 0;
  let longest = 0;
  for (let i = 1; i < values.length; i++) {
    run = values[i] === values[i - 1] ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return [
    ...a.features,
    ...acf,
    ...[0.05, 0.25, 0.5, 0.75, 0.95].map((p) => quantileSorted(sorted, p)),
    sdv > 0 ? mean(diffs) / sdv : 0,
    autocorrelation(sq, [1])[0]!,
    longest / values.length,
  ];
}

const RICH_NAMES = [
  ...FEATURE_NAMES,
  'acf_2',
  'acf_3',
  'acf_6',
  'acf_12',
  'q05',
  'q25',
  'q50',
  'q75',
  'q95',
  'mean_abs_step',
  'arch_1',
  'longest_run',
];

/**
 * 5-fold CV accuracy of gradient-boosted decision stumps (logistic loss, 150 rounds, shrinkage 0.1), and how
 * much each feature was used (the summed gain of the stumps that split on it, over the folds).
 */
function boostedAccuracy(
  real: number[][],
  synth: number[][],
  seedText: string,
): { accuracy: number; usage: number[] } {
  const rng = new Random(seedText);
  const per = Math.min(real.length, synth.length);
  const rows = [...rng.shuffle(real).slice(0, per), ...rng.shuffle(synth).slice(0, per)].map((r) =>
    r.map((v) => (Number.isFinite(v) ? v : 0)),
  );
  const labels = rows.map((_, i) => (i < per ? 0 : 1));
  const order = rng.shuffle(rows.map((_, i) => i));
  const folds = 5;
  let correct = 0;
  const width = rows[0]!.length;
  const usage = new Array<number>(width).fill(0);
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, k) => k % folds === f);
    const train = order.filter((_, k) => k % folds !== f);
    // Candidate thresholds: training quantiles of each feature.
    const cuts = Array.from({ length: width }, (_, j) => {
      const v = train.map((i) => rows[i]![j]!).sort((a, b) => a - b);
      return [
        ...new Set(
          [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map(
            (p) => v[Math.floor(p * (v.length - 1))]!,
          ),
        ),
      ];
    });
    const stumps: { j: number; cut: number; left: number; right: number }[] = [];
    const score = new Float64Array(rows.length);
    for (let round = 0; round < 150; round++) {
      const grad = train.map((i) => labels[i]! - 1 / (1 + Math.exp(-score[i]!)));
      let best = { gain: -1, j: 0, cut: 0, left: 0, right: 0 };
      for (let j = 0; j < width; j++) {
        for (const cut of cuts[j]!) {
          let gl = 0;
          let nl = 0;
          let gr = 0;
          let nr = 0;
          train.forEach((i, k) => {
            if (rows[i]![j]! <= cut) {
              gl += grad[k]!;
              nl++;
            } else {
              gr += grad[k]!;
              nr++;
            }
          });
          if (nl < 3 || nr < 3) continue;
          const gain = (gl * gl) / nl + (gr * gr) / nr;
          if (gain > best.gain) best = { gain, j, cut, left: gl / nl, right: gr / nr };
        }
      }
      if (best.gain < 0) break;
      // The gain over a no-split stump, so usage reads as how much the feature separated.
      let g = 0;
      for (const v of grad) g += v;
      usage[best.j]! += Math.max(0, best.gain - (g * g) / train.length);
      const stump = { j: best.j, cut: best.cut, left: 4 * best.left, right: 4 * best.right };
      stumps.push(stump);
      for (let i = 0; i < rows.length; i++) {
        score[i]! += 0.1 * (rows[i]![stump.j]! <= stump.cut ? stump.left : stump.right);
      }
    }
    for (const i of test) if ((score[i]! > 0 ? 1 : 0) === labels[i]) correct++;
  }
  return { accuracy: correct / rows.length, usage };
}

/** Area under the ROC curve of one feature (real vs synthetic): 0.5 when it does not separate them. */
function featureAuc(real: number[], synth: number[]): number {
  const r = real.filter(Number.isFinite);
  const s = synth.filter(Number.isFinite);
  if (!r.length || !s.length) return 0.5;
  let wins = 0;
  for (const a of s) for (const b of r) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (r.length * s.length);
}

// ---------------------------------------------------------------------------------------------------------
// Nearest-neighbour distance ratio

function shapeOf(item: Item, length: number): Float64Array {
  const type = getSeriesType(String(item.series_type))!;
  const v = Float64Array.from(item.target.slice(0, length));
  if (type.bounds.min_exclusive) {
    const first = v[0]!;
    return v.map((x) => Math.log(x / first));
  }
  const m = mean(v);
  const s = Math.sqrt(variance(v, m));
  if (type.bounds.min === 0) return m > 0 ? v.map((x) => x / m) : v;
  return s > 0 ? v.map((x) => (x - m) / s) : v;
}

function nnRatio(real: Item[], synth: Item[]): { ratio: number; copies: number } {
  const length = Math.min(
    ...real.map((r) => r.target.length),
    ...synth.map((s) => s.target.length),
  );
  const R = real.map((r) => shapeOf(r, length));
  const S = synth.map((s) => shapeOf(s, length));
  const dist = (a: Float64Array, b: Float64Array) => {
    let d = 0;
    for (let i = 0; i < length; i++) d += (a[i]! - b[i]!) ** 2;
    return Math.sqrt(d / length);
  };
  const realNn = R.map((a, i) => Math.min(...R.filter((_, j) => j !== i).map((b) => dist(a, b))));
  const synthNn = S.map((a) => Math.min(...R.map((b) => dist(a, b))));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floor = Math.min(...realNn);
  return {
    ratio: median(synthNn) / median(realNn),
    copies: synthNn.filter((d) => d < Math.min(floor, 1e-9 + 0.5 * median(realNn)) * 0.5).length,
  };
}

// ---------------------------------------------------------------------------------------------------------

interface Row {
  engine: string;
  type: string;
  n: number;
  logreg: number | null;
  boosted: number;
  metrics: Record<string, { value: number | null; band: string; high: number | null }>;
  nn: number;
  copies: number;
  perSecond: number;
}

const KEYS = ['marginal_ks', 'acf_distance', 'daily_seasonality', 'weekly_seasonality'] as const;
const rows: Row[] = [];
for (const engine of engines) {
  for (const typeId of wantedTypes) {
    const real = realByType.get(typeId);
    if (!real || real.items.length < 10) {
      console.log(`${typeId}: fewer than 10 real series, skipped`);
      continue;
    }
    const { series, seconds } = await generate(typeId, real.items.length, real.items, engine);
    const synth = series as unknown as Item[];
    const type = getSeriesType(typeId)!;
    // Electricity's real clients carry no type: the domain is the reference of each electricity type.
    const profile = buildSeriesProfile(type.domain, real.items, {
      byType: type.domain !== 'electricity',
      sources: real.sources,
      shifted: real.shifted,
    });
    const report = validateSeries(synth, { profile, seed: `bench:${typeId}` });
    const metrics: Row['metrics'] = {};
    for (const key of KEYS) {
      const m = report.metrics.find((x) => x.id.endsWith(`.${key}`) && x.group === 'fidelity');
      metrics[key] = {
        value: m?.value ?? null,
        band: m?.band ? `${m.band.low}..${m.band.high}` : '-',
        high: m?.band?.high ?? null,
      };
    }
    const step = stepOf(real.items[0]!);
    const features = (items: Item[]) => items.map((item) => analyseItem(item, step).features);
    const logreg = discriminate(
      features(real.items),
      features(synth),
      FEATURE_NAMES,
      `bench:${typeId}`,
    );
    const realRich = real.items.map(richFeatures);
    const synthRich = synth.map(richFeatures);
    const { accuracy: boosted, usage } = boostedAccuracy(realRich, synthRich, `boost:${typeId}`);
    if (args.dump) {
      mkdirSync(args.dump, { recursive: true });
      writeFileSync(
        resolve(args.dump, `${engine}-${typeId}-${seed}.json`),
        JSON.stringify({
          names: RICH_NAMES,
          real: realRich,
          synth: synthRich,
          drawn: synth.map((x) => x.target),
        }),
      );
    }
    if (args.explain) {
      // The features the boosted stumps split on most, with their real and synthetic medians.
      const total = usage.reduce((x, y) => x + y, 0) || 1;
      const top = usage
        .map((u, j) => ({ j, u }))
        .sort((x, y) => y.u - x.u)
        .slice(0, 6);
      console.log(`  ${typeId}: the boosted stumps' most used features`);
      for (const { j, u } of top) {
        const r = realRich.map((row) => row[j]!);
        const s = synthRich.map((row) => row[j]!);
        console.log(
          `    ${RICH_NAMES[j]!.padEnd(16)} share=${(u / total).toFixed(2)} auc=${featureAuc(r, s).toFixed(2)} real=${finiteMedian(r).toPrecision(3)} synth=${finiteMedian(s).toPrecision(3)}`,
        );
      }
      // 1 - arch_1 by the level the steps start from, means over the series.
      const byLevel = (items: Item[]) => {
        const rows = items.map(archByLevel);
        return rows[0]!.map((_, k) => mean(rows.map((row) => row[k]!)).toFixed(4)).join(' ');
      };
      console.log(
        `    1 - arch_1 by the level a step starts from (z < -1.5, -1.5..-0.5, -0.5..0.5, 0.5..1.5, >= 1.5): real ${byLevel(real.items)}; synth ${byLevel(synth)}`,
      );
    }
    if (args.seasons) bySeason(typeId, real.items, synth, step);
    if (args['own-draws'] && engine === 'calibrated') {
      const own = ownDraws(typeId, real.items, step);
      if (own) ownDrawFeatures(realRich, own.map(richFeatures), synthRich);
    }
    const nn = nnRatio(real.items, synth);
    const row: Row = {
      engine,
      type: typeId,
      n: synth.length,
      logreg: logreg.ok ? logreg.accuracy : null,
      boosted,
      metrics,
      nn: nn.ratio,
      copies: nn.copies,
      perSecond: synth.length / seconds,
    };
    rows.push(row);
    const f = (x: number | null) => (x === null ? '-' : x.toFixed(3));
    console.log(
      `${engine.padEnd(10)} ${typeId.padEnd(24)} n=${String(row.n).padStart(3)} logreg=${f(row.logreg)} boosted=${f(row.boosted)} ` +
        KEYS.map((k) => `${k}=${f(metrics[k]!.value)} [${metrics[k]!.band}]`).join(' ') +
        ` nn=${row.nn.toFixed(2)} copies=${row.copies} ${row.perSecond.toFixed(0)}/s`,
    );
    const group = profile.groups[type.domain]!;
    const stats = group.types?.[typeId] ?? group;
    const bands = Object.fromEntries(KEYS.map((k) => [k, stats.bands[k]?.high ?? null]));
    if (resamples > 0) {
      const spare = (await generate(typeId, 6 * synth.length, real.items, engine)).series;
      const reference = groupStatsOfProfile(stats);
      samePopulation(typeId, spare as unknown as Item[], reference, step, bands, resamples);
    }
    if (args['real-offsets'] && type.domain === 'financial' && engine === engines[0]) {
      realOffsets(typeId, groupStatsOfProfile(stats), step, bands);
    }
  }
}

/**
 * `--seasons`: real and drawn series grouped by the quarter of their window's middle (UTC), with the medians of
 * what the season changes and the discriminators cannot see (they read each series on its own scale): the
 * series' mean in the type's unit, its share of zeros and its daily seasonal strength.
 */
function bySeason(
  typeId: string,
  real: Item[],
  synth: Item[],
  step: number,
  label = 'drawn',
): void {
  const domain = getSeriesType(typeId)!.domain;
  if (domain === 'electricity' || domain === 'financial') {
    console.log(
      `  ${typeId}: no seasons (${domain === 'electricity' ? "the reference's dates are placeholders" : 'its windows are trading years'})`,
    );
    return;
  }
  const quarterOf = (item: Item) => {
    const t = item.timestamps;
    const first = Date.parse(t?.[0] ?? String(item.start));
    const last = t ? Date.parse(t[t.length - 1]!) : first + (item.target.length - 1) * step;
    return Math.floor(new Date((first + last) / 2).getUTCMonth() / 3);
  };
  const zeros = FEATURE_NAMES.indexOf('zero_share');
  const daily = FEATURE_NAMES.indexOf('daily_strength');
  const week = FEATURE_NAMES.indexOf('acf_week');
  const summary = (items: Item[]) => {
    const features = items.map((item) => analyseItem(item, step).features);
    const f = (x: number) => x.toPrecision(3);
    return `n=${String(items.length).padStart(3)} mean=${f(finiteMedian(items.map((item) => mean(Float64Array.from(item.target)))))} zeros=${f(finiteMedian(features.map((row) => row[zeros]!)))} daily=${f(finiteMedian(features.map((row) => row[daily]!)))} acf_week=${f(finiteMedian(features.map((row) => row[week]!)))}`;
  };
  console.log(`  ${typeId}: medians by quarter of the window's middle (UTC), real | ${label}`);
  for (let q = 0; q < 4; q++) {
    const r = real.filter((item) => quarterOf(item) === q);
    const d = synth.filter((item) => quarterOf(item) === q);
    if (r.length + d.length === 0) continue;
    console.log(`    Q${q + 1} ${summary(r)} | ${summary(d)}`);
  }
}

/**
 * `--own-draws` (energy and sensor types): each real series' own fitted parameters (the parameter file keeps them
 * in the reference's order) drawn alone, four times, at that series' start and length, against the real series,
 * by quarter as `--seasons` prints them: whether the fit reproduces its own source, blends and pools aside.
 */
function ownDraws(typeId: string, real: Item[], step: number): Item[] | undefined {
  const params = calibrationOf()?.[typeId];
  const domain = getSeriesType(typeId)!.domain;
  if (!params || domain === 'electricity' || domain === 'financial') return;
  if (params.series.length !== real.length) {
    console.log(
      `  ${typeId}: ${params.series.length} fitted series for ${real.length} real ones; own draws need one each`,
    );
    return;
  }
  const drawn: Item[] = real.flatMap((item, k) =>
    Array.from({ length: 4 }, (_, j) => {
      const one = renderCalibrated(
        { ...params, series: [params.series[k]!] },
        {
          startMs: Date.parse(String(item.start)),
          stepMs: step,
          length: item.target.length,
          timeZone: params.timeZone,
          extensive: false,
        },
        new Random(`own:${typeId}:${seed}:${k}:${j}`),
      );
      // Read at the meter's resolution, as the job's renderer reads a drawn series (whole degrees, 0.1 kWh).
      const r = one.resolution;
      return {
        series_type: typeId,
        start: item.start,
        target: Array.from(one.values, (v) => (r > 0 ? Math.round(v / r) * r : v)),
        timestamps: one.times.map((t) => new Date(t).toISOString()),
      };
    }),
  );
  bySeason(typeId, real, drawn, step, 'own draws (4 per real series)');
  // Day-to-day persistence: the autocorrelation of each series' 24-hour means (from its first point), means over
  // the series.
  if (step === 3_600_000) {
    const lags = [1, 2, 3, 5, 7];
    const dayAcf = (items: Item[]) => {
      const sums = lags.map(() => 0);
      for (const item of items) {
        const v = item.target;
        const days = Float64Array.from({ length: Math.floor(v.length / 24) }, (_, d) =>
          mean(Float64Array.from(v.slice(d * 24, d * 24 + 24))),
        );
        autocorrelation(days, lags).forEach((r, j) => {
          sums[j]! += r / items.length;
        });
      }
      return sums.map((x) => x.toFixed(3)).join(' ');
    };
    console.log(
      `    24-hour means' autocorrelation at ${lags.join(', ')} days: real ${dayAcf(real)} | own draws ${dayAcf(drawn)}`,
    );
  }
  return drawn;
}

/**
 * `--own-draws`: means and standard deviations over the series of some rich features, for the real series, the
 * draws of each one's own fit, and the drawn population: a gap that the own draws already show is the fit's; one
 * only the population shows comes from blending and pooling.
 */
function ownDrawFeatures(real: number[][], own: number[][], synth: number[][]): void {
  // Short-lag dependence, steps and the marginal (a function's own list: the script's main loop runs above it).
  const names = [
    'acf_1',
    'acf_2',
    'acf_12',
    'acf_day',
    'diff_acf_1',
    'arch_1',
    'mean_abs_step',
    'longest_run',
    'q05',
    'q95',
  ];
  console.log('    mean ± sd over the series: real | own draws | drawn population');
  for (const name of names) {
    const j = RICH_NAMES.indexOf(name);
    const cell = (rows: number[][]) => {
      const xs = Float64Array.from(rows.map((row) => row[j]!).filter(Number.isFinite));
      const m = mean(xs);
      return `${m.toFixed(4)} ± ${Math.sqrt(variance(xs, m)).toFixed(4)}`;
    };
    console.log(`    ${name.padEnd(14)} ${cell(real)} | ${cell(own)} | ${cell(synth)}`);
  }
}

/**
 * `--real-offsets` (financial types): the real series cut into the reference's windows of `FINANCIAL_WINDOW`
 * trading days, but starting 25, 50, ..., 225 trading days later, each set measured against the reference as a drawn set is.
 * Real data of other dates than the reference's windows, read against the real-vs-real band: where it leaves the
 * band, the band (halves of windows that share their dates) is narrower than real data (docs/benchmarks.md).
 */
function realOffsets(
  typeId: string,
  reference: GroupStats,
  step: number,
  bandHigh: Record<string, number | null>,
): void {
  const raws = readLong(resolve(args.data!, 'financial/financial.csv')).filter(
    (raw) => raw.type === typeId,
  );
  console.log(`  ${typeId}: real windows moved by d trading days, against the reference`);
  for (const offset of [25, 50, 75, 100, 125, 150, 175, 200, 225]) {
    const items = raws.flatMap((raw) => windowsOf(raw, offset)) as unknown as Item[];
    const all = distanceValues(groupStats(items.map((item) => analyseItem(item, step))), reference);
    const cells = KEYS.flatMap((key) => {
      const value = all[key] ?? null;
      if (value === null) return [];
      const high = bandHigh[key] ?? null;
      return [`${key}=${value.toFixed(4)}${high !== null && value > high ? ' (above band)' : ''}`];
    });
    console.log(`    d=${String(offset).padStart(3)} n=${items.length} ${cells.join(' ')}`);
  }
}

/**
 * The distances of `--same-population`: from the real series (`reference`, the profile's statistics the report
 * reads) to `resamples` random n-subsets of `pool` (n = the reference's count, drawn without replacement), and
 * between two disjoint n-subsets of it; each summarised by its median and how often it is above the band's high
 * end. If the real series were one more sample of the drawn population, the two rows would read alike.
 */
function samePopulation(
  typeId: string,
  pool: readonly Item[],
  reference: GroupStats,
  step: number,
  bandHigh: Record<string, number | null>,
  resamples: number,
): void {
  const n = reference.count;
  const analyses = pool.map((item) => analyseItem(item, step));
  const rng = new Random(`same-population:${typeId}:${seed}`);
  const toReal: Record<string, number[]> = {};
  const between: Record<string, number[]> = {};
  for (let r = 0; r < resamples; r++) {
    const order = rng.shuffle(analyses.map((_, i) => i));
    const a = groupStats(order.slice(0, n).map((i) => analyses[i]!));
    const b = groupStats(order.slice(n, 2 * n).map((i) => analyses[i]!));
    for (const [into, other] of [
      [toReal, reference],
      [between, b],
    ] as const) {
      for (const [key, value] of Object.entries(distanceValues(a, other))) {
        if (value === null) continue;
        into[key] ??= [];
        into[key].push(value);
      }
    }
  }
  const summary = (xs: number[] | undefined, high: number | null) => {
    if (!xs?.length) return '-';
    const sorted = Float64Array.from(xs).sort();
    const above =
      high === null
        ? '-'
        : `${((100 * xs.filter((x) => x > high).length) / xs.length).toFixed(0)}%`;
    return `median ${quantileSorted(sorted, 0.5).toFixed(4)}, above band ${above}`;
  };
  // The pool's first n series are the run's own (same slots, same seeds): their distances are the table's.
  const own = distanceValues(groupStats(analyses.slice(0, n)), reference);
  console.log(
    `  ${typeId}: same population (${pool.length} drawn, ${resamples} resamples of ${n}; the run's own n: ${KEYS.map((k) => own[k]?.toFixed(4) ?? '-').join(', ')})`,
  );
  for (const key of KEYS) {
    console.log(
      `    ${key.padEnd(18)} band high ${bandHigh[key] ?? '-'}; real to drawn: ${summary(toReal[key], bandHigh[key] ?? null)}; drawn to drawn: ${summary(between[key], bandHigh[key] ?? null)}`,
    );
  }
}

// Markdown table for BENCHMARKS.md.
const f = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(3));
console.log(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), seed ${seed}\n`,
);
console.log(
  '| engine | type | n | LR acc | GBS acc | KS [band] | ACF [band] | daily [band] | weekly [band] | NN ratio | copies | series/s |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const m = (k: (typeof KEYS)[number]) => `${f(r.metrics[k]!.value)} [${r.metrics[k]!.band}]`;
  console.log(
    `| ${r.engine} | ${r.type} | ${r.n} | ${f(r.logreg)} | ${f(r.boosted)} | ${m('marginal_ks')} | ${m('acf_distance')} | ${m('daily_seasonality')} | ${m('weekly_seasonality')} | ${r.nn.toFixed(2)} | ${r.copies} | ${r.perSecond.toFixed(0)} |`,
  );
}
if (args.json) writeFileSync(resolve(args.json), `${JSON.stringify({ seed, rows }, null, 2)}\n`);
