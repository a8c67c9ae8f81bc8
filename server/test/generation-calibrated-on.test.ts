import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';

/**
 * `GenerationJob.calibratedOn`, what the job page shows as "Calibrated on": the imported dataset a `likeDatasetId`
 * job was calibrated on, in the job list too, and null (not an error that would fail the whole page's query) once
 * that dataset is deleted.
 */

const IMPORT = /* GraphQL */ `
  mutation Import($file: File!) {
    importDataset(file: $file, kind: TIMESERIES, name: "plant meters") {
      ... on MutationImportDatasetSuccess { data { id } }
    }
  }
`;
const JOB = /* GraphQL */ `
  query($id: ID!) { generationJob(id: $id) { status calibratedOn { id name } } }
`;

const HOUR = 3_600_000;
const START = Date.parse('2024-03-04T00:00:00Z');

function meter(id: string, level: number) {
  const n = 24 * 14;
  const target = Array.from({ length: n }, (_, i) =>
    Number(
      (level * (1 + 0.3 * Math.sin((2 * Math.PI * (i % 24)) / 24) + 0.01 * (i % 7))).toFixed(3),
    ),
  );
  return {
    series_id: id,
    domain: 'electricity',
    series_type: 'residential_consumption',
    frequency: '1H',
    start: new Date(START).toISOString(),
    length: n,
    target,
    timestamps: target.map((_, i) => new Date(START + i * HOUR).toISOString()),
    unit: 'kWh',
    seasonality_types: ['daily'],
    trend_type: 'none',
    noise_level: 0.1,
  };
}

describe('GenerationJob.calibratedOn', { timeout: 120_000 }, () => {
  const s = useTestServer('sqlite');

  it('names the dataset a job was calibrated on, and turns null when that dataset is deleted', async () => {
    const imported = await s.upload<any>(
      IMPORT,
      {},
      {
        name: 'meters.jsonl',
        content: [0, 1, 2, 3].map((i) => JSON.stringify(meter(`m${i}`, 2 + i))).join('\n'),
      },
    );
    const likeId = imported.body.data.importDataset.data.id as string;
    const started = await s.gql<any>(
      `mutation($input: GenerationInput!) { startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { id } } ... on ValidationError { issues { path message } } } }`,
      {
        input: {
          kind: 'TIMESERIES',
          provider: 'LOCAL',
          count: 2,
          length: 48,
          likeDatasetId: likeId,
        },
      },
    );
    const jobId = started.data.startGeneration.data.id as string;
    await expect
      .poll(async () => (await s.gql<any>(JOB, { id: jobId })).data?.generationJob.status, {
        timeout: 60_000,
        interval: 100,
      })
      .toBe('COMPLETED');
    expect((await s.gql<any>(JOB, { id: jobId })).data.generationJob.calibratedOn).toEqual({
      id: likeId,
      name: 'plant meters',
    });
    const list = await s.gql<any>(
      '{ generationJobs(first: 5) { edges { node { id calibratedOn { id } } } } }',
    );
    expect(list.data.generationJobs.edges[0].node).toEqual({
      id: jobId,
      calibratedOn: { id: likeId },
    });

    const deleted = await s.gql<any>(
      `mutation($id: ID!) { deleteDataset(id: $id) { __typename } }`,
      { id: likeId },
    );
    expect(deleted.data.deleteDataset.__typename).toBe('MutationDeleteDatasetSuccess');
    const after = await s.gql<any>(JOB, { id: jobId });
    expect(after.errors).toBeUndefined();
    expect(after.data.generationJob).toEqual({ status: 'COMPLETED', calibratedOn: null });
  });
});
