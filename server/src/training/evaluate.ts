import { Rng } from './random.ts';

/** One cross-validation fold: row indices to train on and to test on. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * Stratified k-fold: every example lands in exactly one test fold, and each class is spread over the folds
 * as evenly as its size allows.
 *
 * How classes smaller than k are handled: each class's examples are shuffled and dealt round-robin to the
 * folds, starting where the previous class stopped (so fold sizes stay within one of each other). A class with
 * m < k examples therefore appears in the test side of exactly m folds, once each, and every one of those
 * test examples still has m − 1 examples of its class in training. Only a class with a single example is
 * tested without a training example of its own; that cannot be avoided while every example is tested once,
 * and such classes are listed in `singletonClasses`.
 *
 * @param labels the class of each example (any comparable value)
 */
export function stratifiedKFold(
  labels: readonly (string | number)[],
  k: number,
  seed = 42,
): { folds: Fold[]; singletonClasses: (string | number)[] } {
  if (!Number.isInteger(k) || k < 2)
    throw new RangeError(`stratifiedKFold: k must be an integer >= 2, got ${k}`);
  if (labels.length < k) {
    throw new RangeError(`stratifiedKFold: ${labels.length} examples cannot fill ${k} folds`);
  }
  const rng = new Rng(seed);
  const foldOf = new Int32Array(labels.length);
  const singletonClasses: (string | number)[] = [];
  let next = 0;
  for (const [label, members] of groupByClass(labels)) {
    if (members.length === 1) singletonClasses.push(label);
    rng.shuffle(members);
    for (const i of members) {
      foldOf[i] = next;
      next = (next + 1) % k;
    }
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < labels.length; i++) (foldOf[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return { folds, singletonClasses };
}

/**
 * Stratified train/test split: each class sends `round(m × testFraction)` of its m examples to the test side,
 * but at least one when m ≥ 2 (so every class with two examples is tested) and never all of them (so every
 * class keeps a training example).
 */
export function stratifiedSplit(
  labels: readonly (string | number)[],
  testFraction: number,
  seed = 42,
): Fold {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`stratifiedSplit: testFraction must be in (0, 1), got ${testFraction}`);
  }
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const members of groupByClass(labels).values()) {
    rng.shuffle(members);
    const m = members.length;
    const nTest = m < 2 ? 0 : Math.min(m - 1, Math.max(1, Math.round(m * testFraction)));
    members.forEach((i, r) => {
      (r < nTest ? test : train).push(i);
    });
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), test: sorted(test) };
}

/**
 * Up to `perClass` examples of each class, drawn at random (all of a smaller class), in the original order.
 */
export function samplePerClass(
  labels: readonly (string | number)[],
  perClass: number,
  seed = 42,
): Int32Array {
  const rng = new Rng(seed);
  const picked: number[] = [];
  for (const members of groupByClass(labels).values()) {
    picked.push(...rng.shuffle(members).slice(0, perClass));
  }
  return Int32Array.from(picked).sort();
}

function groupByClass(labels: readonly (string | number)[]): Map<string | number, number[]> {
  const groups = new Map<string | number, number[]>();
  labels.forEach((label, i) => {
    const members = groups.get(label);
    if (members) members.push(i);
    else groups.set(label, [i]);
  });
  // Sorted class order, so the folds depend on the seed and the data, not on the order rows arrive in.
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Precision, recall and F1 of one class. */
export interface ClassMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** How many test examples have this class. */
  readonly support: number;
}

/** How well a classifier did on a labelled test set. */
export interface ClassificationMetrics {
  readonly accuracy: number;
  /** Unweighted mean of the per-class F1 over the classes present in the test set or predicted. */
  readonly macroF1: number;
  /** Share of examples whose true class is among the three best-scored classes (null without scores). */
  readonly top3Accuracy: number | null;
  readonly perClass: readonly ClassMetrics[];
  /** `confusion[t][p]`: examples of true class t predicted as p, in the order of `labels`. */
  readonly confusion: readonly (readonly number[])[];
  readonly labels: readonly string[];
  readonly n: number;
}

/**
 * Metrics from a confusion matrix. Precision of a never-predicted class and recall of an absent class are 0,
 * as scikit-learn's `zero_division=0`; classes that are neither in the test set nor predicted are left out of
 * the macro average, as scikit-learn does when it is given the observed labels.
 */
export function metricsFromConfusion(
  confusion: readonly (readonly number[])[],
  labels: readonly string[],
  top3Accuracy: number | null = null,
): ClassificationMetrics {
  const k = labels.length;
  if (confusion.length !== k || confusion.some((row) => row.length !== k)) {
    throw new RangeError(`metricsFromConfusion: the matrix must be ${k} × ${k} for ${k} labels`);
  }
  let n = 0;
  let correct = 0;
  const predicted = new Array<number>(k).fill(0);
  confusion.forEach((row, t) => {
    row.forEach((count, p) => {
      n += count;
      predicted[p]! += count;
      if (t === p) correct += count;
    });
  });
  let f1Sum = 0;
  let present = 0;
  const perClass = labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const precision = predicted[c]! > 0 ? tp / predicted[c]! : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (support > 0 || predicted[c]! > 0) {
      f1Sum += f1;
      present++;
    }
    return { label, precision, recall, f1, support };
  });
  return {
    accuracy: n > 0 ? correct / n : 0,
    macroF1: present > 0 ? f1Sum / present : 0,
    top3Accuracy,
    perClass,
    confusion: confusion.map((row) => [...row]),
    labels: [...labels],
    n,
  };
}

/**
 * Metrics of scored predictions: `scores` is row-major `n × labels.length` (any monotone score: raw
 * decision values or probabilities), `yTrue` the class index of each row.
 */
export function evaluateScores(
  scores: Float64Array,
  yTrue: ArrayLike<number>,
  labels: readonly string[],
): ClassificationMetrics {
  const k = labels.length;
  if (scores.length !== yTrue.length * k) {
    throw new RangeError(
      `evaluateScores: ${scores.length} scores for ${yTrue.length} rows × ${k} classes`,
    );
  }
  const confusion = labels.map(() => new Array<number>(k).fill(0));
  let top3 = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const o = i * k;
    let best = 0;
    let above = 0; // classes scored strictly higher than the true class
    for (let c = 0; c < k; c++) {
      if (scores[o + c]! > scores[o + best]!) best = c;
      if (scores[o + c]! > scores[o + t]!) above++;
    }
    confusion[t]![best]!++;
    if (above < 3) top3++;
  }
  return metricsFromConfusion(confusion, labels, yTrue.length > 0 ? top3 / yTrue.length : 0);
}

/** Mean and standard deviation (population) of a list of numbers. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
