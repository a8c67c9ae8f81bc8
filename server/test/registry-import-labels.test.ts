import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';

const IMPORT = `mutation($file: File!, $labels: [String!]) {
  importDataset(file: $file, kind: UTTERANCES, labels: $labels) {
    __typename
    ... on MutationImportDatasetSuccess { data { id itemCount } }
    ... on ValidationError { issues { path message code } }
    ... on ImportFailedError { message issues { field record message code params { name value } } }
  }
}`;

/** A `text,label` Parquet file with integer labels and no embedded names, as many Hub datasets ship. */
const file = new Uint8Array(
  parquetWriteBuffer({
    columnData: [
      { name: 'text', data: ['where is my card?', 'I forgot my passcode'], type: 'STRING' },
      { name: 'label', data: [1, 0], type: 'INT32' },
    ],
  }),
);

describe('importDataset labels', () => {
  const s = useTestServer();

  it('names integer labels from the list, in label order', async () => {
    const r = await s.upload<any>(
      IMPORT,
      { labels: ['passcode_forgotten', 'card_arrival'] },
      { name: 'train.parquet', content: file, type: 'application/vnd.apache.parquet' },
    );
    expect(r.body.errors).toBeUndefined();
    const result = r.body.data.importDataset;
    expect(result.__typename).toBe('MutationImportDatasetSuccess');
    const items = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { items(first: 10) { edges { node { data } } } } }',
      { id: result.data.id },
    );
    expect(
      items.data.dataset.items.edges.map((e: any) => [e.node.data.text, e.node.data.intent]),
    ).toEqual([
      ['where is my card?', 'card_arrival'],
      ['I forgot my passcode', 'passcode_forgotten'],
    ]);
  });

  it('refuses a file whose labels it cannot name, and a bad list, with located errors', async () => {
    const none = await s.upload<any>(
      IMPORT,
      {},
      { name: 'train.parquet', content: file, type: 'application/vnd.apache.parquet' },
    );
    expect(none.body.data.importDataset.__typename).toBe('ImportFailedError');
    expect(none.body.data.importDataset.issues[0]).toMatchObject({
      record: 1,
      field: 'label',
      code: 'import.labelNoNames',
      params: [{ name: 'label', value: '1' }],
    });
    expect(none.body.data.importDataset.issues[0].message).toMatch(/names no labels/);

    const short = await s.upload<any>(
      IMPORT,
      { labels: ['card_arrival'] },
      { name: 'train.parquet', content: file, type: 'application/vnd.apache.parquet' },
    );
    expect(short.body.data.importDataset.__typename).toBe('ImportFailedError');
    expect(short.body.data.importDataset.issues[0]).toMatchObject({
      record: 1,
      field: 'label',
      message: 'label 1 is not in the label list (1 names)',
      code: 'import.labelNotListed',
      params: [
        { name: 'label', value: '1' },
        { name: 'count', value: '1' },
      ],
    });

    const bad = await s.upload<any>(
      IMPORT,
      { labels: ['card_arrival', ' ', 'card_arrival'] },
      { name: 'train.parquet', content: file, type: 'application/vnd.apache.parquet' },
    );
    const result = bad.body.data.importDataset;
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues).toEqual([
      { path: 'labels[1]', message: 'a label name must not be empty', code: 'labels.empty' },
      {
        path: 'labels[2]',
        message: '"card_arrival" is already label 0: each label number needs its own name',
        code: 'labels.repeated',
      },
    ]);
    const repeated = await s.upload<any>(
      IMPORT,
      { labels: ['card_arrival', 'card_arrival'] },
      { name: 'train.parquet', content: file, type: 'application/vnd.apache.parquet' },
    );
    expect(repeated.body.data.importDataset.issues).toEqual([
      {
        path: 'labels[1]',
        message: '"card_arrival" is already label 0: each label number needs its own name',
        code: 'labels.repeated',
      },
    ]);
    const stats = await s.gql<any>('{ stats { datasetCount } }');
    expect(stats.data.stats.datasetCount).toBe(1);
  });
});
