import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyIntentData } from './training-fixtures.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');
/** The escape character every ANSI colour code starts with. */
const ESC = String.fromCharCode(27);

function genesis(
  args: string[],
  env: Record<string, string | undefined> = { NO_COLOR: '1' },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describe('genesis train output', { timeout: 180_000 }, () => {
  let dir: string;
  let db: string;
  let datasetId: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-train-out-'));
    db = join(dir, 'g.sqlite');
    const d = tinyIntentData(30);
    writeFileSync(
      join(dir, 'train.csv'),
      ['text,intent', ...d.texts.map((t, i) => `"${t}",${d.labels[i]}`)].join('\n'),
    );
    const r = await genesis([
      'import',
      join(dir, 'train.csv'),
      '--kind',
      'utterances',
      '--json',
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    datasetId = JSON.parse(r.stdout).id;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the hold-out accuracy of a hold-out preset (it printed "accuracy n/a")', async () => {
    const r = await genesis(['train', datasetId, '--preset', 'balanced', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.includes('hold-out'));
    expect(line).toMatch(
      /hold-out \(\d+% of the data\): accuracy [01]\.\d{4}, macro-F1 [01]\.\d{4}/,
    );
    expect(r.stdout).not.toContain('n/a');
    // The hint names a command that runs from the repository root.
    expect(r.stdout).toContain(`Try it: pnpm genesis predict`);
  });

  it('prints tables without colour codes when its output is not a terminal', async () => {
    // NO_COLOR unset on purpose: a pipe alone must be enough (the tables used to carry ANSI colours here).
    const env = { NO_COLOR: undefined, FORCE_COLOR: undefined };
    const listed = await genesis(['datasets', '--db', db], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('utterances');
    expect(listed.stdout).not.toContain(ESC);
    const runs = await genesis(['runs', '--db', db], env);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).not.toContain(ESC);
  });
});
