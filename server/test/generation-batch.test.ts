import type { BatchEmulator } from '@genesis/bedrock-emulator/batch/server';
import type { Emulator } from '@genesis/bedrock-emulator/server';
import type { GenerationProgress } from '@genesis/schema/progress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { customerSide } from './helpers/content.ts';
import { startLocalBatchEmulator, startLocalEmulator } from './helpers/emulators.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';

/**
 * A job in batch mode: records go to (emulated) S3, Bedrock batch jobs answer them, and what a batch could not
 * deliver (failed records, rejected answers) is finished on demand, so the dataset still reaches its count.
 */
describe('generation in Bedrock batch mode', () => {
  let batch: BatchEmulator;
  let onDemand: Emulator;
  let temp: TempDatabase;
  let services: Services;
  beforeAll(async () => {
    batch = await startLocalBatchEmulator({
      minRecordsPerJob: 10,
      faults: { failedRecords: 0.15 },
      seed: 3,
    });
    onDemand = await startLocalEmulator({ seed: 5 });
    temp = await createTempSqlite();
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services?.close();
    await temp?.drop();
    await batch?.stop();
    await onDemand?.stop();
  });

  // 600 items in one batch answer: more rows than SQLite allows in one INSERT (written in chunks).
  it('delivers exactly the requested items at batch price, finishing failed records on demand', async () => {
    const server = loadConfig({
      AWS_REGION: 'us-east-1',
      GENESIS_BEDROCK_ENDPOINT: onDemand.url,
      GENESIS_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/genesis-batch',
      GENESIS_BATCH_INPUT_URI: 's3://genesis-in/batch/',
      GENESIS_BATCH_OUTPUT_URI: 's3://genesis-out/batch/',
      GENESIS_BATCH_ENDPOINT: batch.url,
      GENESIS_BATCH_POLL_MS: '50',
    });
    const pubsub = createAppPubSub();
    const events: GenerationProgress[] = [];
    const publish = pubsub.publish;
    pubsub.publish = ((topic: string, ...args: unknown[]) => {
      if (topic === 'generation:progress') events.push(args[1] as GenerationProgress);
      return (publish as (...a: unknown[]) => void)(topic, ...args);
    }) as typeof pubsub.publish;
    const manager = new GenerationManager(services, pubsub, server, undefined, {
      backoffBaseMs: 10,
    });
    const job = await manager.start({
      kind: 'conversations',
      count: 600,
      provider: 'bedrock',
      model: MODEL,
      mode: 'batch',
      seed: 2,
      slotsPerCall: 2,
    });
    const result = await manager.wait(job.id);
    expect(result?.status).toBe('completed');
    const em = services.em.fork();
    const done = await em.findOneOrFail(GenerationJobSchema, job.id);
    const items = await em.find(
      DatasetItemSchema,
      { dataset: done.dataset },
      { fields: ['key', 'data'] },
    );
    expect(items).toHaveLength(600);
    // Keys are unique by index; the content must be too.
    expect(new Set(items.map((i) => customerSide(i.data))).size).toBe(600);
    expect(done).toMatchObject({ accepted: 600, rejected: 0, batchJobs: null });
    const stats = batch.stats();
    expect(stats.bedrock.jobsCreated).toBeGreaterThanOrEqual(1);
    // Some records failed in the batch and were generated on demand instead.
    expect(onDemand.stats().requests).toBeGreaterThan(0);
    // Progress showed the batch while it ran, then its end.
    const statuses = new Set(events.map((e) => e.batch?.status));
    expect([...statuses].some((s) => s === 'Submitted' || s === 'InProgress')).toBe(true);
    expect(events.at(-1)?.batch?.status).toBe('Done');
    expect(events.at(-1)?.batch?.recordsFailed).toBeGreaterThan(0);
    expect(done.costUsd).toBeGreaterThan(0);
  });

  it('re-attaches to its Bedrock batch jobs after a shutdown instead of submitting new ones', async () => {
    const slow = await startLocalBatchEmulator({
      minRecordsPerJob: 10,
      inProgressMs: 1500,
      seed: 8,
    });
    try {
      const server = loadConfig({
        AWS_REGION: 'us-east-1',
        GENESIS_BEDROCK_ENDPOINT: onDemand.url,
        GENESIS_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/genesis-batch',
        GENESIS_BATCH_INPUT_URI: 's3://genesis-in/batch/',
        GENESIS_BATCH_OUTPUT_URI: 's3://genesis-out/batch/',
        GENESIS_BATCH_ENDPOINT: slow.url,
        GENESIS_BATCH_POLL_MS: '100',
        GENESIS_BATCH_MIN_RECORDS: '10',
      });
      const first = new GenerationManager(services, createAppPubSub(), server, undefined, {
        backoffBaseMs: 10,
      });
      const job = await first.start({
        kind: 'conversations',
        count: 60,
        provider: 'bedrock',
        model: MODEL,
        mode: 'batch',
        seed: 6,
      });
      // Wait until the batch job is submitted and its ARN stored, then stop the "process".
      await expect
        .poll(
          async () =>
            (await services.em.fork().findOneOrFail(GenerationJobSchema, job.id)).batchJobs
              ?.length ?? 0,
          {
            timeout: 10_000,
            interval: 20,
          },
        )
        .toBeGreaterThan(0);
      await first.stopAll();
      const stopped = await services.em.fork().findOneOrFail(GenerationJobSchema, job.id);
      expect(stopped.status).toBe('queued');
      expect(stopped.batchJobs).toHaveLength(1);
      expect(slow.stats().bedrock.jobsCreated).toBe(1);

      const second = new GenerationManager(services, createAppPubSub(), server, undefined, {
        backoffBaseMs: 10,
      });
      expect(await second.resumeInterrupted()).toContain(job.id);
      expect((await second.wait(job.id))?.status).toBe('completed');
      const done = await services.em.fork().findOneOrFail(GenerationJobSchema, job.id);
      expect(done).toMatchObject({ accepted: 60, batchJobs: null });
      // The same Bedrock job finished the work: nothing was submitted twice.
      expect(slow.stats().bedrock.jobsCreated).toBe(1);
    } finally {
      await slow.stop();
    }
  });

  it('falls back to on demand when a batch cannot be used (too few items for a batch job)', async () => {
    const server = loadConfig({
      AWS_REGION: 'us-east-1',
      GENESIS_BEDROCK_ENDPOINT: onDemand.url,
      GENESIS_BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/genesis-batch',
      GENESIS_BATCH_INPUT_URI: 's3://genesis-in/batch/',
      GENESIS_BATCH_OUTPUT_URI: 's3://genesis-out/batch/',
      GENESIS_BATCH_ENDPOINT: batch.url,
      GENESIS_BATCH_MIN_RECORDS: '100',
    });
    const manager = new GenerationManager(services, createAppPubSub(), server, undefined, {
      backoffBaseMs: 10,
    });
    const job = await manager.start({
      kind: 'conversations',
      count: 12,
      provider: 'bedrock',
      model: MODEL,
      mode: 'batch',
      seed: 4,
    });
    expect((await manager.wait(job.id))?.status).toBe('completed');
    expect((await services.em.fork().findOneOrFail(GenerationJobSchema, job.id)).accepted).toBe(12);
  });
});
