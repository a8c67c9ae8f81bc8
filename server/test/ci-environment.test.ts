import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL } from './helpers/databases.ts';

/**
 * Some suites need what a bare machine lacks: PostgreSQL (GENESIS_TEST_DATABASE_URL), Redis
 * (GENESIS_TEST_REDIS_URL) and the real datasets in ../shared/data. Locally they skip and say so here; in CI
 * (`CI=true`, set by .ci/run) a missing one fails, so a misconfigured CI cannot pass by skipping them.
 */
const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const NEEDS = {
  GENESIS_TEST_DATABASE_URL: POSTGRES_URL,
  GENESIS_TEST_REDIS_URL: process.env.GENESIS_TEST_REDIS_URL,
  '../shared/data/banking77/train.csv': existsSync(`${SHARED}banking77/train.csv`) || undefined,
  '../shared/data/electricity': existsSync(`${SHARED}electricity`) || undefined,
  '../shared/data/energy/energy.csv': existsSync(`${SHARED}energy/energy.csv`) || undefined,
  '../shared/data/sensors/sensors.csv': existsSync(`${SHARED}sensors/sensors.csv`) || undefined,
  '../shared/data/financial/financial.csv':
    existsSync(`${SHARED}financial/financial.csv`) || undefined,
};
const CI = ['true', '1'].includes(String(process.env.CI ?? '').toLowerCase());

describe('test environment', () => {
  const missing = Object.entries(NEEDS)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (!CI && missing.length > 0) {
    console.warn(
      `Skipping the suites that need ${missing.join(', ')} (PostgreSQL registry and multi-process tests, real-data checks). CI runs them.`,
    );
  }

  it.runIf(CI)('CI provides PostgreSQL, Redis and the real datasets, so no suite skips', () => {
    expect(missing).toEqual([]);
  });
});
