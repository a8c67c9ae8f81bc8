import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) {
    __typename
    ... on MutationStartGenerationSuccess { data { id } }
    ... on ValidationError { issues { path message } }
  }
}`;
const ESTIMATE = `query($input: GenerationInput!) {
  estimateGeneration(input: $input) {
    __typename
    ... on QueryEstimateGenerationSuccess { data { items points bytes } }
    ... on ValidationError { issues { path message } }
  }
}`;

describe('the size cap of generation jobs', () => {
  let s: TestServer;
  let small: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    small = await startTestServer('sqlite', { GENESIS_MAX_JOB_POINTS: '5000' });
  });
  afterAll(async () => {
    await s?.close();
    await small?.close();
  });

  it('defaults to 20,000,000 points per job', () => {
    expect(loadConfig({}).maxJobPoints).toBe(20_000_000);
    expect(loadConfig({ GENESIS_MAX_JOB_POINTS: '1000' }).maxJobPoints).toBe(1000);
    expect(() => loadConfig({ GENESIS_MAX_JOB_POINTS: 'lots' })).toThrow(/GENESIS_MAX_JOB_POINTS/);
  });

  it('refuses 100,000 series of 100,000 points (about 340 GB) before creating anything', async () => {
    const r = await s.gql<any>(START, {
      input: { kind: 'TIMESERIES', count: 100_000, length: 100_000 },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.startGeneration).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: 'input.length',
          message:
            '100,000 series x 100,000 points is 10,000,000,000 points (about 340 GB); the limit is 20,000,000 points per job (GENESIS_MAX_JOB_POINTS): ask for fewer or shorter series, or split the work into several jobs',
        },
      ],
    });
    const stats = await s.gql<any>('{ stats { datasetCount } generationJobs { totalCount } }');
    expect(stats.data).toEqual({ stats: { datasetCount: 0 }, generationJobs: { totalCount: 0 } });
  });

  it('locates the problem at count when the length is the default', async () => {
    const r = await s.gql<any>(START, { input: { kind: 'TIMESERIES', count: 100_000 } });
    expect(r.data.startGeneration.issues).toEqual([
      {
        path: 'input.count',
        message: expect.stringMatching(
          /^100,000 series x 504 points is 50,400,000 points \(about 1\.8 GB\); the limit is 20,000,000/,
        ),
      },
    ]);
  });

  it('follows GENESIS_MAX_JOB_POINTS, and the estimate says the size and refuses the same jobs', async () => {
    const fits = await small.gql<any>(ESTIMATE, {
      input: { kind: 'TIMESERIES', count: 10, length: 500 },
    });
    expect(fits.data.estimateGeneration).toEqual({
      __typename: 'QueryEstimateGenerationSuccess',
      data: { items: 10, points: 5000, bytes: 5000 * 34 + 10 * 650 },
    });
    const over = await small.gql<any>(START, {
      input: { kind: 'TIMESERIES', count: 11, length: 500 },
    });
    expect(over.data.startGeneration.issues[0]).toMatchObject({
      path: 'input.length',
      message: expect.stringMatching(/5,500 points .*the limit is 5,000 points per job/),
    });
    const estimated = await small.gql<any>(ESTIMATE, {
      input: { kind: 'TIMESERIES', count: 11, length: 500 },
    });
    expect(estimated.data.estimateGeneration.__typename).toBe('ValidationError');
    const conversations = await s.gql<any>(ESTIMATE, {
      input: { kind: 'CONVERSATIONS', count: 200 },
    });
    expect(conversations.data.estimateGeneration.data).toEqual({
      items: 200,
      points: 200,
      bytes: 200_000,
    });
  });
});
