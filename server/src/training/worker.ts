import { parentPort, workerData } from 'node:worker_threads';
import { learningCurve } from './learning-curve.ts';
import { type TrainingProgress, trainClassifier } from './pipeline.ts';
import type { TrainingJob, TrainingJobResult } from './run.ts';
import { gridSearch, randomSearch } from './search.ts';

/** What the training worker posts to its parent. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: TrainingProgress }
  | { readonly type: 'result'; readonly result: TrainingJobResult }
  | { readonly type: 'error'; readonly name: string; readonly message: string };

// Runs one job (workerData.data) and exits; run.ts owns the thread and terminates it to cancel.
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread (see run.ts)');
const post = (msg: WorkerMessage) => port.postMessage(msg);
const job = (workerData as { data: TrainingJob }).data;
const onProgress = (progress: TrainingProgress) => post({ type: 'progress', progress });

try {
  post({ type: 'result', result: await runJob(job) });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', name: e.name, message: e.message });
}

async function runJob(job: TrainingJob): Promise<TrainingJobResult> {
  switch (job.kind) {
    case 'train':
      return {
        kind: 'train',
        result: await trainClassifier(job.data, job.config, {
          test: job.test,
          threads: job.threads,
          onProgress,
        }),
      };
    case 'learning_curve':
      return {
        kind: 'learning_curve',
        points: await learningCurve(job.train, job.test, job.config, {
          sizes: job.sizes,
          repeats: job.repeats,
          threads: job.threads,
          onProgress,
        }),
      };
    case 'search': {
      const options = { folds: job.folds, threads: job.threads, onProgress };
      const result =
        job.search.kind === 'grid'
          ? await gridSearch(job.data, job.config, job.search.grid, options)
          : await randomSearch(job.data, job.config, job.search.space, {
              ...options,
              iterations: job.search.iterations,
              seed: job.search.seed,
            });
      return { kind: 'search', result };
    }
  }
}
