import type { LearningCurvePoint } from './learning-curve.ts';
import type { LabelledTexts, ProgressCallback, TrainingResult } from './pipeline.ts';
import type { SearchGrid, SearchResult, SearchSpace } from './search.ts';
import { startModuleWorker, workerModule } from './threads.ts';
import type { WorkerMessage } from './worker.ts';

/** A job for the training worker. `config` is validated in the worker (a bad one fails the job). */
export type TrainingJob =
  | {
      readonly kind: 'train';
      readonly data: LabelledTexts;
      readonly config: unknown;
      /** Scored with the final model (train on synthetic, test on real). */
      readonly test?: LabelledTexts;
      readonly threads?: number;
    }
  | {
      readonly kind: 'learning_curve';
      readonly train: LabelledTexts;
      readonly test: LabelledTexts;
      readonly config: unknown;
      readonly sizes?: readonly (number | null)[];
      readonly repeats?: number;
      readonly threads?: number;
    }
  | {
      readonly kind: 'search';
      readonly data: LabelledTexts;
      /** The base config the searched parameters are applied to. */
      readonly config: unknown;
      readonly search:
        | { readonly kind: 'grid'; readonly grid: SearchGrid }
        | {
            readonly kind: 'random';
            readonly space: SearchSpace;
            readonly iterations?: number;
            readonly seed?: number;
          };
      readonly folds?: number;
      readonly threads?: number;
    };

/** A finished job's result, tagged like its job. */
export type TrainingJobResult =
  | { readonly kind: 'train'; readonly result: TrainingResult }
  | { readonly kind: 'learning_curve'; readonly points: LearningCurvePoint[] }
  | { readonly kind: 'search'; readonly result: SearchResult };

/** The job was cancelled through its AbortSignal; the worker thread was stopped. */
export class TrainingCancelledError extends Error {
  override readonly name = 'TrainingCancelledError';
  constructor() {
    super('Training cancelled');
  }
}

/** The job failed inside the worker (bad config or data, or a crash); `reason` is the original name. */
export class TrainingJobError extends Error {
  override readonly name = 'TrainingJobError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Options of {@link runTrainingJob}. */
export interface RunOptions {
  /** Every progress event of the job, in order. */
  readonly onProgress?: ProgressCallback;
  /** Aborting stops the worker at once (mid-fit) and rejects with {@link TrainingCancelledError}. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a training job in its own worker thread, so the event loop of the caller (the API server) stays
 * free: progress arrives as messages, the result (metrics and the model artifact, plain JSON-safe data)
 * as the resolved value. Cancelling terminates the thread rather than asking it to stop, since the
 * solvers' inner loops never yield; nothing is left half-written because the job writes nothing.
 */
export function runTrainingJob<K extends TrainingJob['kind']>(
  job: Extract<TrainingJob, { kind: K }>,
  options: RunOptions = {},
): Promise<Extract<TrainingJobResult, { kind: K }>> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new TrainingCancelledError());
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(
      workerModule(import.meta.url, './worker.ts', './training-worker.js'),
      job,
    );
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(new TrainingCancelledError()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerMessage) => {
      if (settled) return;
      if (msg.type === 'progress') onProgress?.(msg.progress);
      else if (msg.type === 'result') {
        settle(() => resolve(msg.result as Extract<TrainingJobResult, { kind: K }>));
      } else settle(() => reject(new TrainingJobError(msg.name, msg.message)));
    });
    worker.on('error', (error) =>
      settle(() => reject(new TrainingJobError(error.name, error.message))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(new TrainingJobError('WorkerExit', `Training worker exited with code ${code}`)),
      ),
    );
  });
}
