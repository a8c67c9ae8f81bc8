import { type ConversationSlot, extractSlotRequest } from '@genesis/schema/request';
import { afterEach, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { OutputTokenGauge, QuotaPacer } from '../src/generation/pacing.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { maxOutputTokens } from '../src/generation/slots.ts';
import type { ModelAnswer, ModelCall, ModelProvider } from '../src/llm/provider.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { simpleConversation } from './helpers/fake-provider.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

describe('QuotaPacer (Bedrock counting: reserve at the start, settle at the end)', () => {
  it('settles a successful call to what it consumed, so the next call does not wait for the rest', async () => {
    const now = 0;
    const pacer = new QuotaPacer(null, 10_000, () => now, { creditStepShare: 0 });
    // input 1,000 + maxTokens 1,400 x 5 reserved...
    await pacer.acquire(8000);
    expect(pacer.levels().tokens).toBe(2000);
    // ...and settled to input 1,000 + 400 output tokens x 5: 5,000 of the reservation come back.
    pacer.settle(8000, 3000);
    expect(pacer.levels().tokens).toBe(7000);
    // A 6,000-token call fits at once (the clock never moves: a wait would never end).
    await pacer.acquire(6000);
    expect(pacer.levels().tokens).toBe(1000);
  });

  it('settles a failed or refused call to nothing', async () => {
    const pacer = new QuotaPacer(60, 10_000, () => 0);
    await pacer.acquire(8000);
    pacer.settle(8000, 0, false);
    // The request stays counted; the tokens all come back, and a failure grows no probe credit.
    expect(pacer.levels()).toEqual({ requests: 59, tokens: 10_000, credit: 0 });
  });

  it('probes upward while no throttle is seen, and backs off on one', async () => {
    const pacer = new QuotaPacer(null, 10_000, () => 0);
    for (let i = 0; i < 30; i++) pacer.settle(100, 100);
    // 1% of the quota per success, capped at 10%.
    expect(pacer.levels().credit).toBe(1000);
    // With the credit, a call may start 1,000 tokens before our estimate says it fits.
    await pacer.acquire(10_800);
    expect(pacer.levels().tokens).toBe(-800);
    // A throttle halves the credit; the tokens are the refused call's settlement's business.
    pacer.drain();
    expect(pacer.levels()).toMatchObject({ tokens: -800, credit: 500 });
    expect(pacer.throttles).toBe(1);
  });
});

describe('OutputTokenGauge (maxTokens from measured answer sizes)', () => {
  it('keeps the static ceiling until it has seen answers, then asks for a high quantile plus a margin', () => {
    const gauge = new OutputTokenGauge({ window: 50, minSamples: 10, quantile: 0.9, margin: 0.1 });
    expect(gauge.limit(2000)).toBe(2000);
    for (let i = 1; i <= 10; i++) gauge.observe(2000, 500 + 10 * i);
    // 90th percentile of 510..600 is 600 tokens (share 0.3): 0.3 x 1.1 x 2000 + 16.
    expect(gauge.limit(2000)).toBe(676);
    expect(gauge.limit(1000)).toBe(346);
    // A cut widens the margin: 0.1 x 1.5 + 0.05 = 0.2.
    gauge.cut();
    expect(gauge.limit(2000)).toBe(736);
    expect(gauge.cuts).toBe(1);
    // Never above the static ceiling.
    for (let i = 0; i < 50; i++) gauge.observe(100, 100);
    expect(gauge.limit(100)).toBe(100);
  });
});

/**
 * A model whose answers are usually short but every twelfth one is long, and which cuts an answer at the
 * request's maxTokens as Bedrock does (stopReason max_tokens, exactly maxTokens output tokens).
 */
class VaryingProvider implements ModelProvider {
  readonly name = 'bedrock' as const;
  calls = 0;
  cuts = 0;
  /** Calls asked below the static ceiling. */
  tightened = 0;
  constructor(readonly model: string) {}

  async call(request: ModelCall): Promise<ModelAnswer> {
    const slots = extractSlotRequest(request.prompt)!.slots as ConversationSlot[];
    const long = this.calls++ % 12 === 11;
    if (request.maxTokens < maxOutputTokens('conversations', slots)) this.tightened++;
    const conversations = slots.map((s) => {
      const c = simpleConversation(s);
      if (!long) return c;
      const pad =
        ' It is really important to me, so let me explain everything in detail once more.';
      return {
        ...c,
        turns: c.turns.map((t) => (t.speaker === 'customer' ? { ...t, text: t.text + pad } : t)),
      };
    });
    let text = JSON.stringify({ conversations });
    let outputTokens = Math.ceil(text.length / 4);
    let stopReason = 'end_turn';
    if (outputTokens > request.maxTokens) {
      text = text.slice(0, request.maxTokens * 4);
      outputTokens = request.maxTokens;
      stopReason = 'max_tokens';
      this.cuts++;
    }
    return {
      text,
      usage: { inputTokens: 800, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
      stopReason,
      model: this.model,
      latencyMs: 0,
    };
  }
}

describe('tight maxTokens in a job', () => {
  let temp: TempDatabase | undefined;
  let services: Services | undefined;
  afterEach(async () => {
    await services?.close();
    await temp?.drop();
  });

  it('never loses an item to a tightened maxTokens: a cut answer is asked again at the full ceiling', async () => {
    temp = await createTempSqlite();
    services = await initORM(temp.db);
    const provider = new VaryingProvider(MODEL);
    const manager = new GenerationManager(
      services,
      createAppPubSub(),
      loadConfig({}),
      () => provider,
      { backoffBaseMs: 5 },
    );
    const job = await manager.start({
      kind: 'conversations',
      provider: 'bedrock',
      model: MODEL,
      count: 120,
      seed: 3,
      slotsPerCall: 4,
      concurrency: 1,
      tpm: 1_000_000,
      // One attempt per slot: a cut counted against its slot would lose the item.
      maxAttemptsPerSlot: 1,
    });
    expect((await manager.wait(job.id))?.status).toBe('completed');
    const em = services.em.fork();
    const done = await em.findOneOrFail(GenerationJobSchema, job.id);
    expect(done.accepted).toBe(120);
    expect(done.rejected).toBe(0);
    expect(await em.count(DatasetItemSchema, { dataset: done.dataset })).toBe(120);
    // The gauge did tighten, and long answers were cut at the tightened ceiling (then asked again).
    expect(provider.tightened).toBeGreaterThan(10);
    expect(provider.cuts).toBeGreaterThan(0);
  });
});
