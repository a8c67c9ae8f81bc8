import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  InternalServerException,
  ModelErrorException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { type ConversationSlot, extractJson, type SlotRequest } from '@genesis/schema/request';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnswerRequest, logNormalLatency } from '../src/options.ts';
import { type Emulator, startEmulator } from '../src/server.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PROFILE_ARN =
  'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const slot = (n: number, over: Partial<ConversationSlot> = {}): ConversationSlot => ({
  slot: `s-${n}`,
  intent: 'card_arrival',
  category: 'card_management',
  language: 'en',
  sentiment: 'neutral',
  complexity: 'simple',
  turns: 2,
  resolution: 'resolved',
  ...over,
});
const REQUEST: SlotRequest = {
  task: 'conversations',
  slots: [
    slot(1),
    slot(2, { intent: 'exchange_rate', category: 'exchange', language: 'es' }),
    slot(3),
  ],
};

/** A stand-in for the local provider: one conversation per slot, echoing the slot's fields. */
const echo = ({ slotRequest, seed }: AnswerRequest): string => {
  if (slotRequest?.task !== 'conversations') return 'no slots';
  return JSON.stringify({
    conversations: slotRequest.slots.map((s) => ({
      slot: s.slot,
      intent: s.intent,
      category: s.category,
      language: s.language,
      seed,
      turns: [
        {
          speaker: 'customer',
          text: s.language === 'es' ? '¿Dónde está mi tarjeta?' : 'Where is my card?',
        },
        { speaker: 'agent', text: s.language === 'es' ? 'Llega mañana.' : 'It arrives tomorrow.' },
      ],
    })),
  });
};

/** The user message of a request-contract call: the slots as one fenced JSON block, as GENESIS-LAB writes it. */
const prompt = (request: SlotRequest): string =>
  `Write one ${request.task === 'conversations' ? 'conversation' : 'scenario'} for each of these ${request.slots.length} slots.\n\`\`\`json\n${JSON.stringify(request)}\n\`\`\``;

const HANDLERS = ['http2 (SDK default)', 'http1 (NodeHttpHandler)'] as const;
type Handler = (typeof HANDLERS)[number];

function client(
  emulator: Emulator,
  handler: Handler,
  config: BedrockRuntimeClientConfig & { requestTimeout?: number } = {},
): BedrockRuntimeClient {
  const { requestTimeout, ...rest } = config;
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    // The default handler is HTTP/2; NodeHttpHandler (docs/bedrock.md §10) needs throwOnRequestTimeout to honour a timeout.
    requestHandler:
      handler === 'http1 (NodeHttpHandler)'
        ? new NodeHttpHandler({ requestTimeout, throwOnRequestTimeout: true })
        : { requestTimeout },
    ...rest,
  });
}

function converseInput(over: Partial<ConverseCommandInput> = {}): ConverseCommandInput {
  return {
    modelId: MODEL,
    system: [{ text: 'You write realistic customer-service conversations.' }],
    messages: [{ role: 'user', content: [{ text: prompt(REQUEST) }] }],
    inferenceConfig: { maxTokens: 2000, temperature: 0.7 },
    ...over,
  };
}

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined) {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

const eventName = (event: ConverseStreamOutput) => Object.keys(event).find((k) => k !== '$unknown');

describe.each(HANDLERS)('the real Bedrock SDK over %s', (handler) => {
  let emulator: Emulator;
  const asked: AnswerRequest[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({
      answer: (request) => {
        asked.push(request);
        return echo(request);
      },
      cacheMinTokens: 0,
    });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    asked.length = 0;
    emulator.reset();
  });

  it('answers Converse with the answer function given the slot request of the prompt', async () => {
    const out = await client(emulator, handler).send(new ConverseCommand(converseInput()));

    const text = out.output?.message?.content?.[0]?.text ?? '';
    const answer = JSON.parse(text) as { conversations: { slot: string }[] };
    expect(answer.conversations.map((c) => c.slot)).toEqual(['s-1', 's-2', 's-3']);
    expect(out.output?.message?.role).toBe('assistant');
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage?.inputTokens).toBeGreaterThan(0);
    expect(out.usage?.outputTokens).toBe(Math.ceil(text.length / 4));
    expect(out.usage?.totalTokens).toBe(out.usage!.inputTokens! + out.usage!.outputTokens!);
    expect(out.usage?.cacheReadInputTokens).toBeUndefined();
    expect(out.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    expect(asked).toHaveLength(1);
    expect(asked[0]!.modelId).toBe(MODEL);
    expect(asked[0]!.system).toBe('You write realistic customer-service conversations.');
    expect(asked[0]!.slotRequest?.slots.map((s) => s.slot)).toEqual(['s-1', 's-2', 's-3']);
    const stats = emulator.stats();
    expect(stats.byHttpVersion).toEqual(handler.startsWith('http2') ? { '2.0': 1 } : { '1.1': 1 });
    expect(stats).toMatchObject({
      requests: 1,
      byStatus: { '200': 1 },
      byAttemptHeader: { '1': 1 },
    });
  });

  it('decodes percent-encoded model ids and inference-profile ARNs from the path', async () => {
    await client(emulator, handler).send(
      new ConverseCommand(converseInput({ modelId: PROFILE_ARN })),
    );
    expect(asked[0]!.modelId).toBe(PROFILE_ARN);
  });

  it('gives the same prompt the same seed and a different prompt another', async () => {
    const c = client(emulator, handler);
    await c.send(new ConverseCommand(converseInput()));
    await c.send(new ConverseCommand(converseInput()));
    await c.send(
      new ConverseCommand(
        converseInput({
          messages: [
            { role: 'user', content: [{ text: prompt({ ...REQUEST, slots: [slot(9)] }) }] },
          ],
        }),
      ),
    );
    expect(asked[0]!.seed).toBe(asked[1]!.seed);
    expect(asked[2]!.seed).not.toBe(asked[0]!.seed);
  });

  it('answers with a tool call when toolConfig forces a tool', async () => {
    const out = await client(emulator, handler).send(
      new ConverseCommand(
        converseInput({
          toolConfig: {
            tools: [
              {
                toolSpec: {
                  name: 'emit_conversations',
                  inputSchema: { json: { type: 'object' } },
                },
              },
            ],
            toolChoice: { tool: { name: 'emit_conversations' } },
          },
        }),
      ),
    );
    const block = out.output?.message?.content?.[0];
    expect(block?.text).toBeUndefined();
    expect(block?.toolUse?.name).toBe('emit_conversations');
    expect(block?.toolUse?.toolUseId).toMatch(/^tooluse_/);
    expect(block?.toolUse?.input).toMatchObject({
      conversations: [{ slot: 's-1' }, { slot: 's-2' }, { slot: 's-3' }],
    });
    expect(out.stopReason).toBe('tool_use');
  });

  it('streams messageStart, text deltas, contentBlockStop, messageStop and metadata', async () => {
    const out = await client(emulator, handler).send(new ConverseStreamCommand(converseInput()));
    const events = await collect(out.stream);

    const names = events.map(eventName);
    const deltas = names.filter((n) => n === 'contentBlockDelta').length;
    expect(deltas).toBeGreaterThan(5);
    expect(names).toEqual([
      'messageStart',
      ...Array(deltas).fill('contentBlockDelta'),
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(events[0]!.messageStart).toEqual({ role: 'assistant' });
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe(echo(asked[0]!));
    expect(events.at(-2)!.messageStop?.stopReason).toBe('end_turn');
    const metadata = events.at(-1)!.metadata;
    expect(metadata?.usage?.outputTokens).toBe(Math.ceil(text.length / 4));
    expect(metadata?.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(emulator.stats().byOperation).toEqual({ converse: 0, converseStream: 1 });
  });

  it('streams a forced tool call as contentBlockStart plus toolUse input deltas', async () => {
    const out = await client(emulator, handler).send(
      new ConverseStreamCommand(
        converseInput({
          toolConfig: {
            tools: [{ toolSpec: { name: 'emit', inputSchema: { json: { type: 'object' } } } }],
            toolChoice: { any: {} },
          },
        }),
      ),
    );
    const events = await collect(out.stream);
    expect(events[1]!.contentBlockStart?.start?.toolUse?.name).toBe('emit');
    const input = events.map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
    expect(JSON.parse(input)).toEqual(JSON.parse(echo(asked[0]!)));
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe('tool_use');
  });

  it('counts a cachePoint prefix as a cache write once, then as a cache read', async () => {
    const system = 'You write realistic customer-service conversations. '.repeat(100);
    const input = converseInput({
      system: [{ text: system }, { cachePoint: { type: 'default' } }],
    });
    const c = client(emulator, handler);
    const first = await c.send(new ConverseCommand(input));
    const second = await c.send(new ConverseCommand(input));

    const prefix = Math.ceil(system.length / 4);
    expect(first.usage).toMatchObject({ cacheWriteInputTokens: prefix, cacheReadInputTokens: 0 });
    expect(second.usage).toMatchObject({ cacheWriteInputTokens: 0, cacheReadInputTokens: prefix });
    expect(first.usage?.cacheDetails).toEqual([{ ttl: '5m', inputTokens: prefix }]);
    // inputTokens excludes cached tokens; totalTokens includes them.
    expect(second.usage!.inputTokens).toBe(first.usage!.inputTokens);
    expect(second.usage!.totalTokens).toBe(
      second.usage!.inputTokens! + second.usage!.outputTokens! + prefix,
    );
    expect(emulator.stats()).toMatchObject({ cacheWriteTokens: prefix, cacheReadTokens: prefix });
  });

  it('refuses a request over the RPM quota with a ThrottlingException', async () => {
    emulator.reset({ rpm: 2 });
    const c = client(emulator, handler, { maxAttempts: 1 });
    await c.send(new ConverseCommand(converseInput()));
    await c.send(new ConverseCommand(converseInput()));
    const error = await c.send(new ConverseCommand(converseInput())).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({
      message: 'Too many requests, please wait before trying again.',
      $metadata: { httpStatusCode: 429 },
    });
    expect(emulator.stats()).toMatchObject({
      requests: 3,
      throttled: 1,
      byStatus: { '200': 2, '429': 1 },
    });
  });

  it('refuses a request over the TPM quota, counting maxTokens at the output burndown', async () => {
    // 100 tokens a minute: the first call takes the whole bucket, the second finds it empty.
    emulator.reset({ tpm: 100 });
    const c = client(emulator, handler, { maxAttempts: 1 });
    await c.send(new ConverseCommand(converseInput({ inferenceConfig: { maxTokens: 50 } })));
    const error = await c
      .send(new ConverseCommand(converseInput({ inferenceConfig: { maxTokens: 50 } })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as Error).message).toBe('Too many tokens, please wait before trying again.');
  });

  it('lets the SDK retry a 429 by itself, visible in the attempt header', async () => {
    emulator.reset({ script: ['throttle'] });
    const out = await client(emulator, handler).send(new ConverseCommand(converseInput()));

    expect(out.stopReason).toBe('end_turn');
    expect(out.$metadata.attempts).toBe(2);
    expect(emulator.stats()).toMatchObject({
      requests: 2,
      invocations: 1,
      byAttemptHeader: { '1': 1, '2': 1 },
      faults: { throttle: 1 },
      throttled: 0,
    });
  });

  it('maps 500 and 503 faults to the SDK exception classes, and retries them by default', async () => {
    emulator.reset({
      script: [{ kind: 'server', status: 500 }, { kind: 'server', status: 503 }, 'server'],
    });
    const once = client(emulator, handler, { maxAttempts: 1 });
    const e500 = await once.send(new ConverseCommand(converseInput())).catch((e: unknown) => e);
    const e503 = await once.send(new ConverseCommand(converseInput())).catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(InternalServerException);
    expect(e500).toMatchObject({ $metadata: { httpStatusCode: 500 }, $fault: 'server' });
    expect(e503).toBeInstanceOf(ServiceUnavailableException);
    expect(e503).toMatchObject({ $metadata: { httpStatusCode: 503 } });

    const out = await client(emulator, handler).send(new ConverseCommand(converseInput()));
    expect(out.$metadata.attempts).toBe(2);
    expect(emulator.stats().faults.server).toBe(3);
  });

  it('sends answer text that is not JSON for a malformed fault', async () => {
    emulator.reset({ script: ['malformed'] });
    const out = await client(emulator, handler).send(new ConverseCommand(converseInput()));
    const text = out.output?.message?.content?.[0]?.text ?? '';
    expect(text).toContain('s-1');
    expect(extractJson({ text })).toBeNull();
    expect(out.stopReason).toBe('end_turn');
  });

  it('cuts the answer mid-JSON with stopReason max_tokens for a truncated fault', async () => {
    emulator.reset({ script: ['truncated'] });
    const out = await client(emulator, handler).send(new ConverseCommand(converseInput()));
    const text = out.output?.message?.content?.[0]?.text ?? '';
    const full = echo(asked[0]!);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(full.length);
    expect(full.startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    expect(out.stopReason).toBe('max_tokens');
  });

  it('cuts an answer longer than maxTokens, as the model would', async () => {
    const out = await client(emulator, handler).send(
      new ConverseCommand(converseInput({ inferenceConfig: { maxTokens: 10 } })),
    );
    expect(out.output?.message?.content?.[0]?.text).toHaveLength(40);
    expect(out.usage?.outputTokens).toBe(10);
    expect(out.stopReason).toBe('max_tokens');
  });

  it('answers one slot with another intent, or another language, when told to', async () => {
    emulator.reset({ script: ['wrongIntent', 'wrongLanguage'] });
    const c = client(emulator, handler);
    type Answer = {
      conversations: { slot: string; intent: string; category: string; language: string }[];
    };
    const first = await c.send(new ConverseCommand(converseInput()));
    const second = await c.send(new ConverseCommand(converseInput()));
    const wrongIntent = JSON.parse(first.output?.message?.content?.[0]?.text ?? '') as Answer;
    const wrongLanguage = JSON.parse(second.output?.message?.content?.[0]?.text ?? '') as Answer;

    const bySlot = new Map(REQUEST.slots.map((s) => [s.slot, s as ConversationSlot]));
    const intentMisses = wrongIntent.conversations.filter(
      (c) => c.intent !== bySlot.get(c.slot)!.intent,
    );
    expect(intentMisses).toHaveLength(1);
    expect(intentMisses[0]!.category).not.toBe(bySlot.get(intentMisses[0]!.slot)!.category);
    const languageMisses = wrongLanguage.conversations.filter(
      (c) => c.language !== bySlot.get(c.slot)!.language,
    );
    expect(languageMisses).toHaveLength(1);
    expect(emulator.stats().faults).toMatchObject({ wrongIntent: 1, wrongLanguage: 1 });
  });

  it('stalls until the client request timeout fires, then keeps serving', async () => {
    emulator.reset({ script: ['stall'] });
    const c = client(emulator, handler, { maxAttempts: 1, requestTimeout: 300 });
    const error = await c.send(new ConverseCommand(converseInput())).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(emulator.stats().faults.stall).toBe(1);

    const out = await client(emulator, handler).send(new ConverseCommand(converseInput()));
    expect(out.stopReason).toBe('end_turn');
  });

  it('throws a mid-stream ThrottlingException while the stream is iterated', async () => {
    emulator.reset({ script: ['midStream'] });
    const out = await client(emulator, handler).send(new ConverseStreamCommand(converseInput()));
    const seen: ConverseStreamOutput[] = [];
    const error = await (async () => {
      for await (const event of out.stream ?? []) seen.push(event);
    })().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as Error).message).toBe('Too many tokens, please wait before trying again.');
    expect(seen.filter((e) => e.contentBlockDelta).length).toBeGreaterThan(0);
    expect(seen.some((e) => e.messageStop)).toBe(false);
  });

  it('sends the configured mid-stream exception type', async () => {
    emulator.reset({ script: ['midStream'], midStreamException: 'internalServerException' });
    const out = await client(emulator, handler).send(new ConverseStreamCommand(converseInput()));
    await expect(collect(out.stream)).rejects.toBeInstanceOf(InternalServerException);
  });

  it('refuses invalid requests with a ValidationException worded like Bedrock', async () => {
    const c = client(emulator, handler, { maxAttempts: 1 });
    const zeroTokens = await c
      .send(new ConverseCommand(converseInput({ inferenceConfig: { maxTokens: 0 } })))
      .catch((e: unknown) => e);
    expect(zeroTokens).toBeInstanceOf(ValidationException);
    expect((zeroTokens as Error).message).toBe(
      "1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );

    const assistantFirst = await c
      .send(
        new ConverseCommand(
          converseInput({ messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] }),
        ),
      )
      .catch((e: unknown) => e);
    expect(assistantFirst).toBeInstanceOf(ValidationException);
    expect((assistantFirst as Error).message).toMatch(
      /^A conversation must start with a user message/,
    );

    const unknownTool = await c
      .send(
        new ConverseCommand(
          converseInput({
            toolConfig: {
              tools: [{ toolSpec: { name: 'emit', inputSchema: { json: {} } } }],
              toolChoice: { tool: { name: 'other' } },
            },
          }),
        ),
      )
      .catch((e: unknown) => e);
    expect((unknownTool as Error).message).toBe(
      'The tool named in toolChoice (other) is not defined in toolConfig.tools.',
    );
    expect(emulator.stats()).toMatchObject({ invalid: 3, byStatus: { '400': 3 } });
  });
});

/**
 * Timer slack: a Node timer counts whole milliseconds of the event loop's clock, so it can fire up to about a
 * millisecond before performance.now() says it is due.
 */
const SLACK_MS = 5;
/** Generous ceiling over the configured latency: a shared, loaded machine may be slow, never early. */
const CEILING_MS = 3000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.each(HANDLERS)('configured latency over %s', (handler) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ answer: echo });
  });
  afterAll(() => emulator.stop());

  /** Sends one Converse call and measures it from the client's side. */
  async function timedConverse(c: BedrockRuntimeClient) {
    const started = performance.now();
    const out = await c.send(new ConverseCommand(converseInput()));
    return { out, elapsed: performance.now() - started };
  }

  it('holds a Converse answer for a fixed latency', async () => {
    emulator.reset({ latency: { minMs: 200, maxMs: 200 } });
    const c = client(emulator, handler);
    for (let i = 0; i < 2; i++) {
      const { out, elapsed } = await timedConverse(c);
      expect(out.stopReason).toBe('end_turn');
      expect(elapsed).toBeGreaterThanOrEqual(200 - SLACK_MS);
      expect(elapsed).toBeLessThan(200 + CEILING_MS);
      expect(out.metrics?.latencyMs).toBeGreaterThanOrEqual(200 - SLACK_MS);
    }
  });

  it('draws a latency within a min-max range', async () => {
    emulator.reset({ latency: { minMs: 100, maxMs: 150 } });
    const c = client(emulator, handler);
    for (let i = 0; i < 4; i++) {
      const { out, elapsed } = await timedConverse(c);
      expect(elapsed).toBeGreaterThanOrEqual(100 - SLACK_MS);
      expect(elapsed).toBeLessThan(150 + CEILING_MS);
      expect(out.metrics?.latencyMs).toBeGreaterThanOrEqual(100 - SLACK_MS);
    }
  });

  it('spreads a stream over the latency: first bytes after 40% of it, the end after all of it', async () => {
    emulator.reset({ latency: { minMs: 250, maxMs: 250 } });
    const started = performance.now();
    const out = await client(emulator, handler).send(new ConverseStreamCommand(converseInput()));
    const headers = performance.now() - started;
    const events = await collect(out.stream);
    const elapsed = performance.now() - started;

    const deltas = events.filter((e) => e.contentBlockDelta).length;
    expect(deltas).toBeGreaterThan(5);
    expect(headers).toBeGreaterThanOrEqual(250 * 0.4 - SLACK_MS);
    // The rest of the latency is one timer per delta, and each timer may fire up to a millisecond early.
    const streamSlack = SLACK_MS + deltas;
    expect(elapsed).toBeGreaterThanOrEqual(250 - streamSlack);
    expect(elapsed).toBeLessThan(250 + CEILING_MS);
    expect(events.at(-1)!.metadata?.metrics?.latencyMs).toBeGreaterThanOrEqual(250 - streamSlack);
  });

  it('honours a log-normal latency function: each answer waits its draw, the median is near the configured one', async () => {
    const draws: number[] = [];
    const contexts: { modelId: string; outputTokens: number }[] = [];
    const logNormal = logNormalLatency(60, 0.5);
    emulator.reset({
      seed: 'latency-test',
      latency: (context) => {
        const ms = logNormal(context);
        draws.push(ms);
        contexts.push({ modelId: context.modelId, outputTokens: context.outputTokens });
        return ms;
      },
    });
    const c = client(emulator, handler);
    const measured: number[] = [];
    for (let i = 0; i < 9; i++) {
      const { out, elapsed } = await timedConverse(c);
      expect(elapsed).toBeGreaterThanOrEqual(draws[i]! - SLACK_MS);
      expect(out.metrics?.latencyMs).toBeGreaterThanOrEqual(draws[i]! - SLACK_MS);
      expect(contexts[i]).toEqual({ modelId: MODEL, outputTokens: out.usage?.outputTokens });
      measured.push(elapsed);
    }
    // The draws are seeded, so this is deterministic: 9 draws of median 60 ms and log-spread 0.5.
    expect(draws).toHaveLength(9);
    expect(median(draws)).toBeGreaterThan(60 * 0.6);
    expect(median(draws)).toBeLessThan(60 * 1.6);
    expect(new Set(draws).size).toBe(9);
    expect(median(measured)).toBeGreaterThanOrEqual(median(draws) - SLACK_MS);
    expect(median(measured)).toBeLessThan(median(draws) + CEILING_MS);
  });
});

describe('the emulator over plain HTTP', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ answer: echo });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.reset());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('accepts a Bearer token instead of SigV4', async () => {
    const res = await post(
      `/model/${encodeURIComponent(MODEL)}/converse`,
      JSON.stringify(converseInput()),
      { authorization: 'Bearer ABSK-any-key' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends errors with the x-amzn-ErrorType header Bedrock sends', async () => {
    emulator.reset({ script: ['throttle'] });
    const res = await post(
      `/model/${encodeURIComponent(MODEL)}/converse`,
      JSON.stringify(converseInput()),
    );
    expect(res.status).toBe(429);
    expect(res.headers.get('x-amzn-errortype')).toBe(
      'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    );
    expect(await res.json()).toEqual({
      message: 'Too many requests, please wait before trying again.',
    });
  });

  it('refuses a body that is not JSON, and names every invalid member', async () => {
    const notJson = await post(`/model/${MODEL}/converse`, '{"messages": [');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      message: 'Malformed input request: the request body is not valid JSON.',
    });

    const invalid = await post(
      `/model/${MODEL}/converse`,
      JSON.stringify({
        messages: [{ role: 'user', content: [{ text: 'hi', cachePoint: { type: 'default' } }] }],
        inferenceConfig: { temperature: 1.5 },
      }),
    );
    expect(await invalid.json()).toEqual({
      message:
        "2 validation errors detected: Value at 'messages.1.member.content.1.member' failed to satisfy constraint: Member must have exactly one of these members set: text, image, document, video, audio, toolUse, toolResult, guardContent, cachePoint, reasoningContent, citationsContent, searchResult, toolAddition, toolRemoval; Value at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value between 0 and 1",
    });
  });

  it('refuses more than 4 cachePoints', async () => {
    const cachePoint = { cachePoint: { type: 'default' } };
    const res = await post(
      `/model/${MODEL}/converse`,
      JSON.stringify({
        system: [{ text: 'a' }, cachePoint, { text: 'b' }, cachePoint, { text: 'c' }, cachePoint],
        messages: [
          { role: 'user', content: [{ text: 'd' }, cachePoint, { text: 'e' }, cachePoint] },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: 'A maximum of 4 cachePoint blocks are allowed per request; this request has 5.',
    });
  });

  it('answers unknown operations with 404 UnknownOperationException', async () => {
    const res = await post(`/model/${MODEL}/invoke`, '{}');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^UnknownOperationException:/);
  });

  it('fails the call with a 424 ModelErrorException when the answer function throws', async () => {
    emulator.reset({
      answer: () => {
        throw new Error('answerer not loaded');
      },
    });
    const sdk = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: new NodeHttpHandler(),
    });
    const error = await sdk.send(new ConverseCommand(converseInput())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelErrorException);
    expect((error as Error).message).toBe('The model could not answer: answerer not loaded');
    expect(emulator.stats()).toMatchObject({ requests: 1, byStatus: { '424': 1 } });
  });
});
