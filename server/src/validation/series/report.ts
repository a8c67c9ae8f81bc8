/**
 * The time-series fidelity report: temporal consistency and physical bounds of every series, its distributions
 * against a reference profile, per-domain acceptance checks, and a discriminative score, as one
 * `ValidationReportData`. Every metric is a value with thresholds and a verdict, or not computable with the
 * reason.
 */
import { getDomain, getSeriesType, SERIES_TYPE_IDS } from '@genesis/schema/catalog/series';
import { term } from '@genesis/schema/report-message';
import {
  type Distribution,
  type Thresholds,
  type ValidationMetric,
  type ValidationReportData,
  verdictOf,
} from '@genesis/schema/reports';
import { type Reason, reasonFields, type Said, say } from '../messages.ts';
import { decideVerdict, ksInterval, wilson, withMinimum } from '../verdict.ts';
import { BOOTSTRAPPED, type BootstrappedKey, bootstrapIntervals } from './bootstrap.ts';
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
import {
  type Band,
  byDomain,
  commonStep,
  frequencyOfStep,
  groupStatsOfProfile,
  type SeriesGroupProfile,
  type SeriesProfile,
  type SeriesTypeProfile,
} from './profile.ts';
import { readSeries, SERIES_PROBLEMS, type SeriesProblem, type SeriesView } from './read.ts';
import { histogram, median, quantileSorted, round, sketchHistogram } from './stats.ts';

/**
 * Weights of the metric groups in the overall score. Each metric scores 1 (pass), 0.5 (warn) or 0 (fail); a
 * group's score is the mean over its computable metrics; the overall score is 100 × the weighted mean of the
 * groups that have a computable metric. What was not computed is never dropped silently: the report's coverage
 * gives the share of the weight measured, and under 80% the verdict is `incomplete` (see `../verdict.ts`).
 */
export const SERIES_SCORE_WEIGHTS = { consistency: 0.3, fidelity: 0.45, acceptance: 0.25 } as const;

/**
 * Fewest series a metric is judged on (docs/validation.md, "Sample sizes"): consistency and the
 * non-negative check judge each series on its own (1); fidelity distances compare distributions over series and
 * need 10 clean series of the domain (the discriminator's own minimum per side); the seasonality and market
 * acceptance checks take a median over series and need 3.
 */
export const SERIES_MINIMUMS = {
  consistency: 1,
  fidelity: 10,
  acceptance: 3,
  'acceptance.electricity.non_negative': 1,
} as const;

/** Fewest series a time-series report gives a verdict from. */
export const MIN_SERIES = 10;

/** The overall verdict: pass from 80, warn from 60. */
export const OVERALL_THRESHOLDS: Thresholds = {
  direction: 'higher_is_better',
  warn: 80,
  fail: 60,
};

const lower = (warn: number, fail: number): Thresholds => ({
  direction: 'lower_is_better',
  warn,
  fail,
});
const higher = (warn: number, fail: number): Thresholds => ({
  direction: 'higher_is_better',
  warn,
  fail,
});

/** A generated series must be consistent: any offender warns, more than 1% of the series fails. */
const CONSISTENCY_THRESHOLDS = lower(0, 0.01);

const CONSISTENCY_NAMES: Record<SeriesProblem, string> = {
  unreadable: 'Items that are not readable series',
  order: 'Series with timestamps out of order',
  frequency: 'Series with an irregular or unknown frequency',
  gaps: 'Series with gaps (missing points)',
  non_finite: 'Series with non-finite values (NaN, Infinity)',
  bounds: 'Series with values outside the physical bounds of their type',
};

/**
 * Base thresholds of the fidelity distances. A profile's real-vs-real band can only loosen them: `warn` is at
 * least the band's high end and `fail` at least that plus the base gap, so real data never fails.
 */
const FIDELITY_THRESHOLDS: Record<FidelityKey, Thresholds> = {
  marginal_ks: lower(0.1, 0.2),
  marginal_wasserstein: lower(0.1, 0.25),
  acf_distance: lower(0.1, 0.2),
  daily_seasonality: lower(0.1, 0.2),
  weekly_seasonality: lower(0.15, 0.3),
  discriminator: lower(0.7, 0.85),
};

const FIDELITY_NAMES: Record<FidelityKey, string> = {
  marginal_ks: 'Value distribution vs reference (Kolmogorov-Smirnov statistic)',
  marginal_wasserstein: 'Value distribution vs reference (Wasserstein distance)',
  acf_distance: 'Autocorrelation vs reference (mean absolute difference, lags 1..48 and 168)',
  daily_seasonality: 'Daily seasonality strength vs reference (distance between distributions)',
  weekly_seasonality: 'Weekly seasonality strength vs reference (distance between distributions)',
  discriminator: 'Real-vs-synthetic classifier accuracy (0.5 is ideal)',
};

const FIDELITY_UNITS: Partial<Record<FidelityKey, string>> = {
  marginal_wasserstein: 'mean level',
  discriminator: 'accuracy',
};

/** Electricity: the median seasonality strengths, and loads are never negative. */
const ELECTRICITY_DAILY = higher(0.5, 0.3);
const ELECTRICITY_WEEKLY = higher(0.1, 0.05);
const ELECTRICITY_NEGATIVE = lower(0, 0);
/** Markets: fat tails, clustered volatility, no linear predictability of returns. */
const FAT_TAILS = higher(1, 0.3);
const VOLATILITY_CLUSTERING = higher(0.04, 0.02);
const RETURNS_ACF = lower(0.1, 0.2);
/** A series shows a seasonality when its strength reaches this (used in the details). */
const PRESENT = 0.2;

export interface ValidateSeriesOptions {
  /** The reference to measure fidelity against; without one the fidelity metrics are not computable. */
  profile?: SeriesProfile | null;
  /** Seed of the discriminator's sampling and folds (default fixed, so a report is reproducible). */
  seed?: string;
}

/**
 * The fidelity report of a time-series dataset. `series` are the dataset's items as stored; they need not be
 * valid (`TimeSeriesSchema`): unreadable items, disorder, irregular spacing, gaps, non-finite and out-of-bounds
 * values are counted per series, and only clean series feed the statistics. Fidelity is measured per domain
 * against the profile's group of the same domain; domains the profile lacks get not-computable metrics that
 * say so.
 */
export function validateSeries(
  series: readonly unknown[],
  options: ValidateSeriesOptions = {},
): ValidationReportData {
  const started = performance.now();
  const profile = options.profile ?? null;
  const seed = options.seed ?? 'genesis-lab';
  const views = series.map(readSeries);
  const metrics: ValidationMetric[] = consistencyMetrics(views);
  const distributions: Distribution[] = [];

  const clean = byDomain(views);
  const domains = [...new Set(views.flatMap((v) => (v.domain === null ? [] : [v.domain])))].sort();
  for (const domain of domains) {
    const members = clean.get(domain) ?? [];
    const group = profile?.groups[domain] ?? null;
    const stepMs = group?.stepMs ?? commonStep(members);
    const analyses = members.map((m) =>
      analyseSeries(m.values, m.type, m.stepMs!, stepMs, m.calendar),
    );
    const stats = groupStats(analyses);
    if (group?.types) {
      // A profile built per series type: each type against the reference's series of the same type.
      const perType = typeFidelity(domain, members, views, group, profile!, seed);
      metrics.push(...perType.metrics);
      distributions.push(...perType.distributions);
    } else {
      metrics.push(
        ...fidelityMetrics(
          domain,
          stats,
          group,
          profile,
          members.length,
          views,
          `${seed}:${domain}`,
          analyses,
        ),
      );
    }
    metrics.push(...acceptanceMetrics(domain, members, analyses));
    if (members.length > 0 && !group?.types) {
      distributions.push(...charts(domain, stats, stepMs, group, profile));
    }
  }

  const { score, weights } = overallScore(metrics);
  const coverage = seriesCoverage(views, profile);
  const decided = decideVerdict({
    metrics,
    score: (list) => overallScore(list).score,
    groupWeights: SERIES_SCORE_WEIGHTS,
    thresholds: { pass: OVERALL_THRESHOLDS.warn, warn: OVERALL_THRESHOLDS.fail },
    itemCount: series.length,
    minItems: MIN_SERIES,
    unit: 'series',
    itemShare: coverage.itemShare,
    parts: coverage.parts,
    missing: [
      ...coverage.missing,
      ...(series.length > 0 && series.length < MIN_SERIES
        ? [
            missingPiece(
              say('missing.moreSeries', { n: series.length, min: MIN_SERIES }),
              say('missing.moreSeriesHow'),
            ),
          ]
        : []),
    ],
  });
  return {
    format: 'genesis-lab/validation-report',
    version: 1,
    kind: 'timeseries',
    itemCount: series.length,
    reference: profile
      ? { name: profile.name, kind: 'timeseries', itemCount: profile.itemCount }
      : null,
    overall: { score, verdict: decided.verdict },
    reason: decided.reason,
    reasonMessage: decided.reasonMessage,
    ...(decided.scoreInterval ? { scoreInterval: decided.scoreInterval } : {}),
    gates: decided.gates,
    coverage: decided.coverage,
    weights,
    metrics,
    bias: null,
    distributions,
    computeSeconds: round((performance.now() - started) / 1000, 4),
  };
}

/**
 * Which domains and series types of the data the reference covers, and the share of the series measured
 * against it (clean series of a domain the reference has).
 */
function seriesCoverage(
  views: readonly SeriesView[],
  profile: SeriesProfile | null,
): {
  itemShare: number;
  parts: NonNullable<ValidationReportData['coverage']>['parts'];
  missing: NonNullable<ValidationReportData['coverage']>['missing'];
} {
  const domains = new Map<string, number>();
  const types = new Map<string, number>();
  for (const v of views) {
    if (v.domain !== null) domains.set(v.domain, (domains.get(v.domain) ?? 0) + 1);
    if (v.type !== null) types.set(v.type.id, (types.get(v.type.id) ?? 0) + 1);
  }
  const hasType = (type: string) =>
    Object.values(profile?.groups ?? {}).some((g) => (g.seriesTypes[type] ?? 0) > 0);
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [
    ...sorted(domains).map(([key, items]) => ({
      dimension: 'domain' as const,
      key,
      items,
      referenced: Boolean(profile?.groups[key]),
    })),
    ...sorted(types).map(([key, items]) => ({
      dimension: 'series_type' as const,
      key,
      items,
      referenced: hasType(key),
    })),
  ];
  const measured = views.filter(
    (v) => v.clean && v.domain !== null && profile?.groups[v.domain],
  ).length;
  const missing: NonNullable<ValidationReportData['coverage']>['missing'] = [];
  if (!profile && views.length > 0) {
    missing.push(missingPiece(say('missing.seriesReference'), say('missing.seriesReferenceHow')));
  } else if (profile) {
    for (const p of parts.filter((x) => !x.referenced)) {
      const what =
        p.dimension === 'domain'
          ? say('missing.domain', { key: term('domain', p.key), n: p.items })
          : say('missing.seriesType', {
              key: term('seriesType', p.key),
              n: p.items,
              name: profile.name,
            });
      // The file names stay the id in every language.
      missing.push(
        missingPiece(
          what,
          say('missing.seriesHow', {
            key: term(p.dimension === 'domain' ? 'domain' : 'seriesType', p.key),
            file: p.key,
          }),
        ),
      );
    }
  }
  return { itemShare: views.length ? measured / views.length : 0, parts, missing };
}

/** A missing piece of the coverage, with its messages. */
function missingPiece(what: Said, how: Said) {
  return { what: what.text, how: how.text, whatMessage: what.message, howMessage: how.message };
}

function metric(
  base: Omit<ValidationMetric, 'verdict' | 'value'>,
  value: number | null,
  reason?: Reason,
  applicable = true,
): ValidationMetric {
  if (value === null || !Number.isFinite(value)) {
    const { thresholds: _, band: __, interval: ___, ...rest } = base;
    return {
      ...rest,
      value: null,
      verdict: 'not_computable',
      ...reasonFields(reason ?? say('metric.noValue')),
      ...(applicable ? {} : { applicable: false }),
    };
  }
  return {
    ...base,
    value: round(value, 4),
    verdict: base.thresholds ? verdictOf(value, base.thresholds) : 'pass',
    ...(reason ? reasonFields(reason) : {}),
  };
}

const MAX_EXAMPLES = 5;

function consistencyMetrics(views: readonly SeriesView[]): ValidationMetric[] {
  return SERIES_PROBLEMS.map((problem) => {
    // Bounds can only be checked on readable series of a known type.
    const population =
      problem === 'bounds'
        ? views.filter((v) => v.type !== null && !v.problems.has('unreadable'))
        : problem === 'unreadable'
          ? views
          : views.filter((v) => !v.problems.has('unreadable'));
    const offenders = population.filter((v) => v.problems.has(problem));
    const base = {
      id: `consistency.${problem}`,
      name: CONSISTENCY_NAMES[problem],
      group: 'consistency',
      thresholds: CONSISTENCY_THRESHOLDS,
      unit: 'share of series',
      details: {
        offending: offenders.length,
        of: population.length,
        examples: offenders.slice(0, MAX_EXAMPLES).map((v) => v.problems.get(problem)!),
        ...(problem === 'bounds' ? { perType: boundsPerType(population) } : {}),
      },
    };
    if (population.length === 0) {
      return metric(
        base,
        null,
        views.length === 0
          ? say('series.noItems')
          : problem === 'bounds'
            ? say('series.noKnownType')
            : say('series.noReadable'),
      );
    }
    const interval = wilson(offenders.length, population.length);
    return withMinimum(
      metric({ ...base, ...(interval ? { interval } : {}) }, offenders.length / population.length),
      population.length,
      SERIES_MINIMUMS.consistency,
    );
  });
}

function boundsPerType(
  views: readonly SeriesView[],
): Record<string, { series: number; outOfBounds: number }> {
  const out: Record<string, { series: number; outOfBounds: number }> = {};
  for (const v of views) {
    const entry = out[v.type!.id] ?? { series: 0, outOfBounds: 0 };
    out[v.type!.id] = entry;
    entry.series++;
    if (v.problems.has('bounds')) entry.outOfBounds++;
  }
  return out;
}

/** A domain's name, or a series type's (per-type fidelity metrics and charts are keyed by type). */
function domainName(domain: string): string {
  return getDomain(domain)?.name_en ?? getSeriesType(domain)?.name_en ?? domain;
}

/** The fidelity metrics of one domain (all of them, not computable when there is nothing to compare). */
function fidelityMetrics(
  domain: string,
  stats: GroupStats,
  group: SeriesGroupProfile | null,
  profile: SeriesProfile | null,
  cleanCount: number,
  views: readonly SeriesView[],
  seed: string,
  analyses: readonly SeriesAnalysis[],
): ValidationMetric[] {
  const name = domainName(domain);
  const bases = FIDELITY_KEYS.map((key) => {
    const band = group?.bands[key];
    return {
      key,
      base: {
        id: `fidelity.${domain}.${key}`,
        name: `${name}: ${FIDELITY_NAMES[key]}`,
        group: 'fidelity',
        thresholds: loosened(FIDELITY_THRESHOLDS[key], band),
        ...(band ? { band } : {}),
        ...(FIDELITY_UNITS[key] ? { unit: FIDELITY_UNITS[key] } : {}),
      },
    };
  });
  let missing: Said | null = null;
  if (profile === null) missing = say('metric.noProfile');
  else if (group === null) {
    const covered = Object.keys(profile.groups);
    missing = say('series.profileLacks', {
      name: profile.name,
      what: term('domain', domain, name.toLowerCase()),
      covers:
        covered.length > 0
          ? { list: covered.map((d) => term('domain', d)), separator: ', ' }
          : say('series.noDomain'),
    });
  } else if (cleanCount === 0) {
    const left = views.filter((v) => v.domain === domain).length;
    missing = say('series.noneClean', {
      n: left,
      what: term('domain', domain, name.toLowerCase()),
    });
  }
  if (missing !== null) return bases.map(({ base }) => metric(base, null, missing!));

  const referenceStats = groupStatsOfProfile(group!);
  const result = compareGroups(stats, referenceStats, seed);
  const bootstrapped = bootstrapIntervals(
    analyses,
    referenceStats,
    Object.fromEntries(BOOTSTRAPPED.map((key) => [key, result[key].value])),
    seed,
  );
  const featuresMatch = group!.features.names.join() === FEATURE_NAMES.join();
  return bases.map(({ key, base }) => {
    if (key === 'discriminator' && !featuresMatch) {
      return metric(base, null, say('series.features'));
    }
    const r = result[key];
    const interval =
      fidelityInterval(key, r.value, r.details, cleanCount, group!.seriesCount) ??
      bootstrapped[key as BootstrappedKey];
    return withMinimum(
      metric(
        {
          ...base,
          details: {
            ...r.details,
            datasetSeries: cleanCount,
            referenceSeries: group!.seriesCount,
          },
          ...(interval ? { interval } : {}),
        },
        r.value,
        r.reason,
      ),
      cleanCount,
      SERIES_MINIMUMS.fidelity,
    );
  });
}

/**
 * The confidence interval of a fidelity value where there is an analytic one: the discriminator's accuracy is a
 * rate over the series it classified (Wilson), the KS statistic has the DKW bound with series as the sample.
 */
function fidelityInterval(
  key: FidelityKey,
  value: number | null,
  details: Record<string, unknown> | undefined,
  n: number,
  m: number,
) {
  if (value === null || !Number.isFinite(value)) return undefined;
  if (key === 'discriminator') {
    const perSide = Number((details as { seriesPerSide?: number } | undefined)?.seriesPerSide ?? 0);
    return wilson(Math.round(value * 2 * perSide), 2 * perSide);
  }
  if (key === 'marginal_ks') return ksInterval(value, n, m);
  return undefined;
}

/** `t` loosened so that the real-vs-real band passes. */
function loosened(t: Thresholds, band: Band | undefined): Thresholds {
  if (!band) return t;
  const warn = Math.max(t.warn, round(band.high, 3));
  return { ...t, warn, fail: Math.max(t.fail, round(warn + (t.fail - t.warn), 3)) };
}

/** The domain's own acceptance checks (electricity and financial), computed without a reference. */
function acceptanceMetrics(
  domain: string,
  members: readonly SeriesView[],
  analyses: ReturnType<typeof analyseSeries>[],
): ValidationMetric[] {
  const list =
    domain === 'electricity'
      ? electricityChecks(members, analyses)
      : domain === 'financial'
        ? financialChecks(members)
        : [];
  return list.map((m) => {
    const n = Number(
      (m.details as { series?: number; of?: number } | undefined)?.series ?? members.length,
    );
    const min =
      m.id === 'acceptance.electricity.non_negative'
        ? SERIES_MINIMUMS['acceptance.electricity.non_negative']
        : SERIES_MINIMUMS.acceptance;
    return withMinimum(m, n, min);
  });
}

function strengthCheck(
  which: 'daily' | 'weekly',
  analyses: ReturnType<typeof analyseSeries>[],
  thresholds: Thresholds,
): ValidationMetric {
  const strengths = analyses.flatMap((a) => (a[which] === null ? [] : [a[which]]));
  return metric(
    {
      id: `acceptance.electricity.${which}_seasonality`,
      name: `Electricity: ${which} seasonality present (median strength)`,
      group: 'acceptance',
      thresholds,
      details: {
        series: strengths.length,
        shareWithSeasonality: strengths.length
          ? round(strengths.filter((s) => s >= PRESENT).length / strengths.length, 4)
          : null,
        presentFrom: PRESENT,
      },
    },
    strengths.length > 0 ? median(strengths) : null,
    strengths.length > 0
      ? undefined
      : say(which === 'daily' ? 'series.noDailySpan' : 'series.noWeeklySpan'),
  );
}

function electricityChecks(
  members: readonly SeriesView[],
  analyses: ReturnType<typeof analyseSeries>[],
): ValidationMetric[] {
  const negative = members.filter((m) => m.values.some((x) => x < 0)).length;
  return [
    strengthCheck('daily', analyses, ELECTRICITY_DAILY),
    strengthCheck('weekly', analyses, ELECTRICITY_WEEKLY),
    metric(
      {
        id: 'acceptance.electricity.non_negative',
        name: 'Electricity: series with negative values',
        group: 'acceptance',
        thresholds: ELECTRICITY_NEGATIVE,
        unit: 'share of series',
        details: { offending: negative, of: members.length },
        ...(members.length > 0 ? { interval: wilson(negative, members.length)! } : {}),
      },
      members.length > 0 ? negative / members.length : null,
      members.length > 0 ? undefined : say('series.noElectricity'),
    ),
  ];
}

function financialChecks(members: readonly SeriesView[]): ValidationMetric[] {
  const prices = members.filter((m) => transformOf(m.type) === 'returns');
  const stats = prices.flatMap((m) => {
    const r = returnStats(m.values);
    return r ? [r] : [];
  });
  const reason =
    prices.length === 0 ? say('series.noPrices') : say('series.fewMoves', { n: prices.length });
  // Market checks apply to prices only: a dataset of trading volumes has nothing to check, which is no gap.
  const applies = prices.length > 0;
  const check = (
    key: string,
    name: string,
    thresholds: Thresholds,
    pick: (r: (typeof stats)[number]) => number,
  ) =>
    metric(
      {
        id: `acceptance.financial.${key}`,
        name: `Financial: ${name}`,
        group: 'acceptance',
        thresholds,
        details: { series: stats.length },
      },
      stats.length > 0 ? median(stats.map(pick)) : null,
      stats.length > 0 ? undefined : reason,
      applies,
    );
  return [
    check('fat_tails', 'fat-tailed returns (median excess kurtosis)', FAT_TAILS, (r) => r.kurtosis),
    check(
      'volatility_clustering',
      'volatility clustering (median autocorrelation of squared returns, lags 1..5)',
      VOLATILITY_CLUSTERING,
      (r) => r.squaredAcf,
    ),
    check(
      'returns_acf',
      'returns are not predictable (median |autocorrelation| of returns at lag 1)',
      RETURNS_ACF,
      (r) => Math.abs(r.acf1),
    ),
  ];
}

/** `1h`, `48h`, `7d`: a lag for a chart label. */
function lagLabel(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${ms / 60_000}min`;
  return hours < 24 || !Number.isInteger(hours / 24) ? `${hours}h` : `${hours / 24}d`;
}

const HISTOGRAM_BINS = 30;

function charts(
  domain: string,
  stats: GroupStats,
  stepMs: number,
  group: SeriesGroupProfile | null,
  profile: SeriesProfile | null,
): Distribution[] {
  const name = domainName(domain);
  const withReference = (values: number[] | null) =>
    values && profile ? { reference: values, referenceName: profile.name } : {};
  const out: Distribution[] = [
    {
      id: `acf.${domain}`,
      name: `${name}: mean autocorrelation by lag`,
      labels: ACF_LAGS.map((lag) => lagLabel(lag * stepMs)),
      dataset: stats.acf.map((x) => (Number.isFinite(x) ? round(x, 4) : 0)),
      ...withReference(group ? group.acf.mean.map((x) => (x === null ? 0 : x)) : null),
    },
  ];
  const source = group?.marginal.length ? group.marginal : stats.sketch;
  if (source.length > 0 && stats.sketch.length > 0) {
    // The bins span the middle 99% of the reference (or of the dataset without one).
    const lo = quantileSorted(source, 0.005);
    const hi = quantileSorted(source, 0.995);
    if (hi > lo) {
      const edges = Array.from(
        { length: HISTOGRAM_BINS + 1 },
        (_, i) => lo + ((hi - lo) * i) / HISTOGRAM_BINS,
      );
      const shares = (sketch: number[]) => sketchHistogram(sketch, edges).map((x) => round(x, 4));
      const transforms = new Set(Object.values(group?.transforms ?? {}));
      out.push({
        id: `values.${domain}`,
        name: `${name}: distribution of normalised values${transforms.has('relative') ? ' (1 = the series mean)' : ''}`,
        labels: edges.slice(0, -1).map((e, i) => round((e + edges[i + 1]!) / 2, 3).toString()),
        dataset: shares(stats.sketch),
        ...withReference(group?.marginal.length ? shares(group.marginal) : null),
      });
    }
  }
  const strengthEdges = Array.from({ length: 11 }, (_, i) => i / 10);
  const strengthLabels = strengthEdges
    .slice(0, -1)
    .map((e) => `${e.toFixed(1)}-${(e + 0.1).toFixed(1)}`);
  for (const which of ['daily', 'weekly'] as const) {
    if (stats[which].length === 0) continue;
    const shares = (xs: number[]) => histogram(xs, strengthEdges).map((x) => round(x, 4));
    out.push({
      id: `seasonality.${which}.${domain}`,
      name: `${name}: ${which} seasonality strength of the series`,
      labels: strengthLabels,
      dataset: shares(stats[which]),
      ...withReference(
        group && group.seasonality[which].length > 0 ? shares(group.seasonality[which]) : null,
      ),
    });
  }
  return out;
}

function overallScore(metrics: readonly ValidationMetric[]): {
  score: number;
  weights: Record<string, number>;
} {
  const points = { pass: 1, warn: 0.5, fail: 0 } as const;
  const groups = new Map<string, number[]>();
  for (const m of metrics) {
    if (m.verdict === 'not_computable') continue;
    const list = groups.get(m.group) ?? [];
    list.push(points[m.verdict]);
    groups.set(m.group, list);
  }
  const present = Object.entries(SERIES_SCORE_WEIGHTS).filter(([g]) => groups.has(g));
  const total = present.reduce((sum, [, w]) => sum + w, 0);
  if (total === 0) return { score: 0, weights: {} };
  let score = 0;
  const weights: Record<string, number> = {};
  for (const [g, w] of present) {
    const scores = groups.get(g)!;
    weights[g] = round(w / total, 4);
    score += (w / total) * (scores.reduce((a, b) => a + b, 0) / scores.length);
  }
  return { score: round(100 * score, 4), weights };
}

const DAY_MS = 86_400_000;

/** `daily (1D) on trading days`, `hourly (1H)`: a frequency for people. */
function frequencySaid(stepMs: number, calendar: SeriesTypeProfile['calendar']): Said {
  const alias = frequencyOfStep(stepMs);
  const word = stepMs === DAY_MS ? 'daily' : stepMs === 3_600_000 ? 'hourly' : 'every';
  const trading = calendar === 'trading_days' ? 'Trading' : '';
  return say(`series.freq.${word}${trading}`, { alias });
}

/**
 * Fidelity per series type, against a profile group built per type (`group.types`): the dataset's series of
 * each type are measured against the reference's series of the same type, at the reference's frequency. A
 * type the reference lacks, or whose series all have another frequency (hourly prices against daily ones), is
 * not computable and says why. Metric ids are `fidelity.<series type>.<key>`; each metric's details name the
 * profile it was measured against (`reference`) and the scope (`series_type`). Seasonalities a type cannot
 * have (daily cycles of daily data, seasonality of price returns) do not apply.
 */
function typeFidelity(
  domain: string,
  members: readonly SeriesView[],
  views: readonly SeriesView[],
  group: SeriesGroupProfile,
  profile: SeriesProfile,
  seed: string,
): { metrics: ValidationMetric[]; distributions: Distribution[] } {
  const types = group.types!;
  const source = group.profile ?? profile.name;
  const named = { ...profile, name: source };
  const present = new Set(views.flatMap((v) => (v.domain === domain && v.type ? [v.type.id] : [])));
  const metrics: ValidationMetric[] = [];
  const distributions: Distribution[] = [];
  for (const typeId of SERIES_TYPE_IDS.filter((id) => present.has(id))) {
    const reference = types[typeId] ?? null;
    const typed = members.filter((m) => m.type?.id === typeId);
    const matching = reference ? typed.filter((m) => m.stepMs === reference.stepMs) : typed;
    const about = {
      seriesType: typeId,
      reference: source,
      scope: 'series_type',
      ...(reference
        ? {
            referenceFrequency: reference.frequency,
            referenceCalendar: reference.calendar,
            ...(typed.length > matching.length
              ? { otherFrequency: typed.length - matching.length }
              : {}),
          }
        : {}),
    };
    const notApplicable = (key: FidelityKey) =>
      reference !== null &&
      ((key === 'daily_seasonality' &&
        (reference.transform === 'returns' || reference.stepMs >= DAY_MS)) ||
        (key === 'weekly_seasonality' &&
          (reference.transform === 'returns' || reference.stepMs >= 7 * DAY_MS)));
    let missing: Said | null = null;
    if (reference === null) {
      missing = say('series.profileLacks', {
        name: source,
        what: term('seriesType', typeId),
        covers: {
          list: Object.keys(types)
            .sort()
            .map((t) => term('seriesType', t)),
          separator: ', ',
        },
      });
    } else if (typed.length === 0) {
      const all = views.filter((v) => v.type?.id === typeId).length;
      missing = say('series.noneClean', { n: all, what: term('seriesType', typeId) });
    } else if (matching.length === 0) {
      const theirs = [
        ...new Map(
          typed.map((m) => {
            const said = frequencySaid(m.stepMs!, m.calendar);
            return [said.text, said];
          }),
        ).values(),
      ];
      missing = say('series.frequencies', {
        type: term('seriesType', typeId),
        reference: frequencySaid(reference.stepMs, reference.calendar),
        theirs: { list: theirs, separator: ', ' },
      });
    }
    if (missing !== null) {
      for (const key of FIDELITY_KEYS) {
        metrics.push(
          metric(
            {
              id: `fidelity.${typeId}.${key}`,
              name: `${domainName(typeId)}: ${FIDELITY_NAMES[key]}`,
              group: 'fidelity',
              details: about,
            },
            null,
            missing,
            !notApplicable(key),
          ),
        );
      }
      if (typed.length > 0) {
        // The dataset's own curves are still charted, without a reference.
        const step = commonStep(typed);
        const own = groupStats(
          typed.map((m) => analyseSeries(m.values, m.type, m.stepMs!, step, m.calendar)),
        );
        distributions.push(...charts(typeId, own, step, null, null));
      }
      continue;
    }
    const analyses = matching.map((m) =>
      analyseSeries(m.values, m.type, m.stepMs!, reference!.stepMs, m.calendar),
    );
    const stats = groupStats(analyses);
    const asGroup: SeriesGroupProfile = {
      ...reference!,
      domain: group.domain,
      seriesTypes: { [typeId]: reference!.seriesCount },
      transforms: { [typeId]: reference!.transform },
    };
    for (const m of fidelityMetrics(
      typeId,
      stats,
      asGroup,
      named,
      matching.length,
      views,
      `${seed}:${typeId}`,
      analyses,
    )) {
      const key = m.id.slice(m.id.lastIndexOf('.') + 1) as FidelityKey;
      metrics.push({
        ...m,
        details: { ...(m.details as Record<string, unknown> | undefined), ...about },
        ...(m.verdict === 'not_computable' && notApplicable(key) ? { applicable: false } : {}),
      });
    }
    distributions.push(...charts(typeId, stats, reference!.stepMs, asGroup, named));
  }
  return { metrics, distributions };
}
