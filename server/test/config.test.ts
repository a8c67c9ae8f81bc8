import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SQLITE_PATH, EnvSchema, loadConfig } from '../src/platform/config.ts';

describe('configuration', () => {
  it('defaults to the embedded SQLite file, the local provider and loopback', () => {
    const c = loadConfig({});
    expect(c.db).toEqual({ type: 'sqlite', path: DEFAULT_SQLITE_PATH });
    expect(DEFAULT_SQLITE_PATH).toMatch(/data\/genesis\.sqlite$/);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      provider: 'local',
      apiToken: undefined,
    });
  });

  it('uses PostgreSQL when DATABASE_URL is a postgres URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).db).toEqual({
      type: 'postgresql',
      url: 'postgres://u@h:5432/db',
    });
  });

  it('names every bad variable and its value', () => {
    expect(() =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        GENESIS_PROVIDER: 'gemini',
        GENESIS_API_TOKEN: 'short',
      }),
    ).toThrow(ConfigError);
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        GENESIS_PROVIDER: 'gemini',
        GENESIS_API_TOKEN: 'short',
      });
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT="eighty": must be a whole number/);
      expect(msg).toMatch(/DATABASE_URL="mysql:\/\/x": must be a postgres:\/\/ URL/);
      expect(msg).toMatch(/GENESIS_PROVIDER="gemini"/);
      expect(msg).toMatch(/GENESIS_API_TOKEN="short": must be at least 16 characters/);
    }
  });

  it('reads price overrides and rejects malformed ones', () => {
    const c = loadConfig({
      GENESIS_PRICES: '{"nova-pro":{"input":1,"output":2,"cacheRead":0.1,"cacheWrite":1}}',
    });
    expect(c.prices['nova-pro']).toEqual({ input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1 });
    expect(() => loadConfig({ GENESIS_PRICES: '{oops' })).toThrow(
      /GENESIS_PRICES.*must be a JSON object/,
    );
    expect(() => loadConfig({ GENESIS_PRICES: '{"x":{"input":1}}' })).toThrow(/GENESIS_PRICES/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(4000);
  });
});

describe('README', () => {
  it('documents every environment variable the server reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## CLI'));
    const undocumented = Object.keys(EnvSchema.entries).filter((k) => !table.includes(`\`${k}\``));
    expect(undocumented).toEqual([]);
  });
});
