import type { CsrMatrix } from '../sparse.ts';
import { minimizeLbfgs } from './lbfgs.ts';
import { type FitProgressCallback, LinearModel } from './linear.ts';
import { checkLabels } from './svm.ts';

/** Hyperparameters of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as scikit-learn's C. */
  readonly C?: number;
  /** Stop when max |∇f| falls below this. */
  readonly tol?: number;
  readonly maxIter?: number;
  readonly onProgress?: FitProgressCallback;
}

/**
 * The multinomial logistic-regression objective over `θ = [W (nFeatures × k, feature-major), b (k)]`:
 *
 *   f(θ) = (1/n) Σᵢ −log softmax(xᵢW + b)[yᵢ] + ‖W‖² / (2Cn)
 *
 * which has the same minimiser as scikit-learn's `C Σ CE + ½‖W‖²` (the intercept is not penalised) but
 * stays O(1) in size, so tolerances mean the same on any dataset. Exported for the gradient check.
 */
export function softmaxObjective(
  x: CsrMatrix,
  y: ArrayLike<number>,
  k: number,
  C: number,
): (theta: Float64Array, grad: Float64Array) => number {
  const n = x.nRows;
  const nW = x.nCols * k;
  const { indptr, indices, values } = x;
  const residual = new Float64Array(k);
  return (theta, grad) => {
    const penalty = 1 / (C * n);
    let loss = 0;
    grad.fill(0);
    for (let j = 0; j < nW; j++) {
      loss += 0.5 * penalty * theta[j]! * theta[j]!;
      grad[j] = penalty * theta[j]!;
    }
    for (let i = 0; i < n; i++) {
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      for (let c = 0; c < k; c++) residual[c] = theta[nW + c]!;
      for (let p = start; p < end; p++) {
        const v = values[p]!;
        const w = indices[p]! * k;
        for (let c = 0; c < k; c++) residual[c]! += v * theta[w + c]!;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, residual[c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(residual[c]! - max);
        residual[c] = e;
        sum += e;
      }
      const yi = y[i]!;
      loss += (Math.log(sum) - Math.log(residual[yi]!)) / n;
      // residual := (p − onehot(y)) / n, the gradient of the loss with respect to the scores.
      for (let c = 0; c < k; c++) residual[c] = residual[c]! / sum / n;
      residual[yi]! -= 1 / n;
      for (let c = 0; c < k; c++) grad[nW + c]! += residual[c]!;
      for (let p = start; p < end; p++) {
        const v = values[p]!;
        const w = indices[p]! * k;
        for (let c = 0; c < k; c++) grad[w + c]! += v * residual[c]!;
      }
    }
    return loss;
  };
}

/**
 * Multinomial logistic regression with an L2 penalty, fitted by L-BFGS on the full softmax objective
 * ({@link softmaxObjective}). No npm package fits sparse multinomial models (ml-logistic-regression is dense,
 * one-vs-rest and plain gradient descent), hence this.
 */
export function fitLogisticRegression(
  x: CsrMatrix,
  y: ArrayLike<number>,
  nClasses: number,
  options: LogisticRegressionOptions = {},
): LinearModel {
  checkLabels(x, y, nClasses);
  const maxIter = options.maxIter ?? 300;
  const objective = softmaxObjective(x, y, nClasses, options.C ?? 10);
  const theta0 = new Float64Array(x.nCols * nClasses + nClasses);
  const result = minimizeLbfgs(objective, theta0, {
    maxIter,
    gradTol: options.tol ?? 1e-5,
    onIteration: (step, loss) => options.onProgress?.({ step, steps: maxIter, loss }),
  });
  const nW = x.nCols * nClasses;
  return new LinearModel({
    kind: 'logreg',
    nFeatures: x.nCols,
    nClasses,
    weights: Float32Array.from(result.x.subarray(0, nW)),
    bias: Float64Array.from(result.x.subarray(nW)),
  });
}
