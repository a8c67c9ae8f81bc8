import { execFile, execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');
const ENV = { ...process.env, DATABASE_URL: '', NO_COLOR: '1', GENESIS_LOG_LEVEL: 'silent' };

function genesis(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: ENV },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

// Real CLI processes (tsx compiles on start): generous timeouts for a loaded 2-core machine.
describe('genesis CLI: exports and job sizes', { timeout: 180_000 }, () => {
  let dir: string;
  let db: string;
  let services: Services;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-safety-'));
    db = join(dir, 'cli.sqlite');
    services = await initORM({ type: 'sqlite', path: db });
  });
  afterAll(async () => {
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails an export whose dataset is deleted meanwhile: exit 1, and no partial --out file left', async () => {
    // 3000 items of 16 KB: the CLI can't get past its first 1000-item read before we delete, as it blocks on
    // the FIFO we read from (a few KB of pipe buffer) until we read on.
    const pad = 'x'.repeat(16_000);
    const dataset = await services.datasets(services.em.fork()).createWithItems(
      { name: 'cut', kind: 'utterances', origin: 'imported' },
      Array.from({ length: 3000 }, (_, i) => ({
        key: `u-${i}`,
        data: { text: `item ${i} ${pad}`, intent: 'card_arrival', language: 'en' },
        columns: { intent: 'card_arrival', language: 'en' },
      })),
    );
    const out = join(dir, 'cut.jsonl');
    execFileSync('mkfifo', [out]);
    const child = spawn(
      TSX,
      ['src/cli/main.ts', 'export', String(dataset.id), '--out', out, '--db', db],
      { cwd: SERVER_DIR, env: ENV },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));

    const reader = createReadStream(out);
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      reader.once('data', (chunk) => {
        bytes += chunk.length;
        reader.pause();
        resolve();
      });
      reader.once('error', reject);
    });
    expect(await services.datasets(services.em.fork()).deleteById(dataset.id)).toBe(true);
    reader.on('data', (chunk) => {
      bytes += chunk.length;
    });
    reader.resume();
    await new Promise<void>((r) => reader.once('close', () => r()));

    expect(await exited).toBe(1);
    expect(stderr).toMatch(/changed while it was being read/);
    expect(stderr).toMatch(/was removed/);
    expect(bytes).toBeLessThan(3000 * 16_000);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to delete a dataset a paused job uses, unless --force, which cancels the job', async () => {
    const em = services.em.fork();
    const dataset = await services
      .datasets(em)
      .createWithItems({ name: 'in use', kind: 'conversations', origin: 'generated' }, []);
    const job = em.create(GenerationJobSchema, {
      kind: 'conversations',
      status: 'paused',
      provider: 'local',
      model: 'local',
      config: {},
      dataset: dataset.id,
      requested: 3,
    } as never);
    await em.flush();
    const refused = await genesis(['delete', String(dataset.id), '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `Dataset ${dataset.id} is in use by generation job ${job.id} \\(paused\\).*use --force`,
      ),
    );
    const forced = await genesis(['delete', String(dataset.id), '--force', '--json', '--db', db]);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({ ok: true, id: String(dataset.id) });
    const after = services.em.fork();
    expect((await after.findOneOrFail(GenerationJobSchema, job.id)).status).toBe('cancelled');
    expect(await after.findOne(DatasetSchema, dataset.id)).toBeNull();
  });

  it('shows the size of a job in --dry-run, and refuses one over GENESIS_MAX_JOB_POINTS', async () => {
    const ok = await genesis([
      'generate',
      '--kind',
      'timeseries',
      '--count',
      '100',
      '--length',
      '1000',
      '--dry-run',
      '--db',
      db,
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/size: +100 series x 1,000 points = 100,000 points, about 3\.\d MB/);

    const huge = await genesis([
      'generate',
      '--kind',
      'timeseries',
      '--count',
      '100000',
      '--length',
      '100000',
      '--dry-run',
      '--db',
      db,
    ]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(
      /length: 100,000 series x 100,000 points is 10,000,000,000 points \(about 340 GB\); the limit is 20,000,000 points per job \(GENESIS_MAX_JOB_POINTS\)/,
    );
  });
});
