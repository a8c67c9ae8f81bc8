/**
 * pnpm --filter @genesis/server exec tsx scripts/build-profile-electricity.ts [--input CSV] [--output JSON]
 *
 * Rebuilds `data/reference/electricity.profile.json`, the shipped time-series reference profile, from the real
 * hourly electricity subset beside the repo (`../shared/data/electricity/electricity_hourly.csv`: 203
 * Portuguese clients x 1,000 h, see its README). The profile holds statistics only, never a series' values.
 * Without the CSV it says so and exits 0, leaving the shipped profile as it is.
 *
 * The CSV's timestamps are placeholders (real time = placeholder + 2 days - 2 hours); they are kept as they
 * are, since nothing in the profile depends on the clock: seasonality strengths use positions in the series.
 * The clients are a mix of households and businesses; they are imported as one type
 * (`commercial_consumption`) and the profile compares by domain, so every electricity type is measured against
 * them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatImportIssue, parseDatasetFile } from '../src/registry/import.ts';
import { buildSeriesProfile } from '../src/validation/series/profile.ts';

const root = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    input: {
      type: 'string',
      default: resolve(root, '../shared/data/electricity/electricity_hourly.csv'),
    },
    output: { type: 'string', default: resolve(root, 'data/reference/electricity.profile.json') },
  },
});
const input = resolve(values.input!);
const output = resolve(values.output!);

if (!existsSync(input)) {
  console.log(`skipped: ${input} is absent, so the electricity profile was not rebuilt`);
  process.exit(0);
}

const started = performance.now();
const parsed = parseDatasetFile(readFileSync(input, 'utf8'), {
  kind: 'timeseries',
  seriesType: 'commercial_consumption',
  filename: input,
});
if (!parsed.ok) {
  console.error(`cannot read ${input}:`);
  for (const issue of parsed.errors.slice(0, 10)) console.error(`  ${formatImportIssue(issue)}`);
  process.exit(1);
}
const profile = buildSeriesProfile(
  'electricity',
  parsed.items.map((item) => item.data),
);
const text = `${JSON.stringify(profile, null, 2)}\n`;
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, text);
const group = profile.groups.electricity;
console.log(
  `wrote ${relative(process.cwd(), output)}: ${profile.itemCount} series (${profile.skipped} skipped), ` +
    `${(text.length / 1024).toFixed(0)} KiB, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
for (const [key, band] of Object.entries(group?.bands ?? {})) {
  console.log(`  real-vs-real ${key}: ${band.low} .. ${band.high} (median ${band.median})`);
}
