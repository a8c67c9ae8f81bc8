import { describe, expect, it } from 'vitest';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { useTestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';

const IMPORT = `mutation($file: File!, $name: String) {
  importDataset(file: $file, kind: UTTERANCES, name: $name) {
    __typename ... on MutationImportDatasetSuccess { data { id itemCount } } } }`;
const CURATE = `mutation($id: ID!) { curateDataset(id: $id, rules: { dropNearDuplicates: true }) {
  __typename ... on MutationCurateDatasetSuccess { data { kept dataset { id itemCount } } } } }`;
const COUNTS = `query($id: ID!, $intent: String, $search: String) { dataset(id: $id) {
  itemCount
  all: items(first: 2) { totalCount edges { node { key } } }
  filtered: items(first: 2, filter: { intent: $intent, search: $search }) { totalCount edges { node { key } } }
} }`;

const csv = (rows: [string, string][]) =>
  `text,intent\n${rows.map(([text, intent]) => `"${text}",${intent}`).join('\n')}\n`;

describe.each(TEST_DATABASES)('dataset item counts on %s', (kind) => {
  const s = useTestServer(kind);

  /** What the items table really holds, for the whole dataset and one intent. */
  async function realCounts(datasetId: number, intent: string) {
    const em = s.app.services.em.fork();
    return {
      all: await em.count(DatasetItemSchema, { dataset: datasetId }),
      intent: await em.count(DatasetItemSchema, { dataset: datasetId, intent }),
    };
  }

  /** What the API says: the dataset's itemCount, totalCount unfiltered and filtered by intent. */
  async function apiCounts(datasetId: number, intent: string) {
    const r = await s.gql<any>(COUNTS, { id: String(datasetId), intent });
    expect(r.errors).toBeUndefined();
    return {
      itemCount: r.data.dataset.itemCount as number,
      all: r.data.dataset.all.totalCount as number,
      intent: r.data.dataset.filtered.totalCount as number,
    };
  }

  async function expectTrueCounts(datasetId: number, intent: string) {
    const real = await realCounts(datasetId, intent);
    expect(await apiCounts(datasetId, intent)).toEqual({
      itemCount: real.all,
      all: real.all,
      intent: real.intent,
    });
    return real;
  }

  it('keeps totalCount equal to the rows after an import, inserts, repeated keys and deletes', async () => {
    const rows: [string, string][] = Array.from({ length: 30 }, (_, i) => [
      `where is my card number ${i}`,
      i % 3 === 0 ? 'card_arrival' : 'exchange_rate',
    ]);
    const imported = await s.upload<any>(
      IMPORT,
      { name: `counts-${kind}` },
      { name: 'c.csv', content: csv(rows) },
    );
    const id = Number(imported.body.data.importDataset.data.id);
    expect(await expectTrueCounts(id, 'card_arrival')).toEqual({ all: 30, intent: 10 });

    // The generation runner's path: keyed inserts, a stored key ignored, counted in the same transaction.
    const em = s.app.services.em.fork();
    const item = (key: string, intent: string) => ({
      key,
      data: { text: key, intent },
      columns: { intent },
    });
    const inserted = await em.transactional((tx) =>
      s.app.services.datasets(tx).insertItems(
        id,
        [
          item('extra-1', 'card_arrival'),
          item('extra-2', 'card_arrival'),
          item('extra-1', 'x'),
        ].map((it, i) => ({ ...it, position: 100 + i })),
        { ignoreExisting: true },
      ),
    );
    expect(inserted).toBe(2);
    expect(await expectTrueCounts(id, 'card_arrival')).toEqual({ all: 32, intent: 12 });

    // A rolled-back insert changes neither the rows nor the count.
    await expect(
      em.fork().transactional(async (tx) => {
        await s.app.services
          .datasets(tx)
          .insertItems(id, [{ ...item('rolled-back', 'card_arrival'), position: 200 }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await expectTrueCounts(id, 'card_arrival')).toEqual({ all: 32, intent: 12 });

    // Deletes: the filtered count is not served stale from its cache, a missing key changes nothing.
    const deleted = await s.app.services
      .datasets(em.fork())
      .deleteItems(id, ['extra-1', 'extra-2', 'no-such-key']);
    expect(deleted).toBe(2);
    expect(await expectTrueCounts(id, 'card_arrival')).toEqual({ all: 30, intent: 10 });
  });

  it('counts a curated copy and a text search the same as the rows', async () => {
    const rows: [string, string][] = [
      ['My card has not arrived yet, where is it?', 'card_arrival'],
      ['My card has not arrived yet, where is it??', 'card_arrival'],
      ['What exchange rate do you use for dollars?', 'exchange_rate'],
      ['How long does a replacement card take to arrive?', 'card_arrival'],
    ];
    const imported = await s.upload<any>(
      IMPORT,
      { name: `curate-${kind}` },
      { name: 'd.csv', content: csv(rows) },
    );
    expect(imported.body.data.importDataset.__typename, JSON.stringify(imported.body)).toBe(
      'MutationImportDatasetSuccess',
    );
    const sourceId = imported.body.data.importDataset.data.id;
    const curated = await s.gql<any>(CURATE, { id: sourceId });
    expect(curated.data.curateDataset.__typename).toBe('MutationCurateDatasetSuccess');
    const { kept, dataset } = curated.data.curateDataset.data;
    expect(kept).toBe(3);
    expect(dataset.itemCount).toBe(3);
    expect(await expectTrueCounts(Number(dataset.id), 'card_arrival')).toEqual({
      all: 3,
      intent: 2,
    });

    const search = await s.gql<any>(COUNTS, { id: sourceId, search: 'ARRIV' });
    expect(search.data.dataset.filtered.totalCount).toBe(3);
    expect(search.data.dataset.filtered.edges).toHaveLength(2);
  });

  it('reads an items page as plain rows, with the same values an entity would have, none of them managed', async () => {
    const em = s.app.services.em.fork();
    const dataset = await s.app.services.datasets(em).createWithItems(
      { name: `plain-rows-${kind}`, kind: 'utterances', origin: 'imported' },
      Array.from({ length: 5 }, (_, i) => ({
        key: `k-${i}`,
        data: { text: `text ${i}`, intent: i % 2 ? 'b' : 'a', nested: { n: i } },
        columns: { intent: i % 2 ? 'b' : 'a', language: 'en' },
      })),
    );
    const reader = s.app.services.em.fork();
    const { count, ...page } = await s.app.services
      .datasets(reader)
      .itemsPage(dataset.id, {}, { first: 3, after: null });
    // Nothing entered the request's identity map (merging entities was most of a page's cost).
    expect(reader.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
    const entities = await reader.find(
      DatasetItemSchema,
      { dataset: dataset.id },
      { orderBy: { position: 'asc' }, limit: 3 },
    );
    expect(page.nodes).toHaveLength(3);
    page.nodes.forEach((row, i) => {
      const entity = entities[i]!;
      expect(row).toEqual({
        id: entity.id,
        key: entity.key,
        position: entity.position,
        data: entity.data,
        intent: entity.intent,
        category: entity.category,
        language: entity.language,
        sentiment: entity.sentiment,
        complexity: entity.complexity,
        resolution: entity.resolution,
        seriesType: entity.seriesType,
        domain: entity.domain,
        createdAt: entity.createdAt,
      });
    });
    expect(page.nodes[1]!.data).toEqual({ text: 'text 1', intent: 'b', nested: { n: 1 } });
    expect(await count()).toBe(5);
  });
});
