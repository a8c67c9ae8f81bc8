import type { EntityManager } from '@mikro-orm/core';
import { type TrainingRun, TrainingRunSchema } from './training-run.entity.ts';

/** The stored metrics of a run, as far as summaries read them. */
interface StoredMetrics {
  evaluation?:
    | { kind: 'cv'; accuracy: { mean: number }; macroF1: { mean: number } }
    | { kind: 'holdout'; metrics: { accuracy: number; macroF1: number } }
    | null;
  test?: { accuracy: number; macroF1: number; top3Accuracy: number | null } | null;
  learningCurve?: { perClass: number | null; accuracy: { mean: number } }[] | null;
  timings?: { fitSeconds?: number } | null;
}

/** A figure a run can have, and how to read it from the run. */
interface MetricDef {
  readonly name: string;
  readonly label: string;
  readonly higherIsBetter: boolean;
  readonly read: (run: TrainingRun, m: StoredMetrics) => number | null;
}

const evalFigure = (m: StoredMetrics, key: 'accuracy' | 'macroF1'): number | null => {
  const e = m.evaluation;
  if (!e) return null;
  return e.kind === 'cv' ? e[key].mean : e.metrics[key];
};

const CURVE_SIZES = [1, 3, 10, 30, null] as const;

/** Every figure `compareRuns` puts side by side, in display order. */
export const COMPARED_METRICS: readonly MetricDef[] = [
  {
    name: 'evaluation.accuracy',
    label: 'Evaluation accuracy (CV mean or hold-out)',
    higherIsBetter: true,
    read: (_r, m) => evalFigure(m, 'accuracy'),
  },
  {
    name: 'evaluation.macroF1',
    label: 'Evaluation macro-F1',
    higherIsBetter: true,
    read: (_r, m) => evalFigure(m, 'macroF1'),
  },
  {
    name: 'test.accuracy',
    label: 'Test accuracy',
    higherIsBetter: true,
    read: (_r, m) => m.test?.accuracy ?? null,
  },
  {
    name: 'test.macroF1',
    label: 'Test macro-F1',
    higherIsBetter: true,
    read: (_r, m) => m.test?.macroF1 ?? null,
  },
  {
    name: 'test.top3Accuracy',
    label: 'Test top-3 accuracy',
    higherIsBetter: true,
    read: (_r, m) => m.test?.top3Accuracy ?? null,
  },
  ...CURVE_SIZES.map(
    (size): MetricDef => ({
      name: `learningCurve.${size ?? 'all'}`,
      label: `Learning curve: test accuracy with ${size ?? 'all'} per intent`,
      higherIsBetter: true,
      read: (_r, m) => m.learningCurve?.find((p) => p.perClass === size)?.accuracy.mean ?? null,
    }),
  ),
  {
    name: 'fitSeconds',
    label: 'Fit time of the final model (s)',
    higherIsBetter: false,
    read: (_r, m) => m.timings?.fitSeconds ?? null,
  },
  {
    name: 'durationSeconds',
    label: 'Whole run (s)',
    higherIsBetter: false,
    read: (r) => (r.durationMs === null || r.durationMs === undefined ? null : r.durationMs / 1000),
  },
  {
    name: 'modelBytes',
    label: 'Model size (gzip bytes)',
    higherIsBetter: false,
    read: (r) => (r.artifact as { gzipBytes?: number } | null)?.gzipBytes ?? null,
  },
];

const metricsOf = (run: TrainingRun) => (run.metrics ?? {}) as StoredMetrics;

/** The figure a run is ranked by: test accuracy when it was tested on another dataset, else evaluation. */
export function headlineMetric(run: TrainingRun): { name: string; value: number } | null {
  const m = metricsOf(run);
  if (m.test) return { name: 'test.accuracy', value: m.test.accuracy };
  const e = evalFigure(m, 'accuracy');
  return e === null ? null : { name: 'evaluation.accuracy', value: e };
}

export interface MetricComparison {
  readonly name: string;
  readonly label: string;
  readonly higherIsBetter: boolean;
  /** One per run, in the order asked; null where the run has no such figure. */
  readonly values: readonly (number | null)[];
  /** value − the baseline's (first run's) value; null where either is missing. */
  readonly deltas: readonly (number | null)[];
  /** The run with the best value (the first of equals); null when no run has one. */
  readonly bestRunId: number | null;
}

export interface ConfigDifference {
  /** A dotted config path (`model.C`, `features.blocks.1.ngramRange`) or `dataset`, `testDataset`, `preset`. */
  readonly path: string;
  /** One per run; null where the run does not have the setting. */
  readonly values: readonly unknown[];
}

export interface RunComparison {
  readonly runs: readonly TrainingRun[];
  readonly baselineRunId: number;
  /** Every figure at least one of the runs has. */
  readonly metrics: readonly MetricComparison[];
  /** Only the settings that differ between the runs. */
  readonly configDifferences: readonly ConfigDifference[];
}

/** Leaves of a JSON value by dotted path; arrays of scalars (e.g. `ngramRange`) are one leaf. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  const isScalarArray =
    Array.isArray(value) && value.every((x) => x === null || typeof x !== 'object');
  if (value !== null && typeof value === 'object' && !isScalarArray) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value as Record<string, unknown>);
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, out);
    if (entries.length === 0) out.set(prefix, value);
    return;
  }
  out.set(prefix, value);
}

const refId = (ref: unknown) => (ref as { id: number } | null)?.id ?? null;

/**
 * Runs side by side: each figure with its difference from the first run (the baseline) and the best run for
 * it, and the settings (config, datasets, preset) that differ between them.
 */
export function compareRuns(runs: readonly TrainingRun[]): RunComparison {
  if (runs.length === 0) throw new RangeError('compareRuns: no runs');
  const metrics: MetricComparison[] = [];
  for (const def of COMPARED_METRICS) {
    const values = runs.map((r) => def.read(r, metricsOf(r)));
    if (values.every((v) => v === null)) continue;
    const base = values[0] ?? null;
    let best: number | null = null;
    values.forEach((v, i) => {
      if (v === null) return;
      const current = best === null ? null : values[best]!;
      if (current === null || (def.higherIsBetter ? v > current : v < current)) best = i;
    });
    metrics.push({
      name: def.name,
      label: def.label,
      higherIsBetter: def.higherIsBetter,
      values,
      deltas: values.map((v) => (v === null || base === null ? null : v - base)),
      bestRunId: best === null ? null : runs[best]!.id,
    });
  }
  const flat = runs.map((r) => {
    const out = new Map<string, unknown>([
      ['dataset', refId(r.dataset)],
      ['testDataset', refId(r.testDataset)],
      ['preset', r.preset ?? null],
    ]);
    flatten(r.config, '', out);
    return out;
  });
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))];
  const configDifferences = paths.flatMap((path) => {
    const values = flat.map((f) => (f.has(path) ? f.get(path) : null));
    const distinct = new Set(values.map((v) => JSON.stringify(v ?? null)));
    return distinct.size > 1 ? [{ path, values }] : [];
  });
  return { runs, baselineRunId: runs[0]!.id, metrics, configDifferences };
}

export interface ExperimentSummary {
  readonly name: string;
  readonly runCount: number;
  readonly completedRuns: number;
  /** The completed run with the best headline figure (see {@link headlineMetric}). */
  readonly bestRun: TrainingRun | null;
  /** `test.accuracy` when some run of the experiment was scored on a test dataset, else `evaluation.accuracy`. */
  readonly bestMetric: string | null;
  readonly bestValue: number | null;
  readonly lastRunAt: Date;
}

/** Every experiment (runs grouped by their `experiment` name), most recently run first. */
export async function listExperiments(em: EntityManager): Promise<ExperimentSummary[]> {
  const runs = await em.find(
    TrainingRunSchema,
    { experiment: { $ne: null } },
    { orderBy: { id: 'asc' } },
  );
  const groups = new Map<string, TrainingRun[]>();
  for (const run of runs) {
    const list = groups.get(run.experiment!) ?? [];
    list.push(run);
    groups.set(run.experiment!, list);
  }
  const summaries = [...groups].map(([name, list]): ExperimentSummary => {
    const completed = list.filter((r) => r.status === 'completed');
    const tested = completed.some((r) => metricsOf(r).test);
    const bestMetric = tested ? 'test.accuracy' : 'evaluation.accuracy';
    const def = COMPARED_METRICS.find((d) => d.name === bestMetric)!;
    let bestRun: TrainingRun | null = null;
    let bestValue: number | null = null;
    for (const run of completed) {
      const value = def.read(run, metricsOf(run));
      if (value !== null && (bestValue === null || value > bestValue)) {
        bestRun = run;
        bestValue = value;
      }
    }
    return {
      name,
      runCount: list.length,
      completedRuns: completed.length,
      bestRun,
      bestMetric: bestRun ? bestMetric : null,
      bestValue,
      lastRunAt: new Date(Math.max(...list.map((r) => r.createdAt.getTime()))),
    };
  });
  return summaries.sort((a, b) => b.lastRunAt.getTime() - a.lastRunAt.getTime());
}
