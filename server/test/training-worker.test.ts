import { describe, expect, it } from 'vitest';
import { loadModel, type TrainingProgress, trainClassifier } from '../src/training/pipeline.ts';
import { presetConfig } from '../src/training/presets.ts';
import { runTrainingJob, TrainingCancelledError, TrainingJobError } from '../src/training/run.ts';
import { tinyIntentData } from './training-fixtures.ts';

const data = tinyIntentData(40);
const probes = [
  '¿dónde está mi tarjeta?',
  'exchange rate for dollars',
  'me robaron el movil',
  'hello',
];

describe('runTrainingJob (worker thread)', () => {
  it('trains end to end in a worker, streaming progress, and returns metrics and a loadable artifact', async () => {
    const events: TrainingProgress[] = [];
    const config = presetConfig('best', { cvFolds: 3 });
    const { result } = await runTrainingJob(
      { kind: 'train', data, config, threads: 2 },
      { onProgress: (p) => events.push(p) },
    );
    expect(result.evaluation).toMatchObject({ kind: 'cv', folds: 3 });
    expect(events.some((e) => e.stage === 'cross_validation' && e.fold === 3)).toBe(true);
    expect(events.some((e) => e.stage === 'fitting' && e.iteration === e.iterations)).toBe(true);
    expect(events.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });

    // Save → load → same predictions as the model trained in-process with the same config and seed.
    const saved = JSON.stringify(result.artifact);
    const fromWorker = loadModel(JSON.parse(saved));
    const inProcess = loadModel((await trainClassifier(data, config, { threads: 1 })).artifact);
    expect(fromWorker.predictMany(probes, 77)).toEqual(inProcess.predictMany(probes, 77));
    expect(fromWorker.predict('¿dónde está mi tarjeta?')[0]!.intent).toBe('card_arrival');
  });

  it('runs learning curves and searches too', async () => {
    const curve = await runTrainingJob({
      kind: 'learning_curve',
      train: data,
      test: tinyIntentData(6),
      config: presetConfig('fast'),
      sizes: [1, null],
      threads: 1,
    });
    expect(curve.points.map((p) => p.perClass)).toEqual([1, null]);
    const search = await runTrainingJob({
      kind: 'search',
      data,
      config: presetConfig('fast'),
      search: { kind: 'grid', grid: { 'model.C': [0.1, 1] } },
      folds: 2,
      threads: 1,
    });
    expect(search.result.trials).toHaveLength(2);
  });

  it('cancels a running job mid-fit', async () => {
    const controller = new AbortController();
    const events: TrainingProgress[] = [];
    const job = runTrainingJob(
      { kind: 'train', data: tinyIntentData(1500), config: presetConfig('cross_validation') },
      {
        signal: controller.signal,
        onProgress: (p) => {
          events.push(p);
          if (p.stage === 'cross_validation') controller.abort();
        },
      },
    );
    await expect(job).rejects.toBeInstanceOf(TrainingCancelledError);
    const seen = events.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.length).toBe(seen);
    expect(events.some((e) => e.stage === 'done')).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(
      runTrainingJob(
        { kind: 'train', data, config: presetConfig('fast') },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toBeInstanceOf(TrainingCancelledError);
  });

  it('fails with the validation message for a bad config', async () => {
    const job = runTrainingJob({
      kind: 'train',
      data,
      config: {
        features: { blocks: [{ analyzer: 'words', ngramRange: [1, 2] }] },
        model: { kind: 'svm' },
      },
    });
    await expect(job).rejects.toBeInstanceOf(TrainingJobError);
    await expect(job).rejects.toThrow(/^Invalid training config: features\.blocks\.0\.analyzer: /);
  });
});
