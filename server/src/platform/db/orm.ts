import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AnyEntity, type EntityName, MikroORM, type Options } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { AugmentationSchema } from '../../augmentation/augmentation.entity.ts';
import { JudgeRunSchema } from '../../curation/judge-run.entity.ts';
import { JudgeScoreSchema } from '../../curation/judge-score.entity.ts';
import { GenerationJobSchema } from '../../generation/generation-job.entity.ts';
import { DatasetSchema } from '../../registry/dataset.entity.ts';
import type { DatasetRepository } from '../../registry/dataset.repository.ts';
import { DatasetItemSchema } from '../../registry/dataset-item.entity.ts';
import { DatasetPushSchema } from '../../registry/dataset-push.entity.ts';
import { DatasetTagSchema } from '../../registry/dataset-tag.entity.ts';
import { DatasetUsage } from '../../registry/usage.ts';
import { TrainingRunSchema } from '../../training/training-run.entity.ts';
import { ValidationReportSchema } from '../../validation/validation-report.entity.ts';
import type { DbConfig } from '../config.ts';
import { migrationsList as postgresqlMigrations } from './migrations/postgresql/list.ts';
import { migrationsList as sqliteMigrations } from './migrations/sqlite/list.ts';

export const ENTITIES = [
  DatasetSchema,
  DatasetItemSchema,
  DatasetTagSchema,
  GenerationJobSchema,
  ValidationReportSchema,
  TrainingRunSchema,
  AugmentationSchema,
  JudgeRunSchema,
  JudgeScoreSchema,
  DatasetPushSchema,
];

/** Migrations are generated per dialect (SQLite and PostgreSQL DDL differ), one folder each. */
export function migrationsPath(type: DbConfig['type']): string {
  return fileURLToPath(new URL(`./migrations/${type}`, import.meta.url));
}

/** The MikroORM options for a database; shared by the app, the migration script and the tests. */
export function ormOptions(db: DbConfig, extra: Partial<Options> = {}): Options {
  const common: Partial<Options> = {
    entities: ENTITIES,
    extensions: [Migrator],
    // Resolvers and jobs must each fork their own EntityManager (docs/conventions.md, "Persistence with MikroORM").
    allowGlobalContext: false,
    // Batches relation loads across a GraphQL query's resolvers.
    dataloader: true,
    forceUtcTimezone: true,
    migrations: {
      path: migrationsPath(db.type),
      pathTs: migrationsPath(db.type),
      migrationsList: db.type === 'sqlite' ? sqliteMigrations : postgresqlMigrations,
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: false,
  };
  if (db.type === 'sqlite') {
    return {
      ...common,
      driver: LibSqlDriver,
      dbName: db.path,
      // Every connection waits up to 5 s for another's lock instead of failing with SQLITE_BUSY at once. Set on
      // each connection the pool opens: the libsql dialect replaces a connection older than 10 s by a fresh one,
      // on which a `pragma busy_timeout` run once would be lost (docs/validation.md, "Stopping a validation").
      driverOptions: {
        connection: { timeout: 5000 },
        pool: {
          // WAL with `synchronous = normal`: a commit no longer waits for the WAL's fsync, which blocked the event
          // loop (libsql runs in the main thread) for up to 100 ms per commit of a running job. A crash of the
          // process loses nothing committed; a power loss or OS crash may roll back the last commits
          // (docs/deployment.md, "SQLite durability"). Per connection, as the setting is not stored in the file.
          afterCreate(
            conn: { exec(sql: string): unknown },
            done: (err: Error | null, conn: unknown) => void,
          ) {
            try {
              conn.exec('pragma synchronous = normal');
              done(null, conn);
            } catch (err) {
              done(err as Error, conn);
            }
          },
        },
      },
      ...extra,
    } as Options;
  }
  return { ...common, driver: PostgreSqlDriver, clientUrl: db.url, ...extra } as Options;
}

/** Everything that touches the database, built once per process (or per test) by {@link initORM}. */
export interface Services {
  orm: MikroORM;
  /** The root EntityManager. Fork it (`em.fork()`) per request or job; never use it directly in resolvers. */
  em: EntityManager;
  db: DbConfig;
  datasets: (em: EntityManager) => DatasetRepository;
  /** Exports and validations in progress in this process, per dataset (what a delete must not cut short). */
  usage: DatasetUsage;
  close(): Promise<void>;
}

export interface InitOptions {
  /** Apply pending migrations (the default). Tests of the migrations themselves turn it off. */
  migrate?: boolean;
}

/**
 * Connects to the configured database and applies the committed migrations, so a fresh SQLite file or an empty
 * PostgreSQL database is ready to use.
 */
export async function initORM(db: DbConfig, options: InitOptions = {}): Promise<Services> {
  if (db.type === 'sqlite' && db.path !== ':memory:')
    mkdirSync(dirname(db.path), { recursive: true });
  const orm = await MikroORM.init(ormOptions(db));
  try {
    if (db.type === 'sqlite') {
      // WAL lets readers (the API) proceed while a job writes; foreign keys make cascades real.
      const conn = orm.em.getConnection();
      await conn.execute('pragma journal_mode = wal');
      await conn.execute('pragma foreign_keys = on');
      await conn.execute('pragma busy_timeout = 5000');
    }
    if (options.migrate !== false) await orm.getMigrator().up();
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  const em = orm.em as EntityManager;
  return {
    orm,
    em,
    db,
    datasets: (forked) => forked.getRepository(DatasetSchema) as unknown as DatasetRepository,
    usage: new DatasetUsage(),
    close: () => orm.close(true),
  };
}

/** A typed shorthand for `em.getRepository` with our entities. */
export function repo<T extends AnyEntity>(em: EntityManager, entity: EntityName<T>) {
  return em.getRepository(entity);
}
