import type { EmulatorOptions } from '@genesis/bedrock-emulator/options';
import type { Emulator } from '@genesis/bedrock-emulator/server';
import { afterAll, beforeAll } from 'vitest';
import { initORM, type Services } from '../../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../../src/platform/db/temp-database.ts';
import { startLocalEmulator } from './emulators.ts';

/**
 * For the enclosing `describe`: a local Bedrock emulator started with `options` and a temporary SQLite database
 * with its services, started before its tests and stopped after them. Read the fields inside tests.
 */
export function useEmulatorAndDatabase(options: EmulatorOptions) {
  const env = {} as { emulator: Emulator; services: Services };
  let temp: TempDatabase | undefined;
  beforeAll(async () => {
    env.emulator = await startLocalEmulator(options);
    temp = await createTempSqlite();
    env.services = await initORM(temp.db);
  });
  afterAll(async () => {
    await env.services?.close();
    await temp?.drop();
    await env.emulator?.stop();
  });
  return env;
}
