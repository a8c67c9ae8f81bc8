import { parentPort } from 'node:worker_threads';
import { SvmProblem } from './svm.ts';
import type { SvmFitMessage, SvmWorkerMessage } from './svm-pool.ts';

// One thread of the SvmThreadPool: takes classes off the shared counter until none are left.
const port = parentPort;
if (!port) throw new Error('svm-worker must run in a worker thread');
const post = (msg: SvmWorkerMessage) => port.postMessage(msg);

port.on('message', (msg: SvmFitMessage) => {
  try {
    // The other threads may have taken every class while this one booted: skip copying the data then.
    if (Atomics.load(msg.next, 0) >= (msg.nClasses === 2 ? 1 : msg.nClasses)) return;
    const problem = new SvmProblem(msg.x, msg.y, msg.nClasses, msg.options);
    for (;;) {
      const c = Atomics.add(msg.next, 0, 1);
      if (c >= problem.problems) break;
      const { loss, iterations } = problem.solve(c, msg.weights, msg.bias);
      post({ type: 'solved', id: msg.id, loss, iterations });
    }
  } catch (error) {
    post({
      type: 'error',
      id: msg.id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
post({ type: 'ready' });
