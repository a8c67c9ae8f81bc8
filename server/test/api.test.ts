import { strFromU8, unzipSync } from 'fflate';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { chunkedPost, startTestServer, useTestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';

const IMPORT = /* GraphQL */ `
  mutation Import($file: File!, $kind: DatasetKind!, $name: String, $tags: [String!], $seriesType: String) {
    importDataset(file: $file, kind: $kind, name: $name, tags: $tags, seriesType: $seriesType, allowDuplicate: true) {
      __typename
      ... on MutationImportDatasetSuccess { data { id name kind origin itemCount tags } }
      ... on ImportFailedError { message errorCount fileName issues { line record field message } }
      ... on ValidationError { message issues { path message } }
    }
  }
`;

const UTTERANCES_CSV = [
  'text,category',
  'I am still waiting on my card?,card_arrival',
  'My card has not arrived yet,card_arrival',
  'How do I change my PIN?,change_pin',
  '"Why was I charged twice, again?",transaction_charged_twice',
].join('\n');

function conversation(id: string, language: 'en' | 'es', intent = 'card_arrival') {
  return {
    conversation_id: id,
    intent,
    category: 'card_management',
    sentiment: 'negative',
    complexity: 'simple',
    language,
    turn_count: 2,
    resolution_status: 'resolved',
    turns: [
      {
        speaker: 'customer',
        text: language === 'en' ? 'Where is my new card?' : '¿Dónde está mi tarjeta nueva?',
      },
      { speaker: 'agent', text: language === 'en' ? 'It ships in 3 days.' : 'Llega en 3 días.' },
    ],
  };
}

describe.each(TEST_DATABASES)('GraphQL API on %s', (kind) => {
  const s = useTestServer(kind);

  async function importFile(name: string, content: string, variables: Record<string, unknown>) {
    const r = await s.upload<{ importDataset: Record<string, unknown> }>(IMPORT, variables, {
      name,
      content,
    });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    return r.body.data!.importDataset as Record<string, any>;
  }

  it('serves the catalog: 77 intents in 11 categories, 16 series types in 4 domains', async () => {
    const r = await s.gql<any>(
      '{ catalog { intents { id category nameEs } categories { id intents { id } } domains { id weight } seriesTypes { id domain unit min max } } }',
    );
    expect(r.errors).toBeUndefined();
    const c = r.data.catalog;
    expect(c.intents).toHaveLength(77);
    expect(c.categories).toHaveLength(11);
    expect(c.categories.reduce((n: number, x: any) => n + x.intents.length, 0)).toBe(77);
    expect(c.seriesTypes).toHaveLength(16);
    expect(c.domains.map((d: any) => d.id).sort()).toEqual([
      'electricity',
      'energy',
      'financial',
      'sensors',
    ]);
    expect(c.seriesTypes.find((t: any) => t.id === 'humidity')).toMatchObject({ min: 0, max: 100 });
  });

  it('imports a Banking77-style CSV as utterances and answers queries about it', async () => {
    const result = await importFile('b77-sample.csv', UTTERANCES_CSV, {
      kind: 'UTTERANCES',
      tags: ['real'],
    });
    expect(result.__typename).toBe('MutationImportDatasetSuccess');
    expect(result.data).toMatchObject({
      name: 'b77-sample',
      kind: 'UTTERANCES',
      origin: 'IMPORTED',
      itemCount: 4,
      tags: ['real'],
    });
    const id = result.data.id;

    const r = await s.gql<any>(
      `query($id: ID!) { dataset(id: $id) {
          name labelCounts { intent { label count } language { label count } category { label count } }
          items(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { key intent language data } } }
       } }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    const d = r.data.dataset;
    expect(d.labelCounts.intent).toEqual([
      { label: 'card_arrival', count: 2 },
      { label: 'change_pin', count: 1 },
      { label: 'transaction_charged_twice', count: 1 },
    ]);
    expect(d.labelCounts.language).toEqual([{ label: 'en', count: 4 }]);
    expect(d.labelCounts.category.reduce((n: number, x: any) => n + x.count, 0)).toBe(4);
    expect(d.items.totalCount).toBe(4);
    expect(d.items.pageInfo.hasNextPage).toBe(true);
    expect(d.items.edges[0].node).toMatchObject({
      intent: 'card_arrival',
      language: 'en',
      data: { text: 'I am still waiting on my card?', intent: 'card_arrival', language: 'en' },
    });

    const next = await s.gql<any>(
      'query($id: ID!, $after: String) { dataset(id: $id) { items(first: 10, after: $after) { edges { node { data } } pageInfo { hasNextPage } } } }',
      { id, after: d.items.pageInfo.endCursor },
    );
    expect(next.data.dataset.items.edges.map((e: any) => e.node.data.text)).toEqual([
      'How do I change my PIN?',
      'Why was I charged twice, again?',
    ]);
    expect(next.data.dataset.items.pageInfo.hasNextPage).toBe(false);

    const filtered = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { items(filter: { intent: "card_arrival", search: "ARRIVED" }) { totalCount edges { node { key } } } } }',
      { id },
    );
    expect(filtered.data.dataset.items.totalCount).toBe(1);
  });

  it('imports JSONL conversations in both languages and filters datasets', async () => {
    const jsonl = [conversation('c-1', 'en'), conversation('c-2', 'es'), conversation('c-3', 'es')]
      .map((c) => JSON.stringify(c))
      .join('\n');
    const result = await importFile('convos.jsonl', jsonl, {
      kind: 'CONVERSATIONS',
      name: 'Spanish and English',
    });
    expect(result.__typename).toBe('MutationImportDatasetSuccess');
    const r = await s.gql<any>(
      `{ byKind: datasets(filter: { kind: CONVERSATIONS }) { totalCount edges { node { name itemCount } } }
         bySearch: datasets(filter: { search: "spanish" }) { totalCount }
         byTag: datasets(filter: { tag: "real" }) { edges { node { kind } } }
         stats { datasetCount itemCount byKind { kind datasets items } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.byKind.edges.map((e: any) => e.node)).toEqual([
      { name: 'Spanish and English', itemCount: 3 },
    ]);
    expect(r.data.bySearch.totalCount).toBe(1);
    expect(r.data.byTag.edges.map((e: any) => e.node.kind)).toEqual(['UTTERANCES']);
    expect(r.data.stats.byKind.find((k: any) => k.kind === 'CONVERSATIONS')).toEqual({
      kind: 'CONVERSATIONS',
      datasets: 1,
      items: 3,
    });
    const lang = await s.gql<any>(
      `query($id: ID!) { dataset(id: $id) { labelCounts { language { label count } sentiment { label count } } } }`,
      { id: result.data.id },
    );
    expect(lang.data.dataset.labelCounts.language).toEqual([
      { label: 'es', count: 2 },
      { label: 'en', count: 1 },
    ]);
  });

  it('rejects a file with one bad line as a whole, naming line and field, and stores nothing', async () => {
    const before = await s.gql<any>('{ stats { datasetCount itemCount } }');
    const bad = [
      JSON.stringify(conversation('c-1', 'en')),
      JSON.stringify({
        ...conversation('c-2', 'en'),
        turns: [
          { speaker: 'agent', text: 'Hi' },
          { speaker: 'customer', text: 'Hello' },
        ],
      }),
      JSON.stringify(conversation('c-3', 'es')),
    ].join('\n');
    const result = await importFile('bad.jsonl', bad, { kind: 'CONVERSATIONS' });
    expect(result.__typename).toBe('ImportFailedError');
    expect(result.message).toMatch(/bad\.jsonl was not imported.*nothing was stored/);
    expect(result.fileName).toBe('bad.jsonl');
    expect(result.errorCount).toBeGreaterThanOrEqual(1);
    expect(result.issues[0]).toMatchObject({ line: 2, field: 'turns[0].speaker' });
    expect(result.issues[0].message).toMatch(/customer/);

    const badCsv = `${UTTERANCES_CSV}\nwhat is this?,not_an_intent\n`;
    const csv = await importFile('bad.csv', badCsv, { kind: 'UTTERANCES' });
    expect(csv.__typename).toBe('ImportFailedError');
    expect(csv.issues[0]).toMatchObject({ line: 6, field: 'intent' });
    expect(csv.issues[0].message).toMatch(/not_an_intent/);

    const after = await s.gql<any>('{ stats { datasetCount itemCount } }');
    expect(after.data.stats).toEqual(before.data.stats);
  });

  it('validates arguments with errors that name them', async () => {
    const result = await importFile('x.csv', UTTERANCES_CSV, { kind: 'UTTERANCES', name: '   ' });
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues[0].path).toBe('name');

    const rename = await s.gql<any>(
      `mutation { renameDataset(id: "abc", name: "x") { __typename ... on ValidationError { issues { path message } } } }`,
    );
    expect(rename.data.renameDataset.__typename).toBe('ValidationError');
    expect(rename.data.renameDataset.issues[0]).toMatchObject({ path: 'id' });

    const missing = await s.gql<any>(
      `mutation { renameDataset(id: "999999", name: "x") { __typename ... on NotFoundError { message entity id } } }`,
    );
    expect(missing.data.renameDataset).toEqual({
      __typename: 'NotFoundError',
      message: 'Dataset 999999 does not exist',
      entity: 'Dataset',
      id: '999999',
    });

    const badTag = await s.gql<any>(
      `mutation { tagDataset(id: "1", add: ["Not A Tag!"]) { __typename ... on ValidationError { issues { path } } } }`,
    );
    expect(badTag.data.tagDataset.__typename).toBe('ValidationError');
    expect(badTag.data.tagDataset.issues[0].path).toMatch(/^add\[0\]/);

    const cursor = await s.gql<any>('{ datasets(after: "garbage") { totalCount } }');
    expect(cursor.errors?.[0]?.message).toMatch(/after.*not a cursor/);
    const first = await s.gql<any>('{ datasets(first: 501) { totalCount } }');
    expect(first.errors?.[0]?.message).toMatch(/first must be an integer between 0 and 500/);
  });

  it('renames, tags and deletes a dataset', async () => {
    const created = await importFile('t.csv', UTTERANCES_CSV, { kind: 'UTTERANCES' });
    const id = created.data.id;
    const r = await s.gql<any>(
      `mutation($id: ID!) {
        renameDataset(id: $id, name: "Renamed") { ... on MutationRenameDatasetSuccess { data { name } } }
        tagDataset(id: $id, add: ["gold", "v1"], remove: ["v0"]) { ... on MutationTagDatasetSuccess { data { tags } } }
      }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.renameDataset.data.name).toBe('Renamed');
    expect(r.data.tagDataset.data.tags).toEqual(['gold', 'v1']);
    const del = await s.gql<any>(
      `mutation($id: ID!) { deleteDataset(id: $id) { __typename ... on MutationDeleteDatasetSuccess { data } } }`,
      { id },
    );
    expect(del.data.deleteDataset).toEqual({
      __typename: 'MutationDeleteDatasetSuccess',
      data: id,
    });
    const gone = await s.gql<any>('query($id: ID!) { dataset(id: $id) { id } }', { id });
    expect(gone.data.dataset).toBeNull();
  });

  it('exports JSONL and CSV that import back to the same items', async () => {
    const jsonl = [conversation('c-1', 'en'), conversation('c-2', 'es', 'card_arrival')]
      .map((c) => JSON.stringify(c))
      .join('\n');
    const source = await importFile('rt.jsonl', jsonl, { kind: 'CONVERSATIONS' });
    const utter = await importFile('rt.csv', UTTERANCES_CSV, { kind: 'UTTERANCES' });

    const items = async (id: string) =>
      (
        await s.gql<any>(
          'query($id: ID!) { dataset(id: $id) { items(first: 100) { edges { node { key data } } } } }',
          { id },
        )
      ).data.dataset.items.edges.map((e: any) => e.node);

    for (const [ds, kind] of [
      [source, 'CONVERSATIONS'],
      [utter, 'UTTERANCES'],
    ] as const) {
      for (const format of ['jsonl', 'csv']) {
        const res = await fetch(`${s.url}/datasets/${ds.data.id}/export?format=${format}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-disposition')).toMatch(
          new RegExp(`attachment; filename=".*\\.${format}"`),
        );
        const body = await res.text();
        const back = await importFile(`back.${format}`, body, { kind });
        expect(back.__typename, JSON.stringify(back)).toBe('MutationImportDatasetSuccess');
        expect(await items(back.data.id)).toEqual(await items(ds.data.id));
      }
    }

    expect((await fetch(`${s.url}/datasets/999999/export`)).status).toBe(404);
    const badFormat = await fetch(`${s.url}/datasets/${source.data.id}/export?format=xml`);
    expect(badFormat.status).toBe(400);
    expect(await badFormat.text()).toMatch(/format must be jsonl, csv, parquet, card or zip/);
  });

  it('exports Parquet, a dataset card and a zip of both with the data', async () => {
    const ds = await importFile('pq.csv', UTTERANCES_CSV, {
      kind: 'UTTERANCES',
      name: 'Parquet sample',
      tags: ['real'],
    });
    const id = ds.data.id;
    const pq = await fetch(`${s.url}/datasets/${id}/export?format=parquet`);
    expect(pq.status).toBe(200);
    const rows = await parquetReadObjects({ file: await pq.arrayBuffer() });
    expect(rows).toEqual([
      { text: 'I am still waiting on my card?', intent: 'card_arrival', language: 'en' },
      { text: 'My card has not arrived yet', intent: 'card_arrival', language: 'en' },
      { text: 'How do I change my PIN?', intent: 'change_pin', language: 'en' },
      {
        text: 'Why was I charged twice, again?',
        intent: 'transaction_charged_twice',
        language: 'en',
      },
    ]);

    const card = await (await fetch(`${s.url}/datasets/${id}/export?format=card`)).text();
    expect(card.startsWith('---\npretty_name: "Parquet sample"')).toBe(true);
    expect(card).toMatch(/task_categories:\n- text-classification/);
    expect(card).toMatch(/size_categories:\n- n<1K/);
    expect(card).toMatch(/\| card_arrival \| 2 \| 50\.0% \|/);
    expect(card).toMatch(/Not validated yet/);
    expect(card).toMatch(/## Known limitations/);

    const zip = await fetch(`${s.url}/datasets/${id}/export?format=zip`);
    expect(zip.headers.get('content-disposition')).toMatch(/Parquet_sample\.zip/);
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(
      Object.keys(files)
        .filter((f) => !f.endsWith('/'))
        .sort(),
    ).toEqual([
      'Parquet_sample/README.md',
      'Parquet_sample/data.jsonl',
      'Parquet_sample/data.parquet',
    ]);
    expect(strFromU8(files['Parquet_sample/data.jsonl']!).trim().split('\n')).toHaveLength(4);
    expect(strFromU8(files['Parquet_sample/README.md']!)).toBe(card);
  });
});

describe('HTTP protections', () => {
  const s = useTestServer('sqlite', { GENESIS_MAX_UPLOAD_MB: '1' });

  it('serves GraphiQL without any external script (works offline)', async () => {
    const res = await fetch(`${s.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/GENESIS-LAB API/);
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(html).not.toMatch(/unpkg\.com/);
  });

  it('rejects queries over the cost, alias and token limits, and accepts normal ones', async () => {
    const normal = await s.gql<any>(
      `{ datasets(first: 20) { edges { node { items(first: 20) { edges { node { id data } } } labelCounts { intent { label count } } } } } catalog { categories { intents { id } } } }`,
    );
    expect(normal.errors).toBeUndefined();
    const costly = await s.gql(
      `{ datasets(first: 500) { edges { node { items(first: 500) { edges { node { id key data intent language } } } } } } }`,
    );
    expect(costly.errors?.[0]?.message).toMatch(/cost limit/i);
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: stats { datasetCount }`).join(' ');
    expect((await s.gql(`{ ${aliases} }`)).errors?.[0]?.message).toMatch(/aliases/i);
    const tokens = `{ ${Array.from({ length: 700 }, () => 'catalog { intents { id } }').join(' ')} }`;
    expect((await s.gql(tokens)).errors?.[0]?.message).toMatch(/token/i);
    // The schema's types nest 8 deep at most, so a deeper query is refused by its depth alone (introspection,
    // which GraphiQL needs, is exempt).
    const deep = `{ generationJobs { edges { node { dataset { ${'x { '.repeat(10)}y${' }'.repeat(10)} } } } } }`;
    const messages = ((await s.gql(deep)).errors ?? []).map((e) => e.message);
    expect(
      messages.some((m) => /depth/i.test(m)),
      messages.join('\n'),
    ).toBe(true);
  });

  it('names expected errors with a code and says what is wrong', async () => {
    const badId = await s.gql<any>('{ dataset(id: "abc") { id } }');
    expect(badId.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/id/i),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const unknownField = await s.gql<any>('{ stats { nope } }');
    expect(unknownField.errors?.[0]?.message).toMatch(/Cannot query field "nope" on type "Stats"/);
  });

  it('rejects a multipart upload without the CSRF header', async () => {
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({
        query:
          'mutation($file: File!) { importDataset(file: $file, kind: UTTERANCES) { __typename } }',
        variables: { file: null },
      }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob([UTTERANCES_CSV]), 'a.csv');
    const res = await fetch(`${s.url}/graphql`, { method: 'POST', body: form });
    expect(res.status).toBe(403);
    expect((await s.gql<any>('{ stats { datasetCount } }')).data.stats.datasetCount).toBe(0);
  });

  it('refuses a chunked body (no Content-Length) once it passes the size limit', async () => {
    const padding = ' '.repeat(256 * 1024);
    const r = await chunkedPost(s.url, [
      '{"query":"{ stats { datasetCount } }"',
      ...Array(5).fill(padding),
      '}',
    ]);
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]?.message).toMatch(/limit is 1 MB \(GENESIS_MAX_UPLOAD_MB\)/);
  });

  it('rejects an upload over the size limit before reading it', async () => {
    const big = `text,category\n${'where is my card,card_arrival\n'.repeat(40_000)}`;
    const r = await s.upload(IMPORT, { kind: 'UTTERANCES' }, { name: 'big.csv', content: big });
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]?.message).toMatch(/limit is 1 MB \(GENESIS_MAX_UPLOAD_MB\)/);
    expect((await s.gql<any>('{ stats { datasetCount } }')).data.stats.datasetCount).toBe(0);
  });

  it('answers unknown routes with 404 and liveness with 200', async () => {
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('reports readiness: database reachable and migrations applied', async () => {
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: 'sqlite' });
  });
});

describe('when the database fails', () => {
  it('reports pending migrations on /readyz with 503', async () => {
    const t = await startTestServer('sqlite');
    try {
      // As if the code were newer than the database: its last migration is not recorded as applied.
      await t.app.services.em
        .getConnection()
        .execute(
          'delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations)',
        );
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'not ready',
        reason: '1 migration(s) not applied',
      });
    } finally {
      await t.close();
    }
  });

  it('masks unexpected errors (no SQL or stack to the client) and reports not ready', async () => {
    const t = await startTestServer('sqlite');
    try {
      await t.app.services.orm.close(true);
      const r = await t.gql<any>('{ datasets(first: 1) { totalCount } }');
      expect(r.errors?.[0]?.message).toBe('Unexpected error.');
      expect(JSON.stringify(r)).not.toMatch(/sqlite|select|knex|at \w+ \(/i);
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not ready', reason: 'database unreachable' });
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});
