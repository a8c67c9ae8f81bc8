import type { DatasetKind, EnumOf } from '../graphql/graphql.ts';
import type { Locale } from '../i18n/messages.ts';

/** The verdicts a metric or report can have, as the API spells them. */
export type Verdict = EnumOf<'Verdict'>;

/** The parts of a metric this module reads. */
export interface MetricLike {
  id: string;
  group: string;
  value: number | null;
  verdict: string;
  unit?: string | null;
  thresholds?: { direction: string; warn: number; fail: number } | null;
  band?: { low: number; median: number; high: number } | null;
}

/** The tabs of the Validate page. */
export type ReportTab = 'quality' | 'bias' | 'distributions' | 'timeseries';

/** The tabs that apply to a dataset kind, in display order, with their titles. */
export function tabsFor(kind: DatasetKind): { id: ReportTab; title: string }[] {
  if (kind === 'TIMESERIES') {
    return [
      { id: 'quality', title: 'Quality' },
      { id: 'timeseries', title: 'Time series' },
    ];
  }
  return [
    { id: 'quality', title: 'Quality' },
    { id: 'bias', title: 'Bias' },
    { id: 'distributions', title: 'Distributions' },
  ];
}

const VERDICT_POINTS: Record<string, number> = { PASS: 1, WARN: 0.5, FAIL: 0 };

/** One axis of the sub-score radar: a metric group and its score from 0 to 100. */
export interface GroupScore {
  group: string;
  score: number;
  /** How many metrics of the group could be computed. */
  computed: number;
}

/**
 * A score per metric group (PASS 100, WARN 50, FAIL 0, averaged over the group's computable
 * metrics), in the order the groups first appear. Groups with nothing computable are left out:
 * a radar axis at 0 would claim a failure that was never measured.
 */
export function groupScores(metrics: readonly MetricLike[]): GroupScore[] {
  const sums = new Map<string, { points: number; computed: number }>();
  for (const m of metrics) {
    const points = VERDICT_POINTS[m.verdict];
    const entry = sums.get(m.group) ?? { points: 0, computed: 0 };
    if (points !== undefined) {
      entry.points += points;
      entry.computed += 1;
    }
    sums.set(m.group, entry);
  }
  return [...sums]
    .filter(([, s]) => s.computed > 0)
    .map(([group, s]) => ({
      group,
      score: Math.round((s.points / s.computed) * 1000) / 10,
      computed: s.computed,
    }));
}

/** Metrics split into titled groups, in the order the groups first appear. */
export function metricsByGroup<M extends MetricLike>(
  metrics: readonly M[],
): { group: string; metrics: M[] }[] {
  const groups = new Map<string, M[]>();
  for (const m of metrics) groups.set(m.group, [...(groups.get(m.group) ?? []), m]);
  return [...groups].map(([group, list]) => ({ group, metrics: list }));
}

/** A metric group's heading: `realism` → `Realism`. */
export function groupTitle(group: string): string {
  return group.charAt(0).toUpperCase() + group.slice(1);
}

/**
 * A metric value for display in `locale`: shares as percentages, other numbers with up to 4
 * significant digits, and "—" when the metric could not be computed.
 */
export function formatMetricValue(
  value: number | null | undefined,
  unit?: string | null,
  locale: Locale = 'en',
): string {
  if (value === null || value === undefined) return '—';
  if (unit === 'share' || unit?.startsWith('share ')) {
    const pct = (value * 100).toLocaleString(locale, { maximumFractionDigits: 1 });
    return locale === 'en' ? `${pct}%` : `${pct}\u00a0%`;
  }
  const text = Number(value.toPrecision(4)).toLocaleString(locale, { maximumFractionDigits: 4 });
  return unit && unit !== 'share' ? `${text} ${unit}` : text;
}

/** Where the value, band and thresholds of a metric sit on one shared 0..1 strip. */
export interface StripLayout {
  /** Left edge of the strip in metric units. */
  min: number;
  /** Right edge of the strip in metric units. */
  max: number;
  /** Position of the value (0..1), or null when not computed. */
  value: number | null;
  /** The real-vs-real band (0..1 positions), when the metric has one. */
  band: { low: number; median: number; high: number } | null;
  /** The warn and fail thresholds (0..1 positions), when the metric has them. */
  warn: number | null;
  fail: number | null;
}

/**
 * Lays a metric's value, real-vs-real band and thresholds out on one strip whose domain covers
 * all of them (starting at 0 for non-negative metrics), so a small chart can draw them together.
 * Returns null when there is nothing to draw.
 */
export function stripLayout(metric: MetricLike): StripLayout | null {
  const points = [
    metric.value,
    metric.band?.low,
    metric.band?.high,
    metric.thresholds?.warn,
    metric.thresholds?.fail,
  ].filter((p): p is number => typeof p === 'number' && Number.isFinite(p));
  if (metric.value === null || points.length === 0) return null;
  const lo = Math.min(0, ...points);
  let hi = Math.max(...points);
  if (hi === lo) hi = lo + 1;
  // Room on the right so a value at the maximum is not drawn on the edge.
  const max = hi + (hi - lo) * 0.05;
  const at = (x: number) => (x - lo) / (max - lo);
  return {
    min: lo,
    max,
    value: at(metric.value),
    band: metric.band
      ? { low: at(metric.band.low), median: at(metric.band.median), high: at(metric.band.high) }
      : null,
    warn: metric.thresholds ? at(metric.thresholds.warn) : null,
    fail: metric.thresholds ? at(metric.thresholds.fail) : null,
  };
}

/**
 * Whether dataset B did better, worse or the same as dataset A on a metric. The server decides it
 * (`MetricComparison.change`): better or worse only outside the uncertainty of both sides.
 */
export type Change = 'better' | 'worse' | 'same' | 'unknown';

/** The server's change, read safely (an unknown word is `unknown`). */
export function changeFrom(change: string | null | undefined): Change {
  return change === 'better' || change === 'worse' || change === 'same' ? change : 'unknown';
}

/** A share as a whole percentage: 0.953 → `95%`. */
export function percentOf(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The verdict word and the rest of a reason line: `fail: PII 0.05 (gate)` → [`fail`, `PII 0.05 (gate)`]. */
export function splitReason(reason: string): { verdict: string; why: string } {
  const at = reason.indexOf(': ');
  return at < 0
    ? { verdict: '', why: reason }
    : { verdict: reason.slice(0, at), why: reason.slice(at + 2) };
}

/**
 * Reads a difference (b minus a) through the metric's direction: for `lower_is_better` a
 * negative difference is better. Unknown without a direction or a difference.
 */
export function changeOf(difference: number | null | undefined, direction?: string | null): Change {
  if (difference === null || difference === undefined || !direction) return 'unknown';
  if (Math.abs(difference) < 1e-9) return 'same';
  if (direction === 'lower_is_better') return difference < 0 ? 'better' : 'worse';
  if (direction === 'higher_is_better') return difference > 0 ? 'better' : 'worse';
  return 'unknown';
}

/** Two series over the same labels, for grouped bars. */
export interface GroupedBar {
  label: string;
  a: number;
  b: number;
}

/**
 * Pairs two series over shared labels for a grouped bar chart. With more than `limit` labels the
 * ones where either series is largest are kept (in their original order), so 77 intents still
 * fit a readable chart. Missing values count as 0.
 */
export function groupedBars(
  labels: readonly string[],
  a: readonly number[],
  b: readonly number[] | null | undefined,
  limit = 16,
): GroupedBar[] {
  const rows = labels.map((label, i) => ({ label, a: a[i] ?? 0, b: b?.[i] ?? 0, i }));
  if (rows.length <= limit) return rows.map(({ label, a, b }) => ({ label, a, b }));
  const kept = new Set(
    [...rows]
      .sort((x, y) => Math.max(y.a, y.b) - Math.max(x.a, x.b) || x.i - y.i)
      .slice(0, limit)
      .map((r) => r.i),
  );
  return rows.filter((r) => kept.has(r.i)).map(({ label, a, b }) => ({ label, a, b }));
}

/** The human label of a verdict. */
export function verdictLabel(verdict: string): string {
  switch (verdict) {
    case 'PASS':
      return 'Pass';
    case 'WARN':
      return 'Warn';
    case 'FAIL':
      return 'Fail';
    case 'INCOMPLETE':
      return 'Incomplete';
    default:
      return 'Not computable';
  }
}

/**
 * The shipped reference profile that fits a dataset kind: for time series `timeseries` (each series type
 * against its own domain's profile) when listed, else the first time-series one; Banking77 for text
 * (conversations, utterances). Null when no listed profile has that kind.
 */
export function defaultProfile(
  kind: DatasetKind,
  profiles: readonly { id: string; kind: string }[],
): string | null {
  const wanted = kind === 'TIMESERIES' ? 'timeseries' : 'utterances';
  const fitting = profiles.filter((p) => p.kind === wanted);
  return (fitting.find((p) => p.id === 'timeseries') ?? fitting[0])?.id ?? null;
}

/** Parses a positive integer search parameter (a dataset id stays a string; a version is a number). */
export function positiveInt(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/** Distributions compared against targets (the Bias tab) rather than a reference dataset. */
export function isTargetDistribution(d: { referenceName?: string | null }): boolean {
  return /targets$/.test(d.referenceName ?? '');
}
