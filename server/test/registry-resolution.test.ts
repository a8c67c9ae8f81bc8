import { RESOLUTIONS } from '@genesis/schema/common';
import { describe, expect, it } from 'vitest';
import { initORM } from '../src/platform/db/orm.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { useTestServer } from './helpers/app.ts';
import { createTempDatabase, TEST_DATABASES } from './helpers/databases.ts';

const COUNTS = `query($id: ID!) { dataset(id: $id) { itemCount labelCounts { resolution { label count } } } }`;
const ITEMS = `query($id: ID!, $f: ItemFilter, $first: Int) {
  dataset(id: $id) { items(filter: $f, first: $first) { totalCount edges { node { key resolution data } } } }
}`;
const IMPORT = `mutation($file: File!, $name: String) {
  importDataset(file: $file, kind: CONVERSATIONS, name: $name) {
    __typename
    ... on MutationImportDatasetSuccess { data { id itemCount } }
  }
}`;

function conversation(id: string, resolution: string, language = 'en') {
  return {
    conversation_id: id,
    intent: 'card_arrival',
    category: 'card_management',
    sentiment: 'neutral',
    complexity: 'simple',
    language,
    turn_count: 2,
    resolution_status: resolution,
    turns: [
      { speaker: 'customer', text: `Where is my card? (${id})` },
      { speaker: 'agent', text: 'It was posted yesterday and arrives within 3 days.' },
    ],
  };
}

/** How many of the records carry each resolution_status, as the label counts list them (most first). */
function tally(records: { resolution_status: string }[]): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of records)
    counts.set(r.resolution_status, (counts.get(r.resolution_status) ?? 0) + 1);
  return [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

describe.each(TEST_DATABASES)('resolution counts and filter on %s', (kind) => {
  const s = useTestServer(kind);

  /** Every item record of a dataset, read through the API. */
  async function records(id: string) {
    const r = await s.gql<any>(ITEMS, { id, first: 500 });
    expect(r.errors).toBeUndefined();
    return r.data.dataset.items.edges.map((e: any) => e.node) as {
      key: string;
      resolution: string | null;
      data: { resolution_status: string };
    }[];
  }

  /** Checks the counts against the records, and that filtering by each value gives exactly its items. */
  async function expectCountsAndFilter(id: string) {
    const all = await records(id);
    const expected = tally(all.map((n) => n.data));
    const counts = await s.gql<any>(COUNTS, { id });
    expect(counts.errors).toBeUndefined();
    expect(counts.data.dataset.labelCounts.resolution).toEqual(expected);
    expect(expected.reduce((n, c) => n + c.count, 0)).toBe(counts.data.dataset.itemCount);
    for (const node of all) expect(node.resolution).toBe(node.data.resolution_status);
    for (const resolution of RESOLUTIONS) {
      const r = await s.gql<any>(ITEMS, { id, f: { resolution }, first: 500 });
      expect(r.errors).toBeUndefined();
      const keys = r.data.dataset.items.edges.map((e: any) => e.node.key).sort();
      const want = all
        .filter((n) => n.data.resolution_status === resolution)
        .map((n) => n.key)
        .sort();
      expect(keys, resolution).toEqual(want);
      expect(r.data.dataset.items.totalCount, resolution).toBe(want.length);
    }
    return expected;
  }

  it('counts and filters the conversations of a local generation', async () => {
    const started = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) {
        __typename ... on MutationStartGenerationSuccess { data { id dataset { id } } } } }`,
      {
        input: {
          kind: 'CONVERSATIONS',
          count: 20,
          seed: 7,
          targets: {
            resolutions: [
              { key: 'resolved', weight: 2 },
              { key: 'unresolved', weight: 1 },
              { key: 'escalated', weight: 1 },
            ],
          },
        },
      },
    );
    expect(started.errors).toBeUndefined();
    const job = started.data.startGeneration.data;
    expect((await s.app.generation.wait(Number(job.id)))?.status).toBe('completed');
    const counts = await expectCountsAndFilter(job.dataset.id);
    // The plan meets the resolution targets exactly (20 items at 2:1:1).
    expect(counts).toEqual([
      { label: 'resolved', count: 10 },
      { label: 'escalated', count: 5 },
      { label: 'unresolved', count: 5 },
    ]);

    // A curated copy carries the column over from its source's items.
    const curated = await s.gql<any>(
      `mutation($id: ID!) { curateDataset(id: $id, rules: { dropNearDuplicates: true }) {
        __typename ... on MutationCurateDatasetSuccess { data { kept dataset { id } } } } }`,
      { id: job.dataset.id },
    );
    expect(curated.errors).toBeUndefined();
    const copy = curated.data.curateDataset.data;
    expect(copy.kept).toBeGreaterThan(0);
    const copied = await expectCountsAndFilter(copy.dataset.id);
    expect(copied.reduce((n, c) => n + c.count, 0)).toBe(copy.kept);
  });

  it('counts and filters imported conversations, JSONL and CSV alike', async () => {
    const wanted = ['resolved', 'escalated', 'escalated', 'unresolved', 'resolved', 'resolved'];
    const conversations = wanted.map((r, i) => conversation(`c-${i}`, r, i % 2 ? 'es' : 'en'));
    const jsonl = await s.upload<any>(
      IMPORT,
      { name: 'resolutions jsonl' },
      {
        name: 'conversations.jsonl',
        content: conversations.map((c) => JSON.stringify(c)).join('\n'),
      },
    );
    expect(jsonl.body.errors).toBeUndefined();
    expect(jsonl.body.data.importDataset.__typename).toBe('MutationImportDatasetSuccess');
    expect(await expectCountsAndFilter(jsonl.body.data.importDataset.data.id)).toEqual(
      tally(conversations),
    );
    // The dataset card lists the resolutions beside sentiment and complexity.
    const card = await (
      await fetch(`${s.url}/datasets/${jsonl.body.data.importDataset.data.id}/export?format=card`)
    ).text();
    const section = card.slice(card.indexOf('### Resolution'));
    expect(section).toMatch(/^### Resolution\n/);
    for (const { label, count } of tally(conversations)) {
      expect(section).toContain(`| ${label} | ${count} |`);
    }

    const header = Object.keys(conversations[0]!);
    const cell = (value: unknown) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `"${text.replace(/"/g, '""')}"`;
    };
    const csv = [
      header.join(','),
      ...conversations.map((c) => header.map((h) => cell(c[h as keyof typeof c])).join(',')),
    ].join('\n');
    const imported = await s.upload<any>(
      IMPORT,
      { name: 'resolutions csv' },
      { name: 'conversations.csv', content: csv },
    );
    expect(imported.body.errors).toBeUndefined();
    expect(imported.body.data.importDataset.__typename).toBe('MutationImportDatasetSuccess');
    expect(await expectCountsAndFilter(imported.body.data.importDataset.data.id)).toEqual(
      tally(conversations),
    );
  });

  it('refuses an unknown resolution, naming filter.resolution and the allowed values', async () => {
    const list = await s.gql<any>(`{ datasets(first: 1) { edges { node { id } } } }`);
    const id = list.data.datasets.edges[0].node.id;
    const r = await s.gql<any>(ITEMS, { id, f: { resolution: 'abandoned' } });
    expect(r.data?.dataset?.items ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.issues).toEqual([
      {
        path: 'filter.resolution',
        message: 'resolution must be one of resolved, unresolved, escalated; got "abandoned"',
        code: 'value.oneOf',
        params: {
          field: 'resolution',
          options: 'resolved, unresolved, escalated',
          received: '"abandoned"',
        },
      },
    ]);
  });
});

describe.each(TEST_DATABASES)('the resolution migration on %s', (kind) => {
  it('fills the column from the conversations stored before it', async () => {
    const temp = await createTempDatabase(kind);
    const services = await initORM(temp.db, { migrate: false });
    try {
      const migrator = services.orm.getMigrator();
      await migrator.up({ to: 'Migration20261205003000' });
      const conn = services.em.getConnection();
      const now = new Date().toISOString();
      await conn.execute(
        `insert into dataset (id, created_at, updated_at, name, kind, origin, item_count) values (1, '${now}', '${now}', 'old', 'conversations', 'imported', 3), (2, '${now}', '${now}', 'texts', 'utterances', 'imported', 1)`,
      );
      const rows: [number, string, Record<string, unknown>][] = [
        [1, 'a', conversation('a', 'escalated')],
        [1, 'b', conversation('b', 'resolved')],
        [1, 'c', conversation('c', 'escalated')],
        [2, 'u', { text: 'hi', intent: 'card_arrival', language: 'en' }],
      ];
      for (const [i, [dataset, key, data]] of rows.entries()) {
        await conn.execute(
          `insert into dataset_item (dataset_id, key, position, data, created_at) values (${dataset}, '${key}', ${i}, '${JSON.stringify(data).replace(/'/g, "''")}', '${now}')`,
        );
      }
      await migrator.up();
      expect(await migrator.getPendingMigrations()).toEqual([]);
      const items = await services.em
        .fork()
        .find(DatasetItemSchema, {}, { orderBy: { key: 'asc' }, fields: ['key', 'resolution'] });
      expect(items.map((i) => [i.key, i.resolution])).toEqual([
        ['a', 'escalated'],
        ['b', 'resolved'],
        ['c', 'escalated'],
        ['u', null],
      ]);
      const counts = await services.datasets(services.em.fork()).labelCounts(1, 'resolution');
      expect(counts).toEqual([
        { label: 'escalated', count: 2 },
        { label: 'resolved', count: 1 },
      ]);
    } finally {
      await services.close();
      await temp.drop();
    }
  });
});
