import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';

const FIELDS = 'id name kind origin description tags itemCount source createdAt updatedAt';

/**
 * `datasets` and `dataset(id)` serve plain rows (DatasetRepository.listRows, rowById), not entities: both must
 * show a dataset the same way, field for field, and as its entity holds it, on both databases.
 */
describe.each(TEST_DATABASES)('the datasets listing on %s', (kind) => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer(kind);
    const repo = s.app.services.datasets(s.app.services.em.fork());
    const item = (i: number) => ({
      key: `u-${i}`,
      data: { text: `where is my card ${i}`, intent: 'card_arrival' },
      columns: { intent: 'card_arrival', language: 'en' },
    });
    await repo.createWithItems(
      {
        name: 'Cards "quoted" é',
        kind: 'utterances',
        origin: 'imported',
        description: 'with a description',
        source: { file: 'cards.csv', nested: { rows: 3, ok: true }, list: [1, 'two'] },
        tags: ['zeta', 'alpha', 'mid'],
      },
      [item(1), item(2), item(3)],
    );
    await repo.createWithItems({ name: 'bare', kind: 'conversations', origin: 'generated' }, []);
    await repo.createWithItems(
      { name: 'one tag', kind: 'utterances', origin: 'imported', tags: ['alpha'] },
      [item(4)],
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows every field as the dataset itself does, tags sorted, on every page', async () => {
    const listed: Record<string, unknown>[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: any; errors?: unknown } = await s.gql<any>(
        `query($after: String) { datasets(first: 2, after: $after) { totalCount
          pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      expect(page.data.datasets.totalCount).toBe(3);
      listed.push(...page.data.datasets.edges.map((e: any) => e.node));
      if (!page.data.datasets.pageInfo.hasNextPage) break;
      after = page.data.datasets.pageInfo.endCursor;
    }
    expect(listed.map((d) => d.name)).toEqual(['one tag', 'bare', 'Cards "quoted" é']);
    for (const node of listed) {
      const one = await s.gql<any>(`query($id: ID!) { dataset(id: $id) { ${FIELDS} } }`, {
        id: node.id,
      });
      expect(node).toEqual(one.data.dataset);
      const entity = await s.app.services.em
        .fork()
        .findOneOrFail(DatasetSchema, Number(node.id), { populate: ['tags'] });
      expect(node).toMatchObject({
        name: entity.name,
        description: entity.description,
        itemCount: entity.itemCount,
        source: entity.source,
        tags: entity.tags
          .getItems()
          .map((t) => t.tag)
          .sort(),
        createdAt: entity.createdAt.toISOString(),
        updatedAt: entity.updatedAt.toISOString(),
      });
    }
    expect(listed[2]).toMatchObject({
      tags: ['alpha', 'mid', 'zeta'],
      itemCount: 3,
      description: 'with a description',
      source: { file: 'cards.csv', nested: { rows: 3, ok: true }, list: [1, 'two'] },
    });
    expect(listed[1]).toMatchObject({ tags: [], itemCount: 0, description: null, source: null });
    expect(Date.parse(listed[0]!.createdAt as string)).toBeGreaterThan(0);
  });

  it('filters by tag and nests items and their count under listed datasets', async () => {
    const r = await s.gql<any>(
      `{ datasets(filter: { tag: "alpha" }) { totalCount edges { node { name tags
          items(first: 2, filter: { intent: "card_arrival" }) { totalCount edges { node { key } } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.datasets.totalCount).toBe(2);
    expect(r.data.datasets.edges.map((e: any) => e.node)).toEqual([
      {
        name: 'one tag',
        tags: ['alpha'],
        items: { totalCount: 1, edges: [{ node: { key: 'u-4' } }] },
      },
      {
        name: 'Cards "quoted" é',
        tags: ['alpha', 'mid', 'zeta'],
        items: { totalCount: 3, edges: [{ node: { key: 'u-1' } }, { node: { key: 'u-2' } }] },
      },
    ]);
  });
});
