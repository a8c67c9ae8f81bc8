import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AugmentationSchema } from '../src/augmentation/augmentation.entity.ts';
import { planFromRunMetrics } from '../src/augmentation/plan.ts';
import {
  AUGMENT_DEFAULT_FLOOR,
  AugmentationManager,
  languagesOf,
  seedsOf,
} from '../src/augmentation/service.ts';
import { curateDataset } from '../src/curation/service.ts';
import {
  parseGenerationInput,
  readStoredConfig,
  SEEDS_PER_SLOT,
} from '../src/generation/config.ts';
import { GenerationJobSchema } from '../src/generation/generation-job.entity.ts';
import { planConversations } from '../src/generation/plan.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { loadConfig } from '../src/platform/config.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { InputError } from '../src/platform/errors.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { importDataset } from '../src/registry/service.ts';
import { stratifiedKFold } from '../src/training/evaluate.ts';
import { seedKey } from '../src/training/pipeline.ts';
import { datasetTexts, TrainingManager } from '../src/training/service.ts';
import { TrainingRunSchema } from '../src/training/training-run.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { genesis } from './helpers/cli.ts';
import { createTempDatabase, TEST_DATABASES } from './helpers/databases.ts';
import { tinyIntentData } from './training-fixtures.ts';

const IMPORT = `mutation($file: File!, $kind: DatasetKind!, $name: String) {
  importDataset(file: $file, kind: $kind, name: $name) { ... on MutationImportDatasetSuccess { data { id } } }
}`;
const TRAIN = `mutation($input: TrainingInput!) { startTraining(input: $input) {
  ... on MutationStartTrainingSuccess { data { id } }
  ... on ValidationError { issues { path message } }
} }`;
const START = `mutation($input: AugmentationInput!) { startAugmentation(input: $input) {
  __typename
  ... on MutationStartAugmentationSuccess { data { id status step } }
  ... on ValidationError { issues { path message } }
} }`;
const GET = `query($id: ID!) { augmentation(id: $id) {
  status step error count curate seeds
  sourceRun { id } baselineRun { id } run { id trainedOn }
  job { id status }
  syntheticDataset { id itemCount } curatedDataset { id itemCount }
  plan { total folds perIntent { intent f1 count notIntents } contrasts { intent notIntent count } }
  lift { folds accuracy { before after delta } macroF1 { before after delta } perIntent { intent planned before after delta }
    seeded { rows excludedPerFold } }
} }`;

const csv = (d: { texts: readonly string[]; labels: readonly string[] }) =>
  ['text,intent', ...d.texts.map((t, i) => `"${t}",${d.labels[i]}`)].join('\n');

/** The small real set: three intents of tinyIntentData, plus a few card_arrival texts worded like exchange_rate. */
function realData() {
  const d = tinyIntentData(8);
  const texts = [...d.texts, 'what rate for my card arrival', 'card exchange arrival rate'];
  const labels = [...d.labels, 'card_arrival', 'card_arrival'];
  return { texts, labels };
}

function countBy(labels: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

describe('plan-driven generation input', () => {
  it('accepts exact per-intent counts and contrastive guidance, and locates bad ones', () => {
    const ok = parseGenerationInput({
      kind: 'conversations',
      count: 5,
      intentCounts: { card_arrival: 3, exchange_rate: 2 },
      notIntents: { card_arrival: ['card_delivery_estimate'] },
    });
    expect(ok.intentCounts).toEqual({ card_arrival: 3, exchange_rate: 2 });
    const issues = (raw: unknown) => {
      try {
        parseGenerationInput(raw);
      } catch (err) {
        if (err instanceof InputError) return err.issues.map((i) => `${i.path}: ${i.message}`);
        throw err;
      }
      return [];
    };
    expect(
      issues({
        kind: 'conversations',
        count: 6,
        intentCounts: { card_arrival: 3, exchange_rate: 2 },
      }),
    ).toEqual(['intentCounts: intentCounts add up to 5 but count is 6: they must be equal']);
    expect(issues({ kind: 'conversations', count: 1, intentCounts: { nope: 1 } })[0]).toMatch(
      /^intentCounts: .*"nope"/,
    );
    expect(
      issues({ kind: 'conversations', count: 2, notIntents: { card_arrival: ['card_arrival'] } }),
    ).toEqual(['notIntents: an intent cannot be contrasted with itself: card_arrival']);
    expect(
      issues({
        kind: 'conversations',
        count: 2,
        intentCounts: { card_arrival: 2 },
        targets: { intents: { card_arrival: 1 } },
      }),
    ).toEqual([
      'intentCounts: give either targets.intents (shares) or intentCounts (exact counts), not both',
    ]);
  });
});

describe.each(TEST_DATABASES)('startAugmentation on %s', { timeout: 180_000 }, (kind) => {
  let s: TestServer;
  let realId: string;
  let testId: string;
  let cvRun: string;
  let holdoutRun: string;

  beforeAll(async () => {
    s = await startTestServer(kind);
    const up = async (name: string, content: string) =>
      (await s.upload<any>(IMPORT, { kind: 'UTTERANCES', name }, { name: `${name}.csv`, content }))
        .body.data.importDataset.data.id as string;
    realId = await up('real', csv(realData()));
    testId = await up('test', csv(tinyIntentData(3)));
    const train = async (input: Record<string, unknown>) => {
      const r = await s.gql<any>(TRAIN, { input });
      const id = r.data.startTraining.data.id as string;
      await s.app.training.wait(Number(id));
      return id;
    };
    // A cross-validated run that also has a test set: the plan must never read the test figures.
    cvRun = await train({
      datasetId: realId,
      testDatasetId: testId,
      preset: 'CROSS_VALIDATION',
      cvFolds: 3,
      seed: 7,
    });
    holdoutRun = await train({ datasetId: realId, preset: 'FAST' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('locates bad inputs: unknown run, count 0 or negative, weight <= 0, a run without CV', async () => {
    const issue = async (input: Record<string, unknown>) => {
      const r = await s.gql<any>(START, { input: { runId: cvRun, count: 10, ...input } });
      expect(r.data.startAugmentation.__typename).toBe('ValidationError');
      return r.data.startAugmentation.issues[0] as { path: string; message: string };
    };
    expect(await issue({ runId: '99999' })).toEqual({
      path: 'input.runId',
      message: 'training run 99999 does not exist',
    });
    expect(await issue({ count: 0 })).toEqual({
      path: 'input.count',
      message: 'count must be at least 1',
    });
    expect((await issue({ count: -5 })).path).toBe('input.count');
    expect(await issue({ weight: 0 })).toEqual({
      path: 'input.weight',
      message: 'weight must be greater than 0',
    });
    const noCv = await issue({ runId: holdoutRun });
    expect(noCv.path).toBe('input.runId');
    expect(noCv.message).toMatch(/no cross-validated figures.*computeCv/);
    // Nothing was started by the refused requests.
    const list = await s.gql<any>('query($r: ID!) { augmentations(runId: $r) { id } }', {
      r: cvRun,
    });
    expect(list.data.augmentations).toEqual([]);
  });

  it('previews the plan and its estimate from the CV figures only', async () => {
    const r = await s.gql<any>(
      `query($input: AugmentationInput!) { previewAugmentation(input: $input) {
        ... on QueryPreviewAugmentationSuccess { data { plan { total perIntent { intent count notIntents } } estimate { items costUsd } } }
        ... on ValidationError { issues { path message } }
      } }`,
      { input: { runId: cvRun, count: 30, provider: 'LOCAL' } },
    );
    const preview = r.data.previewAugmentation.data;
    expect(preview.estimate.items).toBe(30);
    const run = await s.app.services.em.fork().findOneOrFail(TrainingRunSchema, Number(cvRun));
    const expected = planFromRunMetrics({ evaluation: (run.metrics as any).evaluation }, 30, {
      floor: AUGMENT_DEFAULT_FLOOR,
    });
    expect(preview.plan.perIntent).toEqual(
      expected.perIntent.map((p) => ({
        intent: p.intent,
        count: p.count,
        notIntents: p.notIntents,
      })),
    );
  });

  it('generates the planned per-intent counts with contrasts, trains real + synthetic, reports the lift', async () => {
    const r = await s.gql<any>(START, {
      input: { runId: cvRun, count: 30, provider: 'LOCAL', seed: 3 },
    });
    expect(r.data.startAugmentation.__typename).toBe('MutationStartAugmentationSuccess');
    const id = r.data.startAugmentation.data.id;
    await s.app.augmentation.wait(Number(id));
    const a = (await s.gql<any>(GET, { id })).data.augmentation;
    expect(a.error).toBeNull();
    expect(a.status).toBe('COMPLETED');
    expect(a.baselineRun.id).toBe(cvRun);

    // The plan comes from the run's out-of-fold figures, never from its test-set figures.
    const run = await s.app.services.em.fork().findOneOrFail(TrainingRunSchema, Number(cvRun));
    const metrics = run.metrics as Record<string, unknown>;
    expect(metrics.test).toBeTruthy();
    const expected = planFromRunMetrics({ evaluation: metrics.evaluation }, 30, {
      floor: AUGMENT_DEFAULT_FLOOR,
    });
    expect(a.plan.perIntent.map((p: any) => [p.intent, p.count])).toEqual(
      expected.perIntent.map((p) => [p.intent, p.count]),
    );
    expect(a.plan.contrasts.length).toBeGreaterThan(0);

    // The job made exactly the planned count per intent, and its slots carry the contrasts.
    expect(a.syntheticDataset.itemCount).toBe(30);
    const synthetic = await datasetTexts(s.app.services, Number(a.syntheticDataset.id));
    expect(countBy(synthetic.labels)).toEqual(
      Object.fromEntries(
        a.plan.perIntent.filter((p: any) => p.count > 0).map((p: any) => [p.intent, p.count]),
      ),
    );
    const job = await s.app.services.em.fork().findOneOrFail(GenerationJobSchema, Number(a.job.id));
    const config = readStoredConfig(job.id, job.config);
    const withContrast = a.plan.perIntent.find((p: any) => p.notIntents.length > 0);
    expect(config.notIntents?.[withContrast.intent]).toEqual(withContrast.notIntents);
    const slots = planConversations(config).filter((x) => x.intent === withContrast.intent);
    expect(slots.every((x) => x.not_intents?.join() === withContrast.notIntents.join())).toBe(true);
    // In the languages of the run's real data; no seeds unless asked.
    expect(config.targets.languages).toEqual(languagesOf(realData().texts));
    expect(config.intentExamples).toBeUndefined();
    expect(slots.every((x) => x.examples === undefined)).toBe(true);
    expect(a.seeds).toBe(false);

    // Trained on real + synthetic, same folds; the lift compares the two CV figures.
    expect(a.run.trainedOn.map((d: any) => String(d.id))).toEqual([realId, a.syntheticDataset.id]);
    const after = await s.app.services.em.fork().findOneOrFail(TrainingRunSchema, Number(a.run.id));
    const afterCv = (after.metrics as any).evaluation;
    expect(afterCv.kind).toBe('cv');
    expect(afterCv.pooled.n).toBe(realData().texts.length);
    expect(a.lift.folds).toBe(3);
    expect(a.lift.macroF1.after).toBeCloseTo(afterCv.macroF1.mean, 10);
    expect(a.lift.macroF1.before).toBeCloseTo((metrics.evaluation as any).macroF1.mean, 10);
    expect(a.lift.perIntent).toHaveLength(3);
    // Nothing seeded, nothing left out of any fold.
    expect(a.lift.seeded).toBeNull();
    expect(afterCv.seededExcluded).toBeUndefined();
  });

  it('cross-validates a hold-out run first when asked, and curates when asked', async () => {
    const r = await s.gql<any>(START, {
      input: { runId: holdoutRun, count: 12, provider: 'LOCAL', computeCv: true, curate: true },
    });
    const id = r.data.startAugmentation.data.id;
    expect(r.data.startAugmentation.data.step).toBe('CROSS_VALIDATION');
    await s.app.augmentation.wait(Number(id));
    const a = (await s.gql<any>(GET, { id })).data.augmentation;
    expect(a.error).toBeNull();
    expect(a.status).toBe('COMPLETED');
    expect(a.baselineRun.id).not.toBe(holdoutRun);
    expect(a.plan.folds).toBe(5);
    expect(a.curatedDataset).not.toBeNull();
    expect(a.curatedDataset.itemCount).toBeLessThanOrEqual(12);
    expect(a.run.trainedOn.map((d: any) => String(d.id))).toEqual([realId, a.curatedDataset.id]);
    // The run's data are single messages: each curated conversation keeps its opening exchange only.
    const curated = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { source items(first: 50) { edges { node { data } } } } }',
      { id: a.curatedDataset.id },
    );
    expect(curated.data.dataset.source.rules).toEqual({
      dropLanguageMismatch: true,
      dropNearDuplicates: true,
      openingOnly: true,
    });
    for (const e of curated.data.dataset.items.edges) {
      expect(e.node.data.turns.length).toBeLessThanOrEqual(2);
      expect(e.node.data.turn_count).toBe(e.node.data.turns.length);
    }
  });

  it('seeds the generation with the run’s own real texts when asked, and records it', async () => {
    const r = await s.gql<any>(START, {
      input: { runId: cvRun, count: 24, provider: 'LOCAL', seed: 5, seeds: true },
    });
    const id = r.data.startAugmentation.data.id;
    await s.app.augmentation.wait(Number(id));
    const a = (await s.gql<any>(GET, { id })).data.augmentation;
    expect(a.error).toBeNull();
    expect(a.status).toBe('COMPLETED');
    expect(a.seeds).toBe(true);
    const job = await s.app.services.em.fork().findOneOrFail(GenerationJobSchema, Number(a.job.id));
    const config = readStoredConfig(job.id, job.config);
    // The seeds are the run's own training texts of each planned intent, never the test set's.
    const real = realData();
    const test = new Set(tinyIntentData(3).texts);
    const planned = a.plan.perIntent.filter((p: any) => p.count > 0).map((p: any) => p.intent);
    expect(Object.keys(config.intentExamples ?? {}).sort()).toEqual([...planned].sort());
    for (const [intent, seeds] of Object.entries(config.intentExamples ?? {})) {
      const own = new Set(real.texts.filter((_, i) => real.labels[i] === intent));
      expect(seeds.length).toBeGreaterThan(0);
      expect(seeds.every((t) => own.has(t))).toBe(true);
      expect(seeds.some((t) => test.has(t) && !own.has(t))).toBe(false);
    }
    expect(config.intentExamples).toEqual(
      Object.fromEntries(
        Object.entries(seedsOf(real, `seeds:${cvRun}`)).filter(([i]) => planned.includes(i)),
      ),
    );
    // Every slot carries SEEDS_PER_SLOT of its intent's seeds, which the prompt shows as few-shot examples.
    expect(config.seedsPerSlot).toBe(SEEDS_PER_SLOT);
    const slots = planConversations(config);
    for (const slot of slots) {
      const all = config.intentExamples?.[slot.intent] ?? [];
      expect(slot.examples).toHaveLength(Math.min(SEEDS_PER_SLOT, all.length));
      expect(slot.examples!.every((t) => all.includes(t))).toBe(true);
    }
    expect(new Set(slots.map((x) => x.examples!.join('|'))).size).toBeGreaterThan(1);
    expect(a.syntheticDataset.itemCount).toBe(24);

    // Each synthetic item is seeded from its slot's texts, and the CV of the lift left out of each fold the
    // items seeded from a text that fold tests (the same folds as the baseline's).
    const synthetic = await datasetTexts(
      s.app.services,
      Number(a.syntheticDataset.id),
      'datasetId',
      { seeds: true },
    );
    expect(synthetic.seededFrom).toHaveLength(24);
    const bySlot = new Map(slots.map((x) => [x.slot, x.examples]));
    const items = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { items(first: 50) { edges { node { data } } } } }',
      { id: a.syntheticDataset.id },
    );
    const itemSeeds = items.data.dataset.items.edges.map(
      (e: any) => bySlot.get(e.node.data.generation.slot) ?? null,
    );
    expect([...synthetic.seededFrom!].sort()).toEqual([...itemSeeds].sort());
    const after = await s.app.services.em.fork().findOneOrFail(TrainingRunSchema, Number(a.run.id));
    const own = await datasetTexts(s.app.services, Number(realId));
    const { folds } = stratifiedKFold(own.labels, 3, (after.config as any).seed);
    const expected = folds.map((fold) => {
      const tested = new Set(Array.from(fold.test, (i) => seedKey(own.texts[i]!)));
      return synthetic.seededFrom!.filter((seeds) => seeds?.some((t) => tested.has(seedKey(t))))
        .length;
    });
    expect(a.lift.seeded).toEqual({ rows: 24, excludedPerFold: expected });
    const total = expected.reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(24 * 3);
    expect((after.metrics as any).evaluation.seededExcluded).toEqual(expected);
    // A curated copy keeps the provenance: its items are seeded from the same texts.
    const curated = await curateDataset(s.app.services, Number(a.syntheticDataset.id), {
      openingOnly: true,
    });
    const curatedTexts = await datasetTexts(s.app.services, curated.dataset.id, 'datasetId', {
      seeds: true,
    });
    expect([...curatedTexts.seededFrom!].sort()).toEqual([...itemSeeds].sort());
  });
});

describe('genesis augment', { timeout: 240_000 }, () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-augment-'));
    db = join(dir, 'augment.sqlite');
    writeFileSync(join(dir, 'real.csv'), csv(realData()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('augments a run end to end and prints the synthetic dataset, the new run and the lift', async () => {
    const imported = await genesis([
      'import',
      join(dir, 'real.csv'),
      '--kind',
      'utterances',
      '--json',
      '--db',
      db,
    ]);
    expect(imported.code).toBe(0);
    const datasetId = JSON.parse(imported.stdout).id;
    const trained = await genesis([
      'train',
      String(datasetId),
      '--preset',
      'cross_validation',
      '--cv',
      '3',
      '--json',
      '--db',
      db,
    ]);
    expect(trained.code).toBe(0);
    const runId = JSON.parse(trained.stdout).runId;

    const zero = await genesis(['augment', runId, '--count', '0', '--db', db]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--count: count must be at least 1');
    const weight = await genesis(['augment', runId, '--count', '5', '--weight', '-1', '--db', db]);
    expect(weight.code).toBe(2);
    expect(weight.stderr).toContain('--weight: weight must be greater than 0');
    const unknown = await genesis(['augment', '4242', '--count', '5', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('RUN: training run 4242 does not exist');

    const r = await genesis([
      'augment',
      runId,
      '--count',
      '24',
      '--provider',
      'local',
      '--json',
      '--db',
      db,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('completed');
    expect(out.syntheticDatasetId).toMatch(/^\d+$/);
    expect(out.runId).toMatch(/^\d+$/);
    expect(out.runId).not.toBe(runId);
    expect(out.baselineRunId).toBe(runId);
    expect(out.lift.perIntent).toHaveLength(3);
    expect(typeof out.lift.macroF1.delta).toBe('number');
    expect(out.plan.perIntent.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(24);
  });
});

describe('an augmentation stopped by a shutdown', { timeout: 180_000 }, () => {
  it('is taken over by the next process at the step it reached, reusing its generation job', async () => {
    const temp = await createTempDatabase('sqlite');
    const config = loadConfig({
      GENESIS_DB: (temp.db as { path: string }).path,
      GENESIS_LOG_LEVEL: 'silent',
    });
    const services = await initORM(config.db);
    const managers = () => {
      const pubsub = createAppPubSub();
      const generation = new GenerationManager(services, pubsub, config);
      const training = new TrainingManager(services, pubsub);
      const augmentation = new AugmentationManager(services, pubsub, config, generation, training);
      return { pubsub, generation, training, augmentation };
    };
    try {
      const outcome = await importDataset(services.datasets(services.em.fork()), {
        source: csv(realData()),
        fileName: 'real.csv',
        kind: 'utterances',
      });
      if (!outcome.ok) throw new Error('import failed');
      const first = managers();
      const run = await first.training.start({
        datasetId: outcome.dataset.id,
        preset: 'cross_validation',
        cvFolds: 3,
      });
      await first.training.wait(run.id);
      // Stop as `serve` does (augmentations first) once the generation job exists.
      const events = first.pubsub.subscribe('augmentation:progress', 1);
      const a = await first.augmentation.start({ runId: run.id, count: 600, provider: 'local' });
      expect(a.id).toBe(1);
      for await (const e of events) if (e.step === 'generation' && e.jobId !== null) break;
      await first.augmentation.stopAll();
      await Promise.all([first.generation.stopAll(), first.training.stopAll()]);
      const stopped = await services.em.fork().findOneOrFail(AugmentationSchema, a.id);
      expect(stopped.status).toBe('running');
      expect(stopped.leaseOwner).toBeNull();
      const jobId = (stopped.job as { id: number }).id;

      const second = managers();
      expect(await second.augmentation.resumeInterrupted()).toEqual([a.id]);
      await second.augmentation.wait(a.id);
      const done = await services.em.fork().findOneOrFail(AugmentationSchema, a.id);
      expect(done.error ?? null).toBeNull();
      expect(done.status).toBe('completed');
      expect((done.job as { id: number }).id).toBe(jobId);
      expect(await services.em.fork().count(GenerationJobSchema, {})).toBe(1);
      const synthetic = await datasetTexts(services, (done.syntheticDataset as { id: number }).id);
      expect(synthetic.texts).toHaveLength(600);
      await Promise.all([second.generation.stopAll(), second.training.stopAll()]);
    } finally {
      await services.close();
      await temp.drop();
    }
  });
});
