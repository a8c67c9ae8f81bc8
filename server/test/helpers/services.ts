import { afterAll, beforeAll } from 'vitest';
import { initORM, type Services } from '../../src/platform/db/orm.ts';
import type { TempDatabase } from '../../src/platform/db/temp-database.ts';
import { createTempDatabase, type DbKind } from './databases.ts';

/**
 * A throw-away database of `kind` with the ORM on it, for the tests of the describe block that calls this: made
 * before its first test, closed and dropped after its last. Read `services` and `temp` inside the tests.
 */
export function useServices(kind: DbKind): {
  readonly services: Services;
  readonly temp: TempDatabase;
} {
  let temp: TempDatabase | undefined;
  let services: Services | undefined;
  beforeAll(async () => {
    temp = await createTempDatabase(kind);
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services?.close();
    await temp?.drop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useServices: read its fields inside a test');
    return value;
  };
  return {
    get services() {
      return ready(services);
    },
    get temp() {
      return ready(temp);
    },
  };
}
