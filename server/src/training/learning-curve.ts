import { parseTrainingConfig } from './config.ts';
import { meanStd, samplePerClass } from './evaluate.ts';
import { analyzeCorpus, Vectorizer } from './features.ts';
import {
  checkData,
  type LabelledTexts,
  ModelFitter,
  type ProgressCallback,
  ProgressTracker,
  pick,
  scoreTestSet,
} from './pipeline.ts';

/** One point of a learning curve. */
export interface LearningCurvePoint {
  /** Examples per intent the model was trained on; null for all of them. */
  readonly perClass: number | null;
  /** Mean number of training examples over the repeats. */
  readonly trainExamples: number;
  readonly accuracy: { mean: number; std: number };
  readonly macroF1: { mean: number; std: number };
  readonly repeats: number;
}

/** Options of {@link learningCurve}. */
export interface LearningCurveOptions {
  /** Examples per intent; null means all. Default 1, 3, 10, 30, all. */
  readonly sizes?: readonly (number | null)[];
  /** Random draws per size (seeds `config.seed`, `+1`, …); "all" is drawn once. Default 1. */
  readonly repeats?: number;
  readonly threads?: number;
  readonly onProgress?: ProgressCallback;
}

/**
 * Trains on 1, 3, 10, 30 and all examples per intent of `train` and scores each model on `test`: the
 * curve that says how many real examples per intent a synthetic dataset is worth (docs/benchmarks.md, "Baselines"). The
 * config's own evaluation is not used; every point is scored on `test`.
 */
export async function learningCurve(
  train: LabelledTexts,
  test: LabelledTexts,
  configInput: unknown,
  options: LearningCurveOptions = {},
): Promise<LearningCurvePoint[]> {
  const config = parseTrainingConfig(configInput);
  checkData(train, 'training data');
  checkData(test, 'test data', 1);
  const sizes = options.sizes ?? [1, 3, 10, 30, null];
  for (const size of sizes) {
    if (size !== null && !(Number.isInteger(size) && size >= 1)) {
      throw new RangeError(`learningCurve: sizes must be integers >= 1 or null, got ${size}`);
    }
  }
  const repeats = Math.max(1, options.repeats ?? 1);
  const runs = sizes.map((size) => (size === null ? 1 : repeats));
  const progress = new ProgressTracker(
    performance.now(),
    runs.reduce((a, b) => a + b, 0),
    options.onProgress,
  );
  const fitter = new ModelFitter(config.model.kind === 'svm', options.threads);
  const points: LearningCurvePoint[] = [];
  try {
    for (const [s, size] of sizes.entries()) {
      const accuracies: number[] = [];
      const f1s: number[] = [];
      let examples = 0;
      for (let r = 0; r < runs[s]!; r++) {
        const subset =
          size === null ? train : pick(train, samplePerClass(train.labels, size, config.seed + r));
        const classes = [...new Set(subset.labels)].sort();
        const index = new Map(classes.map((c, i) => [c, i]));
        const corpus = analyzeCorpus(subset.texts, config.features);
        const vectorizer = Vectorizer.fitAnalyzed(corpus);
        const model = await fitter.fit(
          vectorizer.transformAnalyzed(corpus),
          subset.labels.map((l) => index.get(l)!),
          classes.length,
          config,
          (p) => progress.fit('learning_curve', s, sizes.length, p),
        );
        const metrics = scoreTestSet(vectorizer, model, classes, test);
        accuracies.push(metrics.accuracy);
        f1s.push(metrics.macroF1);
        examples += subset.texts.length;
        progress.unitDone();
      }
      points.push({
        perClass: size,
        trainExamples: examples / runs[s]!,
        accuracy: meanStd(accuracies),
        macroF1: meanStd(f1s),
        repeats: runs[s]!,
      });
    }
  } finally {
    await fitter.close();
  }
  progress.report('done', null, null);
  return points;
}
