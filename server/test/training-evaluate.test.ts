import { describe, expect, it } from 'vitest';
import {
  evaluateScores,
  metricsFromConfusion,
  samplePerClass,
  stratifiedKFold,
  stratifiedSplit,
} from '../src/training/evaluate.ts';

const counts = { a: 10, b: 7, c: 3, d: 1 };
const labels = Object.entries(counts).flatMap(([label, n]) => Array<string>(n).fill(label));

describe('stratifiedKFold', () => {
  const k = 5;
  const { folds, singletonClasses } = stratifiedKFold(labels, k, 1);

  it('puts every example in exactly one test fold, and the rest in training', () => {
    const seen = new Array<number>(labels.length).fill(0);
    for (const fold of folds) {
      for (const i of fold.test) seen[i]!++;
      expect(fold.train.length + fold.test.length).toBe(labels.length);
      expect(new Set([...fold.train, ...fold.test]).size).toBe(labels.length);
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('keeps class proportions: each class within one example of even across folds', () => {
    for (const [label, n] of Object.entries(counts)) {
      const perFold = folds.map((f) => [...f.test].filter((i) => labels[i] === label).length);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
      expect(perFold.reduce((a, b) => a + b, 0)).toBe(n);
    }
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('spreads a class smaller than k over as many folds as it has examples, each with training examples', () => {
    const foldsWithC = folds.filter((f) => [...f.test].some((i) => labels[i] === 'c'));
    expect(foldsWithC).toHaveLength(3);
    for (const fold of foldsWithC) {
      expect([...fold.train].filter((i) => labels[i] === 'c')).toHaveLength(2);
    }
    expect(singletonClasses).toEqual(['d']);
  });

  it('is reproducible for a seed and changes with it', () => {
    expect(stratifiedKFold(labels, k, 1).folds).toEqual(folds);
    expect(stratifiedKFold(labels, k, 2).folds).not.toEqual(folds);
  });

  it('rejects impossible requests with a precise message', () => {
    expect(() => stratifiedKFold(labels, 1)).toThrow(
      'stratifiedKFold: k must be an integer >= 2, got 1',
    );
    expect(() => stratifiedKFold(['a', 'b'], 3)).toThrow(
      'stratifiedKFold: 2 examples cannot fill 3 folds',
    );
  });
});

describe('stratifiedSplit and samplePerClass', () => {
  it('tests about the asked share of each class, at least one of each class with two examples', () => {
    const { train, test } = stratifiedSplit(labels, 0.3, 3);
    const inTest = (label: string) => [...test].filter((i) => labels[i] === label).length;
    expect(inTest('a')).toBe(3);
    expect(inTest('b')).toBe(2);
    expect(inTest('c')).toBe(1);
    expect(inTest('d')).toBe(0); // its only example stays in training
    expect(train.length + test.length).toBe(labels.length);
    expect(() => stratifiedSplit(labels, 1)).toThrow(
      'stratifiedSplit: testFraction must be in (0, 1), got 1',
    );
  });

  it('samples at most n per class', () => {
    const rows = samplePerClass(labels, 2, 5);
    const picked = [...rows].map((i) => labels[i]);
    expect(picked.filter((l) => l === 'a')).toHaveLength(2);
    expect(picked.filter((l) => l === 'd')).toHaveLength(1);
    expect(rows).toHaveLength(7);
  });
});

describe('metrics', () => {
  it('computes accuracy, per-class and macro figures from a hand-made confusion matrix', () => {
    // rows = true class, columns = predicted. c is absent and never predicted: left out of the macro.
    const m = metricsFromConfusion(
      [
        [5, 1, 0],
        [2, 3, 0],
        [0, 0, 0],
      ],
      ['a', 'b', 'c'],
    );
    expect(m.accuracy).toBeCloseTo(8 / 11, 12);
    const [a, b, c] = m.perClass;
    expect(a).toMatchObject({ label: 'a', precision: 5 / 7, recall: 5 / 6, support: 6 });
    expect(a!.f1).toBeCloseTo((2 * (5 / 7) * (5 / 6)) / (5 / 7 + 5 / 6), 12);
    expect(b).toMatchObject({ precision: 3 / 4, recall: 3 / 5, support: 5 });
    expect(b!.f1).toBeCloseTo(2 / 3, 12);
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.macroF1).toBeCloseTo((a!.f1 + b!.f1) / 2, 12);
    expect(m.n).toBe(11);
  });

  it('derives the confusion matrix and top-3 accuracy from scores', () => {
    const labelsABCD = ['a', 'b', 'c', 'd'];
    const scores = Float64Array.from([
      // true a: predicted a
      0.9, 0.05, 0.03, 0.02,
      // true b: predicted a, b second → in top 3
      0.5, 0.4, 0.05, 0.05,
      // true d: ranked last → not in top 3
      0.4, 0.3, 0.2, 0.1,
    ]);
    const m = evaluateScores(scores, [0, 1, 3], labelsABCD);
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
    expect(m.top3Accuracy).toBeCloseTo(2 / 3, 12);
    expect(m.confusion[1]).toEqual([1, 0, 0, 0]);
    expect(m.confusion[3]).toEqual([1, 0, 0, 0]);
    expect(() => evaluateScores(scores, [0, 1], labelsABCD)).toThrow(
      'evaluateScores: 12 scores for 2 rows × 4 classes',
    );
  });
});
