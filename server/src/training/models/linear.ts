import * as v from 'valibot';
import { type CsrMatrix, decodeFloat32, encodeFloat32, linearScores } from '../sparse.ts';

/** Progress of one model fit: `step` of `steps` (classes for the SVM, iterations for L-BFGS). */
export interface FitProgress {
  readonly step: number;
  readonly steps: number;
  /** The objective being minimised, where the solver has it at hand. */
  readonly loss?: number;
  /**
   * Passes over the data the solver made for this step, where it counts them (the SVM: passes of its dual
   * coordinate descent for this class, liblinear's and scikit-learn's `n_iter_`).
   */
  readonly iterations?: number;
}

/** Called by the solvers as they go; the caller decides how often to forward it. */
export type FitProgressCallback = (progress: FitProgress) => void;

/** The serialised form of a {@link LinearModel}, for model artifacts. */
export const LinearModelJsonSchema = v.object({
  kind: v.picklist(['svm', 'logreg', 'nb']),
  nFeatures: v.pipe(v.number(), v.integer(), v.minValue(0)),
  nClasses: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Feature-major weights, `W[j * nClasses + c]`, base64 float32. */
  weights: v.string(),
  bias: v.array(v.number()),
  temperature: v.pipe(v.number(), v.gtValue(0)),
});
export type LinearModelJson = v.InferOutput<typeof LinearModelJsonSchema>;

/**
 * A fitted linear classifier: every model here scores a row as `x · W + b` (complement naive Bayes included,
 * whose weights are its log complement probabilities). Probabilities are `softmax(temperature × scores)`;
 * the pipeline fits the temperature on held-out scores for every model kind (calibration, pipeline.ts).
 */
export class LinearModel {
  readonly kind: LinearModelJson['kind'];
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  temperature: number;

  constructor(init: {
    kind: LinearModelJson['kind'];
    nFeatures: number;
    nClasses: number;
    weights: Float32Array;
    bias: Float64Array;
    temperature?: number;
  }) {
    if (init.weights.length !== init.nFeatures * init.nClasses) {
      throw new Error(
        `LinearModel: ${init.weights.length} weights for ${init.nFeatures} features × ${init.nClasses} classes`,
      );
    }
    if (init.bias.length !== init.nClasses) {
      throw new Error(`LinearModel: ${init.bias.length} biases for ${init.nClasses} classes`);
    }
    this.kind = init.kind;
    this.nFeatures = init.nFeatures;
    this.nClasses = init.nClasses;
    this.weights = init.weights;
    this.bias = init.bias;
    this.temperature = init.temperature ?? 1;
  }

  /** Raw scores, row-major `n × nClasses`. */
  decision(x: CsrMatrix): Float64Array {
    if (x.nCols !== this.nFeatures) {
      throw new Error(`LinearModel: input has ${x.nCols} features, the model ${this.nFeatures}`);
    }
    return linearScores(x, this.weights, this.bias, this.nClasses);
  }

  /** Class probabilities, row-major `n × nClasses`, each row summing to 1. */
  predictProba(x: CsrMatrix): Float64Array {
    return softmaxRows(this.decision(x), this.nClasses, this.temperature);
  }

  /** The index of the best class of each row. */
  predict(x: CsrMatrix): Int32Array {
    return argmaxRows(this.decision(x), this.nClasses);
  }

  toJSON(): LinearModelJson {
    return {
      kind: this.kind,
      nFeatures: this.nFeatures,
      nClasses: this.nClasses,
      weights: encodeFloat32(this.weights),
      bias: [...this.bias],
      temperature: this.temperature,
    };
  }

  static fromJSON(json: unknown): LinearModel {
    const parsed = v.parse(LinearModelJsonSchema, json);
    return new LinearModel({
      ...parsed,
      weights: decodeFloat32(parsed.weights),
      bias: Float64Array.from(parsed.bias),
    });
  }
}

/** Row-wise softmax of `scale × scores` (stable: the row maximum is subtracted first). */
export function softmaxRows(scores: Float64Array, k: number, scale = 1): Float64Array {
  const out = new Float64Array(scores.length);
  for (let o = 0; o < scores.length; o += k) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[o + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(scale * (scores[o + c]! - max));
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[o + c]! /= sum;
  }
  return out;
}

/** The index of the largest score of each row (the first on ties). */
export function argmaxRows(scores: Float64Array, k: number): Int32Array {
  const out = new Int32Array(scores.length / k);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[i * k + c]! > scores[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * The temperature `t` that minimises the mean negative log-likelihood of `softmax(t × scores)` on held-out
 * scores (temperature scaling, Guo et al. 2017). It changes no prediction, only how confident they are.
 * One-dimensional and unimodal in log t, so a golden-section search on [1e-2, 1e3] is enough.
 */
export function fitTemperature(scores: Float64Array, y: ArrayLike<number>, k: number): number {
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const o = i * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, t * scores[o + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(t * scores[o + c]! - max);
      total += Math.log(sum) + max - t * scores[o + y[i]!]!;
    }
    return total / Math.max(1, y.length);
  };
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = Math.log(1e-2);
  let hi = Math.log(1e3);
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  for (let iter = 0; iter < 60 && hi - lo > 1e-4; iter++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}
