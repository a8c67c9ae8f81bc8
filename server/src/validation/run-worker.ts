import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { DatasetChangedError } from '../platform/errors.ts';
import { startModuleWorker, workerModule } from '../training/threads.ts';
import type { TextKind } from './text/corpus.ts';
import {
  assembleTextReport,
  type ReferenceSummary,
  type TextCorpusPart,
  type TextItemsPart,
} from './text/report.ts';
import type {
  TextReportPart,
  ValidationTask,
  WorkerPhases,
  WorkerReply,
  WorkerRequest,
} from './worker.ts';

/** A worker task's result with the seconds of each of its phases in the worker. */
export interface WorkerResult<T> {
  result: T;
  phases: WorkerPhases;
}

/**
 * How long a thread asked to stop (a cancel, or the other half's failure) has to reach a stop point before it is
 * terminated. Stop points sit between the read's chunks and the task's phases; the longest stretch without one
 * is a half's report, about 2 s for 100k items on a quiet machine (docs/benchmarks.md) and several times that on
 * a loaded one. Terminating is the last resort: inside the SQLite driver's native code it aborts the process.
 */
export const STOP_GRACE_MS = 30_000;

/**
 * Events of the validation threads: `task` when one is given a task, `stopped` when one asked to stop has
 * answered (`terminated`: it had not within {@link STOP_GRACE_MS}), `exited` when one has ended, with its exit
 * code (1 when it was terminated, 0 when it ended on its own).
 */
export const validationWorkerEvents = new EventEmitter<{
  task: [{ threadId: number }];
  stopped: [{ threadId: number; terminated: boolean }];
  exited: [{ threadId: number; code: number }];
}>();

/**
 * Idle validation threads kept for the next task: starting one costs its module loading (MikroORM, the report's
 * modules) and the shipped label oracle's parse, paid once per thread instead of once per validation. Two, one
 * per core: a validation against a reference dataset builds its profile and its oracles side by side.
 */
const MAX_IDLE = 2;

/**
 * The young generation of each validation thread, in MB (V8's default is a few tens). A half of a 100k-item
 * report parses every item and cuts it into tokens and n-grams: with the default, most of that survives
 * several scavenges and is copied each time, and the garbage collector takes about a tenth of the thread's
 * time. A larger one (192 MB: 64 MB semi-spaces) cut the process's CPU time of `pnpm bench:validation` end to
 * end by about a tenth on the 2-core machine (docs/validation.md, "Where the work runs"), for up to that much
 * more memory per thread while a validation runs.
 */
const YOUNG_GENERATION_MB = 192;

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
    { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  );
  // While idle nobody listens: a thread that fails then is forgotten, not an uncaught error.
  started.on('error', () => {});
  const threadId = started.threadId;
  started.on('exit', (code) => {
    const at = idle.indexOf(started);
    if (at >= 0) idle.splice(at, 1);
    validationWorkerEvents.emit('exited', { threadId, code });
  });
  return started;
}

/**
 * Keeps a thread that finished its task cleanly for the next one; an idle thread never holds the process. One
 * the pool has no room for is asked to exit and ends on its own, never terminated.
 */
function release(worker: Worker): void {
  if (idle.length >= MAX_IDLE) {
    worker.postMessage({ exit: true } satisfies WorkerRequest);
    worker.unref();
    return;
  }
  worker.unref();
  idle.push(worker);
}

/**
 * Runs one validation task in a worker thread (validation/worker.ts), so a 100k-item report never blocks the
 * API. A failed read of the items in the worker comes back as the error the main thread's read would have thrown
 * (a dataset deleted or emptied meanwhile: {@link DatasetChangedError}), or as an error that says which dataset
 * could not be read. `signal` (a forced delete of the dataset) asks the threads to stop, waits for them and
 * rejects with its reason (docs/validation.md, "Stopping a validation").
 *
 * A text validation whose worker reads the items itself runs on two threads when the machine has two cores:
 * one computes the corpus half of the report, the other the items half, each reading the same snapshot on its
 * own connection, and this thread assembles the two (text/report.ts; docs/validation.md, "Where the work
 * runs"). The report is the one a single thread computes.
 */
export function runValidationWorker<T>(
  task: ValidationTask,
  signal?: AbortSignal,
): Promise<WorkerResult<T>> {
  if (
    task.op === 'validate' &&
    task.kind !== 'timeseries' &&
    task.read &&
    !task.part &&
    availableParallelism() > 1
  ) {
    return runTextHalves(task, signal) as Promise<WorkerResult<T>>;
  }
  return runOne(task, signal);
}

/**
 * Both halves of a text report side by side. The first failure, or a cancel from the caller, asks the other half
 * to stop and waits for it (docs/validation.md, "Stopping a validation"); the validation then fails with that
 * failure, or the cancel's reason.
 */
async function runTextHalves(
  task: Extract<ValidationTask, { op: 'validate' }>,
  signal?: AbortSignal,
): Promise<WorkerResult<unknown>> {
  if (signal?.aborted) throw signal.reason;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const half = <T>(part: TextReportPart) =>
    runOne<T>({ ...task, part }, stop.signal).catch((error: unknown) => {
      stop.abort(error);
      throw error;
    });
  try {
    const halves = [half<TextCorpusPart>('corpus'), half<TextItemsPart>('items')] as const;
    await Promise.allSettled(halves);
    // Both threads are done or stopped: the first failure or the cancel is the validation's.
    if (stop.signal.aborted) throw stop.signal.reason;
    const [corpus, items] = await Promise.all(halves);
    const started = performance.now();
    // The half that took longer is the one the validation waited for: its phases are the validation's.
    const total = (p: WorkerPhases) => p.read + p.profile + p.report;
    const longer = total(corpus.phases) >= total(items.phases) ? corpus.phases : items.phases;
    const report = assembleTextReport(
      task.kind as TextKind,
      references(task),
      corpus.result,
      items.result,
      Math.max(corpus.phases.report, items.phases.report) * 1000,
    );
    const assembly = (performance.now() - started) / 1000;
    return {
      result: report,
      phases: {
        read: longer.read,
        profile: longer.profile,
        report: longer.report + assembly,
        halves: { corpus: corpus.phases, items: items.phases },
      },
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** What the assembly needs of the task's references: their names, kinds and sizes. */
function references(task: Extract<ValidationTask, { op: 'validate' }>): ReferenceSummary[] {
  const list = (
    task.profiles?.length ? task.profiles : task.profile ? [task.profile] : []
  ) as ReferenceSummary[];
  return list.map(({ name, kind, itemCount }) => ({ name, kind, itemCount }));
}

/**
 * One task on one pooled thread. `signal` raises the task's stop flag; the thread stops at its next stop point,
 * closing its connection, and this waits for it ({@link STOP_GRACE_MS} at most, then terminates it and warns)
 * before it rejects with the signal's reason.
 */
function runOne<T>(task: ValidationTask, signal?: AbortSignal): Promise<WorkerResult<T>> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = acquire();
    const threadId = worker.threadId;
    const stop = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (keep: boolean) => {
      settled = true;
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // A thread that failed or exited is gone already; terminating it only frees its handle.
      if (keep) release(worker);
      else void worker.terminate();
    };
    /** Ends a task that was asked to stop, however the thread answered. */
    const stopped = (terminated: boolean) => {
      validationWorkerEvents.emit('stopped', { threadId, terminated });
      reject(signal?.reason);
    };
    const onAbort = () => {
      if (settled || grace) return;
      Atomics.store(stop, 0, 1);
      grace = setTimeout(() => {
        if (settled) return;
        process.emitWarning(
          `validation worker thread ${threadId} did not stop within ${STOP_GRACE_MS / 1000} s of being asked to; it was terminated`,
          { code: 'GENESIS_VALIDATION_WORKER_TERMINATED' },
        );
        finish(false);
        stopped(true);
      }, STOP_GRACE_MS);
    };
    const onMessage = (msg: WorkerReply) => {
      if (settled) return;
      finish(true);
      // Asked to stop: whatever the thread answered (stopped, or done just before it looked), it is dropped.
      if (grace) {
        stopped(false);
        return;
      }
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
      if (grace) stopped(false);
      else reject(error);
    };
    const onExit = (code: number) => {
      if (settled) return;
      finish(false);
      if (grace) stopped(false);
      else reject(new Error(`validation worker exited with code ${code}`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ task, stop } satisfies WorkerRequest);
    validationWorkerEvents.emit('task', { threadId });
  });
}
