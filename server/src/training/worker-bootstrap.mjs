// Entry point of every training worker thread. Node 20 ignores `--import tsx` in a Worker's execArgv
// (nodejs/node#47747), so a TypeScript entry is loaded by registering tsx's ESM hooks here first; this file is
// plain JavaScript so Node can start it without them.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string')
  throw new Error('worker-bootstrap: workerData.entry must be a module URL');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
