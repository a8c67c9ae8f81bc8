import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String, $allow: Boolean) {
  importDataset(file: $file, kind: $kind, name: $name, allowDuplicate: $allow) {
    __typename
    ... on MutationImportDatasetSuccess { data { id name itemCount } }
    ... on DuplicateImportError { message existingDatasetId existingDatasetName }
    ... on Error { message }
  }
}`;

const CSV =
  'text,category\nwhere is my card?,card_arrival\nI forgot my passcode,passcode_forgotten\n';

describe.each(TEST_DATABASES)('importing the same file twice (%s)', (kind) => {
  const s = useTestServer(kind);

  const upload = (name: string, content: string, extra: Record<string, unknown> = {}) =>
    s.upload<any>(IMPORT, { kind: 'UTTERANCES', name, ...extra }, { name: 'b77.csv', content });
  const datasetCount = async () =>
    (await s.gql<any>('{ stats { datasetCount } }')).data.stats.datasetCount;

  it('refuses the same bytes with a typed error naming the dataset that holds them', async () => {
    const first = await upload('first', CSV);
    expect(first.body.data.importDataset.__typename).toBe('MutationImportDatasetSuccess');
    const firstId = first.body.data.importDataset.data.id;

    const again = await upload('again', CSV);
    expect(again.body.data.importDataset).toMatchObject({
      __typename: 'DuplicateImportError',
      existingDatasetId: firstId,
      existingDatasetName: 'first',
    });
    expect(again.body.data.importDataset.message).toMatch(
      new RegExp(`already imported as dataset ${firstId} \\("first"\\).*allowDuplicate`),
    );
    // Nothing half-written: the refused import left no dataset and no items.
    expect(await datasetCount()).toBe(1);

    // A different file (one more line) is not a duplicate.
    const other = await upload('other', `${CSV}my card is lost,lost_or_stolen_card\n`);
    expect(other.body.data.importDataset.data.itemCount).toBe(3);

    // Asked for explicitly, a second copy is stored.
    const copy = await upload('copy', CSV, { allow: true });
    expect(copy.body.data.importDataset).toMatchObject({
      __typename: 'MutationImportDatasetSuccess',
      data: { name: 'copy', itemCount: 2 },
    });
    expect(await datasetCount()).toBe(3);
  });

  it('two imports of the same bytes at the same moment: one is stored, the other names it', async () => {
    // Big enough that both uploads are being read and stored at once.
    const lines = Array.from({ length: 4000 }, (_, i) => `where is card ${i}?,card_arrival\n`);
    const file = `text,category\n${lines.join('')}`;
    const before = await datasetCount();
    const outcomes = (
      await Promise.all([upload('race a', file), upload('race b', file), upload('race c', file)])
    ).map((r) => r.body.data.importDataset);
    const stored = outcomes.filter((o) => o.__typename === 'MutationImportDatasetSuccess');
    const refused = outcomes.filter((o) => o.__typename === 'DuplicateImportError');
    expect(stored).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.existingDatasetId).toBe(stored[0].data.id);
    expect(await datasetCount()).toBe(before + 1);
  });
});
