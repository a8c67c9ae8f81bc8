/**
 * The validation report: what `validateDataset` stores and the web app shows. Every metric is a value with its
 * thresholds and a pass/warn/fail verdict, or `value: null`, verdict `not_computable` and the reason: never a
 * silent gap.
 */
import * as v from 'valibot';
import { VERDICTS } from './dataset.ts';

/** How a metric's value is judged: below `warn` passes when lower is better, and so on. */
export const ThresholdsSchema = v.object({
  direction: v.picklist(['lower_is_better', 'higher_is_better']),
  /** Past this value the verdict is at least `warn`. */
  warn: v.number(),
  /** Past this value the verdict is `fail`. */
  fail: v.number(),
});
export type Thresholds = v.InferOutput<typeof ThresholdsSchema>;

export const ValidationMetricSchema = v.object({
  /** Stable id, e.g. `realism.intent_jsd`. */
  id: v.string(),
  /** For people, e.g. "Intent distribution vs reference (Jensen-Shannon divergence)". */
  name: v.string(),
  /** Section: quality, realism, diversity, language, privacy, bias, consistency, fidelity, ... */
  group: v.string(),
  value: v.nullable(v.number()),
  verdict: v.picklist(VERDICTS),
  /** Why it is not computable, or what the value means here. */
  reason: v.optional(v.string()),
  thresholds: v.optional(ThresholdsSchema),
  /** Real-vs-real band: the score one random half of the reference gets against the other half. */
  band: v.optional(v.object({ low: v.number(), high: v.number(), median: v.number() })),
  unit: v.optional(v.string()),
  /** Breakdown (e.g. per intent), free-form but JSON. */
  details: v.optional(v.unknown()),
});
export type ValidationMetric = v.InferOutput<typeof ValidationMetricSchema>;

/** Data for a chart: labels with the dataset's and the reference's (or target's) values. */
export const DistributionSchema = v.object({
  id: v.string(),
  name: v.string(),
  labels: v.array(v.string()),
  dataset: v.array(v.number()),
  reference: v.optional(v.array(v.number())),
  /** What `reference` is: the reference profile, the job's targets, ... */
  referenceName: v.optional(v.string()),
});
export type Distribution = v.InferOutput<typeof DistributionSchema>;

export const ValidationReportSchema = v.object({
  format: v.literal('genesis-lab/validation-report'),
  version: v.literal(1),
  kind: v.picklist(['conversations', 'utterances', 'timeseries']),
  itemCount: v.number(),
  /** What the dataset was measured against. */
  reference: v.nullable(v.object({ name: v.string(), kind: v.string(), itemCount: v.number() })),
  /** 0..100 from documented weights (`weights`), with its verdict. */
  overall: v.object({ score: v.number(), verdict: v.picklist(VERDICTS) }),
  weights: v.record(v.string(), v.number()),
  metrics: v.array(ValidationMetricSchema),
  /** Bias severity and the reasons (conversations). */
  bias: v.nullable(
    v.object({
      severity: v.picklist(['none', 'low', 'medium', 'high']),
      reasons: v.array(v.string()),
    }),
  ),
  distributions: v.array(DistributionSchema),
  computeSeconds: v.number(),
});
export type ValidationReportData = v.InferOutput<typeof ValidationReportSchema>;

/** Verdict of a value against thresholds. */
export function verdictOf(value: number, t: Thresholds): 'pass' | 'warn' | 'fail' {
  const worse =
    t.direction === 'lower_is_better'
      ? (a: number, b: number) => a > b
      : (a: number, b: number) => a < b;
  if (worse(value, t.fail)) return 'fail';
  if (worse(value, t.warn)) return 'warn';
  return 'pass';
}
