/**
 * pnpm --filter @genesis/server exec tsx scripts/build-profile-banking77.ts [--input FILE] [--output FILE]
 *
 * Builds the shipped Banking77 reference profile (statistics only, never the text) from the real training set,
 * `../shared/data/banking77/train.csv` beside the repo (columns `text,category`, category = intent label), and
 * writes `data/reference/banking77.profile.json`. When the CSV is absent it says so and exits 0: the shipped
 * profile stays as it is.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssues } from '@genesis/schema/issues';
import { type Utterance, UtteranceSchema } from '@genesis/schema/utterance';
import { parse as parseCsv } from 'csv-parse/sync';
import * as v from 'valibot';
import { REPO_ROOT } from '../src/platform/config.ts';
import { buildTextProfile } from '../src/validation/text/profile.ts';

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: resolve(REPO_ROOT, '../shared/data/banking77/train.csv') },
    output: {
      type: 'string',
      default: resolve(REPO_ROOT, 'data/reference/banking77.profile.json'),
    },
  },
});
const input = resolve(values.input!);
const output = resolve(values.output!);

if (!existsSync(input)) {
  console.log(`Banking77 not found at ${input}; nothing rebuilt (the shipped profile is kept).`);
  process.exit(0);
}

const rows = parseCsv(readFileSync(input, 'utf8'), {
  columns: true,
  skip_empty_lines: true,
}) as Array<Record<string, string>>;
const items: Utterance[] = [];
const rejected: string[] = [];
rows.forEach((row, index) => {
  // Banking77 is English only; its label column is called `category`.
  const parsed = v.safeParse(UtteranceSchema, {
    text: row.text,
    intent: row.category,
    language: 'en',
  });
  if (parsed.success) items.push(parsed.output);
  else {
    const why = formatIssues(parsed.issues).map((e) =>
      e.path ? `${e.path}: ${e.message}` : e.message,
    );
    rejected.push(`row ${index + 2}: ${why.join('; ')}`);
  }
});
if (rejected.length > 0) {
  console.warn(`${rejected.length} rows rejected:\n  ${rejected.slice(0, 10).join('\n  ')}`);
}

const started = performance.now();
const profile = buildTextProfile('Banking77 (train)', items, 'utterances');
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `${JSON.stringify(profile)}\n`);
const seconds = (performance.now() - started) / 1000;
console.log(
  `wrote ${output}: ${profile.itemCount} utterances, ${Object.keys(profile.intentCounts).length} intents, ` +
    `${profile.sketch.count} sketch signatures, ${(statSync(output).size / 1024).toFixed(0)} KiB, ${seconds.toFixed(1)} s`,
);
for (const [id, band] of Object.entries(profile.bands)) {
  console.log(
    `  ${id.padEnd(32)} real-vs-real ${band.low.toFixed(4)} .. ${band.median.toFixed(4)} .. ${band.high.toFixed(4)}`,
  );
}
