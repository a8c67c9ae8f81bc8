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
import type { TextReportPart, ValidationTask, WorkerPhases, WorkerReply } from './worker.ts';

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
 * Both halves of a text report side by side. The first failure fails the validation at once; the other half is
 * left to finish in its thread and its result dropped, since terminating a thread inside the SQLite driver's
 * native code aborts the whole process. A cancel from the caller still stops both.
 */
async function runTextHalves(
  task: Extract<ValidationTask, { op: 'validate' }>,
  signal?: AbortSignal,
): Promise<WorkerResult<unknown>> {
  if (signal?.aborted) throw signal.reason;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const half = <T>(part: TextReportPart) => runOne<T>({ ...task, part }, stop.signal);
  try {
    const [corpus, items] = await Promise.all([
      half<TextCorpusPart>('corpus'),
      half<TextItemsPart>('items'),
    ]);
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

/** One task on one pooled thread. */
function runOne<T>(task: ValidationTask, signal?: AbortSignal): Promise<WorkerResult<T>> {
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
