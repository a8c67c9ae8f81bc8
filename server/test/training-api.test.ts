import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { tinyIntentData } from './training-fixtures.ts';

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
  importDataset(file: $file, kind: $kind, name: $name) { ... on MutationImportDatasetSuccess { data { id } } ... on ImportFailedError { issues { line message } } }
}`;
const START = `mutation($input: TrainingInput!) {
  startTraining(input: $input) {
    __typename
    ... on MutationStartTrainingSuccess { data { id status } }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { message }
  }
}`;
const PROGRESS =
  'subscription($id: ID!) { trainingProgress(runId: $id) { status stage fraction etaSeconds } }';

function csv(data: { texts: readonly string[]; labels: readonly string[] }) {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['text,intent', ...data.texts.map((t, i) => `${quote(t)},${data.labels[i]}`)].join('\n');
}

describe('training over GraphQL', () => {
  let s: TestServer;
  let trainId: string;
  let testId: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const up = async (name: string, content: string) =>
      (await s.upload<any>(IMPORT, { kind: 'UTTERANCES', name }, { name: `${name}.csv`, content }))
        .body.data.importDataset.data.id;
    trainId = await up('train', csv(tinyIntentData(30)));
    testId = await up('test', csv(tinyIntentData(12)));
  });
  afterAll(async () => {
    await s?.close();
  });

  async function train(input: Record<string, unknown>) {
    const r = await s.gql<any>(START, { input });
    expect(r.errors).toBeUndefined();
    return r.data.startTraining;
  }

  it('trains in a worker, streams progress, stores metrics and a model that predicts', async () => {
    const started = await train({
      datasetId: trainId,
      testDatasetId: testId,
      preset: 'FAST',
      experiment: 'smoke',
    });
    expect(started.__typename).toBe('MutationStartTrainingSuccess');
    const id = started.data.id;

    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const events: any[] = [];
    for await (const e of client.iterate({ query: PROGRESS, variables: { id } }))
      events.push(e.data?.trainingProgress);
    await client.dispose();
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', fraction: 1 });
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    const run = await s.gql<any>(
      `query($id: ID!) { trainingRun(id: $id) { status preset experiment accuracy macroF1 modelBytes durationMs
        dataset { name } testDataset { name } metrics } }`,
      { id },
    );
    const r = run.data.trainingRun;
    expect(r).toMatchObject({
      status: 'COMPLETED',
      preset: 'fast',
      experiment: 'smoke',
      dataset: { name: 'train' },
      testDataset: { name: 'test' },
    });
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.metrics.test.labels).toEqual([
      'card_arrival',
      'exchange_rate',
      'lost_or_stolen_phone',
    ]);
    expect(r.metrics.test.confusion).toHaveLength(3);
    expect(r.metrics.test.perClass).toHaveLength(3);
    expect(r.modelBytes).toBeGreaterThan(0);

    const p = await s.gql<any>(
      'query($id: ID!) { predict(runId: $id, text: "me robaron el móvil ayer", top: 2) { intent probability } }',
      { id },
    );
    expect(p.errors).toBeUndefined();
    expect(p.data.predict[0].intent).toBe('lost_or_stolen_phone');
    expect(p.data.predict[0].probability).toBeGreaterThan(p.data.predict[1].probability);

    const second = await train({
      datasetId: trainId,
      testDatasetId: testId,
      preset: 'QUICK_TEST',
      model: 'NB',
      experiment: 'smoke',
    });
    await expect
      .poll(
        async () =>
          (
            await s.gql<any>('query($id: ID!) { trainingRun(id: $id) { status } }', {
              id: second.data.id,
            })
          ).data.trainingRun.status,
        { timeout: 30_000 },
      )
      .toBe('COMPLETED');
    const compared = await s.gql<any>(
      'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id preset accuracy } } }',
      { ids: [id, second.data.id] },
    );
    expect(compared.data.compareRuns.runs.map((c: any) => c.preset)).toEqual([
      'fast',
      'quick_test',
    ]);
    const listed = await s.gql<any>('{ trainingRuns(experiment: "smoke") { totalCount } }');
    expect(listed.data.trainingRuns.totalCount).toBe(2);
  });

  it('tunes by grid search, then trains the best configuration', async () => {
    const started = await train({ datasetId: trainId, preset: 'FAST', search: 'GRID' });
    const id = started.data.id;
    await expect
      .poll(
        async () =>
          (await s.gql<any>('query($id: ID!) { trainingRun(id: $id) { status } }', { id })).data
            .trainingRun.status,
        { timeout: 60_000 },
      )
      .toBe('COMPLETED');
    const run = await s.gql<any>('query($id: ID!) { trainingRun(id: $id) { config metrics } }', {
      id,
    });
    const search = run.data.trainingRun.metrics.search;
    expect(search.kind).toBe('grid');
    expect(
      search.trials.map((t: any) => t.params['model.C']).sort((a: number, b: number) => a - b),
    ).toEqual([0.1, 0.3, 1, 3, 10]);
    expect(run.data.trainingRun.config.model.C).toBe(search.best.params['model.C']);
  });

  it('answers wrong inputs with errors that name the field', async () => {
    expect((await train({ datasetId: '999' })).message).toMatch(/Dataset 999 does not exist/);
    const noTest = await train({ datasetId: trainId, learningCurve: true });
    expect(noTest.issues[0]).toMatchObject({ path: 'input.learningCurve' });
    const badFolds = await train({ datasetId: trainId, cvFolds: 1 });
    expect(badFolds.issues[0]).toEqual({
      path: 'input.cvFolds',
      message: 'cvFolds must be at least 2',
    });
    const blank = await train({ datasetId: trainId, experiment: '  ' });
    expect(blank.issues[0]).toEqual({
      path: 'input.experiment',
      message: 'experiment must not be empty',
    });
    const bad = await s.gql<any>('query { predict(runId: "424242", text: "hi") { intent } }');
    expect(bad.errors?.[0]?.message).toMatch(/TrainingRun 424242 does not exist/);
  });
});
