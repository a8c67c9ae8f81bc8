import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { Emulator } from '@genesis/bedrock-emulator/server';
import type { ConversationSlot, SeriesSlot, SlotRequest } from '@genesis/schema/request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrompt } from '../src/generation/prompts.ts';
import { answerLocally, LOCAL_REFUSAL } from '../src/llm/local/answer.ts';
import { answerConversations } from '../src/llm/local/conversations/answer.ts';
import { answerSeries } from '../src/llm/local/series/answer.ts';
import { startLocalEmulator } from './helpers/emulators.ts';

/**
 * The local provider's answers through the Bedrock emulator: the answer function the server injects
 * (`src/llm/local/answer.ts`), the test helper that injects it, and `pnpm bedrock:emulator`. The emulator's own
 * behaviour (wire format, quota, faults, latency, cache, batch, S3) is tested in `bedrock-emulator/test/`.
 */

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(SERVER_DIR, 'node_modules/.bin/tsx');
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const CONVERSATION: ConversationSlot = {
  slot: 's-1',
  intent: 'card_arrival',
  category: 'card_management',
  language: 'es',
  sentiment: 'negative',
  complexity: 'simple',
  turns: 2,
  resolution: 'resolved',
};
const SERIES: SeriesSlot = {
  slot: 't-1',
  domain: 'sensors',
  series_type: 'humidity',
  frequency: '1H',
  start: '2026-01-01T00:00:00Z',
  length: 48,
  language: 'en',
};
const REQUEST: SlotRequest = {
  task: 'conversations',
  slots: [CONVERSATION, { ...CONVERSATION, slot: 's-2', language: 'en' }],
};

function client(endpoint: string): BedrockRuntimeClient {
  // The SDK's default handler (HTTP/2 cleartext), as the server's BedrockProvider uses it.
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

const converseInput = (text: string) => ({
  modelId: MODEL,
  system: [{ text: 'You write realistic customer-service conversations.' }],
  messages: [{ role: 'user' as const, content: [{ text }] }],
  inferenceConfig: { maxTokens: 4000 },
});

type ConversationsAnswer = {
  conversations: { slot: string; language: string; turns: { speaker: string; text: string }[] }[];
};

describe('the local answer function', () => {
  it("answers conversation slots with the local provider's answerer", async () => {
    const text = await answerLocally({
      slotRequest: { task: 'conversations', slots: [CONVERSATION] },
      seed: 'seed',
    });
    const answer = JSON.parse(text) as { conversations: { slot: string }[] };
    expect(answer.conversations.map((c) => c.slot)).toEqual(['s-1']);
    expect(answer).toEqual(JSON.parse(JSON.stringify(answerConversations([CONVERSATION], 'seed'))));
  });

  it("answers time-series slots with the local provider's series writer", async () => {
    const text = await answerLocally({
      slotRequest: { task: 'timeseries', slots: [SERIES] },
      seed: 'seed',
    });
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(answerSeries([SERIES], 'seed'))));
  });

  it('answers a prompt without a slot request in prose, as a model would', async () => {
    expect(await answerLocally({ slotRequest: null, seed: 's' })).toBe(LOCAL_REFUSAL);
    expect(LOCAL_REFUSAL).toMatch(/^I write synthetic banking conversations/);
  });
});

describe('the emulator test helper', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startLocalEmulator({ seed: 7 });
  });
  afterAll(() => emulator.stop());

  it('answers a Converse call from the real SDK with the local writers', async () => {
    const out = await client(emulator.url).send(
      new ConverseCommand(converseInput(buildPrompt(REQUEST))),
    );
    const answer = JSON.parse(out.output?.message?.content?.[0]?.text ?? '') as ConversationsAnswer;
    expect(answer.conversations.map((c) => [c.slot, c.language])).toEqual([
      ['s-1', 'es'],
      ['s-2', 'en'],
    ]);
    expect(answer.conversations.every((c) => c.turns.length === 2)).toBe(true);
    expect(out.stopReason).toBe('end_turn');
  });

  it('keeps the local answer across a reset, and answers a prompt without slots in prose', async () => {
    emulator.reset({ script: ['none'] });
    const out = await client(emulator.url).send(
      new ConverseCommand(converseInput('Reply with OK.')),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe(LOCAL_REFUSAL);
    expect(emulator.stats()).toMatchObject({ requests: 1, byStatus: { '200': 1 } });
  });
});

describe('pnpm bedrock:emulator', { timeout: 120_000 }, () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('starts the emulator and the batch emulator, answers through the local provider, and prints totals on SIGTERM', async () => {
    const proc = spawn(TSX, ['scripts/bedrock-emulator.ts', '--port', '0', '--seed', '3'], {
      cwd: SERVER_DIR,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      proc.on('exit', (code) => resolve(code)),
    );
    await expect
      .poll(() => stdout + stderr, { timeout: 60_000, interval: 100 })
      .toMatch(/Bedrock batch inference \(control plane and S3\) on http:\/\/127\.0\.0\.1:\d+/);
    const url = /Bedrock emulator on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;

    const out = await client(url).send(new ConverseCommand(converseInput(buildPrompt(REQUEST))));
    const answer = JSON.parse(out.output?.message?.content?.[0]?.text ?? '') as ConversationsAnswer;
    expect(answer.conversations.map((c) => c.slot)).toEqual(['s-1', 's-2']);

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/Totals: 1 requests \(200:1\)/);
    expect(stderr).toBe('');
  });
});
