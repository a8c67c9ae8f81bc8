/**
 * A time-series reference profile: the statistics of a real dataset that synthetic series are measured
 * against, per domain. It keeps distributions and per-series summary numbers, never a series' values, so it
 * can ship with the project and be stored beside a dataset.
 */
import { readFileSync } from 'node:fs';
import { DOMAIN_IDS } from '@genesis/schema/catalog/series';
import { Random } from '@genesis/schema/random';
import { FREQUENCIES, frequencyMs } from '@genesis/schema/timeseries';
import * as v from 'valibot';
import {
  compareGroups,
  FIDELITY_KEYS,
  type FidelityKey,
  type GroupStats,
  groupStats,
} from './compare.ts';
import {
  ACF_LAGS,
  analyseSeries,
  FEATURE_NAMES,
  returnStats,
  type SeriesAnalysis,
  transformOf,
} from './features.ts';
import { readSeries, type SeriesView } from './read.ts';
import { median, round } from './stats.ts';

/** How many random halvings the real-vs-real bands are taken over. */
export const BAND_SPLITS = 20;
/** Most feature rows a group keeps (a random sample beyond), which bounds the profile's size. */
const MAX_FEATURE_ROWS = 1000;

/** NaN cannot be written to JSON; a profile stores it as null. */
const MaybeNumberSchema = v.nullable(v.number());

export const BandSchema = v.object({ low: v.number(), high: v.number(), median: v.number() });
export type Band = v.InferOutput<typeof BandSchema>;

export const ReturnSummarySchema = v.object({
  kurtosis: v.number(),
  acf1: v.number(),
  squaredAcf: v.number(),
});

/** The statistics a group of series is compared by (a domain's, or one series type's). */
const SeriesStatsEntries = {
  seriesCount: v.number(),
  /** The step `acf.lags` count in (the group's most common frequency), in milliseconds. */
  stepMs: v.number(),
  lengths: v.object({ min: v.number(), median: v.number(), max: v.number() }),
  /** Quantile sketch (401 evenly spaced probabilities) of the pooled normalised values. */
  marginal: v.array(v.number()),
  /** Mean autocorrelation over the series at each lag. */
  acf: v.object({ lags: v.array(v.number()), mean: v.array(MaybeNumberSchema) }),
  /** Per-series seasonality strengths, ascending. */
  seasonality: v.object({ daily: v.array(v.number()), weekly: v.array(v.number()) }),
  /** Medians over the price series of their return statistics; null without prices. */
  returns: v.nullable(ReturnSummarySchema),
  /** Per-series summary features for the discriminator (a sample of at most 1000 series). */
  features: v.object({
    names: v.array(v.string()),
    rows: v.array(v.array(MaybeNumberSchema)),
  }),
  /**
   * Real-vs-real bands: each fidelity metric between random halves of these series and, when the profile was
   * built with `shifted` sets (the same real series cut at other dates), from each such set to these series.
   */
  bands: v.record(v.string(), BandSchema),
  bandSplits: v.number(),
  /** How many sets of the same real series cut at other dates the bands also cover (none when absent). */
  bandShifts: v.optional(v.number()),
};

const TransformSchema = v.picklist(['relative', 'standardised', 'returns']);

/**
 * The statistics of one series type's real series, for a profile built per type: a dataset's series of that
 * type are measured against these, at the frequency and on the calendar recorded here.
 */
export const SeriesTypeProfileSchema = v.object({
  ...SeriesStatsEntries,
  /** The frequency of the series (`1H`, `1D`, ...); `stepMs` is its step. */
  frequency: v.string(),
  /** `trading_days`: daily points on market days only (no weekends), so a week is 5 points. */
  calendar: v.picklist(['continuous', 'trading_days']),
  transform: TransformSchema,
  /** Distinct sources (instruments, sites) the series come from; the bands' halves never share one. */
  sources: v.optional(v.number()),
});
export type SeriesTypeProfile = v.InferOutput<typeof SeriesTypeProfileSchema>;

/** The statistics of one domain's series. */
export const SeriesGroupProfileSchema = v.object({
  domain: v.picklist(DOMAIN_IDS),
  seriesTypes: v.record(v.string(), v.number()),
  /** How each series type's values were put on a common scale (`Transform`). */
  transforms: v.record(v.string(), TransformSchema),
  ...SeriesStatsEntries,
  /**
   * Per series type statistics, when the profile was built per type: the report then measures each series
   * type of a dataset against the same type here (a type absent here is not computable), instead of the
   * domain as a whole.
   */
  types: v.optional(v.record(v.string(), SeriesTypeProfileSchema)),
  /** The profile this group comes from, when profiles were merged (`mergeSeriesProfiles`). */
  profile: v.optional(v.string()),
});
export type SeriesGroupProfile = v.InferOutput<typeof SeriesGroupProfileSchema>;

export const SeriesProfileSchema = v.object({
  format: v.literal('genesis-lab/series-profile'),
  version: v.literal(1),
  name: v.string(),
  /** Items the profile was built from, including those left out. */
  itemCount: v.number(),
  /** Items left out because they were not clean series (unreadable, gaps, irregular, ...). */
  skipped: v.number(),
  seriesTypes: v.record(v.string(), v.number()),
  /** One group per domain present, keyed by domain id. */
  groups: v.record(v.string(), SeriesGroupProfileSchema),
});
export type SeriesProfile = v.InferOutput<typeof SeriesProfileSchema>;

/**
 * Checks a parsed JSON value is a series profile.
 *
 * @throws Error naming the first offending field, e.g. `invalid series profile: groups.electricity.stepMs: ...`
 */
export function parseSeriesProfile(json: unknown): SeriesProfile {
  const result = v.safeParse(SeriesProfileSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? '(root)';
    throw new Error(`invalid series profile: ${path}: ${issue.message}`);
  }
  return result.output;
}

/** Reads a profile file (e.g. `data/reference/electricity.profile.json`). */
export function loadSeriesProfile(path: string): SeriesProfile {
  return parseSeriesProfile(JSON.parse(readFileSync(path, 'utf8')));
}

/** The most common step of some series; the hourly step when there is none. */
export function commonStep(views: readonly SeriesView[]): number {
  const counts = new Map<number, number>();
  for (const view of views) {
    if (view.stepMs !== null) counts.set(view.stepMs, (counts.get(view.stepMs) ?? 0) + 1);
  }
  let best = 3_600_000;
  let most = 0;
  for (const [step, count] of counts) {
    if (count > most || (count === most && step < best)) [best, most] = [step, count];
  }
  return best;
}

/** The clean series of each domain. */
export function byDomain(views: readonly SeriesView[]): Map<string, SeriesView[]> {
  const groups = new Map<string, SeriesView[]>();
  for (const view of views) {
    if (!view.clean || view.domain === null) continue;
    const group = groups.get(view.domain) ?? [];
    group.push(view);
    groups.set(view.domain, group);
  }
  return groups;
}

const toJson = (x: number) => (Number.isFinite(x) ? round(x, 4) : null);

export interface BuildSeriesProfileOptions {
  /**
   * Also keep statistics per series type (`types` of each domain group), so that each series type of a
   * dataset is measured against the same type of the reference. Default: by domain only.
   */
  byType?: boolean;
  /**
   * The source of each series, in the order of `series` (e.g. the instrument a window was cut from): the
   * real-vs-real halves of a type never split one source, when there are at least 4 sources.
   */
  sources?: readonly string[];
  /**
   * The same real series cut at other dates (e.g. the windows of long series started a week later, two weeks
   * later, ...), one array of items per shift. Each set is measured against the profile's series of its domain
   * (or type) as a dataset would be, and its distances join the real-vs-real band: halves of windows that share
   * their dates leave out how much real data of other dates differs (docs/architecture.md).
   */
  shifted?: readonly (readonly unknown[])[];
}

/** The frequency alias of a step (`1H`, `1D`, ...), or `<n>ms`. */
export function frequencyOfStep(stepMs: number): string {
  return FREQUENCIES.find((f) => frequencyMs(f) === stepMs) ?? `${stepMs}ms`;
}

/**
 * Builds the reference profile of real series: per domain, the distributions the fidelity report compares
 * against, and the real-vs-real band of each fidelity metric over `BAND_SPLITS` random halvings; with
 * `byType`, the same per series type. Items that are not clean series are left out and counted in
 * `skipped`. Deterministic for the same input.
 */
export function buildSeriesProfile(
  name: string,
  series: readonly unknown[],
  options: BuildSeriesProfileOptions = {},
): SeriesProfile {
  const views = series.map(readSeries);
  const sourceOf = (view: SeriesView) => options.sources?.[view.index] ?? view.id;
  const shifted = (options.shifted ?? []).map((set) => byDomain(set.map(readSeries)));
  /** Each shifted set's clean series of a domain (and type), leaving out sets with fewer than 4. */
  const shiftedOf = (domain: string, type?: string) =>
    shifted.flatMap((set) => {
      const members = (set.get(domain) ?? []).filter(
        (m) => type === undefined || m.type?.id === type,
      );
      return members.length >= MIN_SHIFTED ? [members] : [];
    });
  const groups: Record<string, SeriesGroupProfile> = {};
  const seriesTypes: Record<string, number> = {};
  let used = 0;
  for (const [domain, members] of byDomain(views)) {
    const types: Record<string, number> = {};
    const transforms: Record<string, ReturnType<typeof transformOf>> = {};
    const byType = new Map<string, SeriesView[]>();
    for (const m of members) {
      const id = m.type?.id ?? 'unknown';
      types[id] = (types[id] ?? 0) + 1;
      seriesTypes[id] = (seriesTypes[id] ?? 0) + 1;
      transforms[id] = transformOf(m.type);
      if (m.type) byType.set(id, [...(byType.get(id) ?? []), m]);
    }
    used += members.length;
    groups[domain] = {
      domain: domain as SeriesGroupProfile['domain'],
      seriesTypes: types,
      transforms,
      ...summarise(members, `${name}:${domain}`, null, shiftedOf(domain)),
    };
    if (options.byType) {
      const perType: Record<string, SeriesTypeProfile> = {};
      for (const [id, typed] of byType) {
        const stats = summarise(
          typed,
          `${name}:${id}`,
          options.sources ? typed.map(sourceOf) : null,
          shiftedOf(domain, id),
        );
        const trading = typed.filter((m) => m.calendar === 'trading_days').length;
        perType[id] = {
          ...stats,
          frequency: frequencyOfStep(stats.stepMs),
          calendar: trading * 2 > typed.length ? 'trading_days' : 'continuous',
          transform: transformOf(typed[0]!.type),
          ...(options.sources ? { sources: new Set(typed.map(sourceOf)).size } : {}),
        };
      }
      groups[domain].types = perType;
    }
  }
  return {
    format: 'genesis-lab/series-profile',
    version: 1,
    name,
    itemCount: series.length,
    skipped: series.length - used,
    seriesTypes,
    groups,
  };
}

type SeriesStats = Pick<SeriesGroupProfile, keyof typeof SeriesStatsEntries>;

/** The statistics of some clean series, with their real-vs-real bands. */
function summarise(
  members: readonly SeriesView[],
  seed: string,
  sources: readonly string[] | null,
  shifted: readonly (readonly SeriesView[])[] = [],
): SeriesStats {
  const stepMs = commonStep(members);
  const analyse = (m: SeriesView) => analyseSeries(m.values, m.type, m.stepMs!, stepMs, m.calendar);
  const analyses = members.map(analyse);
  const stats = groupStats(analyses);
  const lengths = members.map((m) => m.values.length);
  const returns = members.flatMap((m) => {
    const r = transformOf(m.type) === 'returns' ? returnStats(m.values) : null;
    return r ? [r] : [];
  });
  const rows =
    stats.features.length > MAX_FEATURE_ROWS
      ? new Random(`${seed}:rows`).shuffle(stats.features).slice(0, MAX_FEATURE_ROWS)
      : stats.features;
  return {
    seriesCount: members.length,
    stepMs,
    lengths: {
      min: Math.min(...lengths),
      median: median(lengths),
      max: Math.max(...lengths),
    },
    marginal: stats.sketch.map((x) => round(x)),
    acf: { lags: [...ACF_LAGS], mean: stats.acf.map(toJson) },
    seasonality: {
      daily: [...stats.daily].sort((a, b) => a - b).map((x) => round(x, 4)),
      weekly: [...stats.weekly].sort((a, b) => a - b).map((x) => round(x, 4)),
    },
    returns:
      returns.length > 0
        ? {
            kurtosis: round(median(returns.map((r) => r.kurtosis)), 4),
            acf1: round(median(returns.map((r) => r.acf1)), 4),
            squaredAcf: round(median(returns.map((r) => r.squaredAcf)), 4),
          }
        : null,
    features: { names: [...FEATURE_NAMES], rows: rows.map((r) => r.map(toJson)) },
    ...realVsReal(
      analyses,
      seed,
      sources,
      shifted.map((set) => set.map(analyse)),
      stats,
    ),
  };
}

/** Fewest clean series of a type in a shifted set for it to join the band. */
const MIN_SHIFTED = 4;

/** Fewest distinct sources for halves that never split one; with fewer, series are split one by one. */
const MIN_SOURCES = 4;

/**
 * Each fidelity metric between random halves of the group, over `BAND_SPLITS` splits. With `sources`
 * (one per analysis), whole sources go to one half or the other, each to the half with fewer series so far.
 * Each of `shifted` (the same real series cut at other dates) is then measured against the whole group (`whole`,
 * its statistics), as a dataset would be, and its values join the band.
 */
function realVsReal(
  analyses: Parameters<typeof groupStats>[0],
  seed: string,
  sources: readonly string[] | null = null,
  shifted: readonly (readonly SeriesAnalysis[])[] = [],
  whole: GroupStats = groupStats(analyses),
): { bands: Record<string, Band>; bandSplits: number; bandShifts?: number } {
  if (analyses.length < 4) return { bands: {}, bandSplits: 0 };
  const rng = new Random(`${seed}:bands`);
  const distinct = sources ? [...new Set(sources)] : [];
  const bySource = distinct.length >= MIN_SOURCES;
  const values = new Map<FidelityKey, number[]>(FIDELITY_KEYS.map((k) => [k, []]));
  const add = (result: ReturnType<typeof compareGroups>) => {
    for (const key of FIDELITY_KEYS) {
      const value = result[key].value;
      if (value !== null) values.get(key)!.push(value);
    }
  };
  for (let split = 0; split < BAND_SPLITS; split++) {
    let a: readonly SeriesAnalysis[];
    let b: readonly SeriesAnalysis[];
    if (bySource) {
      const left: SeriesAnalysis[] = [];
      const right: SeriesAnalysis[] = [];
      for (const source of rng.shuffle(distinct)) {
        const members = analyses.filter((_, i) => sources![i] === source);
        (left.length <= right.length ? left : right).push(...members);
      }
      [a, b] = [left, right];
    } else {
      const shuffled = rng.shuffle(analyses);
      const half = Math.floor(shuffled.length / 2);
      [a, b] = [shuffled.slice(0, half), shuffled.slice(half)];
    }
    add(compareGroups(groupStats(a), groupStats(b), `${seed}:${split}`));
  }
  for (const [k, set] of shifted.entries()) {
    add(compareGroups(groupStats(set), whole, `${seed}:shift${k + 1}`));
  }
  const bands: Record<string, Band> = {};
  for (const [key, xs] of values) {
    if (xs.length === 0) continue;
    bands[key] = {
      low: round(Math.min(...xs), 4),
      high: round(Math.max(...xs), 4),
      median: round(median(xs), 4),
    };
  }
  return {
    bands,
    bandSplits: BAND_SPLITS,
    ...(shifted.length > 0 ? { bandShifts: shifted.length } : {}),
  };
}

/**
 * One profile holding the domain groups of several (e.g. the shipped profile of each domain), each group
 * remembering the profile it comes from (`profile`). A domain in two profiles keeps the first one's group.
 */
export function mergeSeriesProfiles(
  name: string,
  profiles: readonly SeriesProfile[],
): SeriesProfile {
  const groups: Record<string, SeriesGroupProfile> = {};
  const seriesTypes: Record<string, number> = {};
  for (const profile of profiles) {
    for (const [domain, group] of Object.entries(profile.groups)) {
      if (groups[domain]) continue;
      groups[domain] = { ...group, profile: group.profile ?? profile.name };
      for (const [type, count] of Object.entries(group.seriesTypes)) {
        seriesTypes[type] = (seriesTypes[type] ?? 0) + count;
      }
    }
  }
  return {
    format: 'genesis-lab/series-profile',
    version: 1,
    name,
    itemCount: profiles.reduce((sum, p) => sum + p.itemCount, 0),
    skipped: profiles.reduce((sum, p) => sum + p.skipped, 0),
    seriesTypes,
    groups,
  };
}

/** The comparable statistics a profile group (or one series type of it) holds. */
export function groupStatsOfProfile(group: SeriesStats): GroupStats {
  const nan = (x: number | null) => x ?? Number.NaN;
  return {
    count: group.seriesCount,
    sketch: group.marginal,
    acf: group.acf.mean.map(nan),
    daily: group.seasonality.daily,
    weekly: group.seasonality.weekly,
    features: group.features.rows.map((r) => r.map(nan)),
  };
}
