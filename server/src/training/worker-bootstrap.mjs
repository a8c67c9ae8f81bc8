// Entry point of every worker thread started from source (tsx, vitest) by startModuleWorker (threads.ts). Node 20
// ignores `--import tsx` in a Worker's execArgv (a known Node limitation: Worker execArgv does not take --import loaders), so a TypeScript entry is loaded by
// registering tsx's ESM hooks here first; this file is plain JavaScript so Node can start it without them.
// Workers built into server/dist start directly and never come here.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string')
  throw new Error('worker-bootstrap: workerData.entry must be a module URL');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
