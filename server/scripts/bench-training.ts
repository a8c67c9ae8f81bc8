/**
 * Banking77 benchmark of the training library against scikit-learn, side by side on this machine.
 *
 * scikit-learn: FeatureUnion(word 1-2 + char_wb 2-5 TF-IDF, sublinear_tf) + LinearSVC(C=1), the best pipeline
 * in BASELINES.md, with LinearSVC's defaults written out: stopping tolerance tol=1e-4, max_iter=1000. liblinear
 * is single-threaded and cross_validate runs the folds one after another (n_jobs=None); the Python process is
 * also started with OMP/OpenBLAS/MKL limited to one thread, so scikit-learn uses ONE thread.
 *
 * Ours, two rows:
 * - the `best` preset as it ships: the same features, the same SVM (C=1), but stopping tolerance 0.1
 *   (liblinear's own default for its dual solvers) and the one-vs-rest problems fitted on every core
 *   (`--threads N` to change), so this row does NOT do the same work as scikit-learn;
 * - equal settings: the same features (accent folding off, as scikit-learn's default strip_accents=None), the
 *   same SVM, tol=1e-4, maxIter 1000, on ONE thread: the same work as scikit-learn.
 *
 * All are scored by 5-fold stratified CV on the SAME folds (ours, passed to scikit-learn as a PredefinedSplit),
 * and timed fitting vectorizer + model on all 10,003 texts (median of --repeats; ours includes booting its
 * worker threads when it has more than one: t threads are the calling thread and t − 1 workers). The timed fits
 * take turns (a round fits each side once, the order rotating from round to round), so load from other work on
 * a shared machine falls on all sides alike. One extra fit of ours on all texts counts the features and the
 * solver's passes over the data per class (scikit-learn's, from its timed fits: `n_iter_` is the largest over
 * the classes). Speed is only ever printed here, never asserted in tests.
 *
 * Old vs new in the same process: the SVM solver on the `best` features of all texts, one thread, at the
 * preset's tolerance, with its WebAssembly inner loops and with the JavaScript ones they replaced (CPU time,
 * alternating, median of --repeats), and whether both give every training text the same top class.
 *
 * Usage: tsx scripts/bench-training.ts [--csv PATH] [--repeats N] [--threads N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT } from '../src/platform/config.ts';
import type { TrainingConfig } from '../src/training/config.ts';
import { stratifiedKFold } from '../src/training/evaluate.ts';
import { Vectorizer } from '../src/training/features.ts';
import { fitLinearSvm } from '../src/training/models/svm.ts';
import { trainClassifier } from '../src/training/pipeline.ts';
import { presetConfig } from '../src/training/presets.ts';
import { linearScores } from '../src/training/sparse.ts';
import { defaultThreads } from '../src/training/threads.ts';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string', default: resolve(REPO_ROOT, '../shared/data/banking77/train.csv') },
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string' },
  },
});
const csvPath = resolve(args.csv!);
const repeats = Math.max(1, Number(args.repeats));
const presetThreads = args.threads === undefined ? defaultThreads() : Number(args.threads);
/** scikit-learn's LinearSVC defaults, which the equal-settings row uses too. */
const SKLEARN_TOL = 1e-4;
const SKLEARN_MAX_ITER = 1000;

if (!existsSync(csvPath)) {
  console.log(`bench:training skipped: Banking77 not found at ${csvPath} (pass --csv PATH).`);
  process.exit(0);
}

const rows = parse(readFileSync(csvPath), { columns: true }) as {
  text: string;
  category: string;
}[];
const data = { texts: rows.map((r) => r.text), labels: rows.map((r) => r.category) };
const FOLDS = 5;
const best = presetConfig('best');
if (best.model.kind !== 'svm') throw new Error('expected the best preset to be an SVM');
const { folds } = stratifiedKFold(data.labels, FOLDS, best.seed);
const testFold = new Array<number>(data.texts.length);
folds.forEach((fold, f) => {
  for (const i of fold.test) testFold[i] = f;
});
const equal: TrainingConfig = {
  ...best,
  features: { ...best.features, foldAccents: false },
  model: { ...best.model, tol: SKLEARN_TOL, maxIter: SKLEARN_MAX_ITER },
};

console.log(
  `Banking77: ${data.texts.length} texts, ${new Set(data.labels).size} intents; ${cpus()[0]?.model ?? '?'}, ` +
    `${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);

interface Side {
  name: string;
  tol: number;
  maxIter: number;
  threads: number;
  cvAccuracy: number;
  cvStd: number;
  macroF1: number;
  cvSeconds: number;
  /** Wall-clock seconds of each timed fit on all texts; `fitSeconds` is their median. */
  fitTimes: number[];
  fitSeconds: number;
  /** CPU seconds (every thread of the process) of each timed fit: steadier than wall clock on a busy machine. */
  fitCpu: number[];
  /** Features per block (word, char_wb) on all texts. */
  features: number[];
  /** Largest and mean passes over the data per class, fitting on all texts. */
  maxPasses: number;
  meanPasses?: number;
}

// --- ours: CV, features and passes --------------------------------------------------------------------
async function ours(name: string, config: TrainingConfig, threads: number): Promise<Side> {
  if (config.model.kind !== 'svm') throw new Error('expected an SVM');
  const cv = await trainClassifier(
    data,
    { ...config, evaluation: { kind: 'cv', folds: FOLDS } },
    { threads },
  );
  if (cv.evaluation?.kind !== 'cv') throw new Error('expected a CV evaluation');
  // Not timed: the features and the solver's passes per class of one fit on all texts (one thread, same result).
  const vectorizer = Vectorizer.fit(data.texts, config.features);
  const classes = [...new Set(data.labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const passes: number[] = [];
  fitLinearSvm(
    vectorizer.transform(data.texts),
    Int32Array.from(data.labels, (l) => index.get(l)!),
    classes.length,
    { ...config.model, seed: config.seed, onProgress: (p) => passes.push(p.iterations!) },
  );
  return {
    name,
    tol: config.model.tol,
    maxIter: config.model.maxIter,
    threads,
    cvAccuracy: cv.evaluation.accuracy.mean,
    cvStd: cv.evaluation.accuracy.std,
    macroF1: cv.evaluation.macroF1.mean,
    cvSeconds: cv.timings.evaluationSeconds,
    fitTimes: [],
    fitSeconds: Number.NaN,
    fitCpu: [],
    features: vectorizer.toJSON().blocks.map((b) => b.terms.length),
    maxPasses: Math.max(...passes),
    meanPasses: passes.reduce((a, b) => a + b, 0) / passes.length,
  };
}

/** One timed fit of ours on all texts: vectorizer + model, as the deployable model is fitted. */
async function oursFit(
  config: TrainingConfig,
  threads: number,
): Promise<{ seconds: number; cpu: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await trainClassifier(data, { ...config, evaluation: { kind: 'none' } }, { threads });
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const preset = await ours('genesis `best` preset', best, presetThreads);
const equalSide = await ours('genesis, equal settings', equal, 1);

// --- scikit-learn, same folds, one Python process per task (the timing is inside Python) ---------------
const SKLEARN = `
import json, sys, time
import pandas as pd, sklearn
from sklearn.pipeline import make_pipeline, make_union
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC
from sklearn.model_selection import PredefinedSplit, cross_validate
args = json.load(sys.stdin)
df = pd.read_csv(args['csv'])
if len(df) != len(args['testFold']):
    sys.exit(f"row count differs: pandas {len(df)}, ours {len(args['testFold'])}")
def pipe():
    return make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True)),
        LinearSVC(C=1, tol=args['tol'], max_iter=args['maxIter']))
if args['task'] == 'cv':
    t = time.perf_counter()
    cv = cross_validate(pipe(), df.text, df.category, cv=PredefinedSplit(args['testFold']), scoring=['accuracy', 'f1_macro'])
    print(json.dumps({'version': sklearn.__version__, 'cvAccuracy': float(cv['test_accuracy'].mean()),
        'cvStd': float(cv['test_accuracy'].std()), 'macroF1': float(cv['test_f1_macro'].mean()),
        'cvSeconds': time.perf_counter() - t}))
else:
    t = time.perf_counter(); c = time.process_time(); fitted = pipe().fit(df.text, df.category)
    seconds = time.perf_counter() - t; cpu = time.process_time() - c
    union = fitted.steps[0][1]
    print(json.dumps({'fitSeconds': seconds, 'fitCpu': cpu,
        'features': [len(v.vocabulary_) for _, v in union.transformer_list],
        'maxPasses': int(fitted.steps[-1][1].n_iter_)}))
`;
function runSklearn(task: 'cv' | 'fit'): Record<string, unknown> {
  const python = spawnSync('/usr/bin/python3', ['-c', SKLEARN], {
    input: JSON.stringify({
      task,
      csv: csvPath,
      testFold,
      tol: SKLEARN_TOL,
      maxIter: SKLEARN_MAX_ITER,
    }),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (python.error || python.status !== 0) {
    throw new Error(python.error?.message ?? python.stderr.trim().split('\n').at(-1));
  }
  return JSON.parse(python.stdout.trim().split('\n').at(-1)!);
}
let sklearn: (Side & { version: string }) | null = null;
try {
  const cv = runSklearn('cv') as Pick<
    Side & { version: string },
    'version' | 'cvAccuracy' | 'cvStd' | 'macroF1' | 'cvSeconds'
  >;
  sklearn = {
    ...cv,
    name: `scikit-learn ${cv.version}`,
    tol: SKLEARN_TOL,
    maxIter: SKLEARN_MAX_ITER,
    threads: 1,
    fitTimes: [],
    fitSeconds: Number.NaN,
    fitCpu: [],
    features: [],
    maxPasses: Number.NaN,
  };
} catch (error) {
  console.log(
    `scikit-learn baseline skipped: ${(error as Error).message}` +
      ' (install it with `apt-get install -y python3-sklearn python3-pandas`)',
  );
}

// --- timed fits, taking turns ---------------------------------------------------------------------------
const timers: [Side, () => Promise<{ seconds: number; cpu: number }>][] = [
  [preset, () => oursFit(best, presetThreads)],
  [equalSide, () => oursFit(equal, 1)],
];
const sk = sklearn;
if (sk) {
  timers.push([
    sk,
    async () => {
      const out = runSklearn('fit') as Pick<Side, 'fitSeconds' | 'features' | 'maxPasses'> & {
        fitCpu: number;
      };
      sk.features = out.features;
      sk.maxPasses = out.maxPasses;
      return { seconds: out.fitSeconds, cpu: out.fitCpu };
    },
  ]);
}
for (let r = 0; r < repeats; r++) {
  for (let k = 0; k < timers.length; k++) {
    const [side, fit] = timers[(r + k) % timers.length]!;
    const { seconds, cpu } = await fit();
    side.fitTimes.push(seconds);
    side.fitCpu.push(cpu);
  }
}
for (const [side] of timers) side.fitSeconds = median(side.fitTimes);

// --- old vs new solver, same process -------------------------------------------------------------------
const solver = (() => {
  if (best.model.kind !== 'svm') throw new Error('expected an SVM');
  const vectorizer = Vectorizer.fit(data.texts, best.features);
  const x = vectorizer.transform(data.texts);
  const classes = [...new Set(data.labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(data.labels, (l) => index.get(l)!);
  const times = { wasm: [] as number[], js: [] as number[] };
  const top = { wasm: new Int32Array(0), js: new Int32Array(0) };
  for (let r = 0; r < repeats; r++) {
    for (const kernels of r % 2 ? (['js', 'wasm'] as const) : (['wasm', 'js'] as const)) {
      const before = process.cpuUsage();
      const model = fitLinearSvm(x, y, classes.length, { ...best.model, seed: best.seed, kernels });
      const cpu = process.cpuUsage(before);
      times[kernels].push((cpu.user + cpu.system) / 1e6);
      const scores = linearScores(x, model.weights, model.bias, classes.length);
      top[kernels] = Int32Array.from({ length: x.nRows }, (_, i) => {
        let arg = 0;
        for (let c = 1; c < classes.length; c++) {
          if (scores[i * classes.length + c]! > scores[i * classes.length + arg]!) arg = c;
        }
        return arg;
      });
    }
  }
  const same = top.wasm.filter((c, i) => c === top.js[i]).length;
  return { wasm: median(times.wasm), js: median(times.js), same, rows: x.nRows, times };
})();

// --- report -------------------------------------------------------------------------------------------
const pct = (x: number) => x.toFixed(4);
const sides = [preset, equalSide, ...(sklearn ? [sklearn] : [])];
const table = [
  [
    '',
    'tol',
    'threads',
    'features (word + char_wb)',
    'passes/class (max, mean)',
    'CV accuracy (5-fold)',
    'macro-F1',
    'CV time',
    `fit time (median of ${repeats})`,
    'fit CPU (all threads)',
  ],
  ...sides.map((s) => [
    s.name,
    String(s.tol),
    String(s.threads),
    s.features.map((n) => n.toLocaleString('en-US')).join(' + '),
    s.meanPasses === undefined ? `${s.maxPasses}, -` : `${s.maxPasses}, ${s.meanPasses.toFixed(1)}`,
    `${pct(s.cvAccuracy)} ± ${pct(s.cvStd)}`,
    pct(s.macroF1),
    `${s.cvSeconds.toFixed(1)} s`,
    `${s.fitSeconds.toFixed(2)} s`,
    `${median(s.fitCpu).toFixed(2)} s`,
  ]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log(
  `fit times in turn order: ${sides.map((s) => `${s.name} ${s.fitTimes.map((t) => t.toFixed(2)).join(', ')} s`).join('; ')}; ` +
    `load average now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
console.log(
  `max iterations: ${sides.map((s) => `${s.name} ${s.maxIter}`).join(', ')}; ` +
    'scikit-learn reports only the largest passes over its classes (n_iter_)',
);
console.log(
  `old vs new, same process (SVM solver, best features, tol ${best.model.kind === 'svm' ? best.model.tol : '?'}, ` +
    `one thread, CPU time, median of ${repeats}): WebAssembly inner loops ${solver.wasm.toFixed(2)} s, ` +
    `JavaScript ${solver.js.toFixed(2)} s, ratio ${(solver.wasm / solver.js).toFixed(2)}; ` +
    `same top class for ${solver.same} of ${solver.rows} training texts`,
);
if (sklearn) {
  const base = sklearn;
  const ratios = [preset, equalSide].map((s) => ({
    name: s.name,
    accuracyRatio: s.cvAccuracy / base.cvAccuracy,
    fitRatio: s.fitSeconds / base.fitSeconds,
    fitCpuRatio: median(s.fitCpu) / median(base.fitCpu),
    cvRatio: s.cvSeconds / base.cvSeconds,
  }));
  for (const r of ratios) {
    console.log(
      `ratios (${r.name} / scikit-learn): accuracy ${r.accuracyRatio.toFixed(4)}, fit time ${r.fitRatio.toFixed(2)} ` +
        `(${(1 / r.fitRatio).toFixed(2)}× faster), fit CPU ${r.fitCpuRatio.toFixed(2)}, CV time ${r.cvRatio.toFixed(2)}`,
    );
  }
  console.log(
    'times are wall clock on a machine that may be shared with other work: compare the ratios of this run, ' +
      'not times across runs',
  );
  console.log(JSON.stringify({ preset, equal: equalSide, sklearn, ratios, solver }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
