import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/platform/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { INTERRUPTED_MESSAGE, TrainingManager } from '../src/training/service.ts';
import { TrainingRunSchema } from '../src/training/training-run.entity.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { useServices } from './helpers/services.ts';
import { tinyIntentData } from './training-fixtures.ts';

/** tinyIntentData as registry items. */
function utteranceItems(perIntent: number) {
  const data = tinyIntentData(perIntent);
  return data.texts.map((text, i) => {
    const intent = data.labels[i]!;
    return {
      key: `u-${i}`,
      data: { text, intent, language: 'en' },
      columns: { intent, category: null, language: 'en' },
    };
  }) as never;
}

/** The id of a process that existed on this machine and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe.each(TEST_DATABASES)('interrupted training runs on %s', (kind) => {
  const db = useServices(kind);

  async function insertRun(fields: Record<string, unknown>): Promise<number> {
    const em = db.services.em.fork();
    const run = em.create(TrainingRunSchema, {
      status: 'running',
      config: {},
      preset: 'fast',
      ...fields,
    } as never);
    await em.flush();
    return run.id;
  }

  const inOneHour = () => new Date(Date.now() + 3_600_000);

  it('marks the runs of dead processes failed when the server starts, and leaves live ones', async () => {
    const ids = {
      deadHere: await insertRun({
        leaseOwner: `${hostname()}:${deadPid()}:aaaaaa`,
        leaseExpiresAt: inOneHour(),
      }),
      aliveElsewhere: await insertRun({
        leaseOwner: 'other-host:123:bbbbbb',
        leaseExpiresAt: inOneHour(),
      }),
      expiredElsewhere: await insertRun({
        status: 'queued',
        leaseOwner: 'other-host:456:cccccc',
        leaseExpiresAt: new Date(Date.now() - 60_000),
      }),
      noOwner: await insertRun({ leaseOwner: null, leaseExpiresAt: null }),
      // Another live process of this machine (e.g. `genesis train`): this process stands in for it.
      aliveHere: await insertRun({
        leaseOwner: `${hostname()}:${process.pid}:dddddd`,
        leaseExpiresAt: inOneHour(),
      }),
      completed: await insertRun({ status: 'completed', leaseOwner: null }),
    };
    const config = loadConfig({
      ...(db.temp.db.type === 'sqlite'
        ? { GENESIS_DB: db.temp.db.path }
        : { DATABASE_URL: db.temp.db.url }),
      GENESIS_LOG_LEVEL: 'silent',
      GENESIS_LEASE_SECONDS: '2',
    });
    const app = await buildApp(config, {
      services: db.services,
      webBuildDir: null,
      resumeInterruptedJobs: true,
    });
    const url = await app.start(0, '127.0.0.1');
    const run = async (id: number) =>
      (
        (await (
          await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              query:
                'query($id: ID!) { trainingRun(id: $id) { status error finishedAt progress { status stage message } } }',
              variables: { id: String(id) },
            }),
          })
        ).json()) as { data: { trainingRun: Record<string, any> } }
      ).data.trainingRun;
    try {
      for (const id of [ids.deadHere, ids.expiredElsewhere, ids.noOwner]) {
        const r = await run(id);
        expect(r).toMatchObject({
          status: 'FAILED',
          error: INTERRUPTED_MESSAGE,
          progress: { status: 'FAILED', stage: 'done', message: INTERRUPTED_MESSAGE },
        });
        expect(r.finishedAt).toBeTruthy();
      }
      expect(INTERRUPTED_MESSAGE).toMatch(/^Interrupted: the server stopped .*start it again\.$/);
      expect((await run(ids.aliveElsewhere)).status).toBe('RUNNING');
      expect((await run(ids.aliveHere)).status).toBe('RUNNING');
      expect((await run(ids.completed)).status).toBe('COMPLETED');

      // The other host stops renewing its lease (it died): the running server notices within seconds.
      await db.services.em
        .fork()
        .nativeUpdate(
          TrainingRunSchema,
          { id: ids.aliveElsewhere },
          { leaseExpiresAt: new Date(Date.now() - 1000) },
        );
      await expect
        .poll(async () => (await run(ids.aliveElsewhere)).status, { timeout: 10_000 })
        .toBe('FAILED');
      expect((await run(ids.aliveHere)).status).toBe('RUNNING');
    } finally {
      await app.stop();
    }
  });

  it('leases runs to their process: another process sees them live, cancels them through the database', async () => {
    const dataset1 = await db.services.datasets(db.services.em.fork()).createWithItems(
      { name: 'big', kind: 'utterances', origin: 'imported', tags: [] },
      // Big enough that 10-fold CV outlasts the lease wait below on a fast, idle machine (4,000 no longer did once
      // the SVM got faster: the run then completed while the cancel was on its way).
      utteranceItems(10000),
    );
    // Two server processes on one database, played by two managers with their own owners.
    const a = new TrainingManager(db.services, createAppPubSub(), { leaseSeconds: 1 });
    const b = new TrainingManager(db.services, createAppPubSub(), { leaseSeconds: 1 });
    try {
      const run = await a.start({
        datasetId: dataset1.id,
        preset: 'cross_validation',
        cvFolds: 10,
      });
      const stored = await db.services.em.fork().findOneOrFail(TrainingRunSchema, run.id);
      expect(stored.leaseOwner).toBe(a.owner);
      expect(stored.leaseOwner).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{6}$`));
      // Heartbeats keep the lease and share the progress with the other process.
      await expect
        .poll(async () => (await b.progress(run.id))?.stage, { timeout: 10_000, interval: 100 })
        .toMatch(/features|cross_validation/);
      await new Promise((r) => setTimeout(r, 1500)); // longer than the lease: renewed meanwhile
      expect(await b.recoverInterrupted()).toEqual([]);
      expect(a.isRunning(run.id)).toBe(true);

      const cancelled = await b.cancel(run.id);
      expect(cancelled.status).toBe('cancelled');
      await a.wait(run.id); // a's heartbeat saw the cancel and stopped the worker
      const after = await db.services.em.fork().findOneOrFail(TrainingRunSchema, run.id);
      expect(after).toMatchObject({ status: 'cancelled', error: 'Cancelled.', leaseOwner: null });
    } finally {
      await a.stopAll();
      await b.stopAll();
    }
  });

  it('a server that stops marks its running runs interrupted, not cancelled', async () => {
    const dataset = await db.services
      .datasets(db.services.em.fork())
      .createWithItems(
        { name: 'big2', kind: 'utterances', origin: 'imported', tags: [] },
        utteranceItems(400),
      );
    const manager = new TrainingManager(db.services, createAppPubSub());
    const run = await manager.start({
      datasetId: dataset.id,
      preset: 'cross_validation',
      cvFolds: 10,
    });
    await expect
      .poll(async () => (await manager.progress(run.id))?.stage, { timeout: 10_000, interval: 20 })
      .toMatch(/features|cross_validation/);
    await manager.stopAll();
    const after = await db.services.em.fork().findOneOrFail(TrainingRunSchema, run.id);
    expect(after).toMatchObject({ status: 'failed', error: INTERRUPTED_MESSAGE, leaseOwner: null });
  });
});
