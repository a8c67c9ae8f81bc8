import * as v from 'valibot';
import {
  type ModelConfig,
  parseTrainingConfig,
  type TrainingConfig,
  TrainingConfigSchema,
} from './config.ts';
import {
  type ClassificationMetrics,
  evaluateScores,
  type Fold,
  meanStd,
  samplePerClass,
  stratifiedKFold,
  stratifiedSplit,
} from './evaluate.ts';
import {
  type AnalyzedCorpus,
  analyzeCorpus,
  Vectorizer,
  VectorizerJsonSchema,
} from './features.ts';
import {
  type FitProgress,
  fitTemperature,
  LinearModel,
  LinearModelJsonSchema,
} from './models/linear.ts';
import { fitLogisticRegression } from './models/logreg.ts';
import { fitComplementNaiveBayes } from './models/naive-bayes.ts';
import { fitLinearSvm } from './models/svm.ts';
import { SvmThreadPool } from './models/svm-pool.ts';
import type { CsrMatrix } from './sparse.ts';
import { defaultThreads } from './threads.ts';

/** Texts with their intent labels, as a training or test set. */
export interface LabelledTexts {
  readonly texts: readonly string[];
  readonly labels: readonly string[];
  /**
   * Training on several datasets: rows `[0, primary)` are the run's own data, which cross-validation and the
   * hold-out split (and `maxExamplesPerClass`) apply to; the rows after them (other datasets, already repeated by
   * their weights) join every training fold and are never tested on, so the figures stay on the primary data.
   * Default: every row.
   */
  readonly primary?: number;
  /**
   * Per row, the real texts it was seeded from (synthetic items of a seeded generation, docs/curation.md
   * "Augment"); null or absent for the others. An extra row seeded from a text that a fold (or the hold-out
   * split) tests is left out of that fold's training, so a variation of a test text never trains the model
   * that is scored on it. Matched on {@link seedKey}. Absent: no row is seeded.
   */
  readonly seededFrom?: readonly (readonly string[] | null)[];
}

/**
 * How a seed and a real text are matched when a fold leaves out the rows seeded from its test texts: case and
 * runs of white space ignored, and the first 300 characters only (a seed is a real text cut to 500).
 */
export function seedKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 300);
}

/** Where a training run is. */
export type TrainingStage =
  | 'features'
  | 'cross_validation'
  | 'holdout'
  | 'fitting'
  | 'testing'
  | 'learning_curve'
  | 'search'
  | 'done';

/** A progress report, as the worker forwards it to subscribers. */
export interface TrainingProgress {
  readonly stage: TrainingStage;
  /** 1-based fold (or learning-curve point, or search trial) being fitted, when the stage has them. */
  readonly fold: number | null;
  readonly folds: number | null;
  /** Solver progress inside the current fit: classes done (SVM) or L-BFGS iterations. */
  readonly iteration: number | null;
  readonly iterations: number | null;
  readonly loss: number | null;
  /** Share of the whole job done, 0..1. */
  readonly fraction: number;
  readonly elapsedSeconds: number;
  /** Estimated seconds left, once enough is done to say. */
  readonly etaSeconds: number | null;
}

export type ProgressCallback = (progress: TrainingProgress) => void;

/** Cross-validation or hold-out figures of a run. */
export type EvaluationSummary =
  | {
      readonly kind: 'cv';
      readonly folds: number;
      readonly accuracy: { mean: number; std: number };
      readonly macroF1: { mean: number; std: number };
      readonly foldAccuracies: readonly number[];
      /** Metrics of the pooled out-of-fold predictions (every example predicted once). */
      readonly pooled: ClassificationMetrics;
      /** Classes with one example, tested without a training example of their own (see stratifiedKFold). */
      readonly singletonClasses: readonly string[];
      /**
       * Per fold, the seeded rows left out of its training because they were seeded from a text it tests
       * (`LabelledTexts.seededFrom`). Present only when some row is seeded.
       */
      readonly seededExcluded?: readonly number[];
      /** Seeded rows in all (each counted once per copy its weight made). Present with `seededExcluded`. */
      readonly seededRows?: number;
    }
  | {
      readonly kind: 'holdout';
      readonly testFraction: number;
      readonly metrics: ClassificationMetrics;
      /** The seeded rows left out because they were seeded from a text of the split's test part. */
      readonly seededExcluded?: readonly number[];
      readonly seededRows?: number;
    };

/** The versioned, JSON-serialisable model: everything {@link loadModel} needs, nothing else. */
export const ModelArtifactSchema = v.object({
  format: v.literal('genesis-lab/intent-classifier'),
  version: v.literal(1),
  classes: v.pipe(v.array(v.string()), v.minLength(2)),
  config: TrainingConfigSchema,
  vectorizer: VectorizerJsonSchema,
  model: LinearModelJsonSchema,
  trainExamples: v.pipe(v.number(), v.integer(), v.minValue(0)),
  trainedAt: v.string(),
});
export type ModelArtifact = v.InferOutput<typeof ModelArtifactSchema>;

/** What a training run returns. */
export interface TrainingResult {
  readonly artifact: ModelArtifact;
  readonly evaluation: EvaluationSummary | null;
  /** Metrics on the separate test set, when one was given (train on synthetic, test on real). */
  readonly test: ClassificationMetrics | null;
  readonly timings: {
    /** Tokenising, vectorizer and model on all the training data: the cost of the deployable model. */
    readonly fitSeconds: number;
    readonly evaluationSeconds: number;
    readonly totalSeconds: number;
  };
}

/** Options of {@link trainClassifier}. */
export interface TrainOptions {
  /** A labelled test set scored with the final model. */
  readonly test?: LabelledTexts;
  readonly onProgress?: ProgressCallback;
  /**
   * Threads for the SVM's one-vs-rest problems (default: every core). 1 fits on the calling thread.
   * The other models are single-threaded.
   */
  readonly threads?: number;
}

/**
 * The SVM's probability temperature when there was no held-out data to fit it on. Fitted values on
 * Banking77-like data sit around this (margins near ±1 need a sharp softmax to mean anything).
 */
export const DEFAULT_SVM_TEMPERATURE = 6;

/**
 * Every model's probabilities are calibrated by temperature scaling (`fitTemperature` in models/linear.ts): the
 * temperature is fitted on held-out scores (out-of-fold under CV, the hold-out split otherwise), so a model's
 * confidence matches its measured accuracy (a model's own probabilities can be far off either way).
 * Without held-out data the SVM keeps {@link DEFAULT_SVM_TEMPERATURE} and the probabilistic models their own
 * probabilities (temperature 1).
 */
function defaultTemperature(kind: TrainingConfig['model']['kind']): number {
  return kind === 'svm' ? DEFAULT_SVM_TEMPERATURE : 1;
}

/**
 * Trains an intent classifier: features and model as `config` says, evaluated as `config.evaluation` says
 * (the vectorizer is refitted inside each fold, so no test text leaks into the vocabulary or idf), then
 * fitted on all the data for the artifact. CPU-bound between awaits: run it in a worker (see run.ts).
 */
export async function trainClassifier(
  data: LabelledTexts,
  configInput: unknown,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  const started = performance.now();
  const config = parseTrainingConfig(configInput);
  const fitter = new ModelFitter(config.model.kind === 'svm', options.threads);
  try {
    return await train(data, config, options, fitter, started);
  } finally {
    await fitter.close();
  }
}

async function train(
  data: LabelledTexts,
  config: TrainingConfig,
  options: TrainOptions,
  fitter: ModelFitter,
  started: number,
): Promise<TrainingResult> {
  let train = checkData(data, 'training data');
  if (options.test) checkData(options.test, 'test data', 1);
  let primary = Math.min(train.texts.length, Math.max(0, data.primary ?? train.texts.length));
  const extraRows = Array.from({ length: train.texts.length - primary }, (_, i) => primary + i);
  // Seed provenance of the extra rows, in their order (which the sampling below keeps).
  const seeds = data.seededFrom
    ? extraRows.map((row) => data.seededFrom![row]?.map(seedKey) ?? null)
    : null;
  if (config.maxExamplesPerClass !== null) {
    const rows = samplePerClass(
      train.labels.slice(0, primary),
      config.maxExamplesPerClass,
      config.seed,
    );
    train = pick(train, [...rows, ...extraRows]);
    primary = rows.length;
  }
  const extras = Int32Array.from(extraRows, (_, i) => primary + i);
  const seededRows = seeds ? seeds.filter((s) => s && s.length > 0).length : 0;
  const excluded: number[] = [];
  /** A fold's training rows: its own, and every extra row not seeded from a text it tests. */
  const withExtras = (fold: Fold): Fold => {
    if (!extras.length) return fold;
    if (seededRows === 0) {
      return { train: Int32Array.from([...fold.train, ...extras]), test: fold.test };
    }
    const tested = new Set(Array.from(fold.test, (i) => seedKey(train.texts[i]!)));
    const kept = Array.from(extras).filter((_, i) => !seeds![i]?.some((key) => tested.has(key)));
    excluded.push(extras.length - kept.length);
    return { train: Int32Array.from([...fold.train, ...kept]), test: fold.test };
  };
  const seededReport = () => (seededRows > 0 ? { seededExcluded: [...excluded], seededRows } : {});
  const primaryLabels = train.labels.slice(0, primary);
  const classes = [...new Set(train.labels)].sort();
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(train.labels, (l) => classIndex.get(l)!);
  const evaluation = config.evaluation;
  const units =
    (evaluation.kind === 'cv' ? evaluation.folds : evaluation.kind === 'holdout' ? 1 : 0) + 1;
  const progress = new ProgressTracker(started, units, options.onProgress);

  progress.report('features', null, null);
  const analyzeStarted = performance.now();
  const corpus = analyzeCorpus(train.texts, config.features);
  const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;

  let summary: EvaluationSummary | null = null;
  let temperature = defaultTemperature(config.model.kind);
  const evalStarted = performance.now();
  if (evaluation.kind === 'cv') {
    const { folds, singletonClasses } = stratifiedKFold(
      primaryLabels,
      evaluation.folds,
      config.seed,
    );
    const oof = new Float64Array(primary * classes.length);
    const foldAccuracies: number[] = [];
    const foldF1: number[] = [];
    for (const [f, fold] of folds.entries()) {
      const scores = await fitAndScore(
        corpus,
        y,
        classes.length,
        withExtras(fold),
        fitter,
        config,
        (p) => progress.fit('cross_validation', f, folds.length, p),
      );
      fold.test.forEach((row, r) => {
        oof.set(
          scores.subarray(r * classes.length, (r + 1) * classes.length),
          row * classes.length,
        );
      });
      const metrics = evaluateScores(
        scores,
        Array.from(fold.test, (i) => y[i]!),
        classes,
      );
      foldAccuracies.push(metrics.accuracy);
      foldF1.push(metrics.macroF1);
      progress.unitDone();
    }
    const yPrimary = y.subarray(0, primary);
    temperature = fitTemperature(oof, yPrimary, classes.length);
    summary = {
      kind: 'cv',
      folds: folds.length,
      accuracy: meanStd(foldAccuracies),
      macroF1: meanStd(foldF1),
      foldAccuracies,
      pooled: evaluateScores(oof, yPrimary, classes),
      singletonClasses: singletonClasses.map(String),
      ...seededReport(),
    };
  } else if (evaluation.kind === 'holdout') {
    const fold = stratifiedSplit(primaryLabels, evaluation.testFraction, config.seed);
    const scores = await fitAndScore(
      corpus,
      y,
      classes.length,
      withExtras(fold),
      fitter,
      config,
      // One split, not a fold: no "fold 1 of 1" (the web page showed "Fold 2 of 1" for `balanced`).
      (p) => progress.fit('holdout', null, null, p),
    );
    const yTest = Array.from(fold.test, (i) => y[i]!);
    if (fold.test.length > 0) temperature = fitTemperature(scores, yTest, classes.length);
    summary = {
      kind: 'holdout',
      testFraction: evaluation.testFraction,
      metrics: evaluateScores(scores, yTest, classes),
      ...seededReport(),
    };
    progress.unitDone();
  }
  const evaluationSeconds = (performance.now() - evalStarted) / 1000;

  const fitStarted = performance.now();
  const vectorizer = Vectorizer.fitAnalyzed(corpus);
  const model = await fitter.fit(
    vectorizer.transformAnalyzed(corpus),
    y,
    classes.length,
    config,
    (p) => progress.fit('fitting', null, null, p),
  );
  // Tokenising is shared with the evaluation but belongs to the cost of the deployable model too.
  const fitSeconds = analyzeSeconds + (performance.now() - fitStarted) / 1000;
  model.temperature = temperature;
  progress.unitDone();

  const artifact: ModelArtifact = {
    format: 'genesis-lab/intent-classifier',
    version: 1,
    classes,
    config,
    vectorizer: vectorizer.toJSON(),
    model: model.toJSON(),
    trainExamples: train.texts.length,
    trainedAt: new Date().toISOString(),
  };
  let test: ClassificationMetrics | null = null;
  if (options.test) {
    progress.report('testing', null, null);
    test = scoreTestSet(vectorizer, model, classes, options.test);
  }
  progress.report('done', null, null);
  return {
    artifact,
    evaluation: summary,
    test,
    timings: { fitSeconds, evaluationSeconds, totalSeconds: (performance.now() - started) / 1000 },
  };
}

/**
 * Fits the configured model of a run, the SVM on a thread pool when more than one thread is allowed. The
 * pool starts at once, so its threads boot while the features are computed.
 */
export class ModelFitter {
  readonly #pool: SvmThreadPool | null;

  /** @param svm whether SVMs will be fitted (only they use the threads) */
  constructor(svm: boolean, threads = defaultThreads()) {
    this.#pool = svm && threads > 1 ? new SvmThreadPool(threads) : null;
  }

  fit(
    x: CsrMatrix,
    y: ArrayLike<number>,
    nClasses: number,
    { model, seed }: Pick<TrainingConfig, 'model' | 'seed'>,
    onProgress?: (p: FitProgress) => void,
  ): Promise<LinearModel> {
    if (this.#pool && model.kind === 'svm') {
      return this.#pool.fit(x, y, nClasses, { ...model, seed, onProgress });
    }
    return Promise.resolve(fitModel(x, y, nClasses, model, { seed, onProgress }));
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }
}

/** Fits a model on the calling thread; `y` holds class indices. */
export function fitModel(
  x: CsrMatrix,
  y: ArrayLike<number>,
  nClasses: number,
  model: ModelConfig,
  options: { seed?: number; onProgress?: (p: FitProgress) => void } = {},
): LinearModel {
  switch (model.kind) {
    case 'svm':
      return fitLinearSvm(x, y, nClasses, { ...model, ...options });
    case 'logreg':
      return fitLogisticRegression(x, y, nClasses, { ...model, onProgress: options.onProgress });
    case 'nb':
      return fitComplementNaiveBayes(x, y, nClasses, { ...model, onProgress: options.onProgress });
  }
}

/** Fits vectorizer and model on `fold.train` of an analysed corpus and returns scores of `fold.test`. */
export async function fitAndScore(
  corpus: AnalyzedCorpus,
  y: Int32Array,
  nClasses: number,
  fold: Fold,
  fitter: ModelFitter,
  config: Pick<TrainingConfig, 'model' | 'seed'>,
  onProgress?: (p: FitProgress) => void,
): Promise<Float64Array> {
  const vectorizer = Vectorizer.fitAnalyzed(corpus, fold.train);
  const model = await fitter.fit(
    vectorizer.transformAnalyzed(corpus, fold.train),
    Array.from(fold.train, (i) => y[i]!),
    nClasses,
    config,
    onProgress,
  );
  return model.decision(vectorizer.transformAnalyzed(corpus, fold.test));
}

/**
 * Scores a labelled test set. Test labels the model never saw still count (as errors): they get their own
 * rows in the confusion matrix, so an accuracy on real data is never inflated by dropping unknown intents.
 */
export function scoreTestSet(
  vectorizer: Vectorizer,
  model: LinearModel,
  classes: readonly string[],
  test: LabelledTexts,
): ClassificationMetrics {
  const unseen = [...new Set(test.labels)].filter((l) => !classes.includes(l)).sort();
  const labels = [...classes, ...unseen];
  const index = new Map(labels.map((l, i) => [l, i]));
  const raw = model.decision(vectorizer.transform(test.texts));
  const k = classes.length;
  const scores = new Float64Array(test.texts.length * labels.length).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < test.texts.length; i++) {
    scores.set(raw.subarray(i * k, (i + 1) * k), i * labels.length);
  }
  return evaluateScores(
    scores,
    test.labels.map((l) => index.get(l)!),
    labels,
  );
}

/** One predicted intent. */
export interface IntentPrediction {
  readonly intent: string;
  readonly probability: number;
}

/** A loaded model, ready to predict. */
export interface LoadedModel {
  readonly classes: readonly string[];
  readonly config: TrainingConfig;
  /** The `top` most probable intents of one text, best first. */
  predict(text: string, top?: number): IntentPrediction[];
  /** {@link LoadedModel.predict} for many texts at once (one sparse product). */
  predictMany(texts: readonly string[], top?: number): IntentPrediction[][];
}

/** Rebuilds a model from its artifact (validated: a wrong or corrupted artifact throws). */
export function loadModel(artifact: unknown): LoadedModel {
  const parsed = v.safeParse(ModelArtifactSchema, artifact);
  if (!parsed.success) {
    const where = v.getDotPath(parsed.issues[0]);
    throw new TypeError(
      `Not a model artifact: ${where ? `${where}: ` : ''}${parsed.issues[0].message}`,
    );
  }
  const { classes, config } = parsed.output;
  const vectorizer = Vectorizer.fromJSON(parsed.output.vectorizer);
  const model = LinearModel.fromJSON(parsed.output.model);
  if (model.nClasses !== classes.length || model.nFeatures !== vectorizer.nFeatures) {
    throw new TypeError(
      `Model artifact is inconsistent: ${model.nClasses} classes × ${model.nFeatures} features in the model, ` +
        `${classes.length} classes × ${vectorizer.nFeatures} features declared`,
    );
  }
  const predictMany = (texts: readonly string[], top = 3) => {
    const proba = model.predictProba(vectorizer.transform(texts));
    const k = classes.length;
    return texts.map((_, i) =>
      classes
        .map((intent, c) => ({ intent, probability: proba[i * k + c]! }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, Math.max(1, top)),
    );
  };
  return {
    classes,
    config,
    predict: (text, top = 3) => predictMany([text], top)[0]!,
    predictMany,
  };
}

/** Checks a labelled set and returns it; names the first problem precisely. */
export function checkData(data: LabelledTexts, what: string, minClasses = 2): LabelledTexts {
  if (data.texts.length !== data.labels.length) {
    throw new RangeError(`${what}: ${data.texts.length} texts but ${data.labels.length} labels`);
  }
  if (data.seededFrom && data.seededFrom.length !== data.texts.length) {
    throw new RangeError(
      `${what}: ${data.texts.length} texts but ${data.seededFrom.length} seed provenances`,
    );
  }
  data.texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new TypeError(`${what}: text ${i} is not a string`);
  });
  data.labels.forEach((l, i) => {
    if (typeof l !== 'string' || l === '') {
      throw new TypeError(`${what}: label ${i} is empty or not a string`);
    }
  });
  const nClasses = new Set(data.labels).size;
  if (nClasses < minClasses) {
    throw new RangeError(`${what}: need at least ${minClasses} distinct labels, got ${nClasses}`);
  }
  return data;
}

/** The rows `rows` of a labelled set. */
export function pick(data: LabelledTexts, rows: ArrayLike<number>): LabelledTexts {
  return {
    texts: Array.from(rows, (i) => data.texts[i]!),
    labels: Array.from(rows, (i) => data.labels[i]!),
  };
}

/** Turns solver callbacks into whole-job progress with an ETA. */
export class ProgressTracker {
  readonly #started: number;
  readonly #units: number;
  readonly #callback: ProgressCallback | undefined;
  #done = 0;

  /** @param units how many equally weighted fits the job has */
  constructor(started: number, units: number, callback: ProgressCallback | undefined) {
    this.#started = started;
    this.#units = Math.max(1, units);
    this.#callback = callback;
  }

  report(stage: TrainingStage, fold: number | null, folds: number | null, fit?: FitProgress): void {
    if (!this.#callback) return;
    const within = fit ? fit.step / Math.max(1, fit.steps) : 0;
    const fraction = stage === 'done' ? 1 : Math.min(1, (this.#done + within) / this.#units);
    const elapsedSeconds = (performance.now() - this.#started) / 1000;
    this.#callback({
      stage,
      fold,
      folds,
      iteration: fit?.step ?? null,
      iterations: fit?.steps ?? null,
      loss: fit?.loss ?? null,
      fraction,
      elapsedSeconds,
      etaSeconds: fraction >= 0.02 ? (elapsedSeconds * (1 - fraction)) / fraction : null,
    });
  }

  /** Reports solver progress inside fold `f` (0-based) of `folds`. */
  fit(stage: TrainingStage, f: number | null, folds: number | null, progress: FitProgress): void {
    this.report(stage, f === null ? null : f + 1, folds, progress);
  }

  unitDone(): void {
    this.#done++;
  }
}
