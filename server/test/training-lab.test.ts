import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { datasetTexts } from '../src/training/service.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { tinyIntentData } from './training-fixtures.ts';

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
  importDataset(file: $file, kind: $kind, name: $name) {
    __typename
    ... on MutationImportDatasetSuccess { data { id } }
    ... on ImportFailedError { issues { line field message } }
  }
}`;
const START = `mutation($input: TrainingInput!) {
  startTraining(input: $input) {
    __typename
    ... on MutationStartTrainingSuccess { data { id status } }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { message }
  }
}`;
const RUN = `query($id: ID!) { trainingRun(id: $id) { id status error config metrics accuracy } }`;

function csv(data: { texts: readonly string[]; labels: readonly string[] }) {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['text,intent', ...data.texts.map((t, i) => `${quote(t)},${data.labels[i]}`)].join('\n');
}

const CATEGORY: Record<string, string> = {
  card_arrival: 'card_management',
  exchange_rate: 'exchange_and_currencies',
  lost_or_stolen_phone: 'app_and_access',
};

/**
 * Conversations whose agent turns carry words that never occur in a customer turn ("zebra" in every
 * card_arrival conversation, "giraffe" in the others): a model trained on the whole conversation would
 * learn them as strong cues.
 */
function conversationsJsonl(perIntent: number): string {
  const data = tinyIntentData(perIntent);
  return data.texts
    .map((text, i) => {
      const intent = data.labels[i]!;
      const cue = intent === 'card_arrival' ? 'zebra' : 'giraffe';
      return JSON.stringify({
        conversation_id: `c-${i}`,
        intent,
        category: CATEGORY[intent],
        sentiment: 'neutral',
        complexity: 'simple',
        language: 'en',
        turn_count: 3,
        resolution_status: 'resolved',
        turns: [
          { speaker: 'customer', text },
          { speaker: 'agent', text: `Let me check that for you, ${cue} ${cue} ${cue}.` },
          { speaker: 'customer', text: 'ok thanks' },
        ],
      });
    })
    .join('\n');
}

describe('training lab over GraphQL', () => {
  let s: TestServer;
  let trainId: string;
  let testId: string;
  let bigId: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const up = async (name: string, content: string, kind = 'UTTERANCES', ext = 'csv') => {
      const r = await s.upload<any>(IMPORT, { kind, name }, { name: `${name}.${ext}`, content });
      expect(r.body.data?.importDataset?.__typename, JSON.stringify(r.body)).toBe(
        'MutationImportDatasetSuccess',
      );
      return r.body.data.importDataset.data.id as string;
    };
    trainId = await up('train', csv(tinyIntentData(30)));
    testId = await up('test', csv(tinyIntentData(12)));
    bigId = await up('big', csv(tinyIntentData(400)));
  });
  afterAll(async () => {
    await s?.close();
  });

  async function start(input: Record<string, unknown>) {
    const r = await s.gql<any>(START, { input });
    expect(r.errors).toBeUndefined();
    return r.data.startTraining;
  }

  async function finished(id: string) {
    await expect
      .poll(async () => (await s.gql<any>(RUN, { id })).data.trainingRun.status, {
        timeout: 60_000,
        interval: 100,
      })
      .toMatch(/COMPLETED|FAILED|CANCELLED/);
    return (await s.gql<any>(RUN, { id })).data.trainingRun;
  }

  async function train(input: Record<string, unknown>) {
    const started = await start(input);
    expect(started.__typename, JSON.stringify(started)).toBe('MutationStartTrainingSuccess');
    const run = await finished(started.data.id);
    expect(run.status, run.error).toBe('COMPLETED');
    return run;
  }

  it('grid search: the given grid, every combination, scored by cvFolds-fold CV', async () => {
    const run = await train({
      datasetId: trainId,
      preset: 'FAST',
      model: 'NB',
      cvFolds: 2,
      search: 'GRID',
      searchSpace: [
        { name: 'alpha', values: [0.1, 1] },
        { name: 'norm', values: [true, false] },
      ],
    });
    const search = run.metrics.search;
    expect(search).toMatchObject({ kind: 'grid', folds: 2 });
    expect(search.space).toEqual({ alpha: [0.1, 1], norm: [true, false] });
    expect(search.trials.map((t: any) => `${t.values.alpha}/${t.values.norm}`).sort()).toEqual([
      '0.1/false',
      '0.1/true',
      '1/false',
      '1/true',
    ]);
    // The best configuration is the one trained and stored, with the search spec next to it.
    expect(run.config.model).toMatchObject({ kind: 'nb', ...search.best.values });
    expect(run.config.search).toMatchObject({ kind: 'grid', trials: 4, folds: 2 });
    expect(run.metrics.evaluation).toMatchObject({ kind: 'cv', folds: 2 });
  });

  it('random search: a range and a list, as many trials as asked, over every block', async () => {
    const run = await train({
      datasetId: trainId,
      preset: 'BALANCED',
      search: 'RANDOM',
      searchTrials: 3,
      searchSpace: [
        { name: 'C', min: 0.05, max: 20 },
        { name: 'maxFeatures', values: [50, 'all'] },
      ],
    });
    const search = run.metrics.search;
    expect(search).toMatchObject({ kind: 'random', folds: 3 });
    expect(search.trials).toHaveLength(3);
    for (const t of search.trials) {
      expect(t.values.C).toBeGreaterThanOrEqual(0.05);
      expect(t.values.C).toBeLessThanOrEqual(20);
      expect([50, null]).toContain(t.values.maxFeatures);
    }
    // maxFeatures applies to both TF-IDF blocks of the preset.
    const blocks = run.config.features.blocks.map((b: any) => b.maxFeatures);
    expect(blocks).toEqual([search.best.values.maxFeatures, search.best.values.maxFeatures]);
    expect(run.config.model.C).toBe(search.best.values.C);
  });

  it('rejects bad search specs with a validation error naming the parameter', async () => {
    const issues = async (input: Record<string, unknown>) => {
      const r = await start({ datasetId: trainId, preset: 'FAST', ...input });
      expect(r.__typename).toBe('ValidationError');
      return r.issues;
    };
    expect(await issues({ search: 'GRID', searchSpace: [{ name: 'Cee', values: [1] }] })).toEqual([
      {
        path: 'input.searchSpace.0',
        message: expect.stringMatching(/^unknown search parameter "Cee"; use C, alpha/),
      },
    ]);
    expect(
      await issues({
        search: 'GRID',
        searchSpace: [
          { name: 'C', values: [1] },
          { name: 'alpha', values: [0.5] },
        ],
      }),
    ).toEqual([
      {
        path: 'input.searchSpace.1',
        message:
          'alpha=0.5 is not valid: not a parameter of this config (the svm model has C, tol and maxIter)',
      },
    ]);
    const [negative] = await issues({ search: 'GRID', searchSpace: [{ name: 'C', values: [-1] }] });
    expect(negative.path).toBe('input.searchSpace.0');
    expect(negative.message).toMatch(/^C=-1 is not valid: model\.C must be >0; got -1$/);
    const [range] = await issues({
      search: 'GRID',
      searchSpace: [{ name: 'C', min: 0.1, max: 10 }],
    });
    expect(range.message).toMatch(/^C: a range \(0\.1\.\.10\) needs random search/);
    const [trials] = await issues({ search: 'GRID', searchTrials: 5 });
    expect(trials).toMatchObject({ path: 'input.searchTrials' });
    const [tooMany] = await issues({ search: 'RANDOM', searchTrials: 1000 });
    expect(tooMany).toEqual({
      path: 'input.searchTrials',
      message: 'searchTrials must be at most 100',
    });
    const [noKind] = await issues({ searchSpace: [{ name: 'C', values: [1] }] });
    expect(noKind.message).toMatch(/needs search \(grid or random\)/);
    const [huge] = await issues({
      search: 'GRID',
      searchSpace: [
        { name: 'C', values: Array.from({ length: 11 }, (_, i) => i + 1) },
        { name: 'minDf', values: Array.from({ length: 10 }, (_, i) => i + 1) },
      ],
    });
    expect(huge.message).toMatch(
      /the grid has 110 combinations \(C: 11 × minDf: 10\); at most 100/,
    );
  });

  it('learning curve: 1, 3, 10, 30 and all examples per intent, each scored on the test set', async () => {
    const run = await train({
      datasetId: trainId,
      testDatasetId: testId,
      preset: 'FAST',
      learningCurve: true,
    });
    const curve = run.metrics.learningCurve;
    expect(curve.map((p: any) => p.perClass)).toEqual([1, 3, 10, 30, null]);
    expect(curve.map((p: any) => p.trainExamples)).toEqual([3, 9, 30, 90, 90]);
    // Three intents, so chance is 1/3 on the 36 test texts; measured: 0.58 with one example per intent, 0.78
    // with 3, 0.97 with 10, then 1. Every point must beat chance clearly, and the curve must rise.
    for (const p of curve) {
      expect(p.accuracy.mean).toBeGreaterThan(0.45);
      expect(p.accuracy.mean).toBeLessThanOrEqual(1);
    }
    for (const p of curve.slice(2)) expect(p.accuracy.mean).toBeGreaterThan(0.9);
    expect(curve[0].accuracy.mean).toBeLessThan(curve.at(-1).accuracy.mean);
    expect(curve.at(-1).accuracy.mean).toBeGreaterThan(0.9);
    expect(run.config.learningCurve).toBe(true);
  });

  it('streams stage, fold, iteration, loss and ETA of a cross-validated run', async () => {
    const started = await start({
      datasetId: bigId,
      preset: 'FAST',
      model: 'LOGREG',
      cvFolds: 3,
    });
    const id = started.data.id;
    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const events: any[] = [];
    for await (const e of client.iterate({
      query:
        'subscription($id: ID!) { trainingProgress(runId: $id) { status stage fold folds iteration iterations loss fraction elapsedSeconds etaSeconds } }',
      variables: { id },
    }))
      events.push(e.data?.trainingProgress);
    await client.dispose();
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', stage: 'done', fraction: 1 });
    const cv = events.filter((e) => e.stage === 'cross_validation');
    // Every fold is announced (a new stage or fold is always sent), each with solver figures.
    expect([...new Set(cv.map((e) => e.fold))]).toEqual([1, 2, 3]);
    for (const e of cv) {
      expect(e.folds).toBe(3);
      expect(e.iteration).toBeGreaterThanOrEqual(1);
      expect(e.iterations).toBe(300);
      expect(e.loss).toBeGreaterThan(0);
    }
    expect(events.some((e) => e.stage === 'fitting')).toBe(true);
    expect(events.some((e) => e.status === 'RUNNING' && e.etaSeconds > 0)).toBe(true);
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('cancelTraining stops a running run; it keeps no model', async () => {
    const started = await start({ datasetId: bigId, preset: 'CROSS_VALIDATION', cvFolds: 10 });
    const id = started.data.id;
    await expect
      .poll(async () => (await s.gql<any>(RUN, { id })).data.trainingRun.status, {
        timeout: 30_000,
        interval: 20,
      })
      .toBe('RUNNING');
    const cancelled = await s.gql<any>(
      `mutation($id: ID!) { cancelTraining(id: $id) {
        __typename ... on MutationCancelTrainingSuccess { data { id status error finishedAt progress { status } } }
        ... on NotFoundError { message } } }`,
      { id },
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data.cancelTraining.data).toMatchObject({
      id,
      status: 'CANCELLED',
      error: 'Cancelled.',
      progress: { status: 'CANCELLED' },
    });
    expect(cancelled.data.cancelTraining.data.finishedAt).toBeTruthy();
    expect(s.app.training.isRunning(Number(id))).toBe(false);
    const noModel = await s.gql<any>(
      'query($id: ID!) { predict(runId: $id, text: "where is my card") { intent } }',
      { id },
    );
    expect(noModel.errors?.[0]?.message).toMatch(/has no model \(status cancelled\)/);
    const missing = await s.gql<any>(
      'mutation { cancelTraining(id: "424242") { __typename ... on NotFoundError { message } } }',
    );
    expect(missing.data.cancelTraining).toEqual({
      __typename: 'NotFoundError',
      message: 'TrainingRun 424242 does not exist',
    });
  });

  it('trains conversations on their customer turns only', async () => {
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'CONVERSATIONS', name: 'convos' },
      { name: 'convos.jsonl', content: conversationsJsonl(20) },
    );
    expect(r.body.data.importDataset.__typename, JSON.stringify(r.body)).toBe(
      'MutationImportDatasetSuccess',
    );
    const convosId = r.body.data.importDataset.data.id;
    const extracted = await datasetTexts(s.app.services, Number(convosId));
    expect(extracted.texts).toHaveLength(60);
    expect(extracted.texts.join(' ')).not.toMatch(/zebra|giraffe|let me check/i);
    expect(extracted.texts[0]).toMatch(/ ok thanks$/); // both customer turns, joined

    const run = await train({ datasetId: convosId, preset: 'FAST' });
    const predict = async (text: string) =>
      (
        await s.gql<any>(
          'query($id: ID!, $text: String!) { predict(runId: $id, text: $text, top: 3) { intent probability } }',
          { id: run.id, text },
        )
      ).data.predict;
    // The agents' words were never learnt: "zebra" is as unknown to the model as a made-up word.
    expect(await predict('zebra zebra')).toEqual(await predict('qwxzy'));
    expect((await predict('where is my card'))[0].intent).toBe('card_arrival');
  });

  it('lists experiments and compares runs: values, differences from the baseline, best run, config', async () => {
    const a = await train({
      datasetId: trainId,
      testDatasetId: testId,
      preset: 'FAST',
      experiment: 'lab',
    });
    const b = await train({
      datasetId: trainId,
      testDatasetId: testId,
      preset: 'QUICK_TEST',
      model: 'NB',
      experiment: 'lab',
    });
    await train({ datasetId: trainId, preset: 'FAST', experiment: 'other' });

    const listed = await s.gql<any>(
      '{ experiments { name runCount completedRuns bestRun { id } bestMetric bestValue lastRunAt } }',
    );
    expect(listed.errors).toBeUndefined();
    const byName = Object.fromEntries(listed.data.experiments.map((e: any) => [e.name, e]));
    expect(listed.data.experiments[0].name).toBe('other'); // most recently run first
    const best = a.metrics.test.accuracy >= b.metrics.test.accuracy ? a : b;
    expect(byName.lab).toMatchObject({
      runCount: 2,
      completedRuns: 2,
      bestRun: { id: best.id },
      bestMetric: 'test.accuracy',
      bestValue: best.metrics.test.accuracy,
    });
    expect(byName.other).toMatchObject({ runCount: 1, bestMetric: 'evaluation.accuracy' });
    expect(Date.parse(byName.lab.lastRunAt)).toBeLessThanOrEqual(
      Date.parse(byName.other.lastRunAt),
    );

    const compared = await s.gql<any>(
      `query($ids: [ID!]!) { compareRuns(ids: $ids) {
        baselineRunId runs { id preset }
        metrics { name label higherIsBetter values deltas bestRunId }
        configDifferences { path values } } }`,
      { ids: [a.id, b.id] },
    );
    expect(compared.errors).toBeUndefined();
    const c = compared.data.compareRuns;
    expect(c.baselineRunId).toBe(a.id);
    expect(c.runs.map((r: any) => r.preset)).toEqual(['fast', 'quick_test']);
    const metric = (name: string) => c.metrics.find((m: any) => m.name === name);
    const testAcc = metric('test.accuracy');
    expect(testAcc.values).toEqual([a.metrics.test.accuracy, b.metrics.test.accuracy]);
    expect(testAcc.deltas[0]).toBe(0);
    expect(testAcc.deltas[1]).toBeCloseTo(b.metrics.test.accuracy - a.metrics.test.accuracy, 12);
    expect(testAcc.bestRunId).toBe(best.id);
    expect(metric('evaluation.accuracy').values).toEqual([
      a.metrics.evaluation.metrics.accuracy,
      b.metrics.evaluation.metrics.accuracy,
    ]);
    const fit = metric('fitSeconds');
    expect(fit.higherIsBetter).toBe(false);
    expect(fit.bestRunId).toBe(fit.values[0] <= fit.values[1] ? a.id : b.id);
    expect(metric('learningCurve.1')).toBeUndefined(); // no run has a curve
    const diff = Object.fromEntries(c.configDifferences.map((d: any) => [d.path, d.values]));
    expect(diff.preset).toEqual(['fast', 'quick_test']);
    expect(diff['model.kind']).toEqual(['svm', 'nb']);
    expect(diff['model.C']).toEqual([1, null]);
    expect(diff['model.alpha']).toEqual([null, 1]);
    expect(diff.maxExamplesPerClass).toEqual([null, 20]);
    expect(diff.dataset).toBeUndefined(); // same training data
    expect(diff['evaluation.kind']).toBeUndefined();

    const runs = await s.gql<any>(
      '{ trainingRuns(experiment: "lab") { totalCount edges { node { id } } } }',
    );
    expect(runs.data.trainingRuns.totalCount).toBe(2);
  });
});
