/**
 * The validation report: what `validateDataset` stores and the web app shows. Every metric is a value with its
 * thresholds and a pass/warn/fail verdict, or verdict `not_computable` and the reason: never a silent gap. The
 * overall verdict adds a fourth value, `incomplete`: part of the data was not measured against a reference, or
 * there are too few items to judge. `docs/validation.md` gives the rules (gates, coverage, sample sizes).
 */
import * as v from 'valibot';
import { VERDICTS } from './dataset.ts';
import { MessageSchema } from './report-message.ts';

/**
 * Verdicts of a whole report: a metric's verdicts plus `incomplete` (a language, series type or domain of the
 * data has no reference, under 80% of the score's weight was measured, or too few items for a verdict).
 */
export const OVERALL_VERDICTS = [...VERDICTS, 'incomplete'] as const;
export type OverallVerdict = (typeof OVERALL_VERDICTS)[number];

/** A confidence interval: `level` 0.95 for 95%; `method` says how it was computed (wilson, dkw, bootstrap, ...). */
export const IntervalSchema = v.object({
  low: v.number(),
  high: v.number(),
  level: v.number(),
  method: v.string(),
});
export type Interval = v.InferOutput<typeof IntervalSchema>;

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
  /** `reason` as a message code and parameters, for other languages (absent in older reports). */
  reasonMessage: v.optional(MessageSchema),
  thresholds: v.optional(ThresholdsSchema),
  /**
   * Real-vs-real band: the score one random half of the reference gets against the other half (for the financial
   * profile, also the same real series cut at other dates against the whole reference).
   */
  band: v.optional(v.object({ low: v.number(), high: v.number(), median: v.number() })),
  unit: v.optional(v.string()),
  /** Breakdown (e.g. per intent), free-form but JSON. */
  details: v.optional(v.unknown()),
  /** Confidence interval of `value` (rates, the discriminator's accuracy, the KS statistic, ...). */
  interval: v.optional(IntervalSchema),
  /**
   * Sample size: `n` items (or series) measured, `min` the metric's documented minimum. Below it the verdict is
   * `not_computable` (the value, if any, is kept for information and never judged).
   */
  sample: v.optional(v.object({ n: v.number(), min: v.number() })),
  /**
   * False when the metric does not apply to this data (turns of utterances, bias without a target): it is then
   * not a gap in coverage. Absent means it applies.
   */
  applicable: v.optional(v.boolean()),
});
export type ValidationMetric = v.InferOutput<typeof ValidationMetricSchema>;

/** A gate: a metric that decides the verdict whatever the average (see `GATES` in the server's validation). */
export const GateResultSchema = v.object({
  metricId: v.string(),
  /** The gate's name for people, e.g. "real-vs-synthetic classifier". */
  name: v.string(),
  verdict: v.picklist(VERDICTS),
  value: v.nullable(v.number()),
  /** Why this metric is a gate. */
  why: v.string(),
});
export type GateResult = v.InferOutput<typeof GateResultSchema>;

/** One language, series type or domain present in the data, and whether a reference covered it. */
export const CoveragePartSchema = v.object({
  dimension: v.picklist(['language', 'series_type', 'domain']),
  key: v.string(),
  items: v.number(),
  /** Whether the reference holds this language / series type / domain. */
  referenced: v.boolean(),
});

/** One reference of a report and the languages (text) of the data it covered, with their item count. */
export const CoverageReferenceSchema = v.object({
  name: v.string(),
  /** The languages of the data this reference measured (`en`, `es`). */
  covers: v.array(v.string()),
  /** Items of the data in those languages. */
  items: v.number(),
});

/** What a report measured, and what it could not. */
export const CoverageSchema = v.object({
  /** Share of the items measured against a reference (items of a referenced language, domain). */
  items: v.number(),
  /** Share of the score's weight (over the metrics that apply) carried by metrics that were computed. */
  weight: v.number(),
  /** Below this weight share the verdict is `incomplete`. */
  minimumWeight: v.number(),
  parts: v.array(CoveragePartSchema),
  /**
   * Text: each reference and the languages of the data it covered (several references: one per language).
   * Absent in reports made before it existed.
   */
  references: v.optional(v.array(CoverageReferenceSchema)),
  /** Metrics that apply but were not computed, with their share of the weight and why. */
  notMeasured: v.array(
    v.object({
      metricId: v.string(),
      name: v.string(),
      weight: v.number(),
      reason: v.string(),
      reasonMessage: v.optional(MessageSchema),
    }),
  ),
  /** What is missing for a complete verdict, and how to supply it (with their messages, in newer reports). */
  missing: v.array(
    v.object({
      what: v.string(),
      how: v.string(),
      whatMessage: v.optional(MessageSchema),
      howMessage: v.optional(MessageSchema),
    }),
  ),
});
export type Coverage = v.InferOutput<typeof CoverageSchema>;

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

/**
 * The LLM judge's scores of the dataset as they stood when the report was made: an optional metric group that
 * takes no part in the score, the gates or the verdict (docs/validation.md, "The judge group"). Absent in
 * time-series reports and in reports made before it existed.
 */
export const JudgeGroupSchema = v.object({
  /** `not_run`: the dataset had no judge run when the report was made. */
  status: v.picklist(['scored', 'not_run']),
  /** Items with a judge score (the latest of each item, any judge), and their share of the dataset's items. */
  scored: v.number(),
  share: v.number(),
  /** Mean score (1-5) per rubric criterion and the items it averages (agent quality: items with an agent side). */
  dimensions: v.array(
    v.object({ criterion: v.string(), mean: v.nullable(v.number()), scored: v.number() }),
  ),
  /** Mean of the items' overall scores (null when none was scored). */
  overall: v.nullable(v.number()),
  /** The latest judge run: which model judged, its status and cost (null when none). */
  run: v.nullable(
    v.object({
      id: v.string(),
      provider: v.string(),
      model: v.string(),
      mode: v.string(),
      status: v.string(),
      costUsd: v.number(),
    }),
  ),
  /** Every judge run of the dataset: how many, and what they cost together (USD). */
  runs: v.number(),
  costUsd: v.number(),
});
export type JudgeGroup = v.InferOutput<typeof JudgeGroupSchema>;

export const ValidationReportSchema = v.object({
  format: v.literal('genesis-lab/validation-report'),
  version: v.literal(1),
  kind: v.picklist(['conversations', 'utterances', 'timeseries']),
  itemCount: v.number(),
  /** What the dataset was measured against. */
  reference: v.nullable(v.object({ name: v.string(), kind: v.string(), itemCount: v.number() })),
  /** 0..100 from documented weights (`weights`), with its verdict. */
  overall: v.object({ score: v.number(), verdict: v.picklist(OVERALL_VERDICTS) }),
  /**
   * Why this verdict: the report's first line, e.g. `fail: real-vs-synthetic classifier 0.98 (gate)` (absent in
   * reports stored before it existed).
   */
  reason: v.optional(v.string()),
  /** `reason` as a message code and parameters (absent in older reports). */
  reasonMessage: v.optional(MessageSchema),
  /** Range of the overall score when every metric with an interval moves to either end of it. */
  scoreInterval: v.optional(IntervalSchema),
  weights: v.record(v.string(), v.number()),
  metrics: v.array(ValidationMetricSchema),
  /** Every gate metric of the report and its verdict. */
  gates: v.optional(v.array(GateResultSchema)),
  coverage: v.optional(CoverageSchema),
  /** Bias severity and the reasons (conversations). */
  bias: v.nullable(
    v.object({
      severity: v.picklist(['none', 'low', 'medium', 'high']),
      reasons: v.array(v.string()),
      /** `reasons` as messages, one each (absent in older reports). */
      reasonMessages: v.optional(v.array(MessageSchema)),
    }),
  ),
  distributions: v.array(DistributionSchema),
  /** The LLM judge's scores (text datasets), outside the verdict; see `JudgeGroupSchema`. */
  judge: v.optional(JudgeGroupSchema),
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
