import { describe, expect, it } from 'vitest';
import { initORM } from '../src/platform/db/orm.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import type { NewItem } from '../src/registry/dataset.repository.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { createTempDatabase, TEST_DATABASES } from './helpers/databases.ts';
import { useServices } from './helpers/services.ts';

function utterances(n: number, intent = 'card_arrival', language = 'en'): NewItem[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `u-${String(i + 1).padStart(6, '0')}`,
    data: { text: `where is my card ${i}`, intent, language },
    columns: { intent, category: 'card_management', language },
  }));
}

describe.each(TEST_DATABASES)('registry on %s', (kind) => {
  const db = useServices(kind);

  const repo = () => db.services.datasets(db.services.em.fork());

  it('applies the committed migrations and they match the entities', async () => {
    const migrator = db.services.orm.getMigrator();
    expect(await migrator.getPendingMigrations()).toEqual([]);
    expect((await migrator.getExecutedMigrations()).length).toBeGreaterThan(0);
    if (kind === 'postgresql') {
      // A schema diff against the live database must be empty: the migrations describe the entities exactly.
      const diff = await db.services.orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } else {
      // MikroORM's SQLite differ always re-creates tables with enum checks, so compare columns directly.
      const conn = db.services.em.getConnection();
      for (const meta of Object.values(db.services.orm.getMetadata().getAll())) {
        const cols = await conn.execute<{ name: string }[]>(
          `pragma table_info(\`${meta.tableName}\`)`,
        );
        const expected = Object.values(meta.properties).flatMap((p) => p.fieldNames ?? []);
        expect(cols.map((c) => c.name).sort(), meta.tableName).toEqual(
          [...new Set(expected)].sort(),
        );
      }
    }
  });

  it('creates a dataset with its items and tags, then reads them back', async () => {
    const items = [
      ...utterances(3),
      ...utterances(2, 'pin_blocked', 'es').map((x, i) => ({ ...x, key: `p-${i}` })),
    ];
    const created = await repo().createWithItems(
      {
        name: 'Card questions',
        kind: 'utterances',
        origin: 'imported',
        tags: ['real', 'banking77', 'real'],
      },
      items,
    );
    expect(created.id).toBeGreaterThan(0);
    const em = db.services.em.fork();
    const found = await em.findOneOrFail(DatasetSchema, created.id, { populate: ['tags'] });
    expect(found).toMatchObject({
      name: 'Card questions',
      kind: 'utterances',
      origin: 'imported',
      itemCount: 5,
    });
    expect(
      found.tags
        .getItems()
        .map((t) => t.tag)
        .sort(),
    ).toEqual(['banking77', 'real']);
    expect(await em.count(DatasetItemSchema, { dataset: created.id })).toBe(5);

    const counts = await repo().labelCounts(created.id, 'intent');
    expect(counts).toEqual([
      { label: 'card_arrival', count: 3 },
      { label: 'pin_blocked', count: 2 },
    ]);
    expect(await repo().labelCounts(created.id, 'sentiment')).toEqual([]);

    const page = await repo().items(created.id, { language: 'es' }, { first: 10 });
    expect(page.totalCount).toBe(2);
    expect(page.nodes.map((n) => n.key)).toEqual(['p-0', 'p-1']);
    const search = await repo().items(created.id, { search: 'CARD 2' }, {});
    expect(search.nodes.map((n) => n.key)).toEqual(['u-000003']);
  });

  it('pages through items in order with cursors, without gaps or repeats', async () => {
    const created = await repo().createWithItems(
      { name: 'paging', kind: 'utterances', origin: 'imported' },
      utterances(1234),
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await repo().items(created.id, {}, { first: 500, after });
      expect(page.totalCount).toBe(1234);
      seen.push(...page.nodes.map((n) => n.key));
      if (!page.hasNextPage) break;
      after = page.cursorOf(page.nodes.at(-1)!);
    }
    expect(seen).toHaveLength(1234);
    expect(new Set(seen).size).toBe(1234);
    expect(seen[0]).toBe('u-000001');
    expect(seen.at(-1)).toBe('u-001234');

    const streamed: unknown[] = [];
    for await (const d of repo().streamItems(created.id, 300)) streamed.push(d);
    expect(streamed).toHaveLength(1234);
    expect(streamed[1233]).toEqual({
      text: 'where is my card 1233',
      intent: 'card_arrival',
      language: 'en',
    });
  });

  it('stores nothing when an item is duplicated within a dataset (all or nothing)', async () => {
    const before = await db.services.em.fork().count(DatasetSchema, {});
    const items = utterances(3);
    items[2] = { ...items[2]!, key: items[0]!.key };
    await expect(
      repo().createWithItems({ name: 'dup', kind: 'utterances', origin: 'imported' }, items),
    ).rejects.toThrow();
    expect(await db.services.em.fork().count(DatasetSchema, {})).toBe(before);
    expect(await db.services.em.fork().count(DatasetSchema, { name: 'dup' })).toBe(0);
  });

  it('lists, filters, renames, retags and deletes', async () => {
    const a = await repo().createWithItems(
      { name: 'Alpha Convos', kind: 'conversations', origin: 'generated', tags: ['synthetic'] },
      [],
    );
    const b = await repo().createWithItems(
      { name: 'beta series', kind: 'timeseries', origin: 'imported' },
      [],
    );

    const all = await repo().list({}, { first: 2 });
    expect(all.nodes.map((d) => d.id)).toEqual([b.id, a.id]);
    expect(all.hasNextPage).toBe(true);
    const next = await repo().list({}, { first: 100, after: all.cursorOf(all.nodes[1]!) });
    expect(next.nodes.every((d) => d.id < a.id)).toBe(true);

    expect((await repo().list({ kind: 'timeseries' })).nodes.map((d) => d.id)).toEqual([b.id]);
    expect((await repo().list({ origin: 'generated' })).nodes.map((d) => d.id)).toEqual([a.id]);
    expect((await repo().list({ tag: 'synthetic' })).nodes.map((d) => d.id)).toEqual([a.id]);
    expect((await repo().list({ search: 'alpha' })).nodes.map((d) => d.id)).toEqual([a.id]);
    expect((await repo().list({ search: '100%' })).nodes).toEqual([]);

    const renamed = await repo().rename(a.id, 'Alpha v2');
    expect(renamed?.name).toBe('Alpha v2');
    expect(await repo().rename(999999, 'x')).toBeNull();

    const tagged = await repo().retag(a.id, ['v2', 'reviewed'], ['synthetic']);
    expect(
      tagged?.tags
        .getItems()
        .map((t) => t.tag)
        .sort(),
    ).toEqual(['reviewed', 'v2']);

    const stats = await repo().stats();
    expect(stats.find((s) => s.kind === 'conversations')?.datasets).toBeGreaterThanOrEqual(1);

    const withItems = await repo().createWithItems(
      { name: 'to delete', kind: 'utterances', origin: 'imported', tags: ['x'] },
      utterances(10),
    );
    expect(await repo().deleteById(withItems.id)).toBe(true);
    expect(await repo().deleteById(withItems.id)).toBe(false);
    expect(await db.services.em.fork().count(DatasetItemSchema, { dataset: withItems.id })).toBe(0);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(repo().list({}, { after: 'bm9wZQ' })).rejects.toThrow(/not a cursor/);
    await expect(repo().list({}, { first: 10_000 })).rejects.toThrow(RangeError);
  });
});

describe.each(TEST_DATABASES)('migrations on %s', (kind) => {
  it('upgrade a registry in place without losing its data', async () => {
    const temp = await createTempDatabase(kind);
    const services = await initORM(temp.db, { migrate: false });
    try {
      const migrator = services.orm.getMigrator();
      const all = await migrator.getPendingMigrations();
      expect(all.length).toBeGreaterThan(1);
      await migrator.up({ to: all[0]!.name });
      const conn = services.em.getConnection();
      const now = new Date().toISOString();
      await conn.execute(
        `insert into dataset (id, created_at, updated_at, name, kind, origin, item_count) values (1, '${now}', '${now}', 'old', 'utterances', 'imported', 2)`,
      );
      for (const [i, key] of ['a', 'b'].entries()) {
        await conn.execute(
          `insert into dataset_item (dataset_id, key, position, data, intent, created_at) values (1, '${key}', ${i}, '{"text":"hi","intent":"card_arrival","language":"en"}', 'card_arrival', '${now}')`,
        );
      }
      await migrator.up();
      expect(await migrator.getPendingMigrations()).toEqual([]);
      const em = services.em.fork();
      expect(await em.count(DatasetItemSchema, { dataset: 1 })).toBe(2);
      expect((await em.findOneOrFail(DatasetSchema, 1)).name).toBe('old');
    } finally {
      await services.close();
      await temp.drop();
    }
  });
});
