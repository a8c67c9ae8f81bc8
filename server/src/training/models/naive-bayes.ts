import type { CsrMatrix } from '../sparse.ts';
import { type FitProgressCallback, LinearModel } from './linear.ts';
import { checkLabels } from './svm.ts';

/** Hyperparameters of {@link fitComplementNaiveBayes}. */
export interface ComplementNaiveBayesOptions {
  /** Additive smoothing. */
  readonly alpha?: number;
  /** Divide each class's log weights by their sum (the paper's weight normalisation). */
  readonly norm?: boolean;
  readonly onProgress?: FitProgressCallback;
}

/**
 * Complement naive Bayes (Rennie, Shih, Teevan & Karger 2003), computed exactly as scikit-learn's
 * `ComplementNB`: for class c, `θ_cj = (α + Σ_{i∉c} x_ij) / Σ_j (α + Σ_{i∉c} x_ij)` and the weight of
 * feature j is `−log θ_cj` (or `log θ_cj / Σ_j log θ_cj` with `norm`). A row's score for c is `x · w_c`, so
 * the class whose complement explains the row worst wins. Probabilities are the softmax of those scores,
 * as scikit-learn's `predict_proba`. One pass over the data: no iterations.
 */
export function fitComplementNaiveBayes(
  x: CsrMatrix,
  y: ArrayLike<number>,
  nClasses: number,
  options: ComplementNaiveBayesOptions = {},
): LinearModel {
  checkLabels(x, y, nClasses);
  const alpha = options.alpha ?? 1;
  const k = nClasses;
  const nFeatures = x.nCols;
  // featureCount[j * k + c]: the total of feature j over the rows of class c.
  const featureCount = new Float64Array(nFeatures * k);
  const featureAll = new Float64Array(nFeatures);
  for (let i = 0; i < x.nRows; i++) {
    const c = y[i]!;
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const j = x.indices[p]!;
      featureCount[j * k + c]! += x.values[p]!;
      featureAll[j]! += x.values[p]!;
    }
  }
  const complementTotal = new Float64Array(k);
  for (let j = 0; j < nFeatures; j++) {
    for (let c = 0; c < k; c++)
      complementTotal[c]! += featureAll[j]! + alpha - featureCount[j * k + c]!;
  }
  const logged = new Float64Array(nFeatures * k);
  const loggedSum = new Float64Array(k);
  for (let j = 0; j < nFeatures; j++) {
    for (let c = 0; c < k; c++) {
      const value = Math.log(
        (featureAll[j]! + alpha - featureCount[j * k + c]!) / complementTotal[c]!,
      );
      logged[j * k + c] = value;
      loggedSum[c]! += value;
    }
  }
  const weights = new Float32Array(nFeatures * k);
  for (let j = 0; j < nFeatures; j++) {
    for (let c = 0; c < k; c++) {
      const value = logged[j * k + c]!;
      weights[j * k + c] = options.norm ? value / loggedSum[c]! : -value;
    }
  }
  options.onProgress?.({ step: 1, steps: 1 });
  return new LinearModel({ kind: 'nb', nFeatures, nClasses, weights, bias: new Float64Array(k) });
}
