import * as v from 'valibot';
import type { Bar } from '../charts/shape.ts';
import type { I18n } from '../i18n/i18n.svelte.ts';

// Display views of a run's `metrics` JSON (server/src/training: evaluation, test, learningCurve).
// Read loosely: the server wrote them; a run whose metrics do not fit shows "no results" instead of
// breaking the page.
const ClassMetricsSchema = v.object({
  label: v.string(),
  precision: v.number(),
  recall: v.number(),
  f1: v.number(),
  support: v.number(),
});

const ClassificationSchema = v.object({
  accuracy: v.number(),
  macroF1: v.number(),
  top3Accuracy: v.nullish(v.number()),
  perClass: v.array(ClassMetricsSchema),
  confusion: v.array(v.array(v.number())),
  labels: v.array(v.string()),
  n: v.optional(v.number()),
});
/** Accuracy, F1 and the confusion matrix of one evaluation. */
export type Classification = v.InferOutput<typeof ClassificationSchema>;

const MeanStdSchema = v.object({ mean: v.number(), std: v.number() });

const EvaluationSchema = v.variant('kind', [
  v.object({
    kind: v.literal('cv'),
    folds: v.number(),
    accuracy: MeanStdSchema,
    macroF1: MeanStdSchema,
    pooled: ClassificationSchema,
  }),
  v.object({
    kind: v.literal('holdout'),
    testFraction: v.number(),
    metrics: ClassificationSchema,
  }),
]);

const CurvePointSchema = v.object({
  perClass: v.nullable(v.number()),
  trainExamples: v.number(),
  accuracy: MeanStdSchema,
  macroF1: MeanStdSchema,
});
/** One learning-curve point: a model trained on `perClass` examples per intent (null: all). */
export type CurvePoint = v.InferOutput<typeof CurvePointSchema>;

const MetricsSchema = v.object({
  evaluation: v.nullish(EvaluationSchema),
  test: v.nullish(ClassificationSchema),
  learningCurve: v.nullish(v.array(CurvePointSchema)),
  trainExamples: v.optional(v.number()),
});

/** What the results panel shows for a finished run. */
export interface RunResults {
  /** Where the headline figures come from. */
  source: 'test' | 'holdout' | 'cv';
  /** A sentence naming that source, e.g. "5-fold cross-validation (mean of folds)". */
  sourceLabel: string;
  /** The share held out, for a hold-out split; the number of folds, for cross-validation. */
  holdoutFraction: number | null;
  folds: number | null;
  accuracy: number;
  macroF1: number;
  /** Spread over folds, for cross-validation. */
  accuracyStd: number | null;
  top3Accuracy: number | null;
  /** Per-intent metrics and the confusion matrix of the same source. */
  classification: Classification;
  learningCurve: CurvePoint[] | null;
  trainExamples: number | null;
}

/**
 * The headline results of a run's `metrics`: the separate test set when there was one (train on
 * synthetic, test on real), else the hold-out split, else cross-validation (mean over folds, with
 * the pooled out-of-fold predictions for per-intent figures). Null when there are no metrics.
 */
export function runResults(metrics: unknown): RunResults | null {
  const parsed = v.safeParse(MetricsSchema, metrics);
  if (!parsed.success) return null;
  const { evaluation, test, learningCurve, trainExamples } = parsed.output;
  const common = {
    learningCurve: learningCurve ?? null,
    trainExamples: trainExamples ?? null,
    holdoutFraction: null,
    folds: null,
  };
  if (test) {
    return {
      ...common,
      source: 'test',
      sourceLabel: 'the separate test dataset',
      accuracy: test.accuracy,
      macroF1: test.macroF1,
      accuracyStd: null,
      top3Accuracy: test.top3Accuracy ?? null,
      classification: test,
    };
  }
  if (evaluation?.kind === 'holdout') {
    const m = evaluation.metrics;
    return {
      ...common,
      source: 'holdout',
      holdoutFraction: evaluation.testFraction,
      sourceLabel: `a ${Math.round(evaluation.testFraction * 100)}% hold-out split`,
      accuracy: m.accuracy,
      macroF1: m.macroF1,
      accuracyStd: null,
      top3Accuracy: m.top3Accuracy ?? null,
      classification: m,
    };
  }
  if (evaluation?.kind === 'cv') {
    return {
      ...common,
      source: 'cv',
      folds: evaluation.folds,
      sourceLabel: `${evaluation.folds}-fold cross-validation (mean over folds)`,
      accuracy: evaluation.accuracy.mean,
      macroF1: evaluation.macroF1.mean,
      accuracyStd: evaluation.accuracy.std,
      top3Accuracy: evaluation.pooled.top3Accuracy ?? null,
      classification: evaluation.pooled,
    };
  }
  return null;
}

/** Per-intent metrics of the intents actually tested (support > 0). */
/** Where a run's figures were measured, in the chosen language ("5-fold cross-validation (mean over folds)"). */
export function measuredSource(r: RunResults, i18n: Pick<I18n, 't' | 'percent'>): string {
  if (r.source === 'holdout' && r.holdoutFraction !== null)
    return i18n.t('runcmp.source.holdout', { pct: i18n.percent(r.holdoutFraction, 0) });
  if (r.source === 'cv' && r.folds !== null) return i18n.t('runcmp.source.cv', { folds: r.folds });
  if (r.source === 'test') return i18n.t('runcmp.source.test');
  return r.sourceLabel;
}

export function testedClasses(c: Classification): Classification['perClass'] {
  return c.perClass.filter((m) => m.support > 0);
}

/**
 * Per-intent F1 as bars, worst first (ties by label), the `limit` worst when given: the intents
 * that need more or better data come first.
 */
export function f1Bars(c: Classification, limit?: number): Bar[] {
  const bars = testedClasses(c)
    .map((m) => ({ label: m.label, value: m.f1 }))
    .sort((a, b) => a.value - b.value || a.label.localeCompare(b.label));
  return limit === undefined ? bars : bars.slice(0, limit);
}

/** One cell of a confusion-matrix heatmap. */
export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
  /** Share of the actual intent's examples, 0..1 (the colour). */
  share: number;
}

/** A confusion matrix narrowed to the labels worth showing. */
export interface ConfusionView {
  labels: string[];
  cells: ConfusionCell[];
  /** Labels with examples or predictions that were left out to keep the chart readable. */
  hidden: number;
}

/**
 * The confusion matrix as heatmap cells over the labels that occur (tested or predicted). When more
 * than `limit` occur, the ones with the most errors (missed plus wrongly predicted) are kept, so
 * the chart shows where the model goes wrong. Labels keep the matrix order.
 */
export function confusionView(c: Classification, limit = 30): ConfusionView {
  const k = c.labels.length;
  const rowSum = (i: number) => (c.confusion[i] ?? []).reduce((a, b) => a + b, 0);
  const colSum = (j: number) => c.confusion.reduce((a, row) => a + (row[j] ?? 0), 0);
  const diag = (i: number) => c.confusion[i]?.[i] ?? 0;
  const active = [...Array(k).keys()].filter((i) => rowSum(i) > 0 || colSum(i) > 0);
  let shown = active;
  if (active.length > limit) {
    const errors = (i: number) => rowSum(i) - diag(i) + (colSum(i) - diag(i));
    const keep = new Set(
      [...active]
        .sort((a, b) => errors(b) - errors(a) || rowSum(b) - rowSum(a) || a - b)
        .slice(0, limit),
    );
    shown = active.filter((i) => keep.has(i));
  }
  const cells: ConfusionCell[] = [];
  for (const i of shown) {
    const total = rowSum(i);
    for (const j of shown) {
      const count = c.confusion[i]?.[j] ?? 0;
      cells.push({
        actual: c.labels[i] ?? String(i),
        predicted: c.labels[j] ?? String(j),
        count,
        share: total > 0 ? count / total : 0,
      });
    }
  }
  return {
    labels: shown.map((i) => c.labels[i] ?? String(i)),
    cells,
    hidden: active.length - shown.length,
  };
}

/** A learning-curve point's x label: examples per intent, or "all". */
export function curveLabel(point: CurvePoint): string {
  return point.perClass === null ? 'all' : String(point.perClass);
}

/** One intent's F1 under two runs. */
export interface F1Delta {
  label: string;
  /** F1 under the first run; null when that run did not test the intent. */
  a: number | null;
  b: number | null;
  /** b − a, treating an untested intent as 0. */
  delta: number;
}

/**
 * Per-intent F1 of two runs side by side, the intents whose F1 changed most first (ties by
 * label), at most `limit`, leaving out intents whose F1 did not change: where one dataset or
 * configuration beats the other.
 */
export function f1Deltas(a: Classification, b: Classification, limit = 20): F1Delta[] {
  const fa = new Map(testedClasses(a).map((m) => [m.label, m.f1]));
  const fb = new Map(testedClasses(b).map((m) => [m.label, m.f1]));
  const labels = [...new Set([...fa.keys(), ...fb.keys()])];
  return labels
    .map((label) => {
      const x = fa.get(label) ?? null;
      const y = fb.get(label) ?? null;
      return { label, a: x, b: y, delta: (y ?? 0) - (x ?? 0) };
    })
    .filter((d) => d.delta !== 0)
    .sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta) || p.label.localeCompare(q.label))
    .slice(0, limit);
}
