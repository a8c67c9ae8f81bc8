/**
 * pnpm --filter @genesis/server exec tsx scripts/build-profile-domains.ts [--domain energy|sensors|financial]...
 *   [--data DIR] [--out DIR]
 *
 * Rebuilds the shipped time-series reference profiles of the energy, sensors and financial domains,
 * `data/reference/<domain>.profile.json`, from the real data beside the repo (`../shared/data/<domain>/`, long
 * format `series_id,series_type,timestamp,value`; each folder's README gives source, licence and checks). The
 * profiles are built per series type (`types` of the domain group), so each type of a dataset is measured
 * against the same type's real series. They hold statistics only, never a series' values. A domain whose CSV is
 * absent is skipped with a message, leaving its shipped profile as it is (exit 0).
 *
 * What the script does to the data before profiling (see `src/validation/series/reference-data.ts`):
 * - energy, sensors: hourly 1,000-point windows as published, one series each;
 * - air_quality: PM2.5 in µg/m³ becomes the US EPA air quality index (the catalog's unit), piecewise linear
 *   between the EPA breakpoints, capped at 500 (beyond the index);
 * - financial: daily; stocks, exchange rates and volumes are trading-day series (no weekend rows), kept with
 *   their timestamps so validation reads them on the trading-day calendar (a week is 5 points); each series is
 *   cut into non-overlapping windows of 250 points (a trading year; the remainder is dropped),
 *   and the real-vs-real halves never split the windows of one instrument; the bands also cover the same
 *   series cut a whole week later, two weeks later, ..., each set measured against the windows.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSeriesProfile, type SeriesProfile } from '../src/validation/series/profile.ts';
import {
  REFERENCE_DOMAINS,
  type ReferenceDomain,
  readReferenceSeries,
} from '../src/validation/series/reference-data.ts';

const root = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    domain: { type: 'string', multiple: true },
    data: { type: 'string', default: resolve(root, '../shared/data') },
    out: { type: 'string', default: resolve(root, 'data/reference') },
  },
});
const wanted = (values.domain ?? [...REFERENCE_DOMAINS]) as ReferenceDomain[];
for (const domain of wanted) {
  if (!REFERENCE_DOMAINS.includes(domain)) {
    console.error(`unknown domain "${domain}"; one of ${REFERENCE_DOMAINS.join(', ')}`);
    process.exit(2);
  }
}

/** JSON with arrays of numbers on one line: the same data as `JSON.stringify(x, null, 2)`, a third of the size. */
function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+([-\d.e+,\s]|null)+\]/g, (block) =>
    block.replace(/\s+/g, '').replace(/,/g, ', '),
  );
}

for (const domain of wanted) {
  const input = resolve(values.data!, domain, `${domain}.csv`);
  const output = resolve(values.out!, `${domain}.profile.json`);
  if (!existsSync(input)) {
    console.log(`skipped: ${input} is absent, so the ${domain} profile was not rebuilt`);
    continue;
  }
  const started = performance.now();
  const { raws, items, sources, shifted } = readReferenceSeries(domain, input);
  const profile: SeriesProfile = buildSeriesProfile(domain, items, {
    byType: true,
    sources,
    shifted,
  });
  const text = `${compactJson(profile)}\n`;
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, text);
  console.log(
    `wrote ${relative(process.cwd(), output)}: ${raws} series as ${profile.itemCount} items ` +
      `(${profile.skipped} skipped), ${(text.length / 1024).toFixed(0)} KiB, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const [type, stats] of Object.entries(profile.groups[domain]?.types ?? {})) {
    console.log(
      `  ${type}: ${stats.seriesCount} series, ${stats.frequency} ${stats.calendar}, ${stats.transform}` +
        (stats.bandShifts
          ? `, bands over ${stats.bandSplits} halvings and ${stats.bandShifts} shifted sets`
          : ''),
    );
    for (const [key, band] of Object.entries(stats.bands)) {
      console.log(`    real-vs-real ${key}: ${band.low} .. ${band.high} (median ${band.median})`);
    }
  }
}
