import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/app.ts';

const VALIDATE = `mutation($input: ValidateInput!) {
  validateDataset(input: $input) {
    __typename
    ... on MutationValidateDatasetSuccess {
      data { id version referenceName overallScore overallVerdict bias { severity reasons }
        metrics { id group value verdict reason band { low high } thresholds { direction warn fail } }
        distributions { id labels dataset reference } }
    }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { message }
  }
}`;

async function generate(
  s: TestServer,
  kind: 'CONVERSATIONS' | 'TIMESERIES',
  count: number,
  extra: Record<string, unknown> = {},
) {
  const r = await s.gql<any>(
    `mutation($input: GenerationInput!) { startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { id dataset { id } } } } }`,
    { input: { kind, count, provider: 'LOCAL', seed: 3, ...extra } },
  );
  const job = r.data.startGeneration.data;
  // Runs in beforeAll too, where expect.poll isn't available: poll by hand on the job's status.
  for (let i = 0; i < 600; i++) {
    const status = (
      await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status } }', { id: job.id })
    ).data.generationJob.status;
    if (status === 'COMPLETED') break;
    if (status === 'FAILED' || status === 'PAUSED')
      throw new Error(`generation ${job.id} ended ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return job.dataset.id as string;
}

describe('validation over GraphQL', () => {
  let s: TestServer;
  let conversations: string;
  let series: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    conversations = await generate(s, 'CONVERSATIONS', 160);
    series = await generate(s, 'TIMESERIES', 24, { length: 200 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('validates generated conversations against the shipped Banking77 profile and keeps every version', async () => {
    const first = await s.gql<any>(VALIDATE, { input: { datasetId: conversations } });
    expect(first.errors).toBeUndefined();
    const r = first.data.validateDataset.data;
    expect(r.version).toBe(1);
    expect(r.referenceName).toMatch(/banking77/i);
    expect(r.overallScore).toBeGreaterThan(0);
    expect(r.overallScore).toBeLessThanOrEqual(100);
    // Every metric has a verdict; a missing value always says why.
    for (const m of r.metrics) {
      expect(['PASS', 'WARN', 'FAIL', 'NOT_COMPUTABLE']).toContain(m.verdict);
      if (m.value === null) expect(m.reason, m.id).toBeTruthy();
      if (m.verdict === 'NOT_COMPUTABLE') expect(m.reason, m.id).toBeTruthy();
    }
    expect(r.metrics.map((m: any) => m.group)).toEqual(expect.arrayContaining(['bias']));
    // Generated with the default targets, exactly: no bias.
    expect(r.bias.severity).toMatch(/none|low/);
    expect(r.distributions.find((d: any) => d.labels.includes('card_arrival'))).toBeTruthy();

    const second = await s.gql<any>(VALIDATE, { input: { datasetId: conversations } });
    expect(second.data.validateDataset.data.version).toBe(2);
    const history = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { validation { version } validations { version } } }',
      {
        id: conversations,
      },
    );
    expect(history.data.dataset.validation.version).toBe(2);
    expect(history.data.dataset.validations.map((v: any) => v.version)).toEqual([2, 1]);
  });

  it('validates time series against the shipped electricity profile', async () => {
    const r = await s.gql<any>(VALIDATE, { input: { datasetId: series } });
    expect(r.errors).toBeUndefined();
    const report = r.data.validateDataset.data;
    expect(report.referenceName).toMatch(/electricity/i);
    const consistency = report.metrics.filter((m: any) => m.group === 'consistency');
    expect(consistency.length).toBeGreaterThan(0);
    expect(consistency.every((m: any) => m.verdict === 'PASS')).toBe(true);
  });

  it('compares two datasets metric by metric', async () => {
    const other = await generate(s, 'CONVERSATIONS', 80, {
      seed: 9,
      targets: { languages: [{ key: 'es', weight: 1 }] },
    });
    const c = await s.gql<any>(
      `query($a: ID!, $b: ID!) { compareDatasets(a: $a, b: $b) { __typename ... on QueryCompareDatasetsSuccess { data {
        metrics { id difference a { value } b { value } } overlays { id labels a b } vocabularyOverlap samples { intent a b } } } } }`,
      { a: conversations, b: other },
    );
    expect(c.errors).toBeUndefined();
    const data = c.data.compareDatasets.data;
    expect(data.metrics.length).toBeGreaterThan(5);
    for (const m of data.metrics) {
      if (m.a?.value != null && m.b?.value != null)
        expect(m.difference).toBeCloseTo(m.b.value - m.a.value, 10);
    }
    expect(data.vocabularyOverlap).toBeGreaterThan(0);
    expect(data.vocabularyOverlap).toBeLessThan(1);
    expect(data.samples.length).toBeGreaterThan(10);
    const languages = data.overlays.find(
      (o: any) => o.labels.includes('es') && o.labels.includes('en'),
    );
    expect(languages).toBeTruthy();
  });

  it('answers wrong inputs with errors that name the field', async () => {
    const missing = await s.gql<any>(VALIDATE, { input: { datasetId: '9999' } });
    expect(missing.data.validateDataset).toMatchObject({
      __typename: 'NotFoundError',
      message: 'Dataset 9999 does not exist',
    });
    const wrongProfile = await s.gql<any>(VALIDATE, {
      input: { datasetId: series, profile: 'banking77' },
    });
    expect(wrongProfile.data.validateDataset.issues[0]).toMatchObject({ path: 'profile' });
    const unknown = await s.gql<any>(VALIDATE, {
      input: { datasetId: conversations, profile: 'nope' },
    });
    expect(unknown.data.validateDataset.issues[0].message).toMatch(/unknown profile "nope"/);
    const mixed = await s.gql<any>(
      `query($a: ID!, $b: ID!) { compareDatasets(a: $a, b: $b) { __typename ... on ValidationError { issues { message } } } }`,
      {
        a: conversations,
        b: series,
      },
    );
    expect(mixed.data.compareDatasets.issues[0].message).toMatch(
      /can't compare conversations with timeseries/,
    );
  });
});
