import { afterEach, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { MAX_REPEAT_REASKS } from '../src/generation/runner/repeats.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { costOf, priceOf } from '../src/llm/prices.ts';
import type { ModelCall, ModelProvider } from '../src/llm/provider.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { startTestServer } from './helpers/app.ts';
import { customerSide } from './helpers/content.ts';
import { FakeProvider } from './helpers/fake-provider.ts';

/**
 * Issue 16: "Completed" with fewer items than asked. A job fills its count (a slot rejected as a repeat is asked
 * again with a new seed, up to MAX_REPEAT_REASKS more times), or ends `completed_short` with the shortfall and
 * why; `resumeGeneration` tops it up. And a finished job keeps its final rate and concurrency.
 */
const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

let temps: TempDatabase[] = [];
let open: Services[] = [];
afterEach(async () => {
  for (const s of open) await s.close();
  for (const t of temps) await t.drop();
  temps = [];
  open = [];
});

describe('a job that comes up short', () => {
  it('ends completed_short with the count and reason when the provider keeps repeating, and a resume tops it up', async () => {
    const temp = await createTempSqlite();
    temps.push(temp);
    const services = await initORM(temp.db);
    open.push(services);
    // A model that writes the same conversation for a given intent and language whatever it is asked.
    const repeating = new FakeProvider(MODEL, [], 'duplicate');
    const fresh = new FakeProvider(MODEL, [], 'ok');
    let current: FakeProvider = repeating;
    const seeds: string[] = [];
    const provider: ModelProvider = {
      name: 'bedrock',
      model: MODEL,
      call: (r: ModelCall) => {
        seeds.push(r.seed);
        return current.call(r);
      },
    };
    const manager = new GenerationManager(
      services,
      createAppPubSub(),
      loadConfig({}),
      () => provider,
      {
        backoffBaseMs: 5,
      },
    );
    const job = await manager.start({
      kind: 'conversations',
      provider: 'bedrock',
      model: MODEL,
      seed: 5,
      count: 6,
      slotsPerCall: 3,
      concurrency: 1,
      maxAttemptsPerSlot: 2,
      targets: { intents: { card_arrival: 1 }, languages: { en: 1 } },
    });
    const first = await manager.wait(job.id);
    expect(first?.status).toBe('completed_short');
    const em = () => services.em.fork();
    const short = await em().findOneOrFail(GenerationJobSchema, job.id);
    expect(short.status).toBe('completed_short');
    expect(short.accepted).toBeGreaterThan(0);
    expect(short.accepted).toBeLessThan(6);
    expect(short.accepted + short.rejected).toBe(6);
    expect(short.error).toMatch(
      new RegExp(
        `${short.accepted} of 6 items \\(${6 - short.accepted} missing\\).*repeats a conversation`,
      ),
    );
    expect(short.error).toMatch(/Resume the job/);
    // Each rejected slot was asked its attempts plus the repeat re-asks, each time with a different seed.
    for (const r of short.rejections ?? []) expect(r.attempts).toBe(2 + MAX_REPEAT_REASKS);
    const progress = (await manager.progress(job.id))!;
    expect(progress.status).toBe('completed_short');
    expect(progress.rejectionReasons[0]!.reason).toMatch(/repeats a conversation/);
    const costBefore = short.costUsd;
    const callsBefore = short.calls;

    // The provider stops repeating: a resume asks the missing slots again, with new seeds.
    current = fresh;
    const seedsBefore = seeds.length;
    await manager.resume(job.id);
    expect((await manager.wait(job.id))?.status).toBe('completed');
    const done = await em().findOneOrFail(GenerationJobSchema, job.id);
    expect(done).toMatchObject({ accepted: 6, rejected: 0, requested: 6, topUps: 1 });
    expect(done.error).toBeNull();
    const newSeeds = seeds.slice(seedsBefore);
    expect(newSeeds.every((s) => s.startsWith('5:t1:'))).toBe(true);
    // Nothing duplicated: six items, six slots, six different customer sides.
    const items = await em().find(DatasetItemSchema, { dataset: done.dataset });
    expect(items).toHaveLength(6);
    expect(new Set(items.map((i) => i.key)).size).toBe(6);
    expect(new Set(items.map((i) => customerSide(i.data))).size).toBe(6);
    // Cost counted once: what was spent before plus the top-up's calls, priced from the recorded usage.
    expect(done.calls).toBe(callsBefore + fresh.calls);
    const topUpCost = costOf(priceOf(MODEL)!, {
      inputTokens: 1000 * fresh.calls,
      outputTokens: fresh.outputTokens,
      cacheReadTokens: 500 * fresh.calls,
      cacheWriteTokens: 0,
    });
    expect(done.costUsd).toBeCloseTo(costBefore + topUpCost, 10);
    expect(done.costUsd).toBeCloseTo(
      costOf(priceOf(MODEL)!, {
        inputTokens: done.inputTokens,
        outputTokens: done.outputTokens,
        cacheReadTokens: done.cacheReadTokens,
        cacheWriteTokens: 0,
      }),
      10,
    );
    // A completed job is not topped up again.
    await expect(manager.resume(job.id)).rejects.toThrow(/already completed/);
  });

  it('fills its count when repeats stop after a few re-asks', async () => {
    const temp = await createTempSqlite();
    temps.push(temp);
    const services = await initORM(temp.db);
    open.push(services);
    // Five repeating calls in a row, more than maxAttemptsPerSlot: the repeat re-asks still fill the count.
    const provider = new FakeProvider(MODEL, ['ok', ...Array(5).fill('duplicate')], 'ok');
    const manager = new GenerationManager(
      services,
      createAppPubSub(),
      loadConfig({}),
      () => provider,
      {
        backoffBaseMs: 5,
      },
    );
    const job = await manager.start({
      kind: 'conversations',
      provider: 'bedrock',
      model: MODEL,
      seed: 6,
      count: 4,
      slotsPerCall: 2,
      concurrency: 1,
      maxAttemptsPerSlot: 2,
      targets: { intents: { card_arrival: 1 }, languages: { en: 1 } },
    });
    expect((await manager.wait(job.id))?.status).toBe('completed');
    expect(await services.em.fork().count(DatasetItemSchema, {})).toBe(4);
  });
});

describe('a finished job, read back', () => {
  it('keeps its final items per minute and concurrency through the API', async () => {
    const s = await startTestServer('sqlite', { GENESIS_PROVIDER: 'local' });
    try {
      const r = await s.gql<any>(
        `mutation { startGeneration(input: { kind: CONVERSATIONS, count: 30, concurrency: 3, slotsPerCall: 2 }) {
          ... on MutationStartGenerationSuccess { data { id } } } }`,
      );
      const id = r.data.startGeneration.data.id;
      let progress: any;
      await expect
        .poll(
          async () => {
            progress = (
              await s.gql<any>(
                'query($id: ID!) { generationJob(id: $id) { status progress { status itemsPerMinute concurrency etaSeconds } } }',
                { id },
              )
            ).data.generationJob.progress;
            return progress.status;
          },
          { timeout: 20_000, interval: 50 },
        )
        .toBe('COMPLETED');
      // Read from the stored row (the job is no longer running in this process).
      expect(progress.itemsPerMinute).toBeGreaterThan(0);
      expect(progress.concurrency).toBeGreaterThan(0);
      expect(progress.concurrency).toBeLessThanOrEqual(3);
      expect(progress.etaSeconds).toBe(0);
    } finally {
      await s.close();
    }
  });
});
