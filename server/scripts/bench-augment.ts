/**
 * Augmentation benchmark on Banking77 **train only** (docs/curation.md, "Augment"; results in BENCHMARKS.md).
 *
 * The split, fixed by --seed: for each k (5 and 10 by default) a small real set of k texts per intent, and one
 * development set of every text that is in none of the real sets. The development set scores every row; nothing
 * else is used for choices (the plan reads only the real set's cross-validation), and the Banking77 test split is
 * never read.
 *
 * Rows per k, each a real run through the services on a throw-away SQLite database with the local provider:
 * - real only: the `cross_validation` preset on the k-shot set (the baseline the plan is read from);
 * - real + untargeted synthetic: a generation job of --count items over every intent equally, then a run on
 *   real + synthetic (same preset, folds and seed);
 * - real + targeted: `AugmentationManager` (plan from the baseline's CV, exact per-intent counts, contrasts);
 * - both again with curation (the curated copy trained on instead): the augmentation's own rules
 *   (`augmentationCurationRules`: language mismatch, near-duplicates, opening exchange only), or with
 *   --min-label-fidelity P / --label-check the label-fidelity oracle or the confident-learning check on top;
 * - real + targeted, seeded (`--rows seeded`): the augmentation with `seeds`, each intent's k real texts as
 *   few-shot seeds of the local writer;
 * - synthetic only, before and after curation (the untargeted set).
 * Untargeted generation is in the languages of the real set, as the augmentation's is.
 * Each row's model (fitted on all of its training data) is scored on the development set: accuracy and macro-F1,
 * and the wall time of its generation (+ curation) and training. Runs one after another in this process.
 * Each row is also scored without the development texts its training data holds word for word (case and
 * punctuation folded): short common questions the local writer's tables can write exactly as a real customer did.
 * The accuracy is also given on two fixed halves of the development set (A and B, by a hash of each text): when
 * the local writer's phrase tables are revised from the errors on the development set, read only half A's
 * errors and quote half B's accuracy as the figure nothing was tuned on (docs/curation.md, "Augment").
 *
 * --seed fixes the split and, unless --generation-seed is given, the generation too: --generation-seed G draws other
 * synthetic items over the same split, so a setting can be compared with the same development set on several draws
 * (one draw's figure moves by up to 0.7 points from another's; BENCHMARKS.md, "Augmentation").
 *
 * Usage: tsx scripts/bench-augment.ts [--csv PATH] [--k 5,10] [--count N] [--weight W] [--seed S]
 *   [--generation-seed G] [--min-label-fidelity P] [--label-check]
 *   [--rows untargeted,targeted,curated,seeded,synthetic]
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Random } from '@genesis/schema/random';
import { parse } from 'csv-parse/sync';
import {
  AUGMENT_DEFAULT_FLOOR,
  AugmentationManager,
  augmentationCurationRules,
  languagesOf,
} from '../src/augmentation/service.ts';
import { curateDataset } from '../src/curation/service.ts';
import { GenerationManager } from '../src/generation/service.ts';
import { loadConfig, REPO_ROOT } from '../src/platform/config.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite } from '../src/platform/db/temp-database.ts';
import { createAppPubSub } from '../src/platform/pubsub.ts';
import { importDataset } from '../src/registry/service.ts';
import { metricsFromConfusion } from '../src/training/evaluate.ts';
import { loadModel } from '../src/training/pipeline.ts';
import { datasetTexts, TrainingManager } from '../src/training/service.ts';
import { TrainingRunSchema } from '../src/training/training-run.entity.ts';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string', default: resolve(REPO_ROOT, '../shared/data/banking77/train.csv') },
    k: { type: 'string', default: '5,10' },
    count: { type: 'string', default: '7700' },
    weight: { type: 'string', default: '1' },
    seed: { type: 'string', default: '77' },
    'generation-seed': { type: 'string' },
    'min-label-fidelity': { type: 'string' },
    'label-check': { type: 'boolean', default: false },
    floor: { type: 'string' },
    /** Which rows besides "real only" (for trying settings on one row): untargeted, targeted, curated, seeded, synthetic. */
    rows: { type: 'string', default: 'untargeted,targeted,curated,synthetic' },
  },
});
const csvPath = resolve(args.csv!);
if (!existsSync(csvPath)) {
  console.log(`bench:augment skipped: Banking77 train not found at ${csvPath} (pass --csv PATH).`);
  process.exit(0);
}
const ks = args.k!.split(',').map(Number);
const count = Number(args.count);
const weight = Number(args.weight);
const seed = Number(args.seed);
/** The seed of the synthetic items' generation (untargeted and augmentation): --seed unless given. */
const generationSeed =
  args['generation-seed'] === undefined ? seed : Number(args['generation-seed']);
const minLabelFidelity =
  args['min-label-fidelity'] === undefined ? undefined : Number(args['min-label-fidelity']);

const wanted = new Set(args.rows!.split(','));
const want = (name: string) => wanted.has(name);
const rows = parse(readFileSync(csvPath), { columns: true }) as {
  text: string;
  category: string;
}[];

/** The half of the development set a text is in: fixed by the text alone, so the same for every split seed. */
function devHalf(text: string): 'A' | 'B' {
  return new Random(`half:${text}`).chance(0.5) ? 'A' : 'B';
}

// The split: per intent, a seeded shuffle; the first max(k) are the real sets' pool, the rest the dev set.
const byIntent = new Map<string, string[]>();
for (const r of rows) {
  const list = byIntent.get(r.category) ?? [];
  list.push(r.text);
  byIntent.set(r.category, list);
}
const maxK = Math.max(...ks);
const realPool = new Map<string, string[]>();
const dev = { texts: [] as string[], labels: [] as string[], half: [] as ('A' | 'B')[] };
for (const [intent, texts] of [...byIntent].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const shuffled = new Random(`split:${seed}:${intent}`).shuffle([...texts]);
  realPool.set(intent, shuffled.slice(0, maxK));
  for (const t of shuffled.slice(maxK)) {
    dev.texts.push(t);
    dev.labels.push(intent);
    dev.half.push(devHalf(t));
  }
}

const temp = await createTempSqlite();
if (temp.db.type !== 'sqlite') throw new Error('expected a SQLite database');
const config = loadConfig({ GENESIS_DB: temp.db.path, GENESIS_LOG_LEVEL: 'silent' });
const services = await initORM(config.db);
const pubsub = createAppPubSub();
const generation = new GenerationManager(services, pubsub, config);
const training = new TrainingManager(services, pubsub);
const augmentation = new AugmentationManager(services, pubsub, config, generation, training, {
  pollMs: 200,
});
const gunzipAsync = promisify(gunzip);

const csvOf = (texts: string[], labels: string[]) =>
  ['text,intent', ...texts.map((t, i) => `"${t.replaceAll('"', '""')}",${labels[i]}`)].join('\n');

async function importReal(k: number): Promise<number> {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const [intent, pool] of realPool) {
    for (const t of pool.slice(0, k)) {
      texts.push(t);
      labels.push(intent);
    }
  }
  const outcome = await importDataset(services.datasets(services.em.fork()), {
    source: csvOf(texts, labels),
    fileName: `banking77-k${k}.csv`,
    kind: 'utterances',
    name: `Banking77 train, ${k} per intent`,
  });
  if (!outcome.ok) throw new Error(`import failed: ${JSON.stringify(outcome.errors.slice(0, 3))}`);
  return outcome.dataset.id;
}

async function train(datasets: { id: number; weight: number }[]): Promise<number> {
  const run = await training.start({ datasets, preset: 'cross_validation', seed });
  await training.wait(run.id);
  return run.id;
}

/** A text as compared for twins: lower case, letters and digits only, single spaces. */
const folded = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * The development texts that a run's training data holds word for word (after folding case and punctuation): the
 * local writer's phrase tables can write a short common question exactly as a real customer did ("How do I close
 * my account?"), and such a text is recalled rather than generalised to. Marks them, so each row is also scored
 * without them.
 */
async function twinsOf(run: {
  lineage: { dataset: { id: number }; datasets?: { id: number }[] } | null;
}) {
  const ids =
    run.lineage?.datasets?.map((d) => d.id) ?? (run.lineage ? [run.lineage.dataset.id] : []);
  const trained = new Set<string>();
  for (const id of ids)
    for (const t of (await datasetTexts(services, id)).texts) trained.add(folded(t));
  return dev.texts.map((t) => trained.has(folded(t)));
}

/**
 * Scores a run's stored model (fitted on all its training data) on the development set, on its halves, and on the
 * development texts its training data does not hold word for word (`accuracyNoTwins`, with their count).
 */
async function devScore(runId: number) {
  const run = await services.em
    .fork()
    .findOneOrFail(TrainingRunSchema, runId, { populate: ['model'] });
  if (run.status !== 'completed') throw new Error(`run ${runId} ${run.status}: ${run.error}`);
  const twins = await twinsOf(run as never);
  const model = loadModel(JSON.parse((await gunzipAsync(run.model!.unwrap()!)).toString('utf8')));
  const labels = [...new Set([...dev.labels, ...model.classes])].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  const predicted = model.predictMany(dev.texts, 1);
  const halves = { A: { n: 0, right: 0 }, B: { n: 0, right: 0 } };
  const untwinned = { n: 0, right: 0 };
  dev.labels.forEach((truth, i) => {
    confusion[index.get(truth)!]![index.get(predicted[i]![0]!.intent)!]!++;
    const right = predicted[i]![0]!.intent === truth;
    const half = halves[dev.half[i]!];
    half.n++;
    if (right) half.right++;
    if (!twins[i]) {
      untwinned.n++;
      if (right) untwinned.right++;
    }
  });
  const m = metricsFromConfusion(confusion, labels);
  const cv = (run.metrics as { evaluation?: { kind: string; accuracy?: { mean: number } } })
    .evaluation;
  return {
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    accuracyA: halves.A.right / Math.max(1, halves.A.n),
    accuracyB: halves.B.right / Math.max(1, halves.B.n),
    twins: dev.texts.length - untwinned.n,
    accuracyNoTwins: untwinned.right / Math.max(1, untwinned.n),
    cvAccuracy: cv?.kind === 'cv' ? cv.accuracy!.mean : null,
  };
}

async function generateUntargeted(k: number): Promise<number> {
  const texts = [...realPool.values()].flatMap((pool) => pool.slice(0, k));
  const languages = languagesOf(texts);
  const job = await generation.start({
    kind: 'conversations',
    count,
    provider: 'local',
    seed: generationSeed,
    name: `untargeted k=${k}`,
    ...(languages ? { targets: { languages } } : {}),
  });
  await generation.wait(job.id);
  return (job.dataset as { id: number }).id;
}

async function curate(datasetId: number, realId: number): Promise<number> {
  const r = await curateDataset(services, datasetId, {
    ...augmentationCurationRules('utterances'),
    ...(minLabelFidelity !== undefined ? { minLabelFidelity } : {}),
    ...(args['label-check'] ? { dropLabelDisagreement: true } : {}),
    ...(minLabelFidelity !== undefined || args['label-check']
      ? { referenceDatasetId: realId }
      : {}),
  });
  console.log(`  curation of dataset ${datasetId}: ${curationSummary(r.report)}`);
  return r.dataset.id;
}

function curationSummary(report: {
  kept: number;
  dropped: number;
  rules: Record<string, { dropped: number }>;
  trimmedTurns?: number;
}): string {
  const perRule = Object.entries(report.rules)
    .map(([rule, x]) => `${rule} ${x.dropped}`)
    .join(', ');
  return `kept ${report.kept}, dropped ${report.dropped} (${perRule})${report.trimmedTurns !== undefined ? `; ${report.trimmedTurns} later customer turns trimmed` : ''}`;
}

interface Row {
  k: number;
  row: string;
  items: number;
  accuracy: number;
  macroF1: number;
  accuracyA: number;
  accuracyB: number;
  twins: number;
  accuracyNoTwins: number;
  cvAccuracy: number | null;
  dataSeconds: number;
  trainSeconds: number;
}
const results: Row[] = [];
const itemsOf = async (id: number) =>
  (await services.datasets(services.em.fork()).findOneOrFail(id)).itemCount;

async function row(
  k: number,
  name: string,
  data: () => Promise<{ datasets: { id: number; weight: number }[] }>,
) {
  const t0 = performance.now();
  const { datasets } = await data();
  const t1 = performance.now();
  const runId = await train(datasets);
  const t2 = performance.now();
  const score = await devScore(runId);
  let items = 0;
  for (const d of datasets) items += await itemsOf(d.id);
  const r: Row = {
    k,
    row: name,
    items,
    ...score,
    dataSeconds: (t1 - t0) / 1000,
    trainSeconds: (t2 - t1) / 1000,
  };
  results.push(r);
  console.log(
    `k=${k} ${name}: dev accuracy ${r.accuracy.toFixed(4)} (A ${r.accuracyA.toFixed(4)}, B ${r.accuracyB.toFixed(4)}; ${r.accuracyNoTwins.toFixed(4)} without the ${r.twins} with a twin in training), macro-F1 ${r.macroF1.toFixed(4)} (${items} training items; data ${r.dataSeconds.toFixed(1)} s, training ${r.trainSeconds.toFixed(1)} s)`,
  );
}

const started = performance.now();
console.log(
  `bench:augment: Banking77 train (${rows.length} texts), k = ${ks.join(', ')}, dev set ${dev.texts.length} texts (half A ${dev.half.filter((h) => h === 'A').length}); ${count} synthetic items, weight ${weight}, plan floor ${args.floor ?? AUGMENT_DEFAULT_FLOOR}, curation ${JSON.stringify({ ...augmentationCurationRules('utterances'), ...(minLabelFidelity !== undefined ? { minLabelFidelity } : {}), ...(args['label-check'] ? { dropLabelDisagreement: true } : {}) })}, seed ${seed}${generationSeed !== seed ? ` (generation ${generationSeed})` : ''}; ${cpus().length} cores, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
try {
  for (const k of ks) {
    const realId = await importReal(k);
    let baselineRun = 0;
    await row(k, 'real only', async () => ({ datasets: [{ id: realId, weight: 1 }] }));
    baselineRun = (
      await services.em
        .fork()
        .findOneOrFail(TrainingRunSchema, { dataset: realId }, { orderBy: { id: 'desc' } })
    ).id;
    let untargeted = 0;
    let untargetedCurated = 0;
    if (want('untargeted')) {
      await row(k, 'real + untargeted', async () => {
        untargeted = await generateUntargeted(k);
        return {
          datasets: [
            { id: realId, weight: 1 },
            { id: untargeted, weight },
          ],
        };
      });
      if (want('curated')) {
        await row(k, 'real + untargeted, curated', async () => {
          untargetedCurated = await curate(untargeted, realId);
          return {
            datasets: [
              { id: realId, weight: 1 },
              { id: untargetedCurated, weight },
            ],
          };
        });
      }
    }
    const variants: { curated: boolean; seeded: boolean }[] = [];
    for (const seeded of [false, true]) {
      if (!want(seeded ? 'seeded' : 'targeted')) continue;
      variants.push({ curated: false, seeded });
      if (want('curated')) variants.push({ curated: true, seeded });
    }
    for (const { curated, seeded } of variants) {
      const t0 = performance.now();
      const a = await augmentation.start({
        runId: baselineRun,
        count,
        provider: 'local',
        weight,
        seed: generationSeed,
        curate: curated,
        seeds: seeded,
        ...(args.floor !== undefined ? { floor: Number(args.floor) } : {}),
      });
      await augmentation.wait(a.id);
      const done = await augmentation.get(a.id);
      if (done?.status !== 'completed') throw new Error(`augmentation ${a.id}: ${done?.error}`);
      const runId = (done.run as { id: number }).id;
      const curatedId = (done.curatedDataset as { id: number } | null)?.id;
      if (curatedId) {
        const d = await services.datasets(services.em.fork()).findOneOrFail(curatedId);
        const report = (d.source as { report?: Parameters<typeof curationSummary>[0] }).report;
        if (report) console.log(`  curation of dataset ${curatedId}: ${curationSummary(report)}`);
      }
      const score = await devScore(runId);
      const run = await services.em.fork().findOneOrFail(TrainingRunSchema, runId);
      const r: Row = {
        k,
        row: `real + targeted${seeded ? ', seeded' : ''}${curated ? ', curated' : ''}`,
        items: (run.lineage?.datasets ?? []).reduce((n, d) => n + d.itemCount, 0),
        ...score,
        dataSeconds: (performance.now() - t0) / 1000 - (run.durationMs ?? 0) / 1000,
        trainSeconds: (run.durationMs ?? 0) / 1000,
      };
      results.push(r);
      console.log(
        `k=${k} ${r.row}: dev accuracy ${r.accuracy.toFixed(4)} (A ${r.accuracyA.toFixed(4)}, B ${r.accuracyB.toFixed(4)}; ${r.accuracyNoTwins.toFixed(4)} without the ${r.twins} with a twin in training), macro-F1 ${r.macroF1.toFixed(4)} (${r.items} training items; augmentation ${(r.dataSeconds + r.trainSeconds).toFixed(1)} s)`,
      );
    }
    if (k === ks[ks.length - 1] && want('synthetic') && untargeted) {
      await row(k, 'synthetic only', async () => ({ datasets: [{ id: untargeted, weight: 1 }] }));
      if (untargetedCurated) {
        await row(k, 'synthetic only, curated', async () => ({
          datasets: [{ id: untargetedCurated, weight: 1 }],
        }));
      }
    }
  }
  console.log(
    '\n| k | training data | items | dev accuracy | dev A | dev B | dev macro-F1 | vs real only | dev texts with a twin in training | dev accuracy without them | data s | train s |',
  );
  console.log('| - | - | - | - | - | - | - | - | - | - | - | - |');
  for (const r of results) {
    const base = results.find((x) => x.k === r.k && x.row === 'real only')!;
    console.log(
      `| ${r.k} | ${r.row} | ${r.items} | ${r.accuracy.toFixed(4)} | ${r.accuracyA.toFixed(4)} | ${r.accuracyB.toFixed(4)} | ${r.macroF1.toFixed(4)} | ${(r.accuracy / base.accuracy).toFixed(3)}x | ${r.twins} | ${r.accuracyNoTwins.toFixed(4)} | ${r.dataSeconds.toFixed(1)} | ${r.trainSeconds.toFixed(1)} |`,
    );
  }
  console.log(
    `\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s; load at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await augmentation.stopAll();
  await generation.stopAll();
  await training.stopAll();
  await services.close();
  await temp.drop();
}
