import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  });
});
