import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { JudgedItemSchema, type JudgeRequest } from '@genesis/schema/judge';
import { extractJson } from '@genesis/schema/request';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/server.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

const REQUEST: JudgeRequest = {
  task: 'judge',
  rubric: ['label_faithfulness', 'customer_naturalness', 'agent_quality', 'language_register'],
  items: [
    {
      id: 'c1',
      intent: 'card_arrival',
      language: 'en',
      turns: [
        { speaker: 'customer', text: 'Where is my new card?' },
        { speaker: 'agent', text: 'It was posted on Monday and arrives within 3 working days.' },
      ],
    },
    {
      id: 'u1',
      intent: 'card_arrival',
      language: 'en',
      turns: [{ speaker: 'customer', text: 'My card?' }],
    },
    { id: 'empty', intent: null, language: 'es', turns: [] },
  ],
};

/** The default answer function (no injected writers) answers LLM-judge prompts with valid scores. */
describe('rubric prompts through the real SDK', () => {
  let emulator: Emulator;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'rubric' });
    client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: new NodeHttpHandler(),
    });
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });

  const ask = async () => {
    const out = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: 'You are a strict quality judge.' }],
        messages: [
          {
            role: 'user',
            content: [
              { text: `Judge these items.\n\`\`\`json\n${JSON.stringify(REQUEST)}\n\`\`\`` },
            ],
          },
        ],
        inferenceConfig: { maxTokens: 2000, temperature: 0 },
      }),
    );
    return extractJson({ text: out.output?.message?.content?.[0]?.text ?? '' }) as {
      scores: unknown[];
    };
  };

  it('scores every item once with 1-5 scores and reasons, deterministically', async () => {
    const answer = await ask();
    expect(answer.scores).toHaveLength(3);
    const items = answer.scores.map((s) => v.parse(JudgedItemSchema, s));
    expect(items.map((i) => i.id)).toEqual(['c1', 'u1', 'empty']);
    expect(items[0]!.agent_quality?.score).toBeGreaterThanOrEqual(1);
    // No agent side: agent quality is null; nothing said: the customer criteria are 1.
    expect(items[1]!.agent_quality).toBeNull();
    expect(items[2]!.label_faithfulness.score).toBe(1);
    expect(items[2]!.customer_naturalness.score).toBe(1);
    expect(await ask()).toEqual(answer);
  });
});
