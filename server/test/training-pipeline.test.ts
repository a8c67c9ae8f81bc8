import { describe, expect, it } from 'vitest';
import { learningCurve } from '../src/training/learning-curve.ts';
import { loadModel, trainClassifier } from '../src/training/pipeline.ts';
import { PRESETS, presetConfig } from '../src/training/presets.ts';
import { applyParams, gridSearch, randomSearch } from '../src/training/search.ts';
import { tinyIntentData } from './training-fixtures.ts';

const data = tinyIntentData(30);
const smallSvm = presetConfig('fast');

describe('presets', () => {
  it('are all valid, documented configs', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      expect(preset.name).toBe(name);
      expect(preset.description.length).toBeGreaterThan(40);
      expect(presetConfig(name)).toEqual(preset.config);
    }
    expect(PRESETS.best.config.model).toEqual({ kind: 'svm', C: 1, tol: 0.1, maxIter: 1000 });
    expect(PRESETS.cross_validation.config.evaluation).toEqual({ kind: 'cv', folds: 5 });
  });

  it('take the CLI overrides (model kind, CV folds) and reject unknown names', () => {
    const config = presetConfig('best', { model: 'logreg', cvFolds: 3 });
    expect(config.model).toEqual({ kind: 'logreg', C: 10, tol: 1e-5, maxIter: 300 });
    expect(config.evaluation).toEqual({ kind: 'cv', folds: 3 });
    expect(() => presetConfig('fastest')).toThrow(
      'Unknown preset "fastest"; choose one of quick_test, fast, balanced, best, cross_validation',
    );
  });
});

describe('trainClassifier', () => {
  it('cross-validates, fits, and gives a loadable artifact that predicts intents in both languages', async () => {
    const result = await trainClassifier(data, presetConfig('best', { cvFolds: 3 }), {
      threads: 1,
    });
    expect(result.evaluation?.kind).toBe('cv');
    if (result.evaluation?.kind !== 'cv') return;
    expect(result.evaluation.foldAccuracies).toHaveLength(3);
    expect(result.evaluation.accuracy.mean).toBeGreaterThan(0.9);
    expect(result.evaluation.pooled.n).toBe(data.texts.length);
    const model = loadModel(JSON.parse(JSON.stringify(result.artifact)));
    const [top] = model.predict('DONDE ESTA MI TARJETA');
    expect(top!.intent).toBe('card_arrival');
    const ranked = model.predict('my phone was stolen', 3);
    expect(ranked).toHaveLength(3);
    expect(ranked[0]!.intent).toBe('lost_or_stolen_phone');
    expect(ranked.reduce((a, p) => a + p.probability, 0)).toBeCloseTo(1, 9);
  });

  it('scores a separate test set, counting intents the model never saw as errors', async () => {
    const test = {
      texts: ['where is my card', 'what is the exchange rate', 'cancel my transfer'],
      labels: ['card_arrival', 'exchange_rate', 'cancel_transfer'],
    };
    const result = await trainClassifier(
      data,
      { ...smallSvm, evaluation: { kind: 'none' } },
      { test },
    );
    expect(result.evaluation).toBeNull();
    expect(result.test?.n).toBe(3);
    expect(result.test?.accuracy).toBeCloseTo(2 / 3, 12);
    expect(result.test?.labels).toContain('cancel_transfer');
  });

  it('reports the hold-out stage of `balanced` as one split, never as a fold (no "fold 2 of 1")', async () => {
    const events: { stage: string; fold: number | null; folds: number | null }[] = [];
    await trainClassifier(data, presetConfig('balanced'), {
      threads: 1,
      onProgress: (p) => events.push(p),
    });
    const holdout = events.filter((e) => e.stage === 'holdout');
    expect(holdout.length).toBeGreaterThan(0);
    for (const e of holdout) expect(e).toMatchObject({ fold: null, folds: null });
    // Wherever a fold is reported, it is 1-based and within its count.
    for (const e of events)
      if (e.fold !== null) expect(e.fold).toBeLessThanOrEqual(e.folds ?? Number.POSITIVE_INFINITY);
  });

  it('reports progress with stages, folds and a fraction that only grows', async () => {
    const events: { stage: string; fold: number | null; fraction: number }[] = [];
    await trainClassifier(data, presetConfig('cross_validation', { cvFolds: 2 }), {
      threads: 1,
      onProgress: (p) => events.push(p),
    });
    expect(events[0]!.stage).toBe('features');
    expect(events.filter((e) => e.stage === 'cross_validation').map((e) => e.fold)).toContain(2);
    expect(events.some((e) => e.stage === 'fitting')).toBe(true);
    expect(events.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
    }
  });

  it('rejects bad data and bad artifacts with precise messages', async () => {
    await expect(trainClassifier({ texts: ['a'], labels: [] }, smallSvm)).rejects.toThrow(
      'training data: 1 texts but 0 labels',
    );
    await expect(
      trainClassifier({ texts: ['a', 'b'], labels: ['x', 'x'] }, smallSvm),
    ).rejects.toThrow('training data: need at least 2 distinct labels, got 1');
    expect(() => loadModel({ format: 'something-else' })).toThrow(
      /^Not a model artifact: format: /,
    );
  });
});

describe('search and learning curves', () => {
  it('grid-searches every combination by CV and ranks them', async () => {
    const result = await gridSearch(
      data,
      smallSvm,
      { 'model.C': [0.01, 1], 'model.tol': [0.1] },
      {
        folds: 3,
        threads: 1,
      },
    );
    expect(result.trials).toHaveLength(2);
    expect(result.best.accuracy.mean).toBeGreaterThanOrEqual(result.trials[1]!.accuracy.mean);
    expect(result.trials.map((t) => t.params['model.C']).sort()).toEqual([0.01, 1]);
  });

  it('draws random configurations within the space', async () => {
    const result = await randomSearch(
      data,
      smallSvm,
      { 'model.C': { min: 0.1, max: 10, log: true } },
      {
        iterations: 3,
        folds: 2,
        threads: 1,
      },
    );
    expect(result.trials).toHaveLength(3);
    for (const t of result.trials) {
      expect(t.config.model.kind === 'svm' && t.config.model.C).toBeGreaterThanOrEqual(0.1);
    }
  });

  it('refuses parameters the config does not have', () => {
    const nb = presetConfig('quick_test');
    expect(() => applyParams(nb, { 'model.C': 1 })).toThrow(
      'Unknown parameter "model.C" for this config',
    );
    expect(applyParams(nb, { model: { kind: 'svm' }, 'model.C': 3 }).model).toMatchObject({
      kind: 'svm',
      C: 3,
    });
  });

  it('trains on 1, 3 and all examples per intent and scores each on the test set', async () => {
    const test = tinyIntentData(9);
    const points = await learningCurve(data, test, smallSvm, { sizes: [1, 3, null], threads: 1 });
    expect(points.map((p) => [p.perClass, p.trainExamples])).toEqual([
      [1, 3],
      [3, 9],
      [null, 90],
    ]);
    expect(points[2]!.accuracy.mean).toBeGreaterThanOrEqual(points[0]!.accuracy.mean);
    await expect(learningCurve(data, test, smallSvm, { sizes: [0] })).rejects.toThrow(
      'learningCurve: sizes must be integers >= 1 or null, got 0',
    );
  });
});
