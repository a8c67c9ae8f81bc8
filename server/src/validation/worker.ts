import { parentPort } from 'node:worker_threads';
import type { DatasetKind } from '@genesis/schema/common';
import type { DbConfig } from '../platform/config.ts';
import type { ItemSnapshot } from '../registry/dataset.repository.ts';
import type { OracleSource } from './text/label-fidelity.ts';

/**
 * Where a `validate` task's items come from: sent with the task (`items`), or read by the worker itself from
 * the database (`read`: its own connection with the main thread's configuration, reading in chunks the
 * snapshot the main thread took), so 100k items are never copied between threads (docs/validation.md, "Where
 * the work runs").
 */
export interface ItemRead {
  db: DbConfig;
  snapshot: ItemSnapshot;
}

/**
 * What the validation worker is asked: build a profile from items, train label oracles on a reference's
 * labelled texts, or validate items against a profile (and oracles).
 */
export type ValidationTask =
  | { op: 'profile'; kind: DatasetKind; name: string; items: unknown[] }
  | { op: 'oracle'; kind: DatasetKind; name: string; items: unknown[] }
  | {
      op: 'validate';
      kind: DatasetKind;
      /** The items, or `read` to read them in the worker. */
      items?: unknown[];
      read?: ItemRead;
      profile: unknown;
      /** Text only: several references, one per language (in place of `profile`). */
      profiles?: unknown[];
      /** Text only: the label oracles, one source per reference (absent: `label_fidelity` is not computable). */
      oracles?: OracleSource | OracleSource[] | null;
      targets: Record<string, Record<string, number>> | null;
      /**
       * Text only: compute one half of the report (text/report.ts, `textCorpusPart` or `textItemsPart`) for
       * run-worker.ts to assemble; absent, the whole report.
       */
      part?: TextReportPart;
    };

/** The two halves of a text report that two threads compute side by side. */
export type TextReportPart = 'corpus' | 'items';

/** Seconds spent in each phase of a task in the worker (`read` is 0 when the items came with the task). */
export interface WorkerPhases {
  read: number;
  profile: number;
  report: number;
  /**
   * A text report computed in two halves on two threads (run-worker.ts): the phases above are those of the half
   * that took longer (the halves run side by side; its report includes assembling the two), these each half's.
   */
  halves?: Record<TextReportPart, WorkerPhases>;
}

/**
 * What run-worker.ts posts to the worker: a task with its stop flag (a shared `Int32Array` of one element that
 * the caller sets to 1 to ask the worker to stop; docs/validation.md, "Stopping a validation"), or `exit` to end
 * an idle thread the pool does not keep.
 */
export type WorkerRequest = { task: ValidationTask; stop: Int32Array } | { exit: true };

/** What the worker posts back: the result and its phases, or a failure that the main thread can rebuild. */
export type WorkerReply =
  | { ok: true; result: unknown; phases: WorkerPhases }
  | {
      ok: false;
      message: string;
      /** Set when the worker stopped because its stop flag was raised (nothing was computed to the end). */
      stopped?: true;
      /** Set when reading the items failed: where, and (for a dataset that changed) the counts. */
      read?: { name: string; datasetId: number; expected?: number; found?: number };
      /** What the database said, kept out of `message`. */
      cause?: string;
    };

// Runs each task posted to it, one at a time, and posts a WorkerReply for each; it stays up between tasks, so
// its modules and the shipped label oracle are loaded once per thread (run-worker.ts keeps it).
const port = parentPort;
if (!port) throw new Error('validation/worker.ts must run in a worker thread (see run-worker.ts)');
let phases: WorkerPhases = { read: 0, profile: 0, report: 0 };

class ReadFailure extends Error {
  constructor(
    message: string,
    readonly read: NonNullable<Extract<WorkerReply, { ok: false }>['read']>,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Thrown at a stop point once the caller raised the task's stop flag; the task ends with a `stopped` reply. */
class Stopped extends Error {}

/** The running task's stop flag (run-worker.ts raises it on a cancel). */
let stopFlag: Int32Array | null = null;

/**
 * A stop point: throws {@link Stopped} when the caller asked this task to stop. Checked between the read's chunks
 * and between the task's phases, so a cancelled validation leaves the SQLite driver's native code on its own and
 * closes its connection, instead of being terminated inside it (docs/validation.md, "Stopping a validation").
 */
function stopPoint(): void {
  if (stopFlag && Atomics.load(stopFlag, 0) !== 0) throw new Stopped('stopped');
}

/**
 * The snapshot's items, read on a connection of this thread with the registry's snapshot rule (read-items.ts),
 * so a dataset deleted or emptied meanwhile fails the read as it does on the main thread.
 */
async function readItems({ db, snapshot }: ItemRead): Promise<unknown[]> {
  const started = performance.now();
  const { MikroORM } = await import('@mikro-orm/core');
  const { ormOptions } = await import('../platform/db/orm.ts');
  const { readSnapshotItems } = await import('./read-items.ts');
  const { DatasetChangedError } = await import('../platform/errors.ts');
  let items: unknown[] = [];
  try {
    // One connection is all a sequential read needs; the migrations were applied by the main thread.
    const orm = await MikroORM.init(ormOptions(db, { pool: { min: 0, max: 1 } }));
    try {
      items = await readSnapshotItems(orm.em.fork() as never, snapshot, undefined, stopPoint);
    } finally {
      await orm.close(true);
    }
  } catch (error) {
    if (error instanceof Stopped) throw error;
    if (error instanceof DatasetChangedError) {
      throw new ReadFailure(error.message, {
        name: 'DatasetChangedError',
        datasetId: error.datasetId,
        expected: error.expected,
        found: error.read,
      });
    }
    throw new ReadFailure(
      `the validation could not read the ${snapshot.count} items of dataset ${snapshot.datasetId} from the database; check that the database is reachable and holds the registry, then validate again`,
      { name: 'ReadError', datasetId: snapshot.datasetId },
      error instanceof Error ? error.message : String(error),
    );
  }
  phases.read = seconds(started);
  return items;
}

async function run(t: ValidationTask): Promise<unknown> {
  stopPoint();
  if (t.op === 'oracle') {
    if (t.kind === 'timeseries') return null;
    const { buildReferenceOracles } = await import('./text/label-fidelity.ts');
    return buildReferenceOracles(t.items as never, t.kind, t.name);
  }
  if (t.op === 'validate' && t.read) {
    // The report's modules load while the items are read (under tsx the loader hooks run on their own thread);
    // a failure surfaces at the import below.
    const modules =
      t.kind === 'timeseries'
        ? [import('./series/profile.ts'), import('./series/report.ts')]
        : [
            import('./text/profile.ts'),
            import('./text/report.ts'),
            import('./text/label-fidelity.ts'),
          ];
    for (const loading of modules) loading.catch(() => {});
  }
  const items = t.op === 'validate' && t.read ? await readItems(t.read) : (t.items ?? []);
  stopPoint();
  if (t.kind === 'timeseries') {
    const { buildSeriesProfile, parseSeriesProfile } = await import('./series/profile.ts');
    const { validateSeries } = await import('./series/report.ts');
    if (t.op === 'profile') return buildSeriesProfile(t.name, items);
    let started = performance.now();
    const profile = t.profile ? parseSeriesProfile(t.profile) : null;
    phases.profile = seconds(started);
    stopPoint();
    started = performance.now();
    const report = validateSeries(items as never, { profile });
    phases.report = seconds(started);
    return report;
  }
  const { buildTextProfile, parseTextProfile } = await import('./text/profile.ts');
  const { validateText, textCorpusPart, textItemsPart } = await import('./text/report.ts');
  if (t.op === 'profile') return buildTextProfile(t.name, items as never, t.kind);
  const { resolveOracles } = await import('./text/label-fidelity.ts');
  let started = performance.now();
  const options = {
    profile: t.profile ? parseTextProfile(t.profile) : null,
    profiles: t.profiles?.map((p) => parseTextProfile(p)) ?? null,
    // Only the items half judges labels: the corpus half leaves the oracles unparsed.
    oracles: t.part === 'corpus' ? null : resolveOracles(t.oracles),
    targets: t.targets as never,
  };
  phases.profile = seconds(started);
  stopPoint();
  started = performance.now();
  const report =
    t.part === 'corpus'
      ? textCorpusPart(items as never, t.kind, options)
      : t.part === 'items'
        ? textItemsPart(items as never, t.kind, options)
        : validateText(items as never, t.kind, options);
  phases.report = seconds(started);
  return report;
}

port.on('message', async (request: WorkerRequest) => {
  if ('exit' in request) {
    // Nothing left to run: closing the port lets the thread end on its own (exit code 0), never terminated.
    port.close();
    return;
  }
  phases = { read: 0, profile: 0, report: 0 };
  stopFlag = request.stop;
  let reply: WorkerReply;
  try {
    const result = await run(request.task);
    // Asked to stop while the report was computed: the caller has dropped it, say so.
    stopPoint();
    reply = { ok: true, result, phases };
  } catch (error) {
    reply =
      error instanceof Stopped
        ? { ok: false, stopped: true, message: 'the validation was stopped' }
        : error instanceof ReadFailure
          ? {
              ok: false,
              message: error.message,
              read: error.read,
              ...(error.detail ? { cause: error.detail } : {}),
            }
          : { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  stopFlag = null;
  port.postMessage(reply);
});
