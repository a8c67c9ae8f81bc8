import { describe, expect, it } from 'vitest';
import { chunkedPost, useTestServer } from './helpers/app.ts';

const IMPORT = `mutation($file: File!, $kind: DatasetKind!) {
  importDataset(file: $file, kind: $kind) {
    __typename
    ... on MutationImportDatasetSuccess { data { id itemCount } }
    ... on Error { message }
  }
}`;

/** A valid JSON file of `bytes` bytes: two utterances and whitespace (cheap to parse and store, any size). */
function jsonFile(bytes: number): string {
  const records =
    '{"text":"where is my card?","intent":"card_arrival","language":"en"},{"text":"I lost my card","intent":"lost_or_stolen_card","language":"en"}';
  return `[${records}${' '.repeat(bytes - records.length - 2)}]`;
}

// GENESIS_MAX_UPLOAD_MB is the limit, not graphql-yoga's default of 25,000,000 bytes per request.
describe('GENESIS_MAX_UPLOAD_MB', { timeout: 120_000 }, () => {
  const s = useTestServer('sqlite', { GENESIS_MAX_UPLOAD_MB: '50' });

  it('accepts a 30 MB file when the limit is 50 MB', async () => {
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES' },
      { name: 'big.json', content: jsonFile(30_000_000) },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body.data.importDataset).toMatchObject({
      __typename: 'MutationImportDatasetSuccess',
      data: { itemCount: 2 },
    });
  });

  it('refuses a file over 50 MB with a message that names the limit', async () => {
    const r = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES' },
      { name: 'huge.json', content: jsonFile(53_000_000) },
    );
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]?.message).toMatch(
      /^Request body is 50\.5 MB; the limit is 50 MB \(GENESIS_MAX_UPLOAD_MB\)$/,
    );
    const stats = await s.gql<any>('{ stats { datasetCount } }');
    expect(stats.data.stats.datasetCount).toBe(1);
  });

  it('reads a body without Content-Length (chunked, as a proxy sends it)', async () => {
    const r = await chunkedPost(s.url, ['{"query":"{ stats ', '{ datasetCount } }"}']);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { stats: { datasetCount: expect.any(Number) } } });
  });
});
