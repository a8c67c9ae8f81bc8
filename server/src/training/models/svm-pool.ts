import type { Worker } from 'node:worker_threads';
import type { CsrMatrix } from '../sparse.ts';
import { startModuleWorker, workerModule } from '../threads.ts';
import { type FitProgressCallback, LinearModel } from './linear.ts';
import { checkLabels, type LinearSvmOptions, SvmProblem } from './svm.ts';

/** A fit request, as the pool posts it to each thread (typed arrays on shared memory). */
export interface SvmFitMessage {
  readonly type: 'fit';
  readonly id: number;
  readonly x: CsrMatrix;
  readonly y: Int32Array;
  readonly nClasses: number;
  readonly options: { C?: number; tol?: number; maxIter?: number; seed?: number };
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  /** Next class to solve, shared: threads take classes with Atomics.add, so the load balances itself. */
  readonly next: Int32Array;
}

/** What a thread answers. */
export type SvmWorkerMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'solved';
      readonly id: number;
      readonly loss: number;
      readonly iterations: number;
    }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/**
 * Threads that fit the one-vs-rest SVM problems in parallel: the classes are independent, so with t threads a
 * fit takes about 1/t of the time. The calling thread is one of the t (it solves classes too while it waits), so
 * the pool starts t − 1 worker threads. The data goes over once as shared memory (no copies per thread), and
 * each thread writes its classes' weights straight into a shared weight matrix. Start the pool early (a worker
 * takes a few hundred ms to boot) and reuse it across folds; close it when done.
 */
export class SvmThreadPool {
  readonly threads: number;
  readonly #workers: Worker[];
  readonly #ready: Promise<unknown>;
  #nextId = 0;

  constructor(threads: number) {
    this.threads = Math.max(1, Math.floor(threads));
    this.#workers = Array.from({ length: this.threads - 1 }, () =>
      startModuleWorker(workerModule(import.meta.url, './svm-worker.ts', './svm-worker.js'), null),
    );
    this.#ready = Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', () => resolve());
            worker.once('error', reject);
          }),
      ),
    );
  }

  /** Resolves once every worker thread has booted (a fit does not need to wait for it). */
  async ready(): Promise<void> {
    await this.#ready;
  }

  /** Same result as {@link fitLinearSvm} with the same options. */
  async fit(
    x: CsrMatrix,
    y: ArrayLike<number>,
    nClasses: number,
    options: LinearSvmOptions & { onProgress?: FitProgressCallback } = {},
  ): Promise<LinearModel> {
    checkLabels(x, y, nClasses);
    // No wait for the workers to boot: a message posted now waits in the worker's port, and this thread starts
    // solving at once, so the boot overlaps the fit.
    const id = this.#nextId++;
    const message: SvmFitMessage = {
      type: 'fit',
      id,
      x: {
        nRows: x.nRows,
        nCols: x.nCols,
        indptr: shared(Int32Array, x.indptr),
        indices: shared(Int32Array, x.indices),
        values: shared(Float32Array, x.values),
      },
      y: shared(Int32Array, y),
      nClasses,
      options: { C: options.C, tol: options.tol, maxIter: options.maxIter, seed: options.seed },
      weights: new Float32Array(new SharedArrayBuffer(x.nCols * nClasses * 4)),
      bias: new Float64Array(new SharedArrayBuffer(nClasses * 8)),
      next: new Int32Array(new SharedArrayBuffer(4)),
    };
    const problems = nClasses === 2 ? 1 : nClasses;
    // Done when every class is solved (a thread reports a class after writing its weights), not when every
    // worker has answered: a worker still booting when the others took the last class has nothing to do.
    let solved = 0;
    let settle: (error?: Error) => void = () => {};
    const report = (loss: number, iterations: number) => {
      solved++;
      options.onProgress?.({ step: solved, steps: problems, loss, iterations });
      if (solved === problems) settle();
    };
    const workers = new Promise<void>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const finish = (error?: Error) => {
        for (const cleanup of cleanups) cleanup();
        if (error) reject(error);
        else resolve();
      };
      settle = finish;
      this.#ready.catch((error: Error) => finish(error));
      for (const worker of this.#workers) {
        const onMessage = (msg: SvmWorkerMessage) => {
          if (!('id' in msg) || msg.id !== id) return;
          if (msg.type === 'solved') {
            report(msg.loss, msg.iterations);
          } else if (msg.type === 'error') {
            finish(new Error(`SVM worker failed: ${msg.message}`));
          }
        };
        const onError = (error: Error) => finish(error);
        worker.on('message', onMessage);
        worker.on('error', onError);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
        worker.postMessage(message);
      }
    });
    // This thread takes classes off the same counter while the workers run (its share, like theirs, depends
    // on timing; the weights do not: each class has its own seed).
    try {
      const problem = new SvmProblem(message.x, message.y, nClasses, message.options);
      for (;;) {
        const c = Atomics.add(message.next, 0, 1);
        if (c >= problem.problems) break;
        const { loss, iterations } = problem.solve(c, message.weights, message.bias);
        report(loss, iterations);
      }
    } catch (error) {
      // Leave the workers no more classes, and stop listening for this fit.
      Atomics.store(message.next, 0, problems);
      workers.catch(() => undefined);
      settle(error as Error);
      throw error;
    }
    await workers;
    return new LinearModel({
      kind: 'svm',
      nFeatures: x.nCols,
      nClasses,
      weights: Float32Array.from(message.weights),
      bias: Float64Array.from(message.bias),
    });
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function shared<T extends Int32Array | Float32Array>(
  type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  source: ArrayLike<number>,
): T {
  if (source instanceof type && source.buffer instanceof SharedArrayBuffer) return source as T;
  const out = new type(new SharedArrayBuffer(source.length * type.BYTES_PER_ELEMENT));
  out.set(source);
  return out;
}
