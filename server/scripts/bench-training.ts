/**
 * Banking77 benchmark of the training library against scikit-learn, side by side on this machine.
 *
 * Ours: the `best` preset. scikit-learn: FeatureUnion(word 1-2 + char_wb 2-5 TF-IDF, sublinear_tf) +
 * LinearSVC(C=1), the best pipeline in BASELINES.md. Both are scored by 5-fold stratified CV on the SAME
 * folds (ours, passed to scikit-learn as a PredefinedSplit), and timed fitting vectorizer + model on all
 * 10,003 texts (median of 3; ours includes booting its worker threads). Speed is only ever printed here,
 * never asserted in tests.
 *
 * Usage: tsx scripts/bench-training.ts [--csv PATH] [--repeats N] [--threads N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT } from '../src/platform/config.ts';
import { stratifiedKFold } from '../src/training/evaluate.ts';
import { trainClassifier } from '../src/training/pipeline.ts';
import { presetConfig } from '../src/training/presets.ts';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string', default: resolve(REPO_ROOT, '../shared/data/banking77/train.csv') },
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string' },
  },
});
const csvPath = resolve(args.csv!);
const repeats = Math.max(1, Number(args.repeats));
const threads = args.threads === undefined ? undefined : Number(args.threads);

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
const { folds } = stratifiedKFold(data.labels, FOLDS, best.seed);
const testFold = new Array<number>(data.texts.length);
folds.forEach((fold, f) => {
  for (const i of fold.test) testFold[i] = f;
});

console.log(
  `Banking77: ${data.texts.length} texts, ${new Set(data.labels).size} intents; ${cpus()[0]?.model ?? '?'}, ` +
    `${availableParallelism()} cores, Node ${process.version}`,
);

// --- ours ---------------------------------------------------------------------------------------------
const cvResult = await trainClassifier(
  data,
  { ...best, evaluation: { kind: 'cv', folds: FOLDS } },
  { threads },
);
if (cvResult.evaluation?.kind !== 'cv') throw new Error('expected a CV evaluation');
const ours = {
  cvAccuracy: cvResult.evaluation.accuracy.mean,
  cvStd: cvResult.evaluation.accuracy.std,
  macroF1: cvResult.evaluation.macroF1.mean,
  cvSeconds: cvResult.timings.evaluationSeconds,
  fitSeconds: median(
    await timeRepeats(async () => {
      await trainClassifier(data, { ...best, evaluation: { kind: 'none' } }, { threads });
    }),
  ),
};

// --- scikit-learn, same folds -------------------------------------------------------------------------
const SKLEARN = `
import json, sys, time, statistics
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
        LinearSVC(C=1))
t = time.perf_counter()
cv = cross_validate(pipe(), df.text, df.category, cv=PredefinedSplit(args['testFold']), scoring=['accuracy', 'f1_macro'])
cv_seconds = time.perf_counter() - t
fits = []
for _ in range(args['repeats']):
    t = time.perf_counter(); pipe().fit(df.text, df.category); fits.append(time.perf_counter() - t)
print(json.dumps({'version': sklearn.__version__, 'cvAccuracy': float(cv['test_accuracy'].mean()),
    'cvStd': float(cv['test_accuracy'].std()), 'macroF1': float(cv['test_f1_macro'].mean()),
    'cvSeconds': cv_seconds, 'fitSeconds': statistics.median(fits)}))
`;
const python = spawnSync('/usr/bin/python3', ['-c', SKLEARN], {
  input: JSON.stringify({ csv: csvPath, testFold, repeats }),
  encoding: 'utf8',
  maxBuffer: 16 * 1024 * 1024,
});
let sklearn: (typeof ours & { version: string }) | null = null;
if (python.error || python.status !== 0) {
  console.log(
    `scikit-learn baseline skipped: ${python.error?.message ?? python.stderr.trim().split('\n').at(-1)}` +
      ' (install it with `apt-get install -y python3-sklearn python3-pandas`)',
  );
} else {
  sklearn = JSON.parse(python.stdout.trim().split('\n').at(-1)!);
}

// --- report -------------------------------------------------------------------------------------------
const pct = (x: number) => x.toFixed(4);
const table = [
  ['', 'CV accuracy (5-fold)', 'macro-F1', 'CV time', `fit time (median of ${repeats})`],
  [
    'genesis best',
    `${pct(ours.cvAccuracy)} ± ${pct(ours.cvStd)}`,
    pct(ours.macroF1),
    `${ours.cvSeconds.toFixed(1)} s`,
    `${ours.fitSeconds.toFixed(2)} s`,
  ],
];
if (sklearn) {
  table.push([
    `scikit-learn ${sklearn.version}`,
    `${pct(sklearn.cvAccuracy)} ± ${pct(sklearn.cvStd)}`,
    pct(sklearn.macroF1),
    `${sklearn.cvSeconds.toFixed(1)} s`,
    `${sklearn.fitSeconds.toFixed(2)} s`,
  ]);
}
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
if (sklearn) {
  const accuracyRatio = ours.cvAccuracy / sklearn.cvAccuracy;
  const fitRatio = ours.fitSeconds / sklearn.fitSeconds;
  console.log(
    `ratios (genesis / scikit-learn): accuracy ${accuracyRatio.toFixed(4)}, fit time ${fitRatio.toFixed(2)} ` +
      `(${(1 / fitRatio).toFixed(2)}× faster), CV time ${(ours.cvSeconds / sklearn.cvSeconds).toFixed(2)}`,
  );
  console.log(JSON.stringify({ ours, sklearn, accuracyRatio, fitRatio }));
}

async function timeRepeats(fn: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    await fn();
    times.push((performance.now() - started) / 1000);
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
