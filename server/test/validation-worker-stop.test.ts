import { availableParallelism } from 'node:os';
import type { ValidationReportData } from '@genesis/schema/reports';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite } from '../src/platform/db/temp-database.ts';
import { NotFoundError } from '../src/platform/errors.ts';
import { readSnapshotItems } from '../src/validation/read-items.ts';
import { validationWorkerEvents } from '../src/validation/run-worker.ts';
import { ValidationManager } from '../src/validation/service.ts';
import { ValidationReportSchema } from '../src/validation/validation-report.entity.ts';
import { generatedConversations, storeConversations } from './helpers/conversations.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { useServices } from './helpers/services.ts';

/**
 * Stopping a validation (docs/validation.md, "Stopping a validation"): a cancel raises the worker threads' stop
 * flag, each thread stops at its next stop point and closes its connection, and the caller waits for it; no
 * thread is terminated, so none can be cut short inside the SQLite driver's native code.
 */

/** The threads given a task from now on, resolved once `count` of them have one. */
function tasksPosted(count: number): { threads: number[]; posted: Promise<void> } {
  const threads: number[] = [];
  const posted = new Promise<void>((resolve) => {
    const onTask = ({ threadId }: { threadId: number }) => {
      threads.push(threadId);
      if (threads.length < count) return;
      validationWorkerEvents.off('task', onTask);
      resolve();
    };
    validationWorkerEvents.on('task', onTask);
  });
  return { threads, posted };
}

describe.each(TEST_DATABASES)('a validation cancelled while its workers run (%s)', (kind) => {
  const db = useServices(kind);

  it('stops both threads without terminating them, stores nothing, and the next validation works', async () => {
    const dataset = await storeConversations(db.services, 'cancelled', generatedConversations(200));
    const manager = new ValidationManager(db.services);
    // A text report read by the workers runs on two threads on a machine with two cores.
    const threadCount = availableParallelism() > 1 ? 2 : 1;
    const stops: { threadId: number; terminated: boolean }[] = [];
    const onStop = (stop: { threadId: number; terminated: boolean }) => stops.push(stop);
    validationWorkerEvents.on('stopped', onStop);
    try {
      const first = tasksPosted(threadCount);
      const running = manager.validate(dataset.id).catch((e: unknown) => e);
      await first.posted;
      // What a forced delete does to the validations of this process before it deletes the rows.
      db.services.usage.abort(dataset.id, new Error('the dataset was deleted'));
      const outcome = await running;
      expect(outcome).toBeInstanceOf(NotFoundError);
      expect((outcome as Error).message).toBe(`Dataset ${dataset.id} does not exist`);
      // Every thread given the task answered its stop flag; none was terminated.
      expect(stops.sort((a, b) => a.threadId - b.threadId)).toEqual(
        [...first.threads]
          .sort((a, b) => a - b)
          .map((threadId) => ({ threadId, terminated: false })),
      );
      const reports = await db.services.em
        .fork()
        .count(ValidationReportSchema, { dataset: dataset.id });
      expect(reports).toBe(0);

      // The stopped threads are alive and idle: the next validation of the dataset runs on them, to the end.
      const second = tasksPosted(threadCount);
      const stored = await manager.validate(dataset.id);
      await second.posted;
      expect(second.threads.sort()).toEqual(first.threads.sort());
      expect(stored.version).toBe(1);
      expect((stored.report as unknown as ValidationReportData).itemCount).toBe(200);
      expect(stops).toHaveLength(threadCount);
    } finally {
      validationWorkerEvents.off('stopped', onStop);
    }
  });

  it('ends an idle thread the pool has no room for on its own (exit code 0), never terminated', async () => {
    const perValidation = availableParallelism() > 1 ? 2 : 1;
    // Enough validations side by side to use more threads than the two the pool keeps idle.
    const validations = perValidation === 2 ? 2 : 3;
    const datasets = await Promise.all(
      Array.from({ length: validations }, (_, i) =>
        storeConversations(db.services, `side by side ${i}`, generatedConversations(40, 20 + i)),
      ),
    );
    const exited: { threadId: number; code: number }[] = [];
    const onExit = (exit: { threadId: number; code: number }) => exited.push(exit);
    validationWorkerEvents.on('exited', onExit);
    try {
      const used = tasksPosted(validations * perValidation);
      const manager = new ValidationManager(db.services);
      await Promise.all(datasets.map((d) => manager.validate(d.id)));
      await used.posted;
      const threads = new Set(used.threads).size;
      expect(threads).toBeGreaterThan(2);
      await vi.waitUntil(() => exited.length === threads - 2, { timeout: 30_000 });
      expect(exited.map((e) => e.code)).toEqual(Array(threads - 2).fill(0));
    } finally {
      validationWorkerEvents.off('exited', onExit);
    }
  });

  it('ends a read between two chunks when its stop point throws', async () => {
    const dataset = await storeConversations(
      db.services,
      'read-stopped',
      generatedConversations(120, 3),
    );
    const em = db.services.em.fork();
    const snapshot = await db.services.datasets(em).snapshot(dataset.id);
    let chunks = 0;
    const stop = new Error('stopped');
    const outcome = await readSnapshotItems(em as never, snapshot, 50, () => {
      // The first chunk is read; the stop comes before the second.
      if (++chunks === 2) throw stop;
    }).catch((e: unknown) => e);
    expect(outcome).toBe(stop);
    expect(chunks).toBe(2);
    // Unstopped, the same read returns every item in three chunks.
    chunks = 0;
    const items = await readSnapshotItems(em as never, snapshot, 50, () => {
      chunks++;
    });
    expect(items).toHaveLength(120);
    expect(chunks).toBe(3);
  });
});

describe('SQLite connections opened after the first', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wait for another connection’s lock like the first (busy_timeout), so a read right after the validation workers does not fail with SQLITE_BUSY', async () => {
    const temp = await createTempSqlite();
    const services = await initORM(temp.db);
    try {
      const timeout = () => services.em.fork().getConnection().execute('pragma busy_timeout');
      expect(await timeout()).toEqual([{ timeout: 5000 }]);
      expect(await services.em.fork().getConnection().execute('pragma synchronous')).toEqual([
        { synchronous: 1 },
      ]);
      // The libsql dialect replaces a pooled connection older than 10 s by a fresh one on its next use.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 60_000);
      expect(await timeout()).toEqual([{ timeout: 5000 }]);
      // And commit without waiting for the WAL's fsync (1 = NORMAL), on the replacement too.
      expect(await services.em.fork().getConnection().execute('pragma synchronous')).toEqual([
        { synchronous: 1 },
      ]);
    } finally {
      vi.useRealTimers();
      await services.close();
      await temp.drop();
    }
  });
});
