import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCard } from '../src/registry/card.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

/**
 * The report's "judge" group (docs/validation.md, "The judge group"): "not run" before any judge run, the judge's
 * means per criterion with the items scored, their share, the run's model and cost after one, and no change to
 * the score or the verdict either way; shown in the dataset card. Over the real server with the local judge.
 */

const VALIDATE = /* GraphQL */ `
  mutation($id: ID!) {
    validateDataset(input: { datasetId: $id }) {
      __typename
      ... on MutationValidateDatasetSuccess {
        data {
          version
          overallScore
          overallVerdict
          reason
          metrics { id group }
          judge {
            status
            scored
            share
            overall
            dimensions { criterion mean scored }
            run { id provider model mode status costUsd }
            runs
            costUsd
          }
        }
      }
    }
  }
`;

describe('the judge group of a validation report', { timeout: 180_000 }, () => {
  let s: TestServer;
  let datasetId: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const r = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { id dataset { id } } } } }`,
      { input: { kind: 'CONVERSATIONS', count: 60, provider: 'LOCAL', seed: 11 } },
    );
    const job = r.data.startGeneration.data;
    datasetId = job.dataset.id;
    for (let i = 0; i < 1200; i++) {
      const status = (
        await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status } }', { id: job.id })
      ).data.generationJob.status;
      if (status === 'COMPLETED') break;
      if (status === 'FAILED' || status === 'PAUSED') throw new Error(`generation ${status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  async function validate() {
    const r = await s.gql<any>(VALIDATE, { id: datasetId });
    expect(r.errors).toBeUndefined();
    expect(r.data.validateDataset.__typename).toBe('MutationValidateDatasetSuccess');
    return r.data.validateDataset.data;
  }

  it('says "not run" before the judge, then carries its scores without moving the verdict', async () => {
    const before = await validate();
    expect(before.judge).toEqual({
      status: 'not_run',
      scored: 0,
      share: 0,
      overall: null,
      dimensions: [
        { criterion: 'label_faithfulness', mean: null, scored: 0 },
        { criterion: 'customer_naturalness', mean: null, scored: 0 },
        { criterion: 'agent_quality', mean: null, scored: 0 },
        { criterion: 'language_register', mean: null, scored: 0 },
      ],
      run: null,
      runs: 0,
      costUsd: 0,
    });
    // The group is not a metric: nothing in the metrics list belongs to it.
    expect(before.metrics.some((m: { group: string }) => m.group === 'judge')).toBe(false);
    expect(await datasetCard(s.app.services, Number(datasetId))).toContain(
      `Not run when this report was made: \`pnpm genesis judge ${datasetId}\``,
    );

    // Judge half of the items with the local heuristic judge.
    const started = await s.gql<any>(
      `mutation($id: ID!) { judgeDataset(id: $id, rubric: { sample: 30 }) { __typename ... on MutationJudgeDatasetSuccess { data { id } } } }`,
      { id: datasetId },
    );
    const runId = started.data.judgeDataset.data.id;
    await expect
      .poll(
        async () =>
          (await s.gql<any>('query($id: ID!) { judgeRun(id: $id) { status } }', { id: runId })).data
            .judgeRun.status,
        { timeout: 60_000, interval: 100 },
      )
      .toBe('COMPLETED');

    const after = await validate();
    expect(after.version).toBe(before.version + 1);
    const g = after.judge;
    expect(g).toMatchObject({
      status: 'scored',
      scored: 30,
      share: 0.5,
      run: { id: runId, provider: 'local', status: 'completed', costUsd: 0 },
      runs: 1,
      costUsd: 0,
    });
    expect(g.dimensions.map((d: { criterion: string }) => d.criterion)).toEqual([
      'label_faithfulness',
      'customer_naturalness',
      'agent_quality',
      'language_register',
    ]);
    for (const d of g.dimensions) {
      // Conversations have an agent side: every criterion is scored on every judged item.
      expect(d.scored).toBe(30);
      expect(d.mean).toBeGreaterThanOrEqual(1);
      expect(d.mean).toBeLessThanOrEqual(5);
    }
    expect(g.overall).toBeGreaterThanOrEqual(1);
    // Outside the verdict: the same data and reference give the same score, verdict and reason.
    expect(after.overallScore).toBe(before.overallScore);
    expect(after.overallVerdict).toBe(before.overallVerdict);
    expect(after.reason).toBe(before.reason);

    const card = await datasetCard(s.app.services, Number(datasetId));
    expect(card).toContain('### LLM judge');
    expect(card).toContain('30 items scored (50.0% of the dataset)');
    expect(card).toMatch(/\| agent_quality \| \d\.\d\d \| 30 \|/);
    expect(card).toContain('Not part of the verdict.');
  });
});
