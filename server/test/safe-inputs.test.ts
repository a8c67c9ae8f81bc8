import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import type { NewItem } from '../src/registry/dataset.repository.ts';
import { TrainingRunSchema } from '../src/training/training-run.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';

const ISSUES = '... on ValidationError { issues { path message } }';

function utterances(texts: string[]): NewItem[] {
  return texts.map((text, i) => ({
    key: `u-${i}`,
    data: { text, intent: 'card_arrival', language: 'en' },
    columns: { intent: 'card_arrival', category: 'card_management', language: 'en' },
  }));
}

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

/** The located issues of a query's BAD_USER_INPUT error. */
function issuesOf(errors: Errors) {
  expect(errors, 'an error').toBeDefined();
  const [error] = errors!;
  expect(error!.extensions?.code, error!.message).toBe('BAD_USER_INPUT');
  return error!.extensions!.issues as { path: string; message: string }[];
}

describe.each(TEST_DATABASES)('inputs that are not text, and paging (%s)', (kind) => {
  let s: TestServer;
  let datasetId: number;
  const texts = Array.from({ length: 11 }, (_, i) => `item ${i}: where is my card?`);

  beforeAll(async () => {
    s = await startTestServer(kind);
    const repo = s.app.services.datasets(s.app.services.em.fork());
    texts[3] = "it's 100% mine, card_arrival";
    const d = await repo.createWithItems(
      { name: "Bob's 100%_set", kind: 'utterances', origin: 'imported', tags: ['x'] },
      utterances(texts),
    );
    datasetId = d.id;
    await repo.createWithItems(
      { name: 'other 100 set', kind: 'utterances', origin: 'imported' },
      utterances(['a']),
    );
    const em = s.app.services.em.fork();
    for (let i = 0; i < 5; i++) {
      em.create(GenerationJobSchema, {
        kind: 'conversations',
        status: 'completed',
        provider: 'local',
        model: 'local',
        config: {},
        dataset: datasetId,
        requested: 1,
        accepted: 1,
      } as never);
      em.create(TrainingRunSchema, {
        status: 'completed',
        dataset: datasetId,
        testDataset: datasetId,
        preset: 'fast',
        config: {},
        experiment: 'exp',
      } as never);
    }
    await em.flush();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses NUL and unpaired surrogates in every string argument, naming where', async () => {
    const bad = ['a\u0000b', 'a\ud800b', 'a\udc00', '\ud83d'];
    for (const text of bad) {
      const list = await s.gql(`query($f: DatasetFilter) { datasets(filter: $f) { totalCount } }`, {
        f: { search: text },
      });
      expect(issuesOf(list.errors)).toEqual([
        {
          path: 'filter.search',
          message:
            'search must not contain NUL characters or invalid Unicode (an unpaired surrogate)',
        },
      ]);
    }
    const tag = await s.gql(`query($f: DatasetFilter) { datasets(filter: $f) { totalCount } }`, {
      f: { tag: 'x\u0000' },
    });
    expect(issuesOf(tag.errors)[0]!.path).toBe('filter.tag');
    const items = await s.gql(
      `query($id: ID!, $f: ItemFilter) { dataset(id: $id) { items(filter: $f) { totalCount } } }`,
      { id: String(datasetId), f: { intent: 'card\u0000', search: 'ok' } },
    );
    expect(issuesOf(items.errors)[0]!.path).toBe('filter.intent');
    const runs = await s.gql(`query($e: String) { trainingRuns(experiment: $e) { totalCount } }`, {
      e: 'exp\ud800',
    });
    expect(issuesOf(runs.errors)[0]!.path).toBe('experiment');

    // Mutations answer with their ValidationError result.
    const rename = await s.gql<any>(
      `mutation($id: ID!, $n: String!) { renameDataset(id: $id, name: $n) { __typename ${ISSUES} } }`,
      { id: String(datasetId), n: 'new\u0000name' },
    );
    expect(rename.data.renameDataset).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: 'name',
          message:
            'name must not contain NUL characters or invalid Unicode (an unpaired surrogate)',
        },
      ],
    });
    const start = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) { __typename ${ISSUES} } }`,
      { input: { kind: 'CONVERSATIONS', count: 1, name: 'ok', tags: ['a', 'b\ud800'] } },
    );
    expect(start.data.startGeneration.__typename).toBe('ValidationError');
    expect(start.data.startGeneration.issues[0].path).toBe('input.tags[1]');
    const name = await s.gql<any>(`query($id: ID!) { dataset(id: $id) { name } }`, {
      id: String(datasetId),
    });
    expect(name.data.dataset.name).toBe("Bob's 100%_set");
  });

  it('searches quotes, % and _ as the text they are', async () => {
    const list = async (search: string) =>
      (
        await s.gql<any>(
          `query($f: DatasetFilter) { datasets(filter: $f) { edges { node { name } } } }`,
          { f: { search } },
        )
      ).data.datasets.edges.map((e: any) => e.node.name);
    expect(await list("bob's")).toEqual(["Bob's 100%_set"]);
    // On SQLite, LIKE has no escape character unless told: `\%` used to need a backslash in the name.
    expect(await list('100%')).toEqual(["Bob's 100%_set"]);
    expect(await list('%_s')).toEqual(["Bob's 100%_set"]);
    expect(await list('100')).toHaveLength(2);
    const items = await s.gql<any>(
      `query($id: ID!, $f: ItemFilter) { dataset(id: $id) { items(filter: $f) { totalCount edges { node { key } } } } }`,
      { id: String(datasetId), f: { search: "it's 100% mine, card_" } },
    );
    expect(items.data.dataset.items.edges.map((e: any) => e.node.key)).toEqual(['u-3']);
  });

  it.runIf(kind === 'sqlite')(
    'binds search values: a NUL that gets past the API is a value, not the end of the SQL',
    async () => {
      // MikroORM 6 writes its own queries' values into the SQL text; SQLite's tokenizer stopped at the NUL
      // (`unrecognized token: "'%a"`). The repository's filtered queries bind them instead.
      const repo = s.app.services.datasets(s.app.services.em.fork());
      const page = await repo.list({ search: "a\u0000'b" });
      expect(page.totalCount).toBe(0);
      const items = await repo.items(datasetId, { search: 'x\u0000', intent: "card'\u0000" });
      expect(items.totalCount).toBe(0);
    },
  );

  it('refuses a search longer than 200 characters, naming it', async () => {
    const r = await s.gql(`query($f: DatasetFilter) { datasets(filter: $f) { totalCount } }`, {
      f: { search: 'a'.repeat(201) },
    });
    expect(issuesOf(r.errors)).toEqual([
      {
        path: 'filter.search',
        message: 'search must be at most 200 characters; got 201',
        code: 'search.tooLong',
        params: { max: 200, length: 201 },
      },
    ]);
  });

  const ITEMS = `query($id: ID!, $first: Int, $last: Int, $after: String, $before: String) {
    dataset(id: $id) {
      items(first: $first, last: $last, after: $after, before: $before) {
        totalCount
        edges { cursor node { key } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;
  const itemsPage = async (args: Record<string, unknown>) => {
    const r = await s.gql<any>(ITEMS, { id: String(datasetId), ...args });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const page = r.data.dataset.items;
    return { ...page, keys: page.edges.map((e: any) => e.node.key) };
  };

  it('items(last: 1) is the last item, and last/before page backwards', async () => {
    const last = await itemsPage({ last: 1 });
    expect(last.keys).toEqual(['u-10']);
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(last.totalCount).toBe(11);

    // Backwards through all 11, 4 at a time, in dataset order on each page.
    const seen: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page = await itemsPage({ last: 4, before });
      seen.unshift(...page.keys);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => `u-${i}`));

    // Between two cursors: after u-2 and before u-7, the last 2 are u-5 and u-6.
    const all = await itemsPage({ first: 11 });
    const cursor = (key: string) => all.edges.find((e: any) => e.node.key === key).cursor;
    const between = await itemsPage({ last: 2, after: cursor('u-2'), before: cursor('u-7') });
    expect(between.keys).toEqual(['u-5', 'u-6']);
    const forward = await itemsPage({ first: 2, after: cursor('u-2'), before: cursor('u-7') });
    expect(forward.keys).toEqual(['u-3', 'u-4']);
  });

  it('pages datasets, jobs and runs backwards too, newest first on each page', async () => {
    const datasets = await s.gql<any>(
      `{ datasets(last: 1) { edges { node { name } } pageInfo { hasPreviousPage } } }`,
    );
    // Newest first, so the last one is the oldest.
    expect(datasets.data.datasets.edges.map((e: any) => e.node.name)).toEqual(["Bob's 100%_set"]);
    expect(datasets.data.datasets.pageInfo.hasPreviousPage).toBe(true);
    for (const field of ['generationJobs', 'trainingRuns']) {
      const r = await s.gql<any>(`{
        all: ${field}(first: 5) { edges { node { id } } }
        tail: ${field}(last: 2) { edges { node { id } } pageInfo { hasPreviousPage hasNextPage } }
      }`);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const ids = r.data.all.edges.map((e: any) => e.node.id);
      expect(
        r.data.tail.edges.map((e: any) => e.node.id),
        field,
      ).toEqual(ids.slice(-2));
      expect(r.data.tail.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false });
    }
  });

  it('refuses first with last, naming the argument', async () => {
    for (const query of [
      `{ datasets(first: 1, last: 1) { totalCount } }`,
      `{ generationJobs(first: 1, last: 1) { totalCount } }`,
      `{ trainingRuns(first: 1, last: 1) { totalCount } }`,
      `{ dataset(id: "${datasetId}") { items(first: 1, last: 1) { totalCount } } }`,
    ]) {
      const r = await s.gql(query);
      expect(issuesOf(r.errors), query).toEqual([
        {
          path: 'last',
          message: 'give first or last, not both',
          code: 'page.firstAndLast',
          params: {},
        },
      ]);
    }
    const bad = await s.gql(`{ datasets(last: 1, before: "nope") { totalCount } }`);
    expect(issuesOf(bad.errors)[0]!.path).toBe('before');
  });
});
