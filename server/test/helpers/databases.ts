import {
  createTempPostgres,
  createTempSqlite,
  type TempDatabase,
} from '../../src/platform/db/temp-database.ts';

/**
 * The databases the registry tests run against: always a SQLite file, and PostgreSQL when
 * GENESIS_TEST_DATABASE_URL names a server (CI sets it to the machine's `test` database). When it is set and the
 * server can't be reached, the PostgreSQL tests fail rather than skip.
 */
export const POSTGRES_URL = process.env.GENESIS_TEST_DATABASE_URL;

export type DbKind = 'sqlite' | 'postgresql';

export const TEST_DATABASES: DbKind[] = POSTGRES_URL ? ['sqlite', 'postgresql'] : ['sqlite'];

export function createTempDatabase(kind: DbKind): Promise<TempDatabase> {
  if (kind === 'sqlite') return createTempSqlite();
  if (!POSTGRES_URL) throw new Error('GENESIS_TEST_DATABASE_URL is not set');
  return createTempPostgres(POSTGRES_URL);
}
