import { Random } from '@genesis/schema/random';
import type { ConversationSlot, SlotRequest } from '@genesis/schema/request';
import { describe, expect, it } from 'vitest';
import { PromptCache } from '../src/cache.ts';
import { defaultAnswer } from '../src/default-answer.ts';
import { FaultPlan, withWrongIntent, withWrongLanguage } from '../src/faults.ts';
import {
  defaultOutputBurndown,
  EmulatorOptionsError,
  FAULT_KINDS,
  type FaultKind,
  parseFaults,
  parseLatency,
  parseScript,
  resolveEmulatorOptions,
} from '../src/options.ts';
import { Quota, TokenBucket } from '../src/quota.ts';
import { startEmulator } from '../src/server.ts';

/** A Random whose next() plays back fixed values, to pin fault draws. */
function scriptedRandom(values: number[]): Random {
  const random = new Random(1);
  random.next = () => values.shift() ?? 0.99;
  return random;
}

const ALL = new Set<FaultKind>(FAULT_KINDS);

describe('command-line parsers', () => {
  it('reads --latency as a range, a fixed value or a log-normal distribution', () => {
    expect(parseLatency('500-3000')).toEqual({ minMs: 500, maxMs: 3000 });
    expect(parseLatency('800')).toEqual({ minMs: 800, maxMs: 800 });
    const logNormal = parseLatency('lognormal:1000,0.5');
    expect(typeof logNormal).toBe('function');
    const random = new Random('latency');
    const draws = Array.from({ length: 4000 }, () =>
      (logNormal as (c: { modelId: string; outputTokens: number; random: Random }) => number)({
        modelId: 'm',
        outputTokens: 100,
        random,
      }),
    ).sort((a, b) => a - b);
    // Median near 1000 ms, a long right tail (p95 about e^(1.645 x 0.5) = 2.3x the median), capped at 20x.
    expect(draws[2000]!).toBeGreaterThan(900);
    expect(draws[2000]!).toBeLessThan(1100);
    expect(draws[3800]! / draws[2000]!).toBeGreaterThan(2);
    expect(draws[3800]! / draws[2000]!).toBeLessThan(2.7);
    expect(Math.max(...draws)).toBeLessThanOrEqual(20_000);
    expect(() => parseLatency('lognormal:0,0.5')).toThrow(/median above 0 ms/);
    expect(() => parseLatency('fast')).toThrow(
      '--latency must look like 500-3000 (min-max ms), 800, or lognormal:1200,0.6 (median ms, spread), got "fast"',
    );
    expect(() => parseLatency('3000-500')).toThrow('--latency: min 3000 is above max 500');
  });

  it('reads --faults as probabilities per kind', () => {
    expect(parseFaults('throttle=0.05,server=0.02, stall=0.01')).toEqual({
      throttle: 0.05,
      server: 0.02,
      stall: 0.01,
    });
    expect(() => parseFaults('lag=0.1')).toThrow(
      '--faults: unknown fault "lag"; known faults: throttle, server, malformed, truncated, wrongIntent, wrongLanguage, stall, midStream',
    );
    expect(() => parseFaults('server=2')).toThrow(
      '--faults: "server=2" must be server=<probability between 0 and 1>',
    );
    expect(() => parseFaults('server')).toThrow('must be server=<probability between 0 and 1>');
    expect(() => parseFaults('server=0.6,throttle=0.6')).toThrow(
      '--faults: the probabilities add up to 1.2, more than 1',
    );
  });

  it('reads --script as a fault sequence', () => {
    expect(parseScript('throttle,none,server:503,server,stall')).toEqual([
      'throttle',
      'none',
      { kind: 'server', status: 503 },
      'server',
      'stall',
    ]);
    expect(() => parseScript('server:404')).toThrow(
      '--script: "server:404" is not valid; only server:500 and server:503 take a status',
    );
  });
});

describe('emulator options', () => {
  it('fills defaults: no quota, no latency, no faults', () => {
    const options = resolveEmulatorOptions();
    expect(options).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      rpm: null,
      tpm: null,
      latency: { minMs: 0, maxMs: 0 },
      faults: {},
      script: [],
      throttleStorm: 3,
      midStreamException: 'throttlingException',
      cacheMinTokens: 1024,
    });
  });

  it('refuses bad options, naming each', async () => {
    expect(() => resolveEmulatorOptions({ faults: { throttle: 2 } })).toThrow(
      'Invalid emulator options: faults.throttle must be between 0 and 1',
    );
    expect(() => resolveEmulatorOptions({ faults: { throttle: 0.7, server: 0.7 } })).toThrow(
      'Invalid emulator options: faults: the fault probabilities must add up to at most 1',
    );
    expect(() => resolveEmulatorOptions({ rpm: 0, latency: { minMs: 5, maxMs: 1 } })).toThrow(
      'Invalid emulator options: rpm must be > 0; latency.minMs must not exceed latency.maxMs',
    );
    await expect(
      startEmulator({ faults: { lag: 0.1 } as Record<string, number> }),
    ).rejects.toBeInstanceOf(EmulatorOptionsError);
  });

  it('burns output tokens 5x for Claude 3.7 and 4.x, 1x for others', () => {
    expect(defaultOutputBurndown('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(5);
    expect(defaultOutputBurndown('anthropic.claude-3-7-sonnet-20250219-v1:0')).toBe(5);
    expect(defaultOutputBurndown('anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(1);
    expect(defaultOutputBurndown('amazon.nova-pro-v1:0')).toBe(1);
  });
});

describe('fault plan', () => {
  it('plays the script first, then draws', () => {
    const plan = new FaultPlan({
      script: ['stall', 'none', { kind: 'server', status: 503 }],
      rates: { malformed: 1 },
      throttleStorm: 3,
      random: new Random(1),
    });
    expect(plan.next(ALL)).toEqual({ kind: 'stall' });
    expect(plan.next(ALL)).toBeNull();
    expect(plan.next(ALL)).toEqual({ kind: 'server', status: 503 });
    expect(plan.next(ALL)).toEqual({ kind: 'malformed' });
  });

  it('turns a drawn throttle into a storm of throttleStorm consecutive 429s', () => {
    const plan = new FaultPlan({
      script: [],
      rates: { throttle: 0.1 },
      throttleStorm: 3,
      random: scriptedRandom([0.05, 0.5, 0.5, 0.5]),
    });
    const kinds = Array.from({ length: 5 }, () => plan.next(ALL)?.kind ?? 'none');
    expect(kinds).toEqual(['throttle', 'throttle', 'throttle', 'none', 'none']);
  });

  it('leaves out kinds that cannot apply to a request', () => {
    const plan = new FaultPlan({
      script: ['midStream'],
      rates: { wrongIntent: 1 },
      throttleStorm: 1,
      random: new Random(1),
    });
    const plainConverse = new Set<FaultKind>([
      'throttle',
      'server',
      'malformed',
      'truncated',
      'stall',
    ]);
    expect(plan.next(plainConverse)).toBeNull();
    expect(plan.next(plainConverse)).toBeNull();
  });

  it('is the same sequence for the same seed', () => {
    const draw = () => {
      const plan = new FaultPlan({
        script: [],
        rates: { throttle: 0.1, server: 0.2, malformed: 0.2 },
        throttleStorm: 2,
        random: new Random('seed'),
      });
      return Array.from({ length: 50 }, () => plan.next(ALL));
    };
    expect(draw()).toEqual(draw());
  });
});

describe('slot corruption', () => {
  const request: SlotRequest = {
    task: 'conversations',
    slots: [
      {
        slot: 's-1',
        intent: 'card_arrival',
        category: 'card_management',
        language: 'en',
        sentiment: 'neutral',
        complexity: 'simple',
        turns: 2,
        resolution: 'resolved',
      },
    ],
  };

  it('swaps one slot to an intent of another category without touching the original', () => {
    const wrong = withWrongIntent(request, new Random(3));
    expect(wrong.slots[0]).toMatchObject({ slot: 's-1', language: 'en' });
    expect(wrong.slots[0]!).not.toMatchObject({ category: 'card_management' });
    expect(request.slots[0]!.intent).toBe('card_arrival');
  });

  it('flips one slot to the other language', () => {
    expect(withWrongLanguage(request, new Random(3)).slots[0]!.language).toBe('es');
  });
});

describe('quota', () => {
  it('refills continuously up to one minute of quota', () => {
    let now = 0;
    const bucket = new TokenBucket(60, () => now);
    expect(bucket.take(60)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 10_000;
    expect(bucket.level()).toBe(10);
    now = 10 * 60_000;
    expect(bucket.level()).toBe(60);
  });

  it('reserves maxTokens up front and refunds what the answer did not use', () => {
    const now = 0;
    const quota = new Quota({ rpm: null, tpm: 1000 }, () => now);
    const first = quota.reserve('m', 900);
    expect(first).toEqual({ tokens: 900 });
    expect(quota.reserve('m', 900)).toBe('tokens');
    quota.settle('m', first as { tokens: number }, 100);
    expect(quota.reserve('m', 900)).toEqual({ tokens: 900 });
    // Each model id has its own quota.
    expect(quota.reserve('other', 900)).toEqual({ tokens: 900 });
  });

  it('caps a reservation larger than the whole quota, so it waits for a full bucket', () => {
    let now = 0;
    const quota = new Quota({ rpm: 10, tpm: 100 }, () => now);
    expect(quota.reserve('m', 5000)).toEqual({ tokens: 100 });
    expect(quota.reserve('m', 1)).toBe('tokens');
    now = 60_000;
    expect(quota.reserve('m', 5000)).toEqual({ tokens: 100 });
  });
});

describe('prompt cache', () => {
  const cp = (hash: string, tokens: number, ttl: '5m' | '1h' = '5m') => ({ hash, tokens, ttl });

  it('skips checkpoints below the model minimum', () => {
    const cache = new PromptCache(1024, () => 0);
    const plan = cache.plan('m', [cp('a', 800)]);
    expect(plan).toMatchObject({ readTokens: 0, writeTokens: 0, details: [] });
  });

  it('reads the longest live prefix and writes the rest, until the TTL passes', () => {
    let now = 0;
    const cache = new PromptCache(0, () => now);
    cache.plan('m', [cp('a', 1000, '1h')]).commit();
    const second = cache.plan('m', [cp('a', 1000, '1h'), cp('b', 1500)]);
    expect(second).toMatchObject({
      readTokens: 1000,
      writeTokens: 500,
      details: [{ ttl: '5m', inputTokens: 500 }],
    });
    second.commit();
    now = 6 * 60_000;
    // The 5-minute checkpoint expired; the 1-hour one is still there.
    expect(cache.plan('m', [cp('a', 1000, '1h'), cp('b', 1500)])).toMatchObject({
      readTokens: 1000,
      writeTokens: 500,
    });
    expect(cache.plan('other-model', [cp('a', 1000, '1h')])).toMatchObject({ readTokens: 0 });
  });
});

describe('default answer', () => {
  it('answers a prompt without a slot request in prose, without loading an answerer', async () => {
    const text = await defaultAnswer({
      modelId: 'm',
      system: '',
      messages: [],
      slotRequest: null,
      seed: 's',
    });
    expect(text).toMatch(/^I write synthetic banking conversations/);
  });

  it('fails a slot request with a message that says to inject an answer function', () => {
    const ask = (slotRequest: SlotRequest) =>
      defaultAnswer({ modelId: 'm', system: '', messages: [], slotRequest, seed: 's' });
    const slot: ConversationSlot = {
      slot: 's-1',
      intent: 'card_arrival',
      category: 'card_management',
      language: 'es',
      sentiment: 'negative',
      complexity: 'simple',
      turns: 2,
      resolution: 'resolved',
    };
    expect(() => ask({ task: 'conversations', slots: [slot] })).toThrow(
      'the emulator has no answer function for conversations (1 slot); start it with options.answer',
    );
    expect(() => ask({ task: 'timeseries', slots: [] })).toThrow(
      'the emulator has no answer function for timeseries (0 slots); start it with options.answer',
    );
  });
});
