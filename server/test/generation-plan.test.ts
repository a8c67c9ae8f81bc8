import { INTENT_IDS } from '@genesis/schema/catalog/intents';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/generation/config.ts';
import { estimateGeneration } from '../src/generation/estimate.ts';
import { AimdLimit, backoffMs, QuotaPacer } from '../src/generation/pacing.ts';
import { apportion, planConversations, planSeries } from '../src/generation/plan.ts';
import {
  CONVERSATION_SYSTEM_PROMPT,
  CONVERSATION_SYSTEM_PROMPT_ES,
  conversationSystemPrompt,
} from '../src/generation/prompts.ts';
import { takeSlots } from '../src/generation/slots.ts';
import { loadConfig } from '../src/platform/config.ts';

const server = loadConfig({});

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

describe('slot planning', () => {
  it('apportions exactly, by largest remainder', () => {
    expect(Object.fromEntries(apportion(10, { a: 0.3, b: 0.5, c: 0.2 }))).toEqual({
      a: 3,
      b: 5,
      c: 2,
    });
    expect(Object.fromEntries(apportion(7, { a: 1, b: 1, c: 1 }))).toEqual({ a: 3, b: 2, c: 2 });
    const big = apportion(1001, Object.fromEntries(INTENT_IDS.map((i) => [i, 1])));
    expect([...big.values()].reduce((a, b) => a + b, 0)).toBe(1001);
    expect(Math.max(...big.values()) - Math.min(...big.values())).toBeLessThanOrEqual(1);
  });

  it('matches every target marginal exactly and balances languages within each intent', () => {
    const config = resolveConfig(
      { kind: 'conversations', count: 770, seed: 7, targets: {} },
      server,
    );
    const slots = planConversations(config);
    expect(slots).toHaveLength(770);
    expect(new Set(slots.map((s) => s.slot)).size).toBe(770);
    const intents = countBy(slots, (s) => s.intent);
    expect(Object.keys(intents)).toHaveLength(77);
    expect(new Set(Object.values(intents))).toEqual(new Set([10]));
    expect(countBy(slots, (s) => s.language)).toEqual({ en: 385, es: 385 });
    expect(countBy(slots, (s) => s.sentiment)).toEqual({
      positive: 231,
      neutral: 385,
      negative: 154,
    });
    expect(countBy(slots, (s) => s.complexity)).toEqual({ simple: 231, medium: 385, complex: 154 });
    const resolutions = countBy(slots, (s) => s.resolution);
    expect(resolutions.resolved).toBe(539);
    // 115.5 each: one of the two tied shares gets the extra slot.
    expect([resolutions.unresolved, resolutions.escalated].sort()).toEqual([115, 116]);
    for (const intent of Object.keys(intents)) {
      const langs = countBy(
        slots.filter((s) => s.intent === intent),
        (s) => s.language,
      );
      expect(Math.abs((langs.en ?? 0) - (langs.es ?? 0)), intent).toBeLessThanOrEqual(1);
    }
    for (const s of slots) {
      const [lo, hi] = { simple: [2, 4], medium: [4, 6], complex: [6, 10] }[s.complexity];
      expect(s.turns).toBeGreaterThanOrEqual(lo!);
      expect(s.turns).toBeLessThanOrEqual(hi!);
    }
  });

  it('honours custom targets and is a pure function of the config (resume relies on it)', () => {
    const config = resolveConfig(
      {
        kind: 'conversations',
        count: 50,
        seed: 3,
        targets: { intents: { card_arrival: 3, pin_blocked: 1 }, languages: { es: 1 } },
      },
      server,
    );
    const a = planConversations(config);
    expect(countBy(a, (s) => s.intent)).toEqual({ card_arrival: 38, pin_blocked: 12 });
    expect(a.every((s) => s.language === 'es' && s.category.length > 0)).toBe(true);
    expect(planConversations(config)).toEqual(a);
    expect(planConversations({ ...config, seed: 4 })).not.toEqual(a);
  });

  it('plans series by domain shares by default', () => {
    const config = resolveConfig({ kind: 'timeseries', count: 160, seed: 1, targets: {} }, server);
    const slots = planSeries(config);
    const domains = countBy(slots, (s) => s.domain);
    expect(domains).toEqual({ electricity: 80, energy: 32, sensors: 32, financial: 16 });
    expect(new Set(slots.map((s) => s.series_type)).size).toBe(16);
    // Financial series default to daily trading days, the rest to hourly (issue 14).
    expect(
      slots.every(
        (s) => s.frequency === (s.domain === 'financial' ? '1D' : '1H') && s.length === 504,
      ),
    ).toBe(true);
  });
});

describe('bilingual prompts', () => {
  const config = resolveConfig({ kind: 'conversations', count: 200, seed: 3, targets: {} }, server);
  const slots = planConversations(config);

  it('gives every Spanish slot a market, Mexico and Spain half and half, and English slots none', () => {
    const spanish = slots.filter((s) => s.language === 'es');
    expect(countBy(spanish, (s) => s.region ?? 'none')).toEqual({ MX: 50, ES: 50 });
    expect(slots.filter((s) => s.language === 'en' && s.region)).toEqual([]);
  });

  it('fills a call with slots of one language, in plan order, and loses none', () => {
    const pending = [...slots];
    const calls: (typeof slots)[] = [];
    while (pending.length > 0) calls.push(takeSlots(pending, 4));
    for (const call of calls) expect(new Set(call.map((s) => s.language)).size).toBe(1);
    expect(
      calls
        .flat()
        .map((s) => s.slot)
        .sort(),
    ).toEqual(slots.map((s) => s.slot).sort());
    expect(calls[0]![0]).toBe(slots[0]);
  });

  it('briefs an all-Spanish call in Spanish and any other call in English', () => {
    const es = slots.filter((s) => s.language === 'es').slice(0, 3);
    const en = slots.filter((s) => s.language === 'en').slice(0, 3);
    expect(conversationSystemPrompt(es)).toBe(CONVERSATION_SYSTEM_PROMPT_ES);
    expect(conversationSystemPrompt(en)).toBe(CONVERSATION_SYSTEM_PROMPT);
    expect(conversationSystemPrompt([...es, ...en])).toBe(CONVERSATION_SYSTEM_PROMPT);
    expect(CONVERSATION_SYSTEM_PROMPT_ES).toMatch(/México.*España|MX.*ES/s);
  });
});

describe('estimates', () => {
  it('counts calls, tokens and cost without calling a model, and names what limits speed', () => {
    const local = estimateGeneration(
      resolveConfig({ kind: 'conversations', count: 1000, targets: {} }, server),
    );
    expect(local.costUsd).toBe(0);
    expect(local.calls).toBe(Math.ceil(1050 / 10));
    const bedrock = estimateGeneration(
      resolveConfig(
        {
          kind: 'conversations',
          count: 500,
          provider: 'bedrock',
          rpm: 60,
          tpm: 60_000,
          targets: {},
        },
        server,
      ),
    );
    expect(bedrock.costUsd).toBeGreaterThan(0);
    expect(bedrock.calls).toBe(Math.ceil(525 / 4));
    expect(bedrock.limitedBy).toMatch(/quota/);
    expect(bedrock.ceilingItemsPerMinute).toBeGreaterThan(0);
    expect(bedrock.cacheReadTokens).toBeGreaterThan(0);
  });
});

describe('pacing', () => {
  it('AIMD: grows by one per window of successes, halves once per burst of throttles, stays within 1..max', () => {
    let now = 0;
    const l = new AimdLimit(8, 2, () => now);
    l.success();
    l.success();
    expect(l.value).toBe(3);
    l.throttled();
    expect(l.value).toBe(1);
    l.success(); // 1 -> 2
    l.success();
    l.success(); // 2 -> 3
    expect(l.value).toBe(3);
    l.throttled(); // same burst: ignored
    expect(l.value).toBe(3);
    now += 2500;
    l.throttled();
    expect(l.value).toBe(1);
    now += 2500;
    l.throttled();
    expect(l.value).toBe(1);
    for (let i = 0; i < 100; i++) l.success();
    expect(l.value).toBe(8);
  });

  it('paces requests to the per-minute quota', async () => {
    let now = 0;
    const pacer = new QuotaPacer(60, null, () => now);
    // A full bucket allows a burst of 60, then one per second.
    for (let i = 0; i < 60; i++) await pacer.acquire(0);
    let done = false;
    const next = pacer.acquire(0).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    now += 1000;
    await next;
    expect(done).toBe(true);
  });

  it('gives back a reservation when the call consumed nothing, and charges real usage otherwise', async () => {
    const now = 0;
    const pacer = new QuotaPacer(null, 10_000, () => now);
    await pacer.acquire(8000);
    pacer.settle(8000, 0); // a throttled call: all 8,000 come back
    let done = false;
    const next = pacer.acquire(9000).then(() => {
      done = true;
    });
    await next;
    expect(done).toBe(true);
    pacer.settle(9000, 9500); // used more than reserved: the bucket owes 500
    let waited = false;
    const stop = new AbortController();
    const later = pacer.acquire(1000, stop.signal).then(() => {
      waited = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(waited).toBe(false);
    stop.abort(new Error('test over'));
    await expect(later).rejects.toThrow('test over');
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffMs(0, () => 0.999, 1000)).toBeLessThan(1000);
    expect(backoffMs(3, () => 0.999, 1000)).toBeLessThan(8000);
    expect(backoffMs(3, () => 0.999, 1000)).toBeGreaterThan(7000);
    expect(backoffMs(20, () => 0.999, 1000, 30_000)).toBeLessThan(30_000);
  });
});
