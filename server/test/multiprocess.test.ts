import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@genesis/bedrock-emulator/server';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTempPostgres, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { POSTGRES_URL } from './helpers/databases.ts';
import { startLocalEmulator } from './helpers/emulators.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Set by CI (with GENESIS_TEST_DATABASE_URL): these tests need both a PostgreSQL and a Redis server. */
const REDIS_URL = process.env.GENESIS_TEST_REDIS_URL;
const MODEL = 'us.amazon.nova-pro-v1:0';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  url: string;
  log: () => string;
}

async function serve(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port)],
    {
      cwd: SERVER_DIR,
      env: { ...process.env, ...env, GENESIS_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
    if (process.env.DEBUG_MP) appendFileSync(`/tmp/mp-${port}.log`, d);
  });
  child.stderr?.on('data', (d) => {
    log += d;
    if (process.env.DEBUG_MP) appendFileSync(`/tmp/mp-${port}.log`, d);
  });
  child.on('exit', (code, signal) => {
    if (process.env.DEBUG_MP) appendFileSync(`/tmp/mp-${port}.log`, `EXIT ${code} ${signal}\n`);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, log: () => log };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start:\n${log}`);
}

async function gql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: any; errors?: unknown[] };
}

describe.skipIf(!POSTGRES_URL || !REDIS_URL)(
  'several server processes on PostgreSQL and Redis',
  () => {
    let emulator: Emulator;
    let db: TempDatabase;
    let a: Proc;
    let b: Proc;
    beforeAll(async () => {
      emulator = await startLocalEmulator({ latency: { minMs: 150, maxMs: 300 }, seed: 2 });
      db = await createTempPostgres(POSTGRES_URL!);
      const env = {
        DATABASE_URL: db.db.type === 'postgresql' ? db.db.url : '',
        GENESIS_REDIS_URL: REDIS_URL!,
        GENESIS_BEDROCK_ENDPOINT: emulator.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        GENESIS_LEASE_SECONDS: '2',
      };
      a = await serve(env);
      b = await serve(env);
    }, 90_000);
    afterAll(async () => {
      for (const p of [a, b]) p?.child.kill('SIGKILL');
      await emulator?.stop();
      await db?.drop();
    });

    it('a subscriber on one process follows a job run by another, which a survivor finishes after a kill', async () => {
      const started = await gql(
        b.url,
        `mutation($input: GenerationInput!) { startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { id } } } }`,
        {
          input: {
            kind: 'CONVERSATIONS',
            count: 60,
            provider: 'BEDROCK',
            model: MODEL,
            slotsPerCall: 2,
            concurrency: 2,
            seed: 4,
          },
        },
      );
      const jobId = started.data.startGeneration.data.id;

      const client = createClient({
        url: `${a.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      const events: { accepted: number; status: string; sequence: number }[] = [];
      let killedAt = -1;
      for await (const e of client.iterate({
        query:
          'subscription($id: ID!) { generationProgress(jobId: $id) { accepted status sequence } }',
        variables: { id: jobId },
      })) {
        const p = e.data?.generationProgress as {
          accepted: number;
          status: string;
          sequence: number;
        };
        events.push(p);
        // Kill the process running the job once the subscriber on the other one has seen it make progress.
        if (killedAt < 0 && p.accepted >= 10) {
          b.child.kill('SIGKILL');
          killedAt = p.accepted;
        }
      }
      await client.dispose();
      expect(killedAt).toBeGreaterThanOrEqual(10);
      expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', accepted: 60 });
      const seq = events.map((e) => e.sequence);
      expect(seq).toEqual([...seq].sort((x, y) => x - y));

      const job = await gql(
        a.url,
        'query($id: ID!) { generationJob(id: $id) { status accepted dataset { itemCount items(first: 100) { totalCount edges { node { key } } } } } }',
        { id: jobId },
      );
      const j = job.data.generationJob;
      expect(j).toMatchObject({ status: 'COMPLETED', accepted: 60 });
      expect(j.dataset.itemCount).toBe(60);
      const keys = j.dataset.items.edges.map((e: any) => e.node.key);
      expect(keys).toHaveLength(60);
      expect(new Set(keys).size).toBe(60);
    }, 120_000);
  },
);
