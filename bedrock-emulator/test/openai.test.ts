import type { SlotRequest } from '@genesis/schema/request';
import OpenAI, {
  APIConnectionTimeoutError,
  AuthenticationError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatResetDuration, type OpenAIEmulator, startOpenAIEmulator } from '../src/openai.ts';
import type { AnswerRequest } from '../src/options.ts';

const MODEL = 'llama3.1:8b';
const REQUEST: SlotRequest = {
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
const prompt = `Write these.\n\`\`\`json\n${JSON.stringify(REQUEST)}\n\`\`\``;
const echo = ({ slotRequest, modelId }: AnswerRequest) =>
  JSON.stringify({ model: modelId, slots: slotRequest?.slots.map((s) => s.slot) ?? [] });

describe('the OpenAI-compatible emulator, through the real openai client', () => {
  let emu: OpenAIEmulator;
  let client: OpenAI;
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ answer: echo, models: [MODEL, 'other'] });
    client = new OpenAI({ baseURL: emu.url, apiKey: 'none', maxRetries: 0, timeout: 2000 });
  });
  afterAll(() => emu?.stop());
  beforeEach(() => emu.reset());

  const ask = (over: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
    client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You write data.' },
        { role: 'user', content: prompt },
      ],
      max_tokens: 500,
      ...over,
    });

  it('lists its models and answers chat completions through the injected answer function', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual([MODEL, 'other']);
    const out = await ask();
    expect(JSON.parse(out.choices[0]!.message.content!)).toEqual({ model: MODEL, slots: ['s-1'] });
    expect(out.choices[0]!.finish_reason).toBe('stop');
    expect(out.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(out.usage!.completion_tokens).toBeGreaterThan(0);
    expect(emu.stats()).toMatchObject({ requests: 1, modelLists: 1, byStatus: { '200': 2 } });
  });

  it('refuses an unknown model with 404, and a wrong key with 401', async () => {
    await expect(ask({ model: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
    const keyed = await startOpenAIEmulator({ answer: echo, apiKey: 'sk-right' });
    try {
      const wrong = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-wrong', maxRetries: 0 });
      await expect(
        wrong.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toBeInstanceOf(AuthenticationError);
      const right = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-right', maxRetries: 0 });
      await expect(
        right.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
      ).resolves.toBeTruthy();
    } finally {
      await keyed.stop();
    }
  });

  it('injects throttles (with retry-after-ms), 5xx, malformed and truncated answers, and stalls', async () => {
    emu.reset({
      script: ['throttle', { kind: 'server', status: 503 }, 'malformed', 'truncated', 'stall'],
    });
    const throttled = await ask().catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(RateLimitError);
    expect((throttled as RateLimitError).headers.get('retry-after-ms')).toBe('20');
    expect((throttled as RateLimitError).code).toBe('rate_limit_exceeded');
    const server = await ask().catch((e: unknown) => e);
    expect(server).toBeInstanceOf(InternalServerError);
    expect((server as InternalServerError).status).toBe(503);
    const malformed = await ask();
    expect(() => JSON.parse(malformed.choices[0]!.message.content!)).toThrow();
    const truncated = await ask();
    expect(truncated.choices[0]!.finish_reason).toBe('length');
    const quick = new OpenAI({ baseURL: emu.url, apiKey: 'none', maxRetries: 0, timeout: 200 });
    await expect(
      quick.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: prompt }],
      }),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(emu.stats().faults).toMatchObject({
      throttle: 1,
      server: 1,
      malformed: 1,
      truncated: 1,
      stall: 1,
    });
  });

  it('enforces RPM with 429s and reports the buckets in x-ratelimit-* headers', async () => {
    emu.reset({ rpm: 2, tpm: 100_000 });
    const first = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: prompt }], max_tokens: 100 })
      .withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(Number(first.response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(
      100_000,
    );
    const second = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: prompt }], max_tokens: 100 })
      .withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(second.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
    const third = await ask({ max_tokens: 100 }).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(RateLimitError);
    expect(emu.stats().throttled).toBe(1);
  });

  it('writes reset durations the way OpenAI does', () => {
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
  });
});
