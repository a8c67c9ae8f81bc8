import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '@genesis/schema/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/app.ts';

/**
 * Calibrating on a user's own data (`likeDatasetId`, `genesis generate --like`), and the user controls of a
 * time-series job (length, frequency, start, time zone) with their located errors, over the real server and
 * the real CLI.
 */

const IMPORT = /* GraphQL */ `
  mutation Import($file: File!, $kind: DatasetKind!, $name: String) {
    importDataset(file: $file, kind: $kind, name: $name) {
      __typename
      ... on MutationImportDatasetSuccess { data { id } }
      ... on ImportFailedError { message issues { line field message } }
    }
  }
`;
const START = /* GraphQL */ `
  mutation($input: GenerationInput!) {
    startGeneration(input: $input) {
      __typename
      ... on MutationStartGenerationSuccess { data { id dataset { id source } calibratedOn { id name } } }
      ... on ValidationError { issues { path message } }
    }
  }
`;
const JOB = /* GraphQL */ `
  query($id: ID!) { generationJob(id: $id) { status accepted error calibratedOn { id } config } }
`;

const HOUR = 3_600_000;
const START_MS = Date.parse('2024-03-04T00:00:00Z');

/**
 * A "real" series far from the shipped reference: a load of about `level` kWh an hour (an evening peak and
 * noise), or an arctic temperature around `level` degrees with a daily swing of `swing`.
 */
function realSeries(
  id: string,
  type: 'residential_consumption' | 'temperature',
  level: number,
  rng: Random,
) {
  const n = 24 * 28;
  const target: number[] = [];
  let slow = 0;
  for (let i = 0; i < n; i++) {
    const hour = i % 24;
    slow = 0.95 * slow + 0.3 * (rng.next() - 0.5);
    const daily = Math.sin(((hour - 13) / 24) * 2 * Math.PI);
    const value =
      type === 'temperature'
        ? level + 4 * daily + 2 * slow + (rng.next() - 0.5)
        : level * (1 + 0.4 * Math.max(0, daily) + 0.1 * slow + 0.1 * (rng.next() - 0.5));
    target.push(Number(value.toFixed(3)));
  }
  return {
    series_id: id,
    domain: type === 'temperature' ? 'sensors' : 'electricity',
    series_type: type,
    frequency: '1H',
    start: new Date(START_MS).toISOString(),
    length: n,
    target,
    timestamps: target.map((_, i) => new Date(START_MS + i * HOUR).toISOString()),
    unit: type === 'temperature' ? '°C' : 'kWh',
    seasonality_types: ['daily'],
    trend_type: 'none',
    noise_level: 0.1,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('time series calibrated on an imported dataset', { timeout: 120_000 }, () => {
  let s: TestServer;
  let likeId: string;
  let conversationsId: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const rng = new Random('like-data');
    const lines = [
      ...Array.from({ length: 6 }, (_, i) =>
        realSeries(`load-${i}`, 'residential_consumption', 4000 + 400 * i, rng),
      ),
      ...Array.from({ length: 6 }, (_, i) => realSeries(`t-${i}`, 'temperature', -45 + i, rng)),
    ].map((x) => JSON.stringify(x));
    const imported = await s.upload<any>(
      IMPORT,
      { kind: 'TIMESERIES', name: 'arctic plant' },
      { name: 'plant.jsonl', content: lines.join('\n') },
    );
    expect(imported.body.errors).toBeUndefined();
    expect(imported.body.data.importDataset.__typename).toBe('MutationImportDatasetSuccess');
    likeId = imported.body.data.importDataset.data.id;
    const conversations = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES', name: 'texts' },
      { name: 'u.csv', content: 'text,category\nwhere is my card?,card_arrival\n' },
    );
    conversationsId = conversations.body.data.importDataset.data.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  async function finished(id: string) {
    let job: any;
    await expect
      .poll(
        async () => {
          job = (await s.gql<any>(JOB, { id })).data?.generationJob;
          return job?.status;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toMatch(/^(COMPLETED|COMPLETED_SHORT|FAILED|PAUSED)$/);
    return job;
  }

  async function series(datasetId: string): Promise<any[]> {
    const text = await (await fetch(`${s.url}/datasets/${datasetId}/export?format=jsonl`)).text();
    return text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  }

  async function generate(input: Record<string, unknown>) {
    const r = await s.gql<any>(START, {
      input: { kind: 'TIMESERIES', provider: 'LOCAL', seed: 7, ...input },
    });
    expect(r.errors).toBeUndefined();
    return r.data.startGeneration;
  }

  it('generates series with the level and scale of the dataset, and records it as lineage', async () => {
    const like = await generate({ count: 16, length: 24 * 21, likeDatasetId: likeId });
    expect(like.__typename).toBe('MutationStartGenerationSuccess');
    expect(like.data.calibratedOn).toEqual({ id: likeId, name: 'arctic plant' });
    expect(like.data.dataset.source.calibratedOn).toEqual({
      datasetId: Number(likeId),
      name: 'arctic plant',
    });
    const job = await finished(like.data.id);
    expect(job.status).toBe('COMPLETED');
    expect(job.calibratedOn).toEqual({ id: likeId });
    expect(job.config.likeDatasetId).toBe(likeId);
    const made = await series(like.data.dataset.id);
    expect(made).toHaveLength(16);
    // Without chosen types, the job draws the dataset's own types.
    expect(new Set(made.map((x) => x.series_type))).toEqual(
      new Set(['residential_consumption', 'temperature']),
    );

    const plain = await generate({
      count: 16,
      length: 24 * 21,
      targets: {
        seriesTypes: [
          { key: 'residential_consumption', weight: 1 },
          { key: 'temperature', weight: 1 },
        ],
      },
    });
    expect((await finished(plain.data.id)).status).toBe('COMPLETED');
    const shipped = await series(plain.data.dataset.id);

    for (const [items, calibrated] of [
      [made, true],
      [shipped, false],
    ] as const) {
      const loads = items.filter((x) => x.series_type === 'residential_consumption');
      const temps = items.filter((x) => x.series_type === 'temperature');
      expect(loads.length).toBeGreaterThan(0);
      expect(temps.length).toBeGreaterThan(0);
      for (const load of loads) {
        const m = mean(load.target);
        // The dataset's loads average 4,000-6,000 kWh an hour; the shipped households a few kWh at most.
        if (calibrated) expect(m).toBeGreaterThan(2000);
        else expect(m).toBeLessThan(500);
        expect(Math.min(...load.target)).toBeGreaterThanOrEqual(0);
      }
      for (const temp of temps) {
        const m = mean(temp.target);
        const sd = Math.sqrt(mean(temp.target.map((x: number) => (x - m) ** 2)));
        if (calibrated) {
          // -45..-40 degrees with a swing of a few degrees, as in the dataset.
          expect(m).toBeGreaterThan(-55);
          expect(m).toBeLessThan(-30);
          expect(sd).toBeLessThan(10);
        } else {
          expect(m).toBeGreaterThan(-30);
        }
      }
    }
  });

  it('refuses a dataset that cannot calibrate the request, located at the field', async () => {
    const wrongKind = await generate({ count: 2, likeDatasetId: conversationsId });
    expect(wrongKind.__typename).toBe('ValidationError');
    expect(wrongKind.issues[0].path).toBe('input.likeDatasetId');
    expect(wrongKind.issues[0].message).toMatch(/holds utterances; --like needs a time-series/);

    const missing = await generate({ count: 2, likeDatasetId: '999999' });
    expect(missing.issues[0]).toMatchObject({
      path: 'input.likeDatasetId',
      message: 'dataset 999999 does not exist',
    });

    const otherType = await generate({
      count: 2,
      likeDatasetId: likeId,
      targets: { seriesTypes: [{ key: 'wind_generation', weight: 1 }] },
    });
    expect(otherType.issues[0].path).toBe('input.targets.seriesTypes');
    expect(otherType.issues[0].message).toMatch(
      /has no fitted series of wind_generation; it can calibrate residential_consumption, temperature/,
    );

    const conversations = await s.gql<any>(START, {
      input: { kind: 'CONVERSATIONS', count: 2, provider: 'LOCAL', likeDatasetId: likeId },
    });
    expect(conversations.data.startGeneration.issues[0]).toMatchObject({
      path: 'input.likeDatasetId',
      message: 'likeDatasetId calibrates time series: use it with kind timeseries',
    });
  });

  it('honours length, frequency, start and time zone, and names the field of a bad one', async () => {
    const job = await generate({
      count: 6,
      length: 30,
      frequency: 'F_1D',
      start: '2025-03-03T00:00:00Z',
      timeZone: 'America/Chicago',
      targets: {
        seriesTypes: [
          { key: 'stock_price', weight: 1 },
          { key: 'solar_generation', weight: 1 },
        ],
      },
    });
    expect((await finished(job.data.id)).status).toBe('COMPLETED');
    for (const x of await series(job.data.dataset.id)) {
      expect(x.length).toBe(30);
      expect(x.target).toHaveLength(30);
      expect(x.frequency).toBe('1D');
      expect(x.start).toBe('2025-03-03T00:00:00.000Z');
      if (x.series_type === 'stock_price') {
        // Trading days: no Saturday or Sunday.
        expect(x.timestamps.some((t: string) => [0, 6].includes(new Date(t).getUTCDay()))).toBe(
          false,
        );
      }
    }

    const defaults = await generate({
      count: 4,
      targets: {
        seriesTypes: [
          { key: 'stock_price', weight: 1 },
          { key: 'grid_demand', weight: 1 },
        ],
      },
    });
    expect((await finished(defaults.data.id)).status).toBe('COMPLETED');
    for (const x of await series(defaults.data.dataset.id)) {
      // Three weeks hourly (weekly seasonality measurable), or trading days for financial types.
      expect(x.length).toBe(504);
      expect(x.frequency).toBe(x.series_type === 'stock_price' ? '1D' : '1H');
    }

    const bad = async (input: Record<string, unknown>) => {
      const r = await generate({ count: 2, ...input });
      expect(r.__typename).toBe('ValidationError');
      return r.issues as { path: string; message: string }[];
    };
    expect(await bad({ length: 100_001 })).toEqual([
      { path: 'input.length', message: 'length must be at most 100000' },
    ]);
    expect(await bad({ length: 0 })).toEqual([
      { path: 'input.length', message: 'length must be at least 1' },
    ]);
    expect((await bad({ start: 'yesterday' }))[0]!.path).toBe('input.start');
    expect(await bad({ timeZone: 'Mars/Olympus' })).toEqual([
      {
        path: 'input.timeZone',
        message:
          'timeZone must be an IANA time zone such as Europe/Madrid or UTC; got Mars/Olympus',
      },
    ]);
    expect((await bad({ start: '2099-12-01T00:00:00Z', length: 5000 }))[0]!.path).toBe(
      'input.start',
    );
    // An unknown frequency cannot even be sent: it is not a value of the Frequency enum.
    const unknown = await s.gql<any>(START, {
      input: { kind: 'TIMESERIES', count: 2, frequency: 'F_2H' },
    });
    expect(unknown.errors?.[0]?.message).toMatch(/F_2H/);
  });

  it('stores no anomaly unless asked, and labels each one on its series when asked', async () => {
    const none = await generate({ count: 12, length: 200 });
    expect((await finished(none.data.id)).status).toBe('COMPLETED');
    for (const x of await series(none.data.dataset.id)) expect(x.anomalies).toEqual([]);

    const all = await generate({ count: 12, length: 200, anomalyShare: 1 });
    expect((await finished(all.data.id)).status).toBe('COMPLETED');
    const labelled = await series(all.data.dataset.id);
    const withAnomalies = labelled.filter((x) => x.anomalies.length > 0);
    // anomalyShare 1: every series carries at least one, labelled where it is.
    expect(withAnomalies).toHaveLength(12);
    for (const x of withAnomalies) {
      for (const a of x.anomalies) {
        expect(a.index).toBeLessThan(x.length);
        expect(a.description).toMatch(/\S/);
      }
    }
  });
});

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');

function genesis(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/main.ts', ...args],
      { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describe('genesis generate: time-series flags', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-ts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the flag of a bad value', async () => {
    const db = join(dir, 'a.sqlite');
    const base = ['generate', '--kind', 'timeseries', '--count', '2', '--dry-run', '--db', db];
    const frequency = await genesis([...base, '--frequency', 'fortnightly']);
    expect(frequency.code).toBe(2);
    expect(frequency.stderr).toMatch(/--frequency must be one of hourly, daily, weekly/);
    const zone = await genesis([...base, '--time-zone', 'Mars/Olympus']);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toMatch(/--time-zone: timeZone must be an IANA time zone/);
    const start = await genesis([...base, '--start', '2099-12-01T00:00:00Z', '--length', '5000']);
    expect(start.stderr).toMatch(/--start: a series of 5000 points every 1H/);
    const length = await genesis([...base, '--length', '100001']);
    expect(length.stderr).toMatch(/--length must be between 1 and 100000/);
    const like = await genesis([...base.filter((a) => a !== '--dry-run'), '--like', '42']);
    expect(like.code).toBe(2);
    expect(like.stderr).toMatch(/--like: dataset 42 does not exist/);
    const ok = await genesis([...base, '--frequency', 'daily', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).config).toMatchObject({ frequency: '1D', length: 504 });
  });
});
