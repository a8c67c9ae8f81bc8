/**
 * pnpm --filter @genesis/server exec tsx scripts/build-oracle-banking77.ts [--input FILE] [--output FILE]
 *
 * Builds the shipped Banking77 label oracle (hashed n-gram buckets and quantised weights only, never the text;
 * see docs/architecture.md, "Label fidelity") from the real training set, `../shared/data/banking77/train.csv`
 * beside the repo, and writes `data/reference/banking77.oracle.json`: 5-fold cross-validation first (the
 * real-vs-real band), then the model on all 10,003 texts. When the CSV is absent it says so and exits 0: the
 * shipped oracle stays as it is.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INTENT_IDS } from '@genesis/schema/catalog/intents';
import { parse as parseCsv } from 'csv-parse/sync';
import { REPO_ROOT } from '../src/platform/config.ts';
import { parseOracle, trainOracle } from '../src/validation/text/oracle.ts';

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: resolve(REPO_ROOT, '../shared/data/banking77/train.csv') },
    output: {
      type: 'string',
      default: resolve(REPO_ROOT, 'data/reference/banking77.oracle.json'),
    },
  },
});
const input = resolve(values.input!);
const output = resolve(values.output!);

if (!existsSync(input)) {
  console.log(`Banking77 not found at ${input}; nothing rebuilt (the shipped oracle is kept).`);
  process.exit(0);
}

const rows = parseCsv(readFileSync(input, 'utf8'), {
  columns: true,
  skip_empty_lines: true,
}) as Array<Record<string, string>>;
const known = new Set<string>(INTENT_IDS);
const texts: string[] = [];
const labels: string[] = [];
let rejected = 0;
for (const row of rows) {
  // Banking77's label column is called `category`; it is English only.
  if (row.text?.trim() && row.category && known.has(row.category)) {
    texts.push(row.text);
    labels.push(row.category);
  } else rejected++;
}
if (rejected) console.warn(`${rejected} rows rejected (no text or an unknown intent)`);

const started = performance.now();
const oracle = trainOracle(texts, labels, {
  name: 'Banking77 (train)',
  language: 'en',
  kind: 'utterances',
});
parseOracle(oracle);
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `${JSON.stringify(oracle)}\n`);
const seconds = (performance.now() - started) / 1000;
const columns = oracle.features.blocks.map((b) => Buffer.from(b.buckets, 'base64').length / 4);
const nonZero = Buffer.from(oracle.model.values, 'base64').length;
const total = columns.reduce((a, b) => a + b, 0) * oracle.labels.length;
console.log(
  `wrote ${output}: ${texts.length} texts, ${oracle.labels.length} intents, ` +
    `${columns.join(' + ')} hashed features, ${nonZero} of ${total} weights kept (${((100 * nonZero) / total).toFixed(1)}%), ` +
    `${(statSync(output).size / 1024).toFixed(0)} KiB, ${seconds.toFixed(1)} s`,
);
console.log(
  `  ${oracle.cv.folds}-fold CV accuracy ${oracle.cv.accuracy.mean.toFixed(4)} ± ${oracle.cv.accuracy.std.toFixed(4)} ` +
    `(folds ${oracle.cv.foldAccuracies.map((a) => a.toFixed(4)).join(', ')}), pooled top-1 ${oracle.cv.top1.toFixed(4)}, ` +
    `top-3 ${oracle.cv.top3.toFixed(4)}, temperature ${oracle.model.temperature}`,
);
