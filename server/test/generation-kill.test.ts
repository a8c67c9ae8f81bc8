import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@genesis/bedrock-emulator/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { costOf, priceOf } from '../src/llm/prices.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { customerSide } from './helpers/content.ts';
import { startLocalEmulator } from './helpers/emulators.ts';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
// The in-process manager of the takeover case signs its calls like the CLI children do.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

function cli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out })),
  );
  return { child, done };
}

describe('a generation process killed mid-job (SIGKILL)', () => {
  let emulator: Emulator;
  let dir: string;
  beforeAll(async () => {
    // Real SDK, real HTTP: the emulator answers through the local provider with some latency.
    emulator = await startLocalEmulator({ latency: { minMs: 40, maxMs: 120 }, seed: 1 });
    dir = mkdtempSync(join(tmpdir(), 'genesis-kill-'));
  });
  afterAll(async () => {
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The CLI children's environment: the registry file and the emulator as Bedrock. */
  const emulatorEnv = (db: string) => ({
    GENESIS_BEDROCK_ENDPOINT: emulator.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    GENESIS_DB: db,
  });

  it('resumes to exactly the requested items, with no duplicates and the cost counted once', async () => {
    const db = join(dir, 'kill.sqlite');
    const env = emulatorEnv(db);
    const args = [
      'generate',
      '--kind',
      'conversations',
      '--count',
      '120',
      '--provider',
      'bedrock',
      '--model',
      MODEL,
    ];
    const first = cli(
      [...args, '--concurrency', '4', '--slots-per-call', '2', '--seed', '3', '--json'],
      env,
    );

    let services: Services | null = null;
    try {
      services = await initORM({ type: 'sqlite', path: db });
      const s = services;
      const storedItems = () => s.em.fork().count(DatasetItemSchema, {});
      await expect.poll(storedItems, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(20);
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.code).toBeNull(); // killed by the signal, not exited

      const em = s.em.fork();
      const interrupted = await em.findOneOrFail(GenerationJobSchema, { id: { $gt: 0 } });
      expect(interrupted.status).toBe('running'); // nobody had a chance to mark it
      const before = await storedItems();
      expect(before).toBeLessThan(120);

      const second = cli(['generate', '--resume', String(interrupted.id), '--json'], env);
      const resumed = await second.done;
      expect(resumed.code, resumed.out).toBe(0);
      const summary = JSON.parse(resumed.out.slice(resumed.out.indexOf('{')));
      expect(summary).toMatchObject({
        status: 'completed',
        requested: 120,
        accepted: 120,
        rejected: 0,
      });

      const job = await s.em.fork().findOneOrFail(GenerationJobSchema, interrupted.id);
      const items = await s.em
        .fork()
        .find(DatasetItemSchema, { dataset: job.dataset }, { fields: ['key', 'data'] });
      expect(items).toHaveLength(120);
      // Keys are unique by the (dataset, key) index, so they can't show a duplicate; the content can: no
      // conversation's customer side may appear twice.
      expect(new Set(items.map((i) => customerSide(i.data))).size).toBe(120);

      // Cost: the recorded tokens price to the recorded cost, and never exceed what the "model" billed;
      // calls in flight at the kill were never recorded, so they are not counted at all (never twice).
      const stats = emulator.stats();
      expect(job.outputTokens).toBeLessThanOrEqual(stats.tokensOut);
      expect(job.inputTokens + job.cacheReadTokens + job.cacheWriteTokens).toBeLessThanOrEqual(
        stats.tokensIn + stats.cacheReadTokens + stats.cacheWriteTokens,
      );
      expect(job.calls).toBeLessThanOrEqual(stats.invocations);
      expect(job.costUsd).toBeCloseTo(
        costOf(priceOf(MODEL)!, {
          inputTokens: job.inputTokens,
          outputTokens: job.outputTokens,
          cacheReadTokens: job.cacheReadTokens,
          cacheWriteTokens: job.cacheWriteTokens,
        }),
        10,
      );
      expect(job.costUsd).toBeGreaterThan(0);
    } finally {
      first.child.kill('SIGKILL');
      await services?.close();
    }
  });
  it('the job page keeps the progress samples from before the kill', async () => {
    // A slower model of its own: the job runs long enough to gather samples (one per 2 s) before the kill.
    const slow = await startLocalEmulator({ latency: { minMs: 100, maxMs: 150 }, seed: 2 });
    const db = join(dir, 'samples.sqlite');
    // A 1 s lease: the heartbeat (which stores the samples) beats every third of a second.
    const env = {
      ...emulatorEnv(db),
      GENESIS_BEDROCK_ENDPOINT: slow.url,
      GENESIS_LEASE_SECONDS: '1',
    };
    const first = cli(
      [
        'generate',
        '--kind',
        'conversations',
        '--count',
        '80',
        '--provider',
        'bedrock',
        '--model',
        MODEL,
        '--concurrency',
        '1',
        '--slots-per-call',
        '1',
        '--seed',
        '6',
        '--json',
      ],
      env,
    );
    let services: Services | null = null;
    try {
      services = await initORM({ type: 'sqlite', path: db });
      const s = services;
      // Stored while the job runs, not only when it ends.
      const storedWhileRunning = async () => {
        const job = await s.em.fork().findOne(GenerationJobSchema, { id: { $gt: 0 } });
        return job?.status === 'running' ? (job.samples?.length ?? 0) : 0;
      };
      await expect
        .poll(storedWhileRunning, { timeout: 60_000, interval: 100 })
        .toBeGreaterThanOrEqual(3);
      first.child.kill('SIGKILL');
      await first.done;
      const killed = await s.em.fork().findOneOrFail(GenerationJobSchema, { id: { $gt: 0 } });
      expect(killed.status).toBe('running');
      const before = killed.samples ?? [];
      expect(before.length).toBeGreaterThanOrEqual(3);
      expect(before[before.length - 1]!.accepted).toBeGreaterThan(0);

      const resumed = await cli(['generate', '--resume', String(killed.id), '--json'], env).done;
      expect(resumed.code, resumed.out).toBe(0);
      const job = await s.em.fork().findOneOrFail(GenerationJobSchema, killed.id);
      expect(job.status).toBe('completed');
      // The resumed run continues the series: what was stored before the kill is still its beginning.
      const after = job.samples ?? [];
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.length).toBeGreaterThan(before.length);
      expect(after[after.length - 1]!.accepted).toBe(80);
    } finally {
      first.child.kill('SIGKILL');
      await services?.close();
      await slow.stop();
    }
  });

  it('a server starting after the kill takes the job at once (its holder is gone), not when the lease runs out', async () => {
    const db = join(dir, 'takeover.sqlite');
    // A lease far longer than the test: only the dead-holder check can free the job in time.
    const env = { ...emulatorEnv(db), GENESIS_LEASE_SECONDS: '600' };
    const first = cli(
      [
        'generate',
        '--kind',
        'conversations',
        '--count',
        '80',
        '--provider',
        'bedrock',
        '--model',
        MODEL,
        '--seed',
        '4',
        '--json',
      ],
      env,
    );
    let services: Services | null = null;
    try {
      services = await initORM({ type: 'sqlite', path: db });
      const s = services;
      await expect
        .poll(() => s.em.fork().count(DatasetItemSchema, {}), { timeout: 60_000, interval: 50 })
        .toBeGreaterThanOrEqual(10);
      first.child.kill('SIGKILL');
      await first.done;
      const job = await s.em.fork().findOneOrFail(GenerationJobSchema, { id: { $gt: 0 } });
      expect(job.status).toBe('running');
      expect(job.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);

      // What `serve` does on start.
      const manager = new GenerationManager(s, createAppPubSub(), loadConfig(env));
      expect(await manager.resumeInterrupted()).toEqual([job.id]);
      const result = await manager.wait(job.id);
      expect(result?.status, result?.message ?? '').toBe('completed');
      const items = await s.em
        .fork()
        .find(DatasetItemSchema, { dataset: job.dataset }, { fields: ['key', 'data'] });
      expect(new Set(items.map((i) => customerSide(i.data))).size).toBe(80);
      expect(items).toHaveLength(80);
    } finally {
      first.child.kill('SIGKILL');
      await services?.close();
    }
  });
});
