import type { Worker } from 'node:worker_threads';
import { DatasetChangedError } from '../platform/errors.ts';
import { startModuleWorker, workerModule } from '../training/threads.ts';
import type { ValidationTask, WorkerPhases, WorkerReply } from './worker.ts';

/** A worker task's result with the seconds of each of its phases in the worker. */
export interface WorkerResult<T> {
  result: T;
  phases: WorkerPhases;
}

/**
 * Idle validation threads kept for the next task: starting one costs its module loading (MikroORM, the report's
 * modules) and the shipped label oracle's parse, paid once per thread instead of once per validation. Two, one
 * per core: a validation against a reference dataset builds its profile and its oracles side by side.
 */
const MAX_IDLE = 2;
const idle: Worker[] = [];

function acquire(): Worker {
  const worker = idle.pop();
  if (worker) {
    worker.ref();
    return worker;
  }
  const started = startModuleWorker(
    workerModule(import.meta.url, './worker.ts', './validation-worker.js'),
    null,
  );
  // While idle nobody listens: a thread that fails then is forgotten, not an uncaught error.
  started.on('error', () => {});
  started.on('exit', () => {
    const at = idle.indexOf(started);
    if (at >= 0) idle.splice(at, 1);
  });
  return started;
}

/** Keeps a thread that finished its task cleanly for the next one; an idle thread never holds the process. */
function release(worker: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idle.push(worker);
}

/**
 * Runs one validation task in a worker thread (validation/worker.ts), so a 100k-item report never blocks the
 * API. A failed read of the items in the worker comes back as the error the main thread's read would have thrown
 * (a dataset deleted or emptied meanwhile: {@link DatasetChangedError}), or as an error that says which dataset
 * could not be read. `signal` (a forced delete of the dataset) stops the thread and rejects with its reason.
 */
export function runValidationWorker<T>(
  task: ValidationTask,
  signal?: AbortSignal,
): Promise<WorkerResult<T>> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = acquire();
    let settled = false;
    const finish = (keep: boolean) => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keep) release(worker);
      else void worker.terminate();
    };
    const onAbort = () => {
      if (settled) return;
      finish(false);
      reject(signal?.reason);
    };
    const onMessage = (msg: WorkerReply) => {
      if (settled) return;
      finish(true);
      if (msg.ok) {
        resolvePromise({ result: msg.result as T, phases: msg.phases });
        return;
      }
      if (msg.read?.name === 'DatasetChangedError') {
        const { datasetId, expected = 0, found = 0 } = msg.read;
        reject(new DatasetChangedError(datasetId, expected, found));
        return;
      }
      // The database's own words stay out of the message (docs/conventions.md, "Two error tiers"); they
      // travel as the cause, which the server log shows.
      reject(new Error(msg.message, msg.cause ? { cause: msg.cause } : {}));
    };
    const onError = (error: Error) => {
      if (settled) return;
      finish(false);
      reject(error);
    };
    const onExit = (code: number) => {
      if (settled) return;
      finish(false);
      reject(new Error(`validation worker exited with code ${code}`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task);
  });
}
