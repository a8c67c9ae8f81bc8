import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTextProfile } from '../src/validation/text/profile.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

const COMPARE = `query($a: ID!, $b: ID!, $profile: String) { compareDatasets(a: $a, b: $b, profile: $profile) {
  __typename
  ... on QueryCompareDatasetsSuccess { data {
    reference { key name kind source revalidated }
    reportA { version referenceName } reportB { version referenceName } } }
  ... on ValidationError { issues { path message } } } }`;

const VALIDATE_UPLOAD = `mutation($file: File!, $id: ID!) {
  validateDataset(input: { datasetId: $id, profileFile: $file }) {
    __typename
    ... on MutationValidateDatasetSuccess { data { version referenceName
      metrics { id verdict band { low high } } } }
    ... on ValidationError { issues { path message } }
  }
}`;

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

  it("measures each series type against its own domain's profile by default, or one chosen profile", async () => {
    const query = `mutation($input: ValidateInput!) { validateDataset(input: $input) {
      ... on MutationValidateDatasetSuccess { data { referenceName metrics { id reason details } } } } }`;
    const fallback = await s.gql<any>(query, { input: { datasetId: series } });
    expect(fallback.errors).toBeUndefined();
    const byDefault = fallback.data.validateDataset.data;
    expect(byDefault.referenceName).toMatch(/each domain against its real reference/);
    const perType = byDefault.metrics.filter(
      (m: any) => m.id.startsWith('fidelity.') && m.details?.scope === 'series_type',
    );
    expect(perType.length).toBeGreaterThan(0);
    for (const m of perType)
      expect(['energy', 'sensors', 'financial']).toContain(m.details.reference);

    const chosen = await s.gql<any>(query, { input: { datasetId: series, profile: 'energy' } });
    const energy = chosen.data.validateDataset.data;
    expect(energy.referenceName).toMatch(/energy/i);
    for (const m of energy.metrics.filter((m: any) =>
      /^fidelity\.(electricity|sensors|financial)\./.test(m.id),
    )) {
      expect(m.reason, m.id).toMatch(
        /^the reference profile 'energy' has no \w+ series \(it covers energy\)$/,
      );
    }
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
    // A has reports against Banking77; B had none and was validated against the same.
    const again = await s.gql<any>(COMPARE, { a: conversations, b: other });
    expect(again.data.compareDatasets.data.reference).toMatchObject({
      key: 'profile:banking77',
      source: 'a',
      revalidated: [],
    });
  });

  it('validates against an uploaded profile file, and compares on one reference', async () => {
    const utterances = [
      'where is my new card, it has not arrived',
      'how do I top up with a bank transfer',
      'why was I charged a fee at the cash machine',
      'someone used my card without permission',
      'can I change my savings pocket to pesos',
      'the exchange rate on my payment looks wrong',
    ].map((text, i) => ({
      text: `${text} (${i})`,
      intent: ['card_arrival', 'transfer_into_account', 'cash_withdrawal_charge'][i % 3]!,
      language: 'en',
    }));
    const profile = buildTextProfile('my reference', utterances, 'utterances', { splits: 2 });
    const file = { name: 'mine.profile.json', content: JSON.stringify(profile) };
    const a = await s.upload<any>(VALIDATE_UPLOAD, { id: conversations }, file);
    expect(a.status).toBe(200);
    const report = a.body.data.validateDataset;
    expect(report.__typename, JSON.stringify(report)).toBe('MutationValidateDatasetSuccess');
    expect(report.data.referenceName).toBe('my reference');

    // Compared with a dataset whose latest report is against Banking77: that one is validated anew, against
    // the uploaded profile... which is not kept, so it must be named instead.
    const other = await generate(s, 'CONVERSATIONS', 40, { seed: 21 });
    await s.gql<any>(VALIDATE, { input: { datasetId: other } });
    const lost = await s.gql<any>(COMPARE, { a: conversations, b: other });
    expect(lost.data.compareDatasets.issues[0].message).toMatch(
      /was made against an uploaded profile \(my reference \(mine\.profile\.json\)\), which is not kept/,
    );
    // Given a shipped profile: both sides end up measured against it; A is validated anew.
    const given = await s.gql<any>(COMPARE, { a: conversations, b: other, profile: 'banking77' });
    const data = given.data.compareDatasets.data;
    expect(data.reference).toMatchObject({
      key: 'profile:banking77',
      kind: 'shipped',
      source: 'given',
      revalidated: [conversations],
    });
    expect(data.reportA.referenceName).toMatch(/Banking77/);
    expect(data.reportB.referenceName).toMatch(/Banking77/);
    const nope = await s.gql<any>(COMPARE, { a: conversations, b: other, profile: 'nope' });
    expect(nope.data.compareDatasets.issues[0]).toMatchObject({ path: 'profile' });
    expect(nope.data.compareDatasets.issues[0].message).toMatch(
      /unknown profile "nope"; shipped: banking77, electricity/,
    );

    const broken = await s.upload<any>(
      VALIDATE_UPLOAD,
      { id: conversations },
      {
        name: 'broken.json',
        content: JSON.stringify({ ...profile, sketch: { ...profile.sketch, count: 99 } }),
      },
    );
    expect(broken.body.data.validateDataset.issues[0]).toEqual({
      path: 'profileFile',
      message: `the uploaded profile broken.json: invalid text profile: sketch.count is 99 but the signatures hold ${profile.sketch.count}`,
    });
    const series = await s.upload<any>(
      VALIDATE_UPLOAD,
      { id: conversations },
      {
        name: 'notjson.json',
        content: '{ nope',
      },
    );
    expect(series.body.data.validateDataset.issues[0].message).toMatch(
      /^the uploaded profile notjson\.json is not valid JSON/,
    );
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
