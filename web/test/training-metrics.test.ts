import { describe, expect, it } from 'vitest';
import { confusionView, f1Bars, f1Deltas, runResults } from '../src/lib/training/metrics.ts';

const classification = (labels: string[], confusion: number[][]) => ({
  accuracy: 0.5,
  macroF1: 0.4,
  top3Accuracy: 0.9,
  labels,
  confusion,
  perClass: labels.map((label, i) => ({
    label,
    precision: 0,
    recall: 0,
    f1: i / 10,
    support: confusion[i]?.reduce((a, b) => a + b, 0) ?? 0,
  })),
  n: 10,
});

describe('runResults', () => {
  it('prefers the separate test set', () => {
    const test = {
      ...classification(
        ['a', 'b'],
        [
          [1, 0],
          [0, 1],
        ],
      ),
      accuracy: 0.9,
    };
    const r = runResults({ evaluation: null, test, learningCurve: null, trainExamples: 12 });
    expect(r?.source).toBe('test');
    expect(r?.accuracy).toBe(0.9);
    expect(r?.trainExamples).toBe(12);
  });

  it('reads a hold-out evaluation (whose figures sit under `metrics`)', () => {
    const metrics = {
      ...classification(
        ['a', 'b'],
        [
          [1, 1],
          [0, 2],
        ],
      ),
      accuracy: 0.75,
    };
    const r = runResults({
      evaluation: { kind: 'holdout', testFraction: 0.2, metrics },
      test: null,
    });
    expect(r?.source).toBe('holdout');
    expect(r?.sourceLabel).toBe('a 20% hold-out split');
    expect(r?.accuracy).toBe(0.75);
  });

  it('reads cross-validation as the mean over folds with its spread', () => {
    const r = runResults({
      evaluation: {
        kind: 'cv',
        folds: 5,
        accuracy: { mean: 0.8, std: 0.02 },
        macroF1: { mean: 0.7, std: 0.03 },
        pooled: classification(
          ['a', 'b'],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      },
    });
    expect(r).toMatchObject({ source: 'cv', accuracy: 0.8, accuracyStd: 0.02, macroF1: 0.7 });
  });

  it('is null for a run without metrics or with metrics of another shape', () => {
    expect(runResults(null)).toBeNull();
    expect(runResults({ evaluation: null, test: null })).toBeNull();
    expect(runResults({ test: { accuracy: 'high' } })).toBeNull();
  });
});

describe('confusionView', () => {
  const c = classification(
    ['a', 'b', 'c', 'd'],
    [
      [5, 1, 0, 0],
      [0, 3, 0, 0],
      [0, 0, 0, 0],
      [2, 0, 0, 0],
    ],
  );

  it('shows only labels that were tested or predicted, shaded by share of the row', () => {
    const view = confusionView(c);
    expect(view.labels).toEqual(['a', 'b', 'd']);
    expect(view.hidden).toBe(0);
    expect(view.cells).toHaveLength(9);
    expect(view.cells.find((x) => x.actual === 'a' && x.predicted === 'b')).toEqual({
      actual: 'a',
      predicted: 'b',
      count: 1,
      share: 1 / 6,
    });
  });

  it('keeps the labels with the most errors when there are too many', () => {
    const view = confusionView(c, 2);
    // a: 1 missed + 2 wrongly predicted; d: 2 missed; b: 1 wrongly predicted.
    expect(view.labels).toEqual(['a', 'd']);
    expect(view.hidden).toBe(1);
  });
});

describe('f1Bars and f1Deltas', () => {
  const c = classification(
    ['a', 'b', 'c'],
    [
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 1],
    ],
  );

  it('lists tested intents worst first', () => {
    expect(f1Bars(c)).toEqual([
      { label: 'a', value: 0 },
      { label: 'c', value: 0.2 },
    ]);
    expect(f1Bars(c, 1)).toHaveLength(1);
  });

  it('puts the intents whose F1 changed most first and leaves out unchanged ones', () => {
    const other = classification(
      ['a', 'c'],
      [
        [1, 0],
        [0, 1],
      ],
    );
    other.perClass = [
      { label: 'a', precision: 1, recall: 1, f1: 0.9, support: 1 },
      { label: 'c', precision: 1, recall: 1, f1: 0.25, support: 1 },
    ];
    expect(f1Deltas(c, other)).toEqual([
      { label: 'a', a: 0, b: 0.9, delta: 0.9 },
      { label: 'c', a: 0.2, b: 0.25, delta: expect.closeTo(0.05) },
    ]);
    expect(f1Deltas(c, c)).toEqual([]);
  });
});
