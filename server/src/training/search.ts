import { parseTrainingConfig, type TrainingConfig } from './config.ts';
import { evaluateScores, meanStd, stratifiedKFold } from './evaluate.ts';
import { type AnalyzedCorpus, analyzeCorpus } from './features.ts';
import {
  checkData,
  fitAndScore,
  type LabelledTexts,
  ModelFitter,
  type ProgressCallback,
  ProgressTracker,
} from './pipeline.ts';
import { Rng } from './random.ts';

/** A value a searched parameter can take (any JSON value the config accepts at that path). */
export type ParamValue =
  | number
  | string
  | boolean
  | null
  | readonly unknown[]
  | Readonly<Record<string, unknown>>;

/**
 * A grid: config paths (dot-separated, array indices as numbers, e.g. `model.C`,
 * `features.blocks.1.ngramRange`) to the values to try. Every combination is tried.
 */
export type SearchGrid = Readonly<Record<string, readonly ParamValue[]>>;

/** A random-search space: per path, a list to draw from or a numeric range (log-uniform when `log`). */
export type SearchSpace = Readonly<
  Record<
    string,
    readonly ParamValue[] | { min: number; max: number; log?: boolean; integer?: boolean }
  >
>;

/** One evaluated configuration. */
export interface SearchTrial {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly config: TrainingConfig;
  readonly accuracy: { mean: number; std: number };
  readonly macroF1: { mean: number; std: number };
}

/** Trials sorted best first (by mean CV accuracy, then macro-F1). */
export interface SearchResult {
  readonly trials: readonly SearchTrial[];
  readonly best: SearchTrial;
  readonly folds: number;
}

/** Options of the searches. */
export interface SearchOptions {
  /** Folds of the stratified cross-validation each trial is scored by. */
  readonly folds?: number;
  readonly threads?: number;
  readonly onProgress?: ProgressCallback;
}

/** Scores every combination of `grid` applied to `base` by stratified k-fold CV (same folds for all). */
export function gridSearch(
  data: LabelledTexts,
  base: unknown,
  grid: SearchGrid,
  options: SearchOptions = {},
): Promise<SearchResult> {
  let combos: Record<string, ParamValue>[] = [{}];
  for (const [path, values] of Object.entries(grid)) {
    if (values.length === 0) throw new RangeError(`gridSearch: no values for "${path}"`);
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [path]: value })));
  }
  return runTrials(data, parseTrainingConfig(base), combos, options);
}

/** Scores `iterations` random draws from `space` applied to `base` by stratified k-fold CV. */
export function randomSearch(
  data: LabelledTexts,
  base: unknown,
  space: SearchSpace,
  options: SearchOptions & { iterations?: number; seed?: number } = {},
): Promise<SearchResult> {
  const rng = new Rng(options.seed ?? 42);
  const combos = Array.from({ length: options.iterations ?? 10 }, () => {
    const combo: Record<string, ParamValue> = {};
    for (const [path, domain] of Object.entries(space)) {
      if (Array.isArray(domain)) {
        if (domain.length === 0) throw new RangeError(`randomSearch: no values for "${path}"`);
        combo[path] = domain[rng.below(domain.length)] as ParamValue;
        continue;
      }
      const range = domain as { min: number; max: number; log?: boolean; integer?: boolean };
      if (!(range.min <= range.max) || (range.log && range.min <= 0)) {
        throw new RangeError(`randomSearch: bad range for "${path}" (${range.min}..${range.max})`);
      }
      const u = rng.float();
      const value = range.log
        ? Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min)))
        : range.min + u * (range.max - range.min);
      combo[path] = range.integer ? Math.round(value) : value;
    }
    return combo;
  });
  return runTrials(data, parseTrainingConfig(base), combos, options);
}

async function runTrials(
  data: LabelledTexts,
  base: TrainingConfig,
  combos: readonly Record<string, ParamValue>[],
  options: SearchOptions,
): Promise<SearchResult> {
  checkData(data, 'search data');
  const configs = combos.map((params) => ({ params, config: applyParams(base, params) }));
  const k = options.folds ?? 5;
  const { folds } = stratifiedKFold(data.labels, k, base.seed);
  const classes = [...new Set(data.labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(data.labels, (l) => index.get(l)!);
  const progress = new ProgressTracker(performance.now(), configs.length * k, options.onProgress);
  const fitter = new ModelFitter(
    configs.some((c) => c.config.model.kind === 'svm'),
    options.threads,
  );
  // Trials that share the feature config share one tokenisation.
  const corpora = new Map<string, AnalyzedCorpus>();
  const trials: SearchTrial[] = [];
  try {
    for (const [t, { params, config }] of configs.entries()) {
      const key = JSON.stringify(config.features);
      let corpus = corpora.get(key);
      if (!corpus) {
        corpus = analyzeCorpus(data.texts, config.features);
        corpora.set(key, corpus);
      }
      const accuracies: number[] = [];
      const f1s: number[] = [];
      for (const fold of folds) {
        const scores = await fitAndScore(corpus, y, classes.length, fold, fitter, config, (p) =>
          progress.fit('search', t, configs.length, p),
        );
        const metrics = evaluateScores(
          scores,
          Array.from(fold.test, (i) => y[i]!),
          classes,
        );
        accuracies.push(metrics.accuracy);
        f1s.push(metrics.macroF1);
        progress.unitDone();
      }
      trials.push({ params, config, accuracy: meanStd(accuracies), macroF1: meanStd(f1s) });
    }
  } finally {
    await fitter.close();
  }
  progress.report('done', null, null);
  trials.sort((a, b) => b.accuracy.mean - a.accuracy.mean || b.macroF1.mean - a.macroF1.mean);
  return { trials, best: trials[0]!, folds: k };
}

/**
 * `base` with each `path → value` set, validated. A path must already exist in the config (so a typo, or
 * `model.C` on naive Bayes, fails loudly instead of being silently dropped), except under a model replaced
 * in the same trial. A `*` step sets the rest of the path in every element of an array, e.g.
 * `features.blocks.*.maxFeatures` caps every TF-IDF block.
 */
export function applyParams(
  base: TrainingConfig,
  params: Readonly<Record<string, ParamValue>>,
): TrainingConfig {
  let config = structuredClone(base) as unknown as Record<string, unknown>;
  // Shallow paths first (e.g. a whole `model`), re-validated so their defaults exist for deeper paths.
  const entries = Object.entries(params).sort(
    ([a], [b]) => a.split('.').length - b.split('.').length,
  );
  let depthDone = 0;
  for (const [path, value] of entries) {
    const keys = path.split('.');
    if (keys.length > depthDone && depthDone > 0) {
      config = parseTrainingConfig(config) as unknown as Record<string, unknown>;
    }
    depthDone = keys.length;
    setPath(config, keys, value, path);
  }
  return parseTrainingConfig(config);
}

/** A parameter path the config does not have. */
export class UnknownParamError extends RangeError {
  override name = 'UnknownParamError';
  constructor(readonly path: string) {
    super(`Unknown parameter "${path}" for this config`);
  }
}

function setPath(node: unknown, keys: readonly string[], value: ParamValue, path: string): void {
  const [key, ...rest] = keys;
  const unknown = () => new UnknownParamError(path);
  if (key === undefined || node === null || typeof node !== 'object') throw unknown();
  if (key === '*') {
    if (!Array.isArray(node) || node.length === 0 || rest.length === 0) throw unknown();
    for (const child of node) setPath(child, rest, value, path);
    return;
  }
  const record = node as Record<string, unknown>;
  if (!(key in record)) throw unknown();
  if (rest.length === 0) record[key] = structuredClone(value);
  else setPath(record[key], rest, value, path);
}
