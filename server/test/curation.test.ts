import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLabels } from '../src/curation/label-check.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
  importDataset(file: $file, kind: $kind, name: $name) { ... on MutationImportDatasetSuccess { data { id itemCount } } ... on ImportFailedError { issues { line message } } }
}`;
const CURATE = `mutation($id: ID!, $rules: CurationRulesInput!) {
  curateDataset(id: $id, rules: $rules) {
    __typename
    ... on MutationCurateDatasetSuccess { data { reused kept dropped report dataset { id itemCount source } } }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { message }
  }
}`;

// Constructed data with known drops: two near-duplicates of a kept item, one Spanish text labelled English,
// and one text whose label says card_arrival while it clearly asks about the exchange rate.
const ITEMS = [
  {
    text: 'My new card still has not arrived after two weeks, where is it?',
    intent: 'card_arrival',
    language: 'en',
  },
  {
    text: 'My new card still has not arrived after two weeks, where is it??',
    intent: 'card_arrival',
    language: 'en',
  },
  {
    text: 'my new card still has not arrived after two weeks. where is it?',
    intent: 'card_arrival',
    language: 'en',
  },
  {
    text: 'How long does delivery of a replacement card usually take to my address?',
    intent: 'card_arrival',
    language: 'en',
  },
  {
    text: 'Hola, mi tarjeta nueva todavía no ha llegado y ya pasaron dos semanas, ¿dónde está?',
    intent: 'card_arrival',
    language: 'en',
  },
  {
    text: 'What exchange rate do you use when I pay in dollars with my card?',
    intent: 'card_arrival',
    language: 'en',
  },
  {
    text: 'What exchange rate will I get converting euros to pounds today?',
    intent: 'exchange_rate',
    language: 'en',
  },
  {
    text: 'Is your currency exchange rate better than the one at the airport?',
    intent: 'exchange_rate',
    language: 'en',
  },
];

// Constructed data: three intents with distinct wording, and one item labelled card_arrival that asks about the
// exchange rate in exchange_rate's own words. Confident learning must flag that item, and only it.
const CARD = [
  'my new card has not arrived yet',
  'where is my card, it still has not arrived',
  'the card you posted never arrived at my house',
  'still waiting for my card to arrive in the post',
  'my card has not come in the mail yet',
  'has my card been posted? it has not arrived',
  'card not arrived after two weeks of waiting',
  'when will my card finally arrive, still not here',
  'i never received the card you sent by post',
  'my replacement card still has not arrived',
];
const RATE = [
  'what exchange rate do you use for dollars',
  'is your exchange rate better than the bank rate',
  'which exchange rate applies when i convert euros',
  'how is the exchange rate for pounds calculated',
  'what rate do you give when exchanging currency',
  'exchange rate for converting money to yen',
  'do you use the interbank exchange rate',
  'why is the exchange rate different today',
  'where can i see the exchange rate before paying',
  'what exchange rate will i get for euros to dollars',
];
const CASH = [
  'the atm did not give me my cash',
  'cash withdrawal failed but the money left my account',
  'i tried to withdraw cash and the machine kept it',
  'how much cash can i withdraw from an atm',
  'my atm withdrawal shows twice on my account',
  'the cash machine gave me less money than i asked',
  'can i withdraw cash abroad with this account',
  'atm charged me for a cash withdrawal',
  'no cash came out of the atm but i was charged',
  'withdrawing cash at the atm did not work',
];
const MISLABELLED = 'what exchange rate do you use when converting my dollars';

const LABEL_CHECK_ITEMS = {
  texts: [...CARD, MISLABELLED, ...RATE, ...CASH],
  labels: [
    ...CARD.map(() => 'card_arrival'),
    'card_arrival',
    ...RATE.map(() => 'exchange_rate'),
    ...CASH.map(() => 'atm_support'),
  ],
};

describe('curateDataset', () => {
  let s: TestServer;
  let sourceId: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES', name: 'constructed' },
      { name: 'constructed.jsonl', content: ITEMS.map((i) => JSON.stringify(i)).join('\n') },
    );
    expect(r.body.data.importDataset.data.itemCount).toBe(ITEMS.length);
    sourceId = r.body.data.importDataset.data.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const curate = async (id: string, rules: Record<string, unknown>) => {
    const r = await s.gql<any>(CURATE, { id, rules });
    expect(r.errors).toBeUndefined();
    return r.data.curateDataset;
  };

  it('drops exactly the known items, per rule, keeps the source, records lineage and is idempotent', async () => {
    const rules = { dropLanguageMismatch: true, dropNearDuplicates: true, minLabelFidelity: 0.05 };
    const first = await curate(sourceId, rules);
    expect(first.__typename).toBe('MutationCurateDatasetSuccess');
    const { report, dataset, reused } = first.data;
    expect(reused).toBe(false);
    expect(report.rules.language_mismatch.dropped).toBe(1);
    expect(report.rules.near_duplicate.dropped).toBe(2);
    expect(report.rules.label_fidelity.dropped).toBe(1);
    expect(report.rules.near_duplicate.perIntent).toEqual({ card_arrival: 2 });
    expect(report.examples.find((e: any) => e.rule === 'label_fidelity').excerpt).toContain(
      'exchange rate do you use',
    );
    expect(first.data.kept).toBe(4);
    expect(dataset.itemCount).toBe(4);
    expect(report.perIntent.card_arrival).toEqual({ items: 6, kept: 2, dropped: 4 });
    expect(report.perIntent.exchange_rate).toEqual({ items: 2, kept: 2, dropped: 0 });
    expect(dataset.source.curatedFrom).toBe(Number(sourceId));
    expect(dataset.source.rules).toEqual({
      dropLanguageMismatch: true,
      minLabelFidelity: 0.05,
      dropNearDuplicates: true,
    });

    // The source keeps every item.
    const src = await s.gql<any>('query($id: ID!) { dataset(id: $id) { itemCount } }', {
      id: sourceId,
    });
    expect(src.data.dataset.itemCount).toBe(ITEMS.length);

    // Same rules (in another order): the same dataset, no new one.
    const again = await curate(sourceId, {
      minLabelFidelity: 0.05,
      dropNearDuplicates: true,
      dropLanguageMismatch: true,
    });
    expect(again.data.reused).toBe(true);
    expect(again.data.dataset.id).toBe(dataset.id);

    // Other rules: another dataset.
    const other = await curate(sourceId, { dropNearDuplicates: true });
    expect(other.data.reused).toBe(false);
    expect(other.data.dataset.id).not.toBe(dataset.id);
    expect(other.data.kept).toBe(ITEMS.length - 2);
  });

  it('answers bad inputs with located errors', async () => {
    const none = await curate(sourceId, {});
    expect(none.__typename).toBe('ValidationError');
    expect(none.issues[0].path).toBe('rules');
    const judge = await curate(sourceId, { minJudgeScore: 3 });
    expect(judge.__typename).toBe('ValidationError');
    expect(judge.issues[0].path).toBe('rules.minJudgeScore');
    expect(judge.issues[0].message).toMatch(/no LLM-judge scores/);
    const range = await curate(sourceId, { minLabelFidelity: 2 });
    expect(range.issues[0].path).toBe('rules.minLabelFidelity');
    const missing = await curate('999999', { dropNearDuplicates: true });
    expect(missing.__typename).toBe('NotFoundError');
    // Utterances have no turns to trim.
    const opening = await curate(sourceId, { openingOnly: true });
    expect(opening.__typename).toBe('ValidationError');
    expect(opening.issues[0].path).toBe('rules.openingOnly');
  });

  it('drops the item confident learning finds mislabelled (label disagreement), and reports it', async () => {
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES', name: 'three intents' },
      {
        name: 'three.jsonl',
        content: LABEL_CHECK_ITEMS.texts
          .map((text, i) =>
            JSON.stringify({ text, intent: LABEL_CHECK_ITEMS.labels[i], language: 'en' }),
          )
          .join('\n'),
      },
    );
    expect(r.body.data.importDataset.issues).toBeUndefined();
    const id = r.body.data.importDataset.data.id;
    const curated = await curate(id, { dropLabelDisagreement: true });
    expect(curated.__typename).toBe('MutationCurateDatasetSuccess');
    const { report } = curated.data;
    expect(report.rules.label_disagreement.dropped).toBe(1);
    expect(report.rules.label_disagreement.perIntent).toEqual({ card_arrival: 1 });
    expect(report.examples[0].excerpt).toBe(MISLABELLED);
    expect(report.examples[0].detail).toMatch(/read as exchange_rate/);
    expect(curated.data.dataset.source.rules).toEqual({ dropLabelDisagreement: true });
  });

  it('cuts conversations to their opening exchange (openingOnly) and counts the turns removed', async () => {
    const conversation = (id: string, turns: string[]) => ({
      conversation_id: id,
      intent: 'card_arrival',
      category: 'card_management',
      sentiment: 'neutral',
      complexity: 'medium',
      language: 'en',
      turn_count: turns.length,
      resolution_status: 'resolved',
      turns: turns.map((text, i) => ({ speaker: i % 2 === 0 ? 'customer' : 'agent', text })),
    });
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'CONVERSATIONS', name: 'long conversations' },
      {
        name: 'conversations.jsonl',
        content: [
          conversation('c1', [
            'My card has not arrived.',
            'When did you order it?',
            'Two weeks ago, and I need it for a trip.',
            'It was posted on Monday.',
            'Thanks!',
          ]),
          conversation('c2', ['Where is my new card?', 'It arrives tomorrow.']),
          conversation('c3', ['My card never came.']),
        ]
          .map((c) => JSON.stringify(c))
          .join('\n'),
      },
    );
    const id = r.body.data.importDataset.data.id;
    const curated = await curate(id, { openingOnly: true });
    expect(curated.__typename).toBe('MutationCurateDatasetSuccess');
    expect(curated.data.kept).toBe(3);
    expect(curated.data.report.trimmedTurns).toBe(2);
    const items = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { items(first: 10) { edges { node { data } } } } }',
      { id: curated.data.dataset.id },
    );
    expect(items.errors).toBeUndefined();
    const byKey = Object.fromEntries(
      items.data.dataset.items.edges.map((e: any) => [e.node.data.conversation_id, e.node.data]),
    );
    expect(byKey.c1.turns.map((t: any) => t.text)).toEqual([
      'My card has not arrived.',
      'When did you order it?',
    ]);
    expect(byKey.c1.turn_count).toBe(2);
    expect(byKey.c2.turns).toHaveLength(2);
    expect(byKey.c3.turns).toHaveLength(1);
  });
});

describe('checkLabels (confident learning)', () => {
  const items = LABEL_CHECK_ITEMS;

  it('flags the item whose label the rest of the data confidently contradicts, and only it', async () => {
    const check = await checkLabels(items, { texts: [], labels: [] }, { threads: 1 });
    const flagged = check.flagged.flatMap((f, i) => (f ? [i] : []));
    expect(flagged).toEqual([CARD.length]);
    expect(check.readAs[CARD.length]).toBe('exchange_rate');
    expect(check.ownProbability[CARD.length]).toBeLessThan(check.ownProbability[0]!);
  });

  it('trains on the reference texts in every fold without testing them', async () => {
    const reference = {
      texts: ['what exchange rate applies to my dollars', 'my card did not arrive'],
      labels: ['exchange_rate', 'card_arrival'],
    };
    const check = await checkLabels(items, reference, { threads: 1 });
    expect(check.flagged).toHaveLength(items.texts.length);
    expect(check.readAs[CARD.length]).toBe('exchange_rate');
  });

  it('flags nothing when there is too little to hold out', async () => {
    const check = await checkLabels(
      { texts: ['a card', 'a rate'], labels: ['card_arrival', 'exchange_rate'] },
      { texts: [], labels: [] },
    );
    expect(check.flagged).toEqual([false, false]);
  });
});
