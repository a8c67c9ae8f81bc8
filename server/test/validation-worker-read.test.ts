import { renameSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ValidationReportData } from '@genesis/schema/reports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { DatasetChangedError, NotFoundError } from '../src/platform/errors.ts';
import {
  ValidationManager,
  type ValidationManagerOptions,
  type ValidationPhases,
} from '../src/validation/service.ts';
import { ValidationReportSchema } from '../src/validation/validation-report.entity.ts';
import { generatedConversations, storeConversations } from './helpers/conversations.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { useServices } from './helpers/services.ts';

/** The report without the one field that is a measured time. */
function comparable(report: unknown): Omit<ValidationReportData, 'computeSeconds'> {
  const { computeSeconds: _seconds, ...rest } = report as ValidationReportData;
  return rest;
}

async function validate(
  services: Services,
  datasetId: number,
  options: Omit<ValidationManagerOptions, 'onPhases'>,
  reference: Parameters<ValidationManager['validate']>[1] = {},
) {
  const phases: ValidationPhases[] = [];
  const manager = new ValidationManager(services, { ...options, onPhases: (p) => phases.push(p) });
  const stored = await manager.validate(datasetId, reference);
  return { stored, phases: phases[0]! };
}

describe.each(TEST_DATABASES)('validation with the worker reading the items (%s)', (kind) => {
  const db = useServices(kind);

  it('stores the same report as reading on the main thread and copying the items', async () => {
    const dataset = await storeConversations(db.services, 'seeded', generatedConversations(240));
    const viaWorker = await validate(db.services, dataset.id, { read: 'worker' });
    const viaMain = await validate(db.services, dataset.id, { read: 'main' });
    const report = viaWorker.stored.report as unknown as ValidationReportData;
    expect(report.itemCount).toBe(240);
    expect(report.metrics.length).toBeGreaterThan(10);
    expect(comparable(report)).toEqual(comparable(viaMain.stored.report));
    expect(viaWorker.stored.overallScore).toBe(viaMain.stored.overallScore);
    expect([viaWorker.stored.version, viaMain.stored.version]).toEqual([1, 2]);
    // The worker read the items on its own connection; the main thread read none.
    expect(viaWorker.phases.read).toBeGreaterThan(0);
    expect(viaMain.phases.read).toBe(0);
    // On two cores the worker path computes the report's two halves on two threads, each reading the items.
    if (availableParallelism() > 1) {
      expect(Object.keys(viaWorker.phases.halves ?? {}).sort()).toEqual(['corpus', 'items']);
      expect(viaWorker.phases.halves?.items.read).toBeGreaterThan(0);
      expect(viaWorker.phases.halves?.corpus.read).toBeGreaterThan(0);
    }
    expect(viaMain.phases.halves).toBeUndefined();
  });

  it('gives the same report against a reference dataset, built on the fly', async () => {
    const reference = await storeConversations(
      db.services,
      'reference',
      generatedConversations(120, 5),
    );
    const dataset = await storeConversations(
      db.services,
      'measured',
      generatedConversations(90, 6),
    );
    const choice = { referenceDatasetId: reference.id };
    const viaWorker = await validate(db.services, dataset.id, {}, choice);
    const viaMain = await validate(db.services, dataset.id, { read: 'main' }, choice);
    expect(comparable(viaWorker.stored.report)).toEqual(comparable(viaMain.stored.report));
    expect((viaWorker.stored.report as unknown as ValidationReportData).reference?.name).toBe(
      'reference',
    );
  });

  it('ends with NotFoundError and stores nothing when a forced delete stops it', async () => {
    const dataset = await storeConversations(
      db.services,
      'force-deleted',
      generatedConversations(60),
    );
    const running = new ValidationManager(db.services).validate(dataset.id).catch((e) => e);
    // What a forced delete does to the validations of this process before it deletes the rows.
    db.services.usage.abort(dataset.id, new Error('the dataset was deleted'));
    const outcome = await running;
    expect(outcome).toBeInstanceOf(NotFoundError);
    expect((outcome as Error).message).toBe(`Dataset ${dataset.id} does not exist`);
    const reports = await db.services.em
      .fork()
      .count(ValidationReportSchema, { dataset: dataset.id });
    expect(reports).toBe(0);
  });

  it('fails like the main thread read when the dataset is emptied after its snapshot', async () => {
    const dataset = await storeConversations(db.services, 'emptied', generatedConversations(30));
    const em = db.services.em.fork();
    const snapshot = await db.services.datasets(em).snapshot(dataset.id);
    const { runValidationWorker } = await import('../src/validation/run-worker.ts');
    await db.services.em
      .fork()
      .getConnection()
      .execute('delete from dataset_item where dataset_id = ?', [dataset.id]);
    const outcome = await runValidationWorker({
      op: 'validate',
      kind: 'conversations',
      read: { db: db.services.db, snapshot },
      profile: null,
      targets: null,
    }).catch((e) => e);
    expect(outcome).toBeInstanceOf(DatasetChangedError);
    expect((outcome as Error).message).toContain(`0 of the 30 items`);
  });
});

describe('a read that fails in the validation worker', () => {
  let temp: TempDatabase;
  let services: Services;
  beforeAll(async () => {
    temp = await createTempSqlite();
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services?.close();
    await temp?.drop();
  });

  it('says which dataset could not be read and stores no report version', async () => {
    const dataset = await storeConversations(services, 'moved away', generatedConversations(40));
    if (temp.db.type !== 'sqlite') throw new Error('unreachable');
    // The database file moves after this process opened it: this connection keeps working, but the worker's
    // own connection opens a new, empty file at the configured path and finds no registry there.
    const path = temp.db.path;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        renameSync(`${path}${suffix}`, `${path}.moved${suffix}`);
      } catch {
        // A -wal or -shm file that does not exist.
      }
    }
    const outcome = await new ValidationManager(services).validate(dataset.id).catch((e) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe(
      `the validation could not read the 40 items of dataset ${dataset.id} from the database; check that the database is reachable and holds the registry, then validate again`,
    );
    // What the database said is kept as the cause, for the server log.
    expect(String((outcome as Error).cause)).toMatch(/dataset_item|no such table/i);
    const reports = await services.em.fork().count(ValidationReportSchema, { dataset: dataset.id });
    expect(reports).toBe(0);
  });
});
