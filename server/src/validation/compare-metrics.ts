/**
 * The metric pairs of a comparison and whether B is better or worse than A on each. A difference is called
 * only when it lies outside the uncertainty of both sides: each side's confidence interval, else the metric's
 * real-vs-real band width around its value; with neither, no call is made. Distinct-n is compared on equal
 * samples (`text/equal-sample.ts`), never on the two reports' different token counts.
 */
import type { Message } from '@genesis/schema/report-message';
import type { ValidationMetric, ValidationReportData } from '@genesis/schema/reports';
import { say } from './messages.ts';
import type { EqualSampleDiversity } from './text/equal-sample.ts';

/** better / worse: outside both sides' uncertainty; same: within it; unknown: no direction or no measure. */
export type Change = 'better' | 'worse' | 'same' | 'unknown';

export interface MetricPair {
  id: string;
  name: string;
  group: string;
  a: ValidationMetric | null;
  b: ValidationMetric | null;
  /** b minus a, the two reports' values. */
  difference: number | null;
  /** b minus a on equal samples (when `basis` is `equal_sample`), which `change` then judges. */
  equalDifference: number | null;
  change: Change;
  /** reports: the two reports' values; equal_sample: both sides re-measured on the same token budget. */
  basis: 'reports' | 'equal_sample';
  /** The values compared and their uncertainty ranges. */
  rangeA: { value: number; low: number; high: number } | null;
  rangeB: { value: number; low: number; high: number } | null;
  /** Why this call, for people. */
  note: string;
  /** `note` as a message (docs/validation.md, "Report text in other languages"). */
  noteMessage?: Message;
}

type Range = { value: number; low: number; high: number };

/** A metric's value with its uncertainty: its interval, else its band's half-width around it. */
export function rangeOf(m: ValidationMetric | null): Range | null {
  if (!m || m.value === null || m.verdict === 'not_computable') return null;
  if (m.interval) return { value: m.value, low: m.interval.low, high: m.interval.high };
  if (m.band && m.band.high > m.band.low) {
    const half = (m.band.high - m.band.low) / 2;
    return { value: m.value, low: m.value - half, high: m.value + half };
  }
  return null;
}

/** better / worse only when the ranges do not overlap (B's value outside A's range and A's outside B's). */
export function changeWithin(a: Range | null, b: Range | null, direction?: string): Change {
  if (!a || !b || !direction) return 'unknown';
  const apart = b.low > a.high || b.high < a.low;
  if (!apart) return 'same';
  const up = b.value > a.value;
  if (direction === 'higher_is_better') return up ? 'better' : 'worse';
  if (direction === 'lower_is_better') return up ? 'worse' : 'better';
  return 'unknown';
}

/** Pairs the metrics of two reports (A's order, then B's extras) with their change. */
export function pairMetrics(
  ra: ValidationReportData,
  rb: ValidationReportData,
  equal: EqualSampleDiversity | null,
): MetricPair[] {
  const byIdA = new Map(ra.metrics.map((m) => [m.id, m]));
  const byIdB = new Map(rb.metrics.map((m) => [m.id, m]));
  const ids = [...new Set([...ra.metrics.map((m) => m.id), ...rb.metrics.map((m) => m.id)])];
  return ids.map((id) => {
    const ma = byIdA.get(id) ?? null;
    const mb = byIdB.get(id) ?? null;
    const m = (ma ?? mb)!;
    const direction = (ma ?? mb)?.thresholds?.direction ?? directionOf(id);
    const sample = equal?.metrics[id as keyof EqualSampleDiversity['metrics']];
    if (sample) {
      const change = changeWithin(sample.a, sample.b, direction);
      return {
        id,
        name: m.name,
        group: m.group,
        a: ma,
        b: mb,
        difference: ma?.value != null && mb?.value != null ? mb.value - ma.value : null,
        equalDifference: Number((sample.b.value - sample.a.value).toPrecision(6)),
        change,
        basis: 'equal_sample' as const,
        rangeA: sample.a,
        rangeB: sample.b,
        note: equal!.note,
        ...(equal!.noteMessage ? { noteMessage: equal!.noteMessage } : {}),
      };
    }
    const rangeA = rangeOf(ma);
    const rangeB = rangeOf(mb);
    const change = changeWithin(rangeA, rangeB, direction);
    const note = say(
      change === 'same'
        ? 'compare.same'
        : change === 'unknown'
          ? rangeA && rangeB
            ? 'compare.noDirection'
            : 'compare.noUncertainty'
          : 'compare.outside',
    );
    return {
      id,
      name: m.name,
      group: m.group,
      a: ma,
      b: mb,
      difference: ma?.value != null && mb?.value != null ? mb.value - ma.value : null,
      equalDifference: null,
      change,
      basis: 'reports' as const,
      rangeA,
      rangeB,
      note: note.text,
      noteMessage: note.message,
    };
  });
}

/** Distinct-n is higher-is-better even when a side's metric is below its minimum (thresholds dropped). */
function directionOf(id: string): string | undefined {
  return id.startsWith('diversity.distinct_') ? 'higher_is_better' : undefined;
}
