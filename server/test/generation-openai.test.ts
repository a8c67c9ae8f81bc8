import { type OpenAIEmulator, startOpenAIEmulator } from '@genesis/bedrock-emulator/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerLocally } from '../src/llm/local/answer.ts';
import {
  checkOpenAIAccess,
  OpenAIProvider,
  parseResetDuration,
  RateLimitGate,
  retryAfterFrom,
} from '../src/llm/openai.ts';
import { ProviderError } from '../src/llm/provider.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

/**
 * Provider `openai`: the real `openai` client against the in-repo chat-completions emulator (answering through
 * the local provider's writers, like the Bedrock emulator in the other generation tests), with its faults.
 */
const MODEL = 'llama3.1:8b';

const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) {
    __typename
    ... on MutationStartGenerationSuccess { data { id status dataset { id } } }
    ... on ValidationError { issues { path message } }
    ... on Error { message }
  }
}`;
const JOB = `query($id: ID!) { generationJob(id: $id) {
  status requested accepted rejected costUsd provider model dataset { id itemCount }
  progress { message retries throttles }
} }`;

const call = (prompt = 'Reply with OK.') => ({
  system: 'You write data.',
  examples: '',
  prompt,
  maxTokens: 50,
  temperature: 0.9,
  seed: '1',
});

describe('provider openai through the real openai client', () => {
  let emu: OpenAIEmulator;
  beforeAll(async () => {
    emu = await startOpenAIEmulator({ answer: answerLocally, models: [MODEL], seed: 5 });
  });
  afterAll(() => emu?.stop());

  it('classifies throttles (with their wait), 5xx, timeouts and configuration problems', async () => {
    emu.reset({ script: ['throttle', { kind: 'server', status: 500 }, 'stall'] });
    const p = new OpenAIProvider({ model: MODEL, baseURL: emu.url, requestTimeoutMs: 300 });
    const kinds: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const e = await p.call(call()).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ProviderError);
      kinds.push({ kind: (e as ProviderError).kind, wait: (e as ProviderError).retryAfterMs });
    }
    expect(kinds).toEqual([
      { kind: 'throttled', wait: 20 },
      { kind: 'server', wait: undefined },
      { kind: 'timeout', wait: undefined },
    ]);
    const unknown = new OpenAIProvider({ model: 'nope', baseURL: emu.url });
    const e = (await unknown.call(call()).catch((err: unknown) => err)) as ProviderError;
    expect(e.kind).toBe('config');
    expect(unknown.hint(e.message)).toMatch(/GENESIS_OPENAI_MODEL/);
    const down = new OpenAIProvider({ model: MODEL, baseURL: 'http://127.0.0.1:9/v1' });
    expect(((await down.call(call()).catch((err: unknown) => err)) as ProviderError).kind).toBe(
      'server',
    );
  });

  it('maps finish_reason length to a cut answer and reads usage', async () => {
    emu.reset({ script: ['truncated'] });
    const p = new OpenAIProvider({ model: MODEL, baseURL: emu.url });
    const answer = await p.call(call());
    expect(answer.stopReason).toBe('max_tokens');
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
    expect(answer.model).toBe(MODEL);
  });

  it('the doctor checks: server reachable, model listed, a one-token call', async () => {
    emu.reset();
    const client = new OpenAI({ baseURL: emu.url, apiKey: 'none', maxRetries: 0 });
    const ok = await checkOpenAIAccess(client, MODEL, emu.url);
    expect(ok.map((c) => [c.name, c.ok])).toEqual([
      ['server', true],
      ['model listed', true],
      ['model access', true],
    ]);
    const missing = await checkOpenAIAccess(client, 'gpt-x', emu.url);
    expect(missing.at(-1)).toMatchObject({ name: 'model listed', ok: false, config: true });
    const down = new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'none', maxRetries: 0 });
    const unreachable = await checkOpenAIAccess(down, MODEL, 'http://127.0.0.1:9/v1');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatchObject({ name: 'server', ok: false });
    expect(unreachable[0]!.detail).toMatch(/GENESIS_OPENAI_BASE_URL/);
  });

  it('paces by the x-ratelimit-* headers', () => {
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('1.5s')).toBe(1500);
    expect(parseResetDuration('20ms')).toBe(20);
    expect(parseResetDuration('soon')).toBeNull();
    let now = 1000;
    const gate = new RateLimitGate(() => now);
    expect(gate.waitFor(100)).toBe(0);
    gate.observe(
      new Headers({
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '2s',
        'x-ratelimit-remaining-tokens': '500',
        'x-ratelimit-reset-tokens': '3s',
      }),
    );
    expect(gate.waitFor(100)).toBe(2000);
    expect(gate.waitFor(1000)).toBe(3000);
    now += 2000;
    gate.observe(
      new Headers({
        'x-ratelimit-remaining-requests': '5',
        'x-ratelimit-remaining-tokens': '5000',
        'x-ratelimit-reset-tokens': '1s',
      }),
    );
    expect(gate.waitFor(100)).toBe(0);
    expect(retryAfterFrom(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterFrom(new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterFrom(new Headers())).toBeUndefined();
  });
});

describe('a generation job through the API with provider openai', () => {
  let emu: OpenAIEmulator;
  let s: TestServer;
  beforeAll(async () => {
    emu = await startOpenAIEmulator({
      answer: answerLocally,
      models: [MODEL],
      seed: 9,
      latency: { minMs: 5, maxMs: 30 },
      faults: { throttle: 0.08, server: 0.08, malformed: 0.08, truncated: 0.05, wrongIntent: 0.05 },
      throttleStorm: 2,
    });
    s = await startTestServer(
      'sqlite',
      {
        GENESIS_PROVIDER: 'openai',
        GENESIS_OPENAI_BASE_URL: emu.url,
        GENESIS_OPENAI_MODEL: MODEL,
      },
      { backoffBaseMs: 5 },
    );
  });
  afterAll(async () => {
    await s?.close();
    await emu?.stop();
  });

  it('ends with exactly the requested items under throttles, 5xx and malformed answers', async () => {
    const r = await s.gql<any>(START, {
      input: { kind: 'CONVERSATIONS', count: 40, provider: 'OPENAI', seed: 3, slotsPerCall: 4 },
    });
    expect(r.data.startGeneration.__typename, JSON.stringify(r)).toBe(
      'MutationStartGenerationSuccess',
    );
    const { id, dataset } = r.data.startGeneration.data;
    let job: any;
    await expect
      .poll(
        async () => {
          const q = await s.gql<any>(JOB, { id });
          if (q.errors) throw new Error(JSON.stringify(q.errors));
          job = q.data.generationJob;
          return job.status;
        },
        { timeout: 100_000, interval: 200 },
      )
      .toMatch(/^(COMPLETED|FAILED|PAUSED|CANCELLED)$/);
    expect(job.status, job.progress.message).toBe('COMPLETED');
    expect(job).toMatchObject({ requested: 40, accepted: 40, provider: 'openai', model: MODEL });
    // An unpriced model on a local server costs nothing.
    expect(job.costUsd).toBe(0);
    const text = await (await fetch(`${s.url}/datasets/${dataset.id}/export?format=jsonl`)).text();
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((row) => row.conversation_id)).size).toBe(40);
    expect(rows.every((row) => row.generation?.provider === 'openai')).toBe(true);
    const stats = emu.stats();
    expect(stats.faults.throttle + stats.faults.server + stats.faults.malformed).toBeGreaterThan(0);
    expect(job.progress.retries).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a job whose model the server does not list, saying what to fix', async () => {
    const r = await s.gql<any>(START, {
      input: { kind: 'CONVERSATIONS', count: 4, provider: 'OPENAI', model: 'gpt-nope' },
    });
    expect(r.data.startGeneration.__typename).not.toBe('MutationStartGenerationSuccess');
    expect(JSON.stringify(r.data)).toMatch(/gpt-nope/);
  });
});
