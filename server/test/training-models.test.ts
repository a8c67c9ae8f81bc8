import { describe, expect, it } from 'vitest';
import { assembleSvmKernels } from '../scripts/build-svm-kernels.ts';
import { fitTemperature, LinearModel, softmaxRows } from '../src/training/models/linear.ts';
import { fitLogisticRegression, softmaxObjective } from '../src/training/models/logreg.ts';
import { fitComplementNaiveBayes } from '../src/training/models/naive-bayes.ts';
import { fitLinearSvm } from '../src/training/models/svm.ts';
import { SVM_KERNELS_WASM } from '../src/training/models/svm-kernels.wasm.ts';
import { SvmThreadPool } from '../src/training/models/svm-pool.ts';
import { ModelFitter } from '../src/training/pipeline.ts';
import { Rng } from '../src/training/random.ts';
import { type CsrMatrix, csrFromDense } from '../src/training/sparse.ts';

// Three well-separated clusters in 3-D: any linear model must get them all right.
const clusters = csrFromDense([
  [1, 0.1, 0],
  [0.9, 0, 0.1],
  [1.1, 0.2, 0],
  [0, 1, 0.1],
  [0.1, 0.9, 0],
  [0, 1.2, 0.2],
  [0.1, 0, 1],
  [0, 0.2, 0.9],
  [0.2, 0.1, 1.1],
]);
const clusterLabels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
// One feature, x = +1 for class 1 and x = −1 for class 0: symmetric, so the intercept is 0 and the optimum
// has a closed form (or a one-line equation) for each model.
const symmetric = csrFromDense([[1], [-1]]);
const symmetricLabels = [1, 0];
// Four overlapping clusters in 12-D with 15% of the labels flipped: not separable, so the SVM's dual needs
// many passes, and where it stops depends on its tolerance.
const noisyRng = new Rng(3);
const noisyLabels = Array.from({ length: 240 }, (_, i) =>
  noisyRng.float() < 0.15 ? noisyRng.below(4) : i % 4,
);
const noisy = csrFromDense(
  noisyLabels.map((label) =>
    Array.from({ length: 12 }, (_, j) => (j % 4 === label ? 1 : 0) + noisyRng.float() - 0.5),
  ),
);

/** Fits the SVM and returns the model with the passes each class took (in class order when fitted in turn). */
function svmPasses(options: Parameters<typeof fitLinearSvm>[3]) {
  const passes: number[] = [];
  const model = fitLinearSvm(noisy, noisyLabels, 4, {
    ...options,
    onProgress: (p) => passes.push(p.iterations!),
  });
  return { model, passes };
}
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const distance = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.sqrt(Array.from(a, (x, i) => (x - b[i]!) ** 2).reduce((s, d) => s + d, 0));

function bisect(f: (w: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('linear SVM (one-vs-rest, squared hinge, dual coordinate descent)', () => {
  it('separates separable clusters', () => {
    const model = fitLinearSvm(clusters, clusterLabels, 3, { C: 10 });
    expect([...model.predict(clusters)]).toEqual(clusterLabels);
  });

  it('finds the hand-derived optimum w = 4C / (1 + 4C) on the symmetric problem', () => {
    // ½w² + ½b² + C Σ max(0, 1 − y(wx + b))² with b = 0: w − 4C(1 − w) = 0. scikit-learn's LinearSVC(C=1)
    // gives coef 0.8, intercept 0 on the same data.
    for (const C of [0.25, 1, 4]) {
      const model = fitLinearSvm(symmetric, symmetricLabels, 2, { C, tol: 1e-10 });
      expect(model.weights[1]).toBeCloseTo((4 * C) / (1 + 4 * C), 5);
      expect(model.weights[0]).toBeCloseTo(-(4 * C) / (1 + 4 * C), 5);
      expect(model.bias[1]).toBeCloseTo(0, 5);
    }
  });

  it('gives the same model on a thread pool as on the calling thread', async () => {
    const pool = new SvmThreadPool(2);
    try {
      const options = { C: 1, seed: 7, tol: 1e-6 };
      const pooled = await pool.fit(clusters, clusterLabels, 3, options);
      const local = fitLinearSvm(clusters, clusterLabels, 3, options);
      expect([...pooled.weights]).toEqual([...local.weights]);
      expect([...pooled.bias]).toEqual([...local.bias]);
    } finally {
      await pool.close();
    }
  });

  it('gives the same model with its WebAssembly and its JavaScript inner loops', () => {
    // Rows of 0-9 entries (lengths that are and are not multiples of the unrolling), over few columns (16-bit
    // indices in the WebAssembly memory) and over more than 65,536 (32-bit).
    for (const nCols of [50, 70_000]) {
      const rng = new Rng(11);
      const indptr = new Int32Array(301);
      const indices: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < 300; i++) {
        const cols = new Set<number>();
        for (let k = rng.below(10); k > 0; k--) cols.add(rng.below(50) * Math.floor(nCols / 50));
        for (const col of [...cols].sort((a, b) => a - b)) {
          indices.push(col);
          values.push(rng.float() * 2 - 1);
        }
        indptr[i + 1] = indices.length;
      }
      const x: CsrMatrix = {
        nRows: 300,
        nCols,
        indptr,
        indices: Int32Array.from(indices),
        values: Float32Array.from(values),
      };
      const labels = Array.from({ length: 300 }, (_, i) => i % 5);
      const fit = (kernels: 'wasm' | 'js') => {
        const passes: number[] = [];
        const model = fitLinearSvm(x, labels, 5, {
          tol: 1e-3,
          seed: 4,
          kernels,
          onProgress: (p) => passes.push(p.iterations!),
        });
        return { model, passes };
      };
      const wasm = fit('wasm');
      const js = fit('js');
      expect(wasm.passes).toEqual(js.passes);
      expect(js.model.weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0)).toBeGreaterThan(0.1);
      for (let i = 0; i < js.model.weights.length; i++) {
        expect(wasm.model.weights[i]).toBeCloseTo(js.model.weights[i]!, 5);
      }
      expect([...wasm.model.predict(x)]).toEqual([...js.model.predict(x)]);
    }
  });

  it('ships the WebAssembly assembled from svm-kernels.wat (pnpm run wasm:svm)', async () => {
    expect(await assembleSvmKernels()).toBe(SVM_KERNELS_WASM);
  });

  it('shares the classes between the calling thread and a worker, with the same result', async () => {
    const rng = new Rng(5);
    const k = 12;
    const labels = Array.from({ length: 600 }, (_, i) => i % k);
    const x: CsrMatrix = csrFromDense(
      labels.map((label) =>
        Array.from({ length: 40 }, (_, j) => (j % k === label ? 1 : 0) + rng.float() - 0.5),
      ),
    );
    const pool = new SvmThreadPool(2);
    try {
      await pool.ready();
      let returned = false;
      const byThread = { caller: 0, worker: 0 };
      const options = { C: 1, seed: 3, tol: 1e-3 };
      const pending = pool.fit(x, labels, k, {
        ...options,
        onProgress: () => {
          if (returned) {
            byThread.worker++;
            return;
          }
          // The calling thread reports its classes synchronously: hold it up so the worker takes some too.
          byThread.caller++;
          const until = Date.now() + 50;
          while (Date.now() < until);
        },
      });
      returned = true;
      const pooled = await pending;
      expect(byThread.caller + byThread.worker).toBe(k);
      expect(byThread.worker).toBeGreaterThan(0);
      expect(byThread.caller).toBeGreaterThan(0);
      const local = fitLinearSvm(x, labels, k, options);
      expect([...pooled.weights]).toEqual([...local.weights]);
      expect([...pooled.bias]).toEqual([...local.bias]);
    } finally {
      await pool.close();
    }
  });

  it('stops at its tolerance: a looser one takes fewer passes, a tighter one ends closer to the optimum', () => {
    const loose = svmPasses({ C: 1, tol: 0.1, seed: 1 });
    const tight = svmPasses({ C: 1, tol: 1e-4, seed: 1 });
    const optimum = svmPasses({ C: 1, tol: 1e-9, seed: 1 });
    expect(loose.passes).toHaveLength(4);
    expect(sum(loose.passes)).toBeLessThan(sum(tight.passes));
    expect(sum(tight.passes)).toBeLessThan(sum(optimum.passes));
    expect(distance(tight.model.weights, optimum.model.weights)).toBeLessThan(
      distance(loose.model.weights, optimum.model.weights),
    );
    // maxIter caps the passes of each class.
    expect(Math.max(...svmPasses({ C: 1, tol: 1e-9, maxIter: 3, seed: 1 }).passes)).toBe(3);
  });

  it('takes the tolerance from the model config on one thread and on a pool alike', async () => {
    const run = async (threads: number, tol: number) => {
      const fitter = new ModelFitter(true, threads);
      const passes: number[] = [];
      try {
        const model = await fitter.fit(
          noisy,
          noisyLabels,
          4,
          { model: { kind: 'svm', C: 1, tol, maxIter: 1000 }, seed: 1 },
          (p) => passes.push(p.iterations!),
        );
        return { weights: [...model.weights], passes: passes.sort((a, b) => a - b) };
      } finally {
        await fitter.close();
      }
    };
    const oneThread = await run(1, 0.1);
    const twoThreads = await run(2, 0.1);
    expect(twoThreads).toEqual(oneThread);
    expect(oneThread.passes).toEqual(
      [...svmPasses({ C: 1, tol: 0.1, seed: 1 }).passes].sort((a, b) => a - b),
    );
    expect(sum((await run(2, 1e-4)).passes)).toBeGreaterThan(sum(twoThreads.passes));
  });

  it('rejects labels that are not class indices', () => {
    expect(() => fitLinearSvm(clusters, [0, 0, 0, 1, 1, 1, 2, 2, 3], 3)).toThrow(
      'fit: label 3 at row 8 is not a class index in 0..2',
    );
    expect(() => fitLinearSvm(clusters, [0, 1], 2)).toThrow('fit: 9 rows but 2 labels');
    expect(() =>
      fitLinearSvm(
        clusters,
        clusterLabels.map(() => 0),
        1,
      ),
    ).toThrow('fit: need at least 2 classes, got 1');
  });
});

describe('multinomial logistic regression', () => {
  it('has the gradient of its objective (central finite differences)', () => {
    const x = csrFromDense([
      [0.5, 0, 1.2, 0],
      [0, 0.3, 0, 0.8],
      [1, 1, 0, 0],
      [0, 0, 0.4, 0.6],
      [0.2, 0, 0, 1],
      [0.7, 0.1, 0.3, 0],
    ]);
    const y = [0, 1, 2, 1, 0, 2];
    const k = 3;
    const f = softmaxObjective(x, y, k, 0.7);
    const theta = Float64Array.from({ length: 4 * k + k }, (_, i) => Math.sin(i + 1) * 0.5);
    const grad = new Float64Array(theta.length);
    f(theta, grad);
    const h = 1e-6;
    const scratch = new Float64Array(theta.length);
    theta.forEach((_, i) => {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i]! += h;
      minus[i]! -= h;
      const numeric = (f(plus, scratch) - f(minus, scratch)) / (2 * h);
      expect(grad[i]).toBeCloseTo(numeric, 7);
    });
  });

  it('reaches the optimum of the symmetric problem: w = 2C·σ(−2w)', () => {
    // f = log(1 + e^(−2w)) + w²/(2C) with class weights ±w (n = 2); its stationarity condition.
    const C = 1;
    const expected = bisect((w) => w - (2 * C) / (1 + Math.exp(2 * w)), 0, 5);
    const model = fitLogisticRegression(symmetric, symmetricLabels, 2, { C, tol: 1e-10 });
    expect(model.weights[1]).toBeCloseTo(expected, 5);
    expect(model.weights[0]).toBeCloseTo(-expected, 5);
    const [, p1] = model.predictProba(csrFromDense([[1]]));
    expect(p1).toBeCloseTo(1 / (1 + Math.exp(-2 * expected)), 5);
  });

  it('separates separable clusters with calibrated-looking probabilities', () => {
    const model = fitLogisticRegression(clusters, clusterLabels, 3, { C: 100 });
    expect([...model.predict(clusters)]).toEqual(clusterLabels);
    const proba = model.predictProba(clusters);
    for (let i = 0; i < 9; i++) expect(proba[i * 3 + clusterLabels[i]!]).toBeGreaterThan(0.8);
  });
});

describe('complement naive Bayes', () => {
  // Worked by hand (and identical to scikit-learn 1.2's ComplementNB(alpha=1)):
  // class 0 = docs 1-2, counts [3, 1]; class 1 = doc 3, counts [0, 3]; alpha = 1.
  // complement of 0: [0+1, 3+1] / 5 → weights −ln[0.2, 0.8] = [1.6094, 0.2231]
  // complement of 1: [3+1, 1+1] / 6 → weights −ln[2/3, 1/3] = [0.4055, 1.0986]
  const x = csrFromDense([
    [1, 0],
    [2, 1],
    [0, 3],
  ]);
  const y = [0, 0, 1];

  it('computes the textbook complement weights', () => {
    const model = fitComplementNaiveBayes(x, y, 2, { alpha: 1 });
    const w = (j: number, c: number) => model.weights[j * 2 + c]!;
    expect(w(0, 0)).toBeCloseTo(-Math.log(0.2), 5);
    expect(w(1, 0)).toBeCloseTo(-Math.log(0.8), 5);
    expect(w(0, 1)).toBeCloseTo(-Math.log(2 / 3), 5);
    expect(w(1, 1)).toBeCloseTo(-Math.log(1 / 3), 5);
  });

  it('predicts [0.5814, 0.4186] for the document [1, 1], as scikit-learn', () => {
    const model = fitComplementNaiveBayes(x, y, 2, { alpha: 1 });
    const proba = model.predictProba(csrFromDense([[1, 1]]));
    expect(proba[0]).toBeCloseTo(0.58139535, 6);
    expect(proba[1]).toBeCloseTo(0.41860465, 6);
  });

  it('normalises weights per class with norm (scikit-learn: [[0.8782, 0.1218], [0.2696, 0.7304]])', () => {
    const model = fitComplementNaiveBayes(x, y, 2, { alpha: 1, norm: true });
    expect(model.weights[0]).toBeCloseTo(0.8782354, 6);
    expect(model.weights[2]).toBeCloseTo(0.1217646, 6);
    expect(model.weights[1]).toBeCloseTo(0.26957729, 6);
    expect(model.weights[3]).toBeCloseTo(0.73042271, 6);
  });

  it('separates separable clusters', () => {
    const model = fitComplementNaiveBayes(clusters, clusterLabels, 3, { alpha: 0.1 });
    expect([...model.predict(clusters)]).toEqual(clusterLabels);
  });
});

describe('LinearModel', () => {
  it('round-trips through JSON with the same probabilities', () => {
    const model = fitLinearSvm(clusters, clusterLabels, 3);
    model.temperature = 3;
    const restored = LinearModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect([...restored.predictProba(clusters)]).toEqual([...model.predictProba(clusters)]);
  });

  it('refuses input with the wrong number of features', () => {
    const model = fitLinearSvm(clusters, clusterLabels, 3);
    expect(() => model.decision(csrFromDense([[1, 2]]))).toThrow(
      'LinearModel: input has 2 features, the model 3',
    );
  });

  it('fits a softmax temperature that recovers the one that generated the labels', () => {
    // Scores whose labels were drawn from softmax(2 × scores): the fitted temperature should be near 2.
    const k = 3;
    const n = 3000;
    const scores = Float64Array.from({ length: n * k }, (_, i) => Math.sin(i * 12.9898) * 2);
    const proba = softmaxRows(scores, k, 2);
    let seed = 1;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const y = Array.from({ length: n }, (_, i) => {
      const u = rand();
      let acc = 0;
      for (let c = 0; c < k; c++) {
        acc += proba[i * k + c]!;
        if (u < acc) return c;
      }
      return k - 1;
    });
    expect(fitTemperature(scores, y, k)).toBeGreaterThan(1.7);
    expect(fitTemperature(scores, y, k)).toBeLessThan(2.3);
  });
});
