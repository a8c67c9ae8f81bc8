import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DbConfig } from '../config.ts';

/** A throwaway database for a test or a script: a SQLite file in a temp folder, or a new PostgreSQL database. */
export interface TempDatabase {
  db: DbConfig;
  drop(): Promise<void>;
}

export async function createTempSqlite(): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'genesis-'));
  return {
    db: { type: 'sqlite', path: join(dir, 'genesis.sqlite') },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Creates an empty database on the PostgreSQL server of `adminUrl` (whose role may create databases) and
 * returns its URL. Each caller gets its own database, so test files run in parallel without sharing state.
 */
export async function createTempPostgres(adminUrl: string): Promise<TempDatabase> {
  const name = `genesis_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    db: { type: 'postgresql', url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
