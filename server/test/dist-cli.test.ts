import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The production build (scripts/build.mjs → dist/bin/): what `pnpm start` runs with plain Node, no tsx. The
// other CLI tests run the sources; this one fails when the bundle breaks (a worker missing or misnamed, a
// package bundled that must stay external, migrations or shipped files not found from dist).

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(SERVER_DIR, 'dist/bin');
const CLI = join(DIST, 'genesis.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  // The SDK's Node-version warning must stay off because the CLI turns it off, not because this test runner's
  // environment (the package's `test` script) does.
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: SERVER_DIR, env: { ...inherited, DATABASE_URL: '', NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const genesis = (args: string[], env?: Record<string, string>) => run(CLI, args, env);

describe('the built server (dist/bin)', { timeout: 180_000 }, () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    // Build here too (about a second), so the test checks the current sources even outside `pnpm test`.
    const built = await run(join(SERVER_DIR, 'scripts/build.mjs'), []);
    expect(built.code, built.stderr).toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'genesis-dist-'));
    db = join(dir, 'dist.sqlite');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a bundle for every worker the sources start', () => {
    const sources = {
      'training/run.ts': /workerModule\(\s*import\.meta\.url,\s*'[^']+',\s*'\.\/([^']+)'/,
      'validation/run-worker.ts': /workerModule\(\s*import\.meta\.url,\s*'[^']+',\s*'\.\/([^']+)'/,
      'training/models/svm-pool.ts':
        /workerModule\(\s*import\.meta\.url,\s*'[^']+',\s*'\.\/([^']+)'/,
    };
    for (const [file, pattern] of Object.entries(sources)) {
      const name = readFileSync(join(SERVER_DIR, 'src', file), 'utf8').match(pattern)?.[1];
      expect(name, `worker started by src/${file}`).toBeTruthy();
      expect(existsSync(join(DIST, name!)), `dist/bin/${name} (started by src/${file})`).toBe(true);
    }
  });

  it('runs --help with plain Node', async () => {
    const r = await genesis(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Usage: genesis/);
    expect(r.stderr).toBe('');
  });

  it('generates, validates and trains on a fresh SQLite file (migrations, profiles, worker threads)', async () => {
    const gen = await genesis([
      'generate',
      ...['--kind', 'conversations', '--count', '40', '--seed', '7', '--db', db, '--json'],
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(JSON.parse(gen.stdout)).toMatchObject({ status: 'completed', accepted: 40 });

    // The validation worker, against a profile shipped in data/reference (found through REPO_ROOT).
    const val = await genesis(['validate', '1', '--profile', 'banking77', '--db', db, '--json']);
    expect(val.code, val.stderr).toBe(0);
    expect(JSON.parse(val.stdout)).toMatchObject({
      itemCount: 40,
      overall: { score: expect.any(Number) },
    });

    // The training worker, and with more than one core the SVM thread pool's workers.
    const train = await genesis(['train', '1', '--preset', 'fast', '--db', db, '--json']);
    expect(train.code, train.stderr).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ status: 'completed', error: null });
    expect(`${gen.stderr}${val.stderr}${train.stderr}`).not.toMatch(/Warning/);
  });

  it('keeps the AWS SDK Node-version warning out of its output', async () => {
    // doctor creates a Bedrock client; the endpoint refuses at once, so the model check fails fast.
    const r = await genesis(['doctor', '--db', db], {
      GENESIS_PROVIDER: 'bedrock',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      GENESIS_BEDROCK_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(r.stdout).toMatch(/AWS credentials/);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});
