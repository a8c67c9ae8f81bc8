import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript (or JavaScript) module, under tsx, vitest or plain Node alike:
 * the thread boots through worker-bootstrap.mjs, which registers tsx before importing `entry`.
 * `data` reaches the module as `workerData.data`.
 */
export function startModuleWorker(entry: URL, data: unknown): Worker {
  return new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), {
    workerData: { entry: entry.href, data },
  });
}

/** How many threads to use by default: every core (the training job itself waits on them). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
