import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { tinyIntentData } from './training-fixtures.ts';

// A run tuned by a search is trained again (by an augmentation: its CV baseline and its real + synthetic run)
// with the hyperparameters its search chose, not the preset's defaults (docs/training.md, "Search, and training
// a run again").

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
  importDataset(file: $file, kind: $kind, name: $name) { ... on MutationImportDatasetSuccess { data { id } } }
}`;
const TRAIN = `mutation($input: TrainingInput!) { startTraining(input: $input) {
  ... on MutationStartTrainingSuccess { data { id } }
  ... on ValidationError { issues { path message } }
} }`;
const AUGMENT = `mutation($input: AugmentationInput!) { startAugmentation(input: $input) {
  ... on MutationStartAugmentationSuccess { data { id } }
  ... on ValidationError { issues { path message } }
} }`;
const AUGMENTATION = `query($id: ID!) { augmentation(id: $id) {
  status error baselineRun { id } run { id }
} }`;
const RUN = 'query($id: ID!) { trainingRun(id: $id) { status config metrics } }';

const csv = (d: { texts: readonly string[]; labels: readonly string[] }) =>
  ['text,intent', ...d.texts.map((t, i) => `"${t}",${d.labels[i]}`)].join('\n');

describe('retraining a tuned run', { timeout: 180_000 }, () => {
  let s: TestServer;
  let tunedId: string;
  let tunedC: number;

  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const upload = await s.upload<any>(
      IMPORT,
      { kind: 'UTTERANCES', name: 'real' },
      { name: 'real.csv', content: csv(tinyIntentData(8)) },
    );
    const datasetId = upload.body.data.importDataset.data.id as string;
    // A hold-out run tuned over values that all differ from the preset's C = 1.
    const started = await s.gql<any>(TRAIN, {
      input: {
        datasetId,
        preset: 'FAST',
        search: 'GRID',
        searchSpace: [{ name: 'C', values: [0.05, 0.2] }],
      },
    });
    tunedId = started.data.startTraining.data.id;
    await s.app.training.wait(Number(tunedId));
    const run = (await s.gql<any>(RUN, { id: tunedId })).data.trainingRun;
    expect(run.status).toBe('COMPLETED');
    tunedC = run.metrics.search.best.params['model.C'];
    expect([0.05, 0.2]).toContain(tunedC);
    expect(run.config.model.C).toBe(tunedC);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('an augmentation cross-validates and retrains with the C the search chose, and records the source run', async () => {
    const r = await s.gql<any>(AUGMENT, {
      input: { runId: tunedId, count: 6, provider: 'LOCAL', computeCv: true },
    });
    expect(r.errors).toBeUndefined();
    const id = r.data.startAugmentation.data.id;
    await s.app.augmentation.wait(Number(id));
    const a = (await s.gql<any>(AUGMENTATION, { id })).data.augmentation;
    expect(a.error).toBeNull();
    expect(a.status).toBe('COMPLETED');
    const baseline = (await s.gql<any>(RUN, { id: a.baselineRun.id })).data.trainingRun;
    const after = (await s.gql<any>(RUN, { id: a.run.id })).data.trainingRun;
    // Before the fix both were trained with the `fast` preset's C = 1.
    expect(baseline.config.model).toMatchObject({ kind: 'svm', C: tunedC });
    expect(after.config.model).toMatchObject({ kind: 'svm', C: tunedC });
    expect(baseline.config.basedOnRun).toBe(Number(tunedId));
    expect(after.config.basedOnRun).toBe(Number(a.baselineRun.id));
    // Cross-validated as the augmentation asks, with the rest of the tuned run's config kept.
    expect(baseline.config.evaluation).toEqual({ kind: 'cv', folds: 5 });
    expect(baseline.config.features).toEqual(
      (await s.gql<any>(RUN, { id: tunedId })).data.trainingRun.config.features,
    );
  });
});
