import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEmulator } from './helpers/emulators.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `genesis` CLI in a child process, the way a user does. */
function genesis(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// Every case starts real CLI processes (tsx compiles on start): generous timeouts for a loaded 2-core machine.
describe('genesis CLI', { timeout: 180_000 }, () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-cli-'));
    db = join(dir, 'cli.sqlite');
    writeFileSync(
      join(dir, 'good.csv'),
      'text,category\nwhere is my card?,card_arrival\nI forgot my passcode,passcode_forgotten\n',
    );
    writeFileSync(
      join(dir, 'bad.csv'),
      'text,category\nwhere is my card?,card_arrival\n,card_arrival\nhello,no_such_intent\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says how to start when the registry is empty', async () => {
    const r = await genesis(['datasets', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No datasets yet/);
  });

  it('imports a file, lists it, and exports it back', async () => {
    const imported = await genesis([
      'import',
      join(dir, 'good.csv'),
      '--kind',
      'utterances',
      '--name',
      'Good',
      '--tags',
      'real,b77',
      '--json',
      '--db',
      db,
    ]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout);
    expect(result).toMatchObject({ ok: true, name: 'Good', kind: 'utterances', itemCount: 2 });

    const table = await genesis(['datasets', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Good/);
    expect(table.stdout).toMatch(/b77, real/);

    const json = JSON.parse(
      (await genesis(['datasets', '--json', '--kind', 'utterances', '--db', db])).stdout,
    );
    expect(json.totalCount).toBe(1);
    expect(json.datasets[0]).toMatchObject({ id: result.id, items: 2, tags: ['b77', 'real'] });

    const out = join(dir, 'out.jsonl');
    const exported = await genesis([
      'export',
      result.id,
      '--format',
      'jsonl',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(exported.code).toBe(0);
    expect(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { text: 'where is my card?', intent: 'card_arrival', language: 'en' },
      { text: 'I forgot my passcode', intent: 'passcode_forgotten', language: 'en' },
    ]);
    const csv = await genesis(['export', result.id, '--format', 'csv', '--db', db]);
    expect(csv.stdout.split('\n')[0]).toBe('text,intent,language');
  });

  it('rejects a bad file with every problem located, and stores nothing', async () => {
    const before = JSON.parse(
      (await genesis(['datasets', '--json', '--db', db])).stdout,
    ).totalCount;
    const r = await genesis(['import', join(dir, 'bad.csv'), '--kind', 'utterances', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv was not imported: 2 problems, nothing was stored/);
    expect(r.stderr).toMatch(/line 3.*text/);
    expect(r.stderr).toMatch(/line 4.*intent.*no_such_intent/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const after = JSON.parse((await genesis(['datasets', '--json', '--db', db])).stdout).totalCount;
    expect(after).toBe(before);
  });

  it('exits 2 with a usage message on bad arguments', async () => {
    const noKind = await genesis(['import', join(dir, 'good.csv'), '--db', db]);
    expect(noKind.code).toBe(2);
    expect(noKind.stderr).toMatch(/required option '--kind <kind>' not specified/);
    expect(noKind.stderr).toMatch(/Usage: genesis import \[options\] <file>/);

    const badKind = await genesis(['import', 'x.csv', '--kind', 'images', '--db', db]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toMatch(/Allowed choices are conversations, timeseries, utterances/);

    const badId = await genesis(['export', 'abc', '--db', db]);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/dataset id is a positive whole number/);

    const badFormat = await genesis(['export', '1', '--format', 'xml', '--db', db]);
    expect(badFormat.code).toBe(2);

    const unknown = await genesis(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(unknown.stderr).toMatch(/Usage: genesis \[options\] \[command\]/);

    const badEnv = await genesis(['datasets'], { PORT: 'x' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/PORT="x": must be a whole number/);
  });

  it('fails clearly on a missing file or dataset', async () => {
    const missing = await genesis([
      'import',
      join(dir, 'nope.csv'),
      '--kind',
      'utterances',
      '--db',
      db,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv/);
    const noDataset = await genesis(['export', '424242', '--db', db]);
    expect(noDataset.code).toBe(1);
    expect(noDataset.stderr).toMatch(/dataset 424242 does not exist/);
  });

  it('exports Parquet, the dataset card and a zip, and refuses binary output to a terminal', async () => {
    const args = ['import', join(dir, 'good.csv'), '--kind', 'utterances', '--name', 'Formats'];
    // good.csv was imported before (as "Good"): the same file again is refused, naming that dataset.
    const again = await genesis([...args, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already imported as dataset \d+ \("Good"\)/);
    expect(again.stderr).toMatch(/--allow-duplicate/);
    const imported = JSON.parse(
      (await genesis([...args, '--allow-duplicate', '--json', '--db', db])).stdout,
    );
    const parquet = join(dir, 'f.parquet');
    const p = await genesis([
      'export',
      imported.id,
      '--format',
      'parquet',
      '--out',
      parquet,
      '--json',
      '--db',
      db,
    ]);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ ok: true, format: 'parquet', itemCount: 2 });
    const bytes = readFileSync(parquet);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
    const { parquetReadObjects } = await import('hyparquet');
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    });
    expect(rows.map((r) => r.intent)).toEqual(['card_arrival', 'passcode_forgotten']);

    const card = await genesis(['export', imported.id, '--format', 'card', '--db', db]);
    expect(card.code).toBe(0);
    expect(card.stdout).toMatch(/^---\n/);
    expect(card.stdout).toMatch(/# Formats/);

    const zip = join(dir, 'f.zip');
    expect(
      (await genesis(['export', imported.id, '--format', 'zip', '--out', zip, '--db', db])).code,
    ).toBe(0);
    const { unzipSync } = await import('fflate');
    const entries = Object.keys(unzipSync(readFileSync(zip))).filter((k) => !k.endsWith('/'));
    expect(entries.sort()).toEqual([
      'Formats/README.md',
      'Formats/data.jsonl',
      'Formats/data.parquet',
    ]);

    const toTerminal = await genesis(['export', imported.id, '--format', 'zip', '--db', db]);
    expect(toTerminal.code).toBe(2);
    expect(toTerminal.stderr).toMatch(/--format zip is binary: give --out FILE/);
    const jsonWithoutOut = await genesis(['export', imported.id, '--json', '--db', db]);
    expect(jsonWithoutOut.code).toBe(2);
    expect(jsonWithoutOut.stderr).toMatch(/--json needs --out/);
  });

  it('takes --mode for generation and refuses a batch it cannot run, naming the field', async () => {
    const local = await genesis([
      'generate',
      '--kind',
      'conversations',
      '--count',
      '5',
      '--provider',
      'local',
      '--mode',
      'batch',
      '--db',
      db,
    ]);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(
      /mode: batch mode is Bedrock batch inference: use provider bedrock/,
    );
    const bad = await genesis([
      'generate',
      '--kind',
      'conversations',
      '--count',
      '5',
      '--mode',
      'x',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are on_demand, batch, auto/);
    const dry = await genesis(
      [
        'generate',
        '--kind',
        'conversations',
        '--count',
        '2000',
        '--provider',
        'bedrock',
        '--mode',
        'batch',
        '--dry-run',
        '--json',
        '--db',
        db,
      ],
      {
        GENESIS_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/genesis-batch',
        GENESIS_BATCH_INPUT_URI: 's3://in/batch/',
        GENESIS_BATCH_OUTPUT_URI: 's3://out/batch/',
      },
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).estimate).toMatchObject({ mode: 'batch', cacheReadTokens: 0 });
  });

  it('run as `pnpm genesis`, resolves relative paths against the directory it was called from', async () => {
    const repo = join(SERVER_DIR, '..');
    const r = await new Promise<Run>((resolve) => {
      execFile(
        TSX,
        [
          'server/src/cli/main.ts',
          'import',
          'good.csv',
          '--kind',
          'utterances',
          '--db',
          'rel.sqlite',
          '--json',
        ],
        {
          cwd: repo,
          // What pnpm sets when a user runs `pnpm genesis ...` in `dir`.
          env: { ...process.env, DATABASE_URL: '', npm_lifecycle_event: 'genesis', INIT_CWD: dir },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, itemCount: 2 });
    expect(readFileSync(join(dir, 'rel.sqlite')).subarray(0, 15).toString()).toBe(
      'SQLite format 3',
    );
  });

  it('generates, validates, profiles, trains and predicts from the command line', async () => {
    const gen = await genesis([
      'generate',
      '--kind',
      'conversations',
      '--count',
      '60',
      '--seed',
      '5',
      '--languages',
      'en',
      '--json',
      '--db',
      db,
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    const job = JSON.parse(gen.stdout);
    expect(job).toMatchObject({ status: 'completed', requested: 60, accepted: 60, rejected: 0 });

    const dry = await genesis([
      'generate',
      '--kind',
      'conversations',
      '--count',
      '500',
      '--provider',
      'bedrock',
      '--rpm',
      '60',
      '--tpm',
      '60000',
      '--dry-run',
      '--db',
      db,
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/model calls: +132/);
    expect(dry.stdout).toMatch(/limited by quota/);

    const val = await genesis(['validate', job.datasetId, '--json', '--db', db]);
    expect(val.code, val.stderr).toBe(0);
    const report = JSON.parse(val.stdout);
    expect(report.reportVersion).toBe(1);
    expect(report.overall.score).toBeGreaterThan(0);
    expect(report.metrics.length).toBeGreaterThan(10);

    const profilePath = join(dir, 'profile.json');
    const prof = await genesis(['profile', job.datasetId, '--out', profilePath, '--db', db]);
    expect(prof.code, prof.stderr).toBe(0);
    expect(JSON.parse(readFileSync(profilePath, 'utf8')).format).toBe('genesis-lab/text-profile');

    const train = await genesis([
      'train',
      job.datasetId,
      '--preset',
      'quick_test',
      '--json',
      '--db',
      db,
    ]);
    expect(train.code, train.stderr).toBe(0);
    const run = JSON.parse(train.stdout);
    expect(run.status).toBe('completed');
    const pred = await genesis([
      'predict',
      run.runId,
      'my card has not arrived yet',
      '--top',
      '3',
      '--json',
      '--db',
      db,
    ]);
    expect(pred.code, pred.stderr).toBe(0);
    const predictions = JSON.parse(pred.stdout);
    expect(predictions).toHaveLength(3);
    expect(predictions[0].probability).toBeGreaterThanOrEqual(predictions[1].probability);

    const badResume = await genesis(['generate', '--resume', job.jobId, '--db', db]);
    expect(badResume.code).toBe(2);
    expect(badResume.stderr).toMatch(/already completed/);
  });

  it('doctor checks the installation, and Bedrock access through the emulator', async () => {
    const local = await genesis(['doctor', '--json', '--db', db]);
    expect(local.code, local.stdout).toBe(0);
    const report = JSON.parse(local.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: any) => c.name)).toEqual(
      expect.arrayContaining(['Node.js', 'database', 'migrations', 'disk space']),
    );

    const emulator = await startLocalEmulator({});
    try {
      const env = {
        GENESIS_PROVIDER: 'bedrock',
        GENESIS_BEDROCK_ENDPOINT: emulator.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
      };
      const ok = JSON.parse((await genesis(['doctor', '--json', '--db', db], env)).stdout);
      expect(ok.checks.find((c: any) => c.name === 'model access')).toMatchObject({ ok: true });
      emulator.reset({ script: ['throttle', 'throttle', 'throttle'] });
      const throttled = await genesis(['doctor', '--db', db], env);
      expect(throttled.code).toBe(1);
      expect(throttled.stdout).toMatch(/FAIL +model access .*throttled/);
    } finally {
      await emulator.stop();
    }

    const noDb = await genesis(['doctor', '--json'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(noDb.code).toBe(1);
    expect(JSON.parse(noDb.stdout).checks.find((c: any) => c.name === 'database').detail).toMatch(
      /Check GENESIS_DB or DATABASE_URL/,
    );
  });

  it('prints help with exit 0', async () => {
    const r = await genesis(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['serve', 'import', 'export', 'datasets']) expect(r.stdout).toContain(cmd);
  });

  it('trains with CV, a test set, a learning curve and searches; lists experiments and runs', async () => {
    const { tinyIntentData } = await import('./training-fixtures.ts');
    const tdb = join(dir, 'training.sqlite');
    const csvOf = (perIntent: number) => {
      const d = tinyIntentData(perIntent);
      return ['text,intent', ...d.texts.map((t, i) => `"${t}",${d.labels[i]}`)].join('\n');
    };
    writeFileSync(join(dir, 'train-set.csv'), csvOf(30));
    writeFileSync(join(dir, 'test-set.csv'), csvOf(12));
    const load = async (file: string) => {
      const r = await genesis([
        'import',
        join(dir, file),
        '--kind',
        'utterances',
        '--json',
        '--db',
        tdb,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).id as string;
    };
    const trainId = await load('train-set.csv');
    const testId = await load('test-set.csv');

    const nb = await genesis([
      'train',
      trainId,
      '--test',
      testId,
      '--cv',
      '3',
      '--model',
      'nb',
      '--learning-curve',
      '--experiment',
      'cli-lab',
      '--json',
      '--db',
      tdb,
    ]);
    expect(nb.code, nb.stderr).toBe(0);
    const run = JSON.parse(nb.stdout);
    expect(run).toMatchObject({
      status: 'completed',
      experiment: 'cli-lab',
      evaluation: { kind: 'cv', folds: 3 },
      test: { accuracy: expect.any(Number), macroF1: expect.any(Number) },
    });
    expect(run.test.accuracy).toBeGreaterThan(0.8);
    expect(run.learningCurve.map((p: any) => p.perClass)).toEqual([1, 3, 10, 30, null]);

    const grid = await genesis([
      'train',
      trainId,
      '--preset',
      'fast',
      '--search',
      'grid',
      '--search-space',
      'C=0.1,1;maxFeatures=100,all',
      '--cv',
      '2',
      '--experiment',
      'cli-lab',
      '--json',
      '--db',
      tdb,
    ]);
    expect(grid.code, grid.stderr).toBe(0);
    const g = JSON.parse(grid.stdout);
    expect(g.search).toMatchObject({
      kind: 'grid',
      folds: 2,
      space: { C: [0.1, 1], maxFeatures: [100, 'all'] },
    });
    expect(g.search.trials.map((t: any) => `${t.values.C}/${t.values.maxFeatures}`).sort()).toEqual(
      ['0.1/100', '0.1/null', '1/100', '1/null'],
    );

    const random = await genesis([
      'train',
      trainId,
      '--preset',
      'fast',
      '--search',
      'random',
      '--search-space',
      'C=0.01..100',
      '--trials',
      '3',
      '--db',
      tdb,
    ]);
    expect(random.code, random.stderr).toBe(0);
    expect(random.stdout).toMatch(/random search, 3 configurations by 3-fold CV: best \{"C":/);

    const usage = async (args: string[], message: RegExp) => {
      const r = await genesis(['train', trainId, ...args, '--db', tdb]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    await usage(
      ['--search', 'grid', '--search-space', 'gamma=1,2'],
      /error: --search-space: unknown search parameter "gamma"/,
    );
    await usage(
      ['--search', 'grid', '--search-space', 'C=-1'],
      /error: --search-space: C=-1 is not valid: model\.C must be >0; got -1/,
    );
    await usage(['--search-space', 'C=1'], /--search-space needs --search grid or --search random/);
    await usage(
      ['--search', 'grid', '--trials', '5'],
      /--trials: searchTrials applies to random search/,
    );
    const help = await genesis(['train', '--help']);
    expect(help.stdout).toContain('--search-space <spec>');
    expect(help.stdout).toContain('C=0.1,1,10;maxFeatures=50000,100000');

    const experiments = await genesis(['experiments', '--json', '--db', tdb]);
    expect(experiments.code, experiments.stderr).toBe(0);
    expect(JSON.parse(experiments.stdout).experiments).toEqual([
      expect.objectContaining({
        name: 'cli-lab',
        runCount: 2,
        completedRuns: 2,
        bestRunId: run.runId,
        bestMetric: 'test.accuracy',
        bestValue: run.test.accuracy,
      }),
    ]);
    expect((await genesis(['experiments', '--db', tdb])).stdout).toMatch(/cli-lab.*test\.accuracy/);
    const runs = JSON.parse(
      (await genesis(['runs', '--experiment', 'cli-lab', '--json', '--db', tdb])).stdout,
    );
    expect(runs.totalCount).toBe(2);
    expect(runs.runs.map((r: any) => r.id)).toEqual([g.runId, run.runId]);
    expect(runs.runs[1]).toMatchObject({
      model: 'nb',
      metric: 'test.accuracy',
      status: 'completed',
    });
  }, 180_000);
});
