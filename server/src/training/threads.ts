import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * The module a worker thread runs, for a caller at `callerUrl` (its `import.meta.url`). From source (tsx,
 * vitest) that is the `.ts` file `source` beside the caller. From the build (server/dist/bin/, made by
 * scripts/build.mjs) `import.meta.url` is the bundle's, and every worker is its own bundle beside it, named
 * `built`: keep `built` equal to the worker's name in the build script's entry points.
 */
export function workerModule(callerUrl: string, source: string, built: string): URL {
  return new URL(callerUrl.endsWith('.ts') ? source : built, callerUrl);
}

/**
 * Starts a worker thread on a TypeScript (or JavaScript) module, under tsx, vitest or plain Node alike: a `.ts`
 * module boots through worker-bootstrap.mjs, which registers tsx before importing `entry`; built JavaScript
 * starts directly, without tsx. `data` reaches the module as `workerData.data`; `resourceLimits` are the thread's
 * (e.g. a larger young generation).
 */
export function startModuleWorker(
  entry: URL,
  data: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  const options = {
    workerData: { entry: entry.href, data },
    ...(resourceLimits ? { resourceLimits } : {}),
  };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  return new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), options);
}

/** How many threads to use by default: every core (the training job itself waits on them). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
