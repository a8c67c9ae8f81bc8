import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumedTokens, Quota, reservedTokens } from '../src/quota.ts';
import { type Emulator, startEmulator } from '../src/server.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('Bedrock quota arithmetic (Quota)', () => {
  const call = { inputTokens: 1200, cacheReadTokens: 3000, maxTokens: 800, burndown: 5 };

  it('reserves input + maxTokens x burndown at the start, plus the cache reads when strict', () => {
    expect(reservedTokens(call, false)).toBe(1200 + 800 * 5);
    expect(reservedTokens(call, true)).toBe(1200 + 3000 + 800 * 5);
    // Cache reads are reserved, never charged: the settled cost is the same either way.
    expect(consumedTokens(call, 300)).toBe(1200 + 300 * 5);
  });

  it('settles a call to input + real output x burndown, refunding the rest of the reservation', () => {
    const now = 0;
    const quota = new Quota({ rpm: 100, tpm: 20_000, strict: true }, () => now);
    const reservation = quota.reserveCall('m', call);
    expect(reservation).toMatchObject({ tokens: 8200 });
    expect(quota.levels('m')).toEqual({ requests: 99, tokens: 20_000 - 8200 });
    quota.settleCall('m', reservation as Exclude<typeof reservation, string>, 300);
    // 8,200 reserved, 2,700 consumed: 5,500 back. The request stays counted.
    expect(quota.levels('m')).toEqual({ requests: 99, tokens: 20_000 - 2700 });
  });

  it('settles a call that failed before answering to its input alone', () => {
    const now = 0;
    const quota = new Quota({ rpm: null, tpm: 20_000, strict: true }, () => now);
    const reservation = quota.reserveCall('m', call);
    quota.settleCall('m', reservation as Exclude<typeof reservation, string>, 0);
    expect(quota.levels('m').tokens).toBe(20_000 - 1200);
  });

  it('throttles a call whose reservation does not fit, taking nothing, and admits it once refilled', () => {
    let now = 0;
    // 12,000 tokens a minute: 200 a second.
    const quota = new Quota({ rpm: 10, tpm: 12_000, strict: true }, () => now);
    const first = quota.reserveCall('m', call);
    expect(first).toMatchObject({ tokens: 8200 });
    expect(quota.reserveCall('m', call)).toBe('tokens');
    // A refused call takes neither a request nor tokens.
    expect(quota.levels('m')).toEqual({ requests: 9, tokens: 3800 });
    // Lenient counting (cache reads not reserved) would let it in already: 5,200 <= 3,800 + 1,400.
    now = 7_000;
    expect(quota.levels('m').tokens).toBe(5200);
    expect(quota.reserveCall('m', call)).toBe('tokens');
    now = 22_000;
    expect(quota.reserveCall('m', call)).toMatchObject({ tokens: 8200 });
  });

  it('throttles on requests per minute whatever the tokens', () => {
    let now = 0;
    const quota = new Quota({ rpm: 2, tpm: null, strict: true }, () => now);
    expect(typeof quota.reserveCall('m', call)).toBe('object');
    expect(typeof quota.reserveCall('m', call)).toBe('object');
    expect(quota.reserveCall('m', call)).toBe('requests');
    now = 30_000;
    expect(typeof quota.reserveCall('m', call)).toBe('object');
  });
});

describe('strict quota through the real SDK', () => {
  let emulator: Emulator;
  const client = () =>
    new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
  // A long cached system prompt, then a short question: most of the input is read from the cache.
  const input = (maxTokens: number): ConverseCommandInput => ({
    modelId: MODEL,
    system: [{ text: 'You answer briefly. '.repeat(400) }, { cachePoint: { type: 'default' } }],
    messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }],
    inferenceConfig: { maxTokens },
  });
  beforeAll(async () => {
    emulator = await startEmulator({ answer: () => 'Hello there.', cacheMinTokens: 0 });
  });
  afterAll(() => emulator.stop());

  it('reserves the cache reads too, then settles to input + output x 5', async () => {
    // 6,000 tokens a minute refill 0.1 a millisecond: the test's own duration moves the levels by a few tokens.
    for (const strict of [false, true]) {
      emulator.reset({ tpm: 6000, strict });
      const first = await client().send(new ConverseCommand(input(200)));
      const written = first.usage!.cacheWriteInputTokens!;
      expect(written).toBeGreaterThan(1500);
      const after = emulator.quotaLevels(MODEL).tokens!;
      // Settled: the cache write and the question (uncached input) plus the answer's output tokens x 5.
      expect(6000 - after).toBeCloseTo(
        first.usage!.inputTokens! + written + first.usage!.outputTokens! * 5,
        -2,
      );
      // The second call reads the ~2,000-token prefix from the cache and reserves 500 x 5 for its output:
      // lenient, that fits the ~3,980 left; strict, the cache reads are reserved too (~4,500) and it does not.
      const second = await client()
        .send(new ConverseCommand(input(500)))
        .catch((e: unknown) => e);
      if (strict) expect(second).toBeInstanceOf(ThrottlingException);
      else expect(second).toMatchObject({ usage: { cacheReadInputTokens: written } });
    }
  });
});
