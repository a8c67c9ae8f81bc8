import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnswerRequest } from '@genesis/bedrock-emulator/options';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIntentExamples } from '../src/generation/cli.ts';
import {
  parseGenerationInput,
  readStoredConfig,
  resolveConfig,
  SEEDS_PER_SLOT,
} from '../src/generation/config.ts';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { planConversations } from '../src/generation/plan.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { BedrockProvider } from '../src/llm/bedrock.ts';
import { answerLocally } from '../src/llm/local/answer.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { useTestServer } from './helpers/app.ts';
import { genesis } from './helpers/cli.ts';
import { useEmulatorAndDatabase } from './helpers/emulated-bedrock.ts';
import { generationIssues, startGeneration } from './helpers/generation.ts';

/**
 * Seeded generation on any job (`intentExamples`; `genesis generate --intent-examples FILE`): the path the
 * augmentation uses, through the API, the CLI and the Bedrock prompt, with located errors.
 */

// Seeds with words no phrase table has, so a first message varied from them is easy to spot.
const SEEDS = [
  'my zebra card never showed up at the flat',
  'still no zebra card in the letterbox after a fortnight',
  'the zebra card you posted is lost somewhere',
  'wondering where the zebra card went, ordered it ages ago',
  'zebra card not delivered yet, what now',
];

describe('intentExamples through the API', { timeout: 120_000 }, () => {
  const s = useTestServer('sqlite');

  const start = (input: Record<string, unknown>) => startGeneration(s, input);
  const issuesOf = (input: Record<string, unknown>) => generationIssues(s, input);
  it('records the examples in the job config, gives each slot a few, and the local writer varies openings from them', async () => {
    const r = await start({
      intentCounts: [{ intent: 'card_arrival', count: 40 }],
      intentExamples: [{ intent: 'card_arrival', examples: SEEDS }],
    });
    expect(r.__typename).toBe('MutationStartGenerationSuccess');
    expect(r.data.config).toMatchObject({
      intentExamples: { card_arrival: SEEDS },
      seedsPerSlot: SEEDS_PER_SLOT,
    });
    const id = Number(r.data.id);
    await s.app.generation.wait(id);
    const em = s.app.services.em.fork();
    const job = await em.findOneOrFail(GenerationJobSchema, id);
    expect(job.status).toBe('completed');
    const slots = planConversations(readStoredConfig(id, job.config));
    for (const slot of slots) {
      expect(slot.examples).toHaveLength(SEEDS_PER_SLOT);
      expect(slot.examples!.every((t) => SEEDS.includes(t))).toBe(true);
    }
    const items = await em.find(DatasetItemSchema, { dataset: job.dataset }, { fields: ['data'] });
    const openings = items.map((i) =>
      (i.data as { turns: { text: string }[] }).turns[0]!.text.toLowerCase(),
    );
    // Some first messages are variations of the seeds (their words), the rest phrase-table asks.
    const seeded = openings.filter((t) => t.includes('zebra'));
    expect(seeded.length).toBeGreaterThan(0);
    expect(seeded.length).toBeLessThan(openings.length);
  });

  it('prices the same request', async () => {
    const r = await s.gql<any>(
      /* GraphQL */ `
        query($input: GenerationInput!) {
          estimateGeneration(input: $input) {
            __typename
            ... on QueryEstimateGenerationSuccess { data { items } }
            ... on ValidationError { issues { path message } }
          }
        }
      `,
      {
        input: {
          kind: 'CONVERSATIONS',
          provider: 'LOCAL',
          count: 6,
          intentExamples: [{ intent: 'card_arrival', examples: SEEDS.slice(0, 2) }],
        },
      },
    );
    expect(r.data.estimateGeneration.data.items).toBe(6);
  });

  it('refuses unknown intents, empty texts, more than 20 per intent, an intent twice and time series, located', async () => {
    expect(
      await issuesOf({ count: 2, intentExamples: [{ intent: 'nope', examples: ['hi'] }] }),
    ).toEqual(['input.intentExamples: intentExamples keys must be intent ids; unknown: "nope"']);
    expect(
      await issuesOf({
        count: 2,
        intentExamples: [{ intent: 'card_arrival', examples: ['where is it', '   '] }],
      }),
    ).toEqual(['input.intentExamples.card_arrival[1]: intentExamples texts must not be empty']);
    expect(
      await issuesOf({
        count: 2,
        intentExamples: [
          { intent: 'card_arrival', examples: Array.from({ length: 21 }, (_, i) => `text ${i}`) },
        ],
      }),
    ).toEqual([
      'input.intentExamples.card_arrival: intentExamples lists at most 20 texts per intent',
    ]);
    expect(
      await issuesOf({
        count: 2,
        intentExamples: [
          { intent: 'card_arrival', examples: ['a'] },
          { intent: 'card_arrival', examples: ['b'] },
        ],
      }),
    ).toEqual(['input.intentExamples: intentExamples lists card_arrival more than once']);
    const onSeries = await issuesOf({
      kind: 'TIMESERIES',
      count: 2,
      intentExamples: [{ intent: 'card_arrival', examples: ['where is my card'] }],
    });
    expect(onSeries).toEqual([
      'input.kind: intentCounts, notIntents and intentExamples are for conversations (time series have no intents)',
    ]);
  });
});

describe('intentExamples in the Bedrock prompt', { timeout: 60_000 }, () => {
  const recorded: AnswerRequest[] = [];
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';
  });
  const bedrock = useEmulatorAndDatabase({
    seed: 2,
    answer: (request) => {
      recorded.push(request);
      return answerLocally(request);
    },
  });

  it('shows each slot its seeds as few-shot examples and says to vary, not copy, them', async () => {
    const provider = new BedrockProvider({
      model: 'us.amazon.nova-pro-v1:0',
      endpoint: bedrock.emulator.url,
      requestTimeoutMs: 5000,
    });
    const manager = new GenerationManager(
      bedrock.services,
      createAppPubSub(),
      loadConfig({}),
      () => provider,
    );
    try {
      const job = await manager.start({
        kind: 'conversations',
        provider: 'bedrock',
        model: 'us.amazon.nova-pro-v1:0',
        seed: 1,
        count: 4,
        slotsPerCall: 2,
        intentCounts: { card_arrival: 3, exchange_rate: 1 },
        intentExamples: { card_arrival: SEEDS },
      });
      await manager.wait(job.id);
      const done = await bedrock.services.em.fork().findOneOrFail(GenerationJobSchema, job.id);
      expect(done.status).toBe('completed');
      const slots = planConversations(readStoredConfig(job.id, done.config));
      const sent: { slot: string; examples?: string[] }[] = recorded.flatMap(
        (r) => (r.slotRequest?.slots ?? []) as { slot: string; examples?: string[] }[],
      );
      // Every card_arrival slot went out with its own seeds; the other intent's slots with none.
      for (const slot of slots) {
        const asked = sent.find((x) => x.slot === slot.slot);
        expect(asked).toBeDefined();
        expect(asked!.examples).toEqual(slot.intent === 'card_arrival' ? slot.examples : undefined);
      }
      const withSeeds = recorded.filter((r) =>
        (r.slotRequest?.slots as { examples?: string[] }[] | undefined)?.some(
          (x) => x.examples?.length,
        ),
      );
      expect(withSeeds.length).toBeGreaterThan(0);
      for (const r of withSeeds) {
        const text = JSON.stringify(r.messages);
        expect(text).toContain('real first messages customers wrote about that intent');
        expect(text).toContain('never copy one');
      }
    } finally {
      provider.destroy();
    }
  });
});

describe('slots of a seeded job', () => {
  it('carry SEEDS_PER_SLOT of their intent’s examples, the same on every plan; all of them on jobs from before', () => {
    const config = resolveConfig(
      parseGenerationInput({
        kind: 'conversations',
        provider: 'local',
        seed: 9,
        intentCounts: { card_arrival: 6, exchange_rate: 2 },
        count: 8,
        intentExamples: { card_arrival: SEEDS, exchange_rate: ['what rate do you use'] },
      }),
      loadConfig({}),
    );
    const slots = planConversations(config);
    expect(planConversations(config)).toEqual(slots);
    for (const slot of slots) {
      expect(slot.examples).toHaveLength(slot.intent === 'card_arrival' ? SEEDS_PER_SLOT : 1);
    }
    const { seedsPerSlot: _n, ...before } = config;
    for (const slot of planConversations(before)) {
      expect(slot.examples).toEqual(before.intentExamples![slot.intent]);
    }
    // Without seeds the plan is the one it always was.
    const { intentExamples: _e, seedsPerSlot: _s, ...plain } = config;
    expect(planConversations(plain)).toEqual(slots.map(({ examples: _x, ...slot }) => slot));
  });
});

describe('parseIntentExamples', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-intent-examples-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it('reads JSON (object or API list) and CSV (with or without a header)', () => {
    const expected = {
      card_arrival: ['where is my card', 'card not here'],
      exchange_rate: ['rate?'],
    };
    expect(parseIntentExamples(file('a.json', JSON.stringify(expected)))).toEqual(expected);
    expect(
      parseIntentExamples(
        file(
          'b.json',
          JSON.stringify(
            Object.entries(expected).map(([intent, examples]) => ({ intent, examples })),
          ),
        ),
      ),
    ).toEqual(expected);
    const rows =
      'card_arrival,where is my card\ncard_arrival,"card not here"\nexchange_rate,rate?\n';
    expect(parseIntentExamples(file('c.csv', `intent,text\n${rows}`))).toEqual(expected);
    expect(parseIntentExamples(file('d.csv', rows))).toEqual(expected);
  });

  it('locates empty texts, too many examples, bad rows and missing files', () => {
    expect(() =>
      parseIntentExamples(file('e.csv', 'intent,text\ncard_arrival,hi\ncard_arrival, \n')),
    ).toThrow('--intent-examples: line 3 (card_arrival) has an empty text.');
    const many = Array.from({ length: 21 }, (_, i) => `card_arrival,text ${i}`).join('\n');
    expect(() => parseIntentExamples(file('f.csv', many))).toThrow(
      '--intent-examples: line 21: card_arrival has more than 20 examples',
    );
    expect(() => parseIntentExamples(file('g.csv', 'card_arrival,hi,extra\n'))).toThrow(
      'line 1 of',
    );
    expect(() =>
      parseIntentExamples(file('h.json', JSON.stringify({ card_arrival: ['ok', ''] }))),
    ).toThrow('--intent-examples: "card_arrival", example 2 (card_arrival) has an empty text.');
    expect(() => parseIntentExamples(join(dir, 'missing.csv'))).toThrow('no such file');
  });
});

describe('genesis generate --intent-examples', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-intent-examples-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...extra: string[]) =>
    genesis([
      'generate',
      '--db',
      join(dir, 'cli.sqlite'),
      '--provider',
      'local',
      '--dry-run',
      '--json',
      ...extra,
    ]);

  it('records the file’s examples in the job config, and names the flag of a bad one', async () => {
    const csv = join(dir, 'seeds.csv');
    writeFileSync(csv, `intent,text\n${SEEDS.map((t) => `card_arrival,"${t}"`).join('\n')}\n`);
    const ok = await run('--kind', 'conversations', '--count', '4', '--intent-examples', csv);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).config).toMatchObject({
      intentExamples: { card_arrival: SEEDS },
      seedsPerSlot: SEEDS_PER_SLOT,
    });

    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ nope: ['hi'] }));
    const bad = await run('--kind', 'conversations', '--count', '4', '--intent-examples', unknown);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'error: --intent-examples: intentExamples keys must be intent ids; unknown: "nope"',
    );
    const series = await run('--kind', 'timeseries', '--count', '2', '--intent-examples', csv);
    expect(series.code).toBe(2);
    expect(series.stderr).toContain(
      '--kind: intentCounts, notIntents and intentExamples are for conversations',
    );
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'card_arrival,""\n');
    const blank = await run('--kind', 'conversations', '--count', '4', '--intent-examples', empty);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('--intent-examples: line 1 (card_arrival) has an empty text.');
  });
});
