import type { Worker } from 'node:worker_threads';
import type { CsrMatrix } from '../sparse.ts';
import { startModuleWorker, workerModule } from '../threads.ts';
import { type FitProgressCallback, LinearModel } from './linear.ts';
import { checkLabels, type LinearSvmOptions } from './svm.ts';

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
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/**
 * Worker threads that fit the one-vs-rest SVM problems in parallel: the classes are independent, so with
 * t threads a fit takes about 1/t of the time. The data goes over once as shared memory (no copies per
 * thread), and each thread writes its classes' weights straight into a shared weight matrix. Start the pool
 * early (it takes a few hundred ms to boot its threads) and reuse it across folds; close it when done.
 */
export class SvmThreadPool {
  readonly threads: number;
  readonly #workers: Worker[];
  readonly #ready: Promise<unknown>;
  #nextId = 0;

  constructor(threads: number) {
    this.threads = Math.max(1, Math.floor(threads));
    this.#workers = Array.from({ length: this.threads }, () =>
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

  /** Same result as {@link fitLinearSvm} with the same options. */
  async fit(
    x: CsrMatrix,
    y: ArrayLike<number>,
    nClasses: number,
    options: LinearSvmOptions & { onProgress?: FitProgressCallback } = {},
  ): Promise<LinearModel> {
    checkLabels(x, y, nClasses);
    await this.#ready;
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
    await new Promise<void>((resolve, reject) => {
      let solved = 0;
      let running = this.#workers.length;
      const cleanups: (() => void)[] = [];
      const finish = (error?: Error) => {
        for (const cleanup of cleanups) cleanup();
        if (error) reject(error);
        else resolve();
      };
      for (const worker of this.#workers) {
        const onMessage = (msg: SvmWorkerMessage) => {
          if (!('id' in msg) || msg.id !== id) return;
          if (msg.type === 'solved') {
            solved++;
            options.onProgress?.({
              step: solved,
              steps: problems,
              loss: msg.loss,
              iterations: msg.iterations,
            });
          } else if (msg.type === 'error') {
            finish(new Error(`SVM worker failed: ${msg.message}`));
          } else if (--running === 0) {
            finish();
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
