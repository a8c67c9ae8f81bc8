import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';
import { genesis } from './helpers/cli.ts';
import { generationIssues, startGeneration } from './helpers/generation.ts';

/**
 * Exact per-intent counts and contrastive guidance on a generation job (`intentCounts`, `notIntents`; `genesis
 * generate --intent-counts --not-intents`): the path the augmentation plan uses, through the real API and the real
 * CLI, with located errors.
 */

const JOB = /* GraphQL */ `
  query($id: ID!) {
    generationJob(id: $id) {
      status
      accepted
      dataset { labelCounts { intent { label count } } }
    }
  }
`;

const counts = (rows: { label: string; count: number }[]) =>
  Object.fromEntries(rows.map((r) => [r.label, r.count]));

describe('per-intent counts and contrastive guidance through the API', { timeout: 120_000 }, () => {
  const s = useTestServer('sqlite');

  const start = (input: Record<string, unknown>) => startGeneration(s, input);
  const issuesOf = (input: Record<string, unknown>) => generationIssues(s, input);

  it('generates exactly the asked items per intent, count defaulting to their sum, and keeps the guidance', async () => {
    const r = await start({
      intentCounts: [
        { intent: 'card_arrival', count: 4 },
        { intent: 'exchange_rate', count: 2 },
      ],
      notIntents: [
        { intent: 'card_arrival', notIntents: ['card_delivery_estimate', 'card_linking'] },
      ],
    });
    expect(r.__typename).toBe('MutationStartGenerationSuccess');
    expect(r.data.requested).toBe(6);
    expect(r.data.config).toMatchObject({
      count: 6,
      intentCounts: { card_arrival: 4, exchange_rate: 2 },
      notIntents: { card_arrival: ['card_delivery_estimate', 'card_linking'] },
    });
    let job: any;
    await expect
      .poll(
        async () => {
          job = (await s.gql<any>(JOB, { id: r.data.id })).data?.generationJob;
          return job?.status;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBe('COMPLETED');
    expect(counts(job.dataset.labelCounts.intent)).toEqual({ card_arrival: 4, exchange_rate: 2 });
  });

  it('prices the same request as it would run', async () => {
    const r = await s.gql<any>(
      /* GraphQL */ `
        query($input: GenerationInput!) {
          estimateGeneration(input: $input) {
            __typename
            ... on QueryEstimateGenerationSuccess { data { items } }
          }
        }
      `,
      {
        input: {
          kind: 'CONVERSATIONS',
          provider: 'LOCAL',
          intentCounts: [{ intent: 'card_arrival', count: 7 }],
        },
      },
    );
    expect(r.data.estimateGeneration.data.items).toBe(7);
  });

  it('refuses unknown intents, counts below 1, a sum over the limit and a mismatched count, located', async () => {
    expect(await issuesOf({ intentCounts: [{ intent: 'nope', count: 3 }] })).toEqual([
      'input.intentCounts: intentCounts keys must be intent ids; unknown: "nope"',
    ]);
    expect(await issuesOf({ intentCounts: [{ intent: 'card_arrival', count: 0 }] })).toEqual([
      'input.intentCounts.card_arrival: intentCounts values must be at least 1 (leave an intent out to give it none)',
    ]);
    expect(await issuesOf({ intentCounts: [{ intent: 'card_arrival', count: -2 }] })).toEqual([
      'input.intentCounts.card_arrival: intentCounts values must be at least 1 (leave an intent out to give it none)',
    ]);
    expect(
      await issuesOf({
        intentCounts: [
          { intent: 'card_arrival', count: 60_000 },
          { intent: 'exchange_rate', count: 50_000 },
        ],
      }),
    ).toEqual([
      'input.intentCounts: intentCounts add up to 110000, over the most one job may hold (100000): split them over several jobs',
    ]);
    expect(
      await issuesOf({ count: 5, intentCounts: [{ intent: 'card_arrival', count: 3 }] }),
    ).toEqual(['input.intentCounts: intentCounts add up to 3 but count is 5: they must be equal']);
    expect(
      await issuesOf({
        intentCounts: [
          { intent: 'card_arrival', count: 1 },
          { intent: 'card_arrival', count: 2 },
        ],
      }),
    ).toEqual(['input.intentCounts: intentCounts lists card_arrival more than once']);
    expect(
      await issuesOf({
        count: 2,
        notIntents: [{ intent: 'card_arrival', notIntents: ['card_arrival', 'nope'] }],
      }),
    ).toEqual([
      'input.notIntents.card_arrival: notIntents values must be intent ids; unknown: "nope"',
      'input.notIntents: an intent cannot be contrasted with itself: card_arrival',
    ]);
    expect(await issuesOf({})).toEqual([
      'input.count: count is required (or give intentCounts: the job is their sum)',
    ]);
    const onSeries = await issuesOf({
      kind: 'TIMESERIES',
      count: 2,
      notIntents: [{ intent: 'card_arrival', notIntents: ['card_linking'] }],
    });
    expect(onSeries).toHaveLength(1);
    expect(onSeries[0]).toMatch(
      /^input\.kind: intentCounts, notIntents.* are for conversations \(time series have no intents\)$/,
    );
  });
});

describe('genesis generate --intent-counts --not-intents', { timeout: 180_000 }, () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-intent-counts-'));
    db = join(dir, 'cli.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const intentsOf = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { intent: string }).intent)
      .reduce<Record<string, number>>((acc, i) => {
        acc[i] = (acc[i] ?? 0) + 1;
        return acc;
      }, {});

  it('takes inline counts and guidance, the count being their sum', async () => {
    const out = join(dir, 'inline.jsonl');
    const r = await genesis([
      'generate',
      '--db',
      db,
      '--kind',
      'conversations',
      '--provider',
      'local',
      '--intent-counts',
      'card_arrival=3,exchange_rate=2',
      '--not-intents',
      'card_arrival=card_delivery_estimate+card_linking',
      '--seed',
      '5',
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', requested: 5, accepted: 5 });
    expect(intentsOf(out)).toEqual({ card_arrival: 3, exchange_rate: 2 });
  });

  it('takes a JSON plan file in the API shape, and prices it with --dry-run', async () => {
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify([
        { intent: 'lost_or_stolen_card', count: 4 },
        { intent: 'card_arrival', count: 1 },
      ]),
    );
    const guidance = join(dir, 'not.json');
    writeFileSync(guidance, JSON.stringify({ lost_or_stolen_card: ['compromised_card'] }));
    const r = await genesis([
      'generate',
      '--db',
      db,
      '--kind',
      'conversations',
      '--provider',
      'local',
      '--intent-counts',
      plan,
      '--not-intents',
      guidance,
      '--dry-run',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).config).toMatchObject({
      count: 5,
      intentCounts: { lost_or_stolen_card: 4, card_arrival: 1 },
      notIntents: { lost_or_stolen_card: ['compromised_card'] },
    });
  });

  it('names the flag of each bad value', async () => {
    const run = (...extra: string[]) =>
      genesis(['generate', '--db', db, '--kind', 'conversations', '--dry-run', ...extra]);
    const unknown = await run('--intent-counts', 'nope=3');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'error: --intent-counts: intentCounts keys must be intent ids; unknown: "nope"',
    );
    const zero = await run('--intent-counts', 'card_arrival=0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain(
      'error: --intent-counts: intentCounts values must be at least 1 (leave an intent out to give it none)',
    );
    const over = await run('--intent-counts', 'card_arrival=60000,exchange_rate=50000');
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('--intent-counts: intentCounts add up to 110000, over the most');
    const notNumber = await run('--intent-counts', 'card_arrival=three');
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain(
      '--intent-counts: the count of card_arrival must be a whole number; got "three"',
    );
    const missing = await run('--intent-counts', join(dir, 'no-such.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('neither intent=value pairs nor a readable JSON file');
    const self = await run(
      '--intent-counts',
      'card_arrival=2',
      '--not-intents',
      'card_arrival=card_arrival',
    );
    expect(self.code).toBe(2);
    expect(self.stderr).toContain(
      '--not-intents: an intent cannot be contrasted with itself: card_arrival',
    );
  });
});
