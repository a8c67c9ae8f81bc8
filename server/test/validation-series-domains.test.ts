/**
 * The shipped time-series profiles of every domain: each loads and holds every series type of its domain (at
 * its real frequency: financial is daily, on trading days), none holds a raw series, a dataset that mixes
 * domains has each series type measured against its own domain's profile, and (with the real data in
 * ../shared/data, as in CI) one half of the real series passes against the profile and against the other half,
 * and the script rebuilds exactly the shipped files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { seriesTypesOfDomain } from '@genesis/schema/catalog/series';
import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import { parseDatasetFile } from '../src/registry/import.ts';
import {
  buildSeriesProfile,
  loadSeriesProfile,
  mergeSeriesProfiles,
  type SeriesProfile,
} from '../src/validation/series/profile.ts';
import { readSeries } from '../src/validation/series/read.ts';
import { REFERENCE_DOMAINS, readReferenceSeries } from '../src/validation/series/reference-data.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import { SKETCH_SIZE } from '../src/validation/series/stats.ts';
import { profileArgument, REFERENCE_PROFILES } from '../src/validation/service.ts';
import { engineSeries, metricOf, seeds } from './helpers/validation-data.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHARED = resolve(ROOT, '../shared/data');
const DOMAINS = ['electricity', ...REFERENCE_DOMAINS] as const;
const profileFile = (domain: string) => resolve(ROOT, `data/reference/${domain}.profile.json`);
const realFile = (domain: string) =>
  domain === 'electricity'
    ? resolve(SHARED, 'electricity/electricity_hourly.csv')
    : resolve(SHARED, `${domain}/${domain}.csv`);

const shipped = (domain: string) => loadSeriesProfile(profileFile(domain));
const combined = () => mergeSeriesProfiles('timeseries', DOMAINS.map(shipped));

describe('the shipped domain profiles', () => {
  it.each(REFERENCE_DOMAINS)(
    '%s loads, is small, and holds every series type of its domain',
    (domain) => {
      expect(statSync(profileFile(domain)).size).toBeLessThan(300 * 1024);
      const profile = shipped(domain);
      expect(profile).toMatchObject({
        format: 'genesis-lab/series-profile',
        name: domain,
        skipped: 0,
      });
      const group = profile.groups[domain]!;
      const ids = seriesTypesOfDomain(domain).map((t) => t.id);
      expect(Object.keys(group.types ?? {}).sort()).toEqual([...ids].sort());
      for (const [id, stats] of Object.entries(group.types!)) {
        expect(stats.seriesCount, id).toBeGreaterThanOrEqual(10);
        expect(stats.bandSplits, id).toBe(20);
        // Financial bands also cover the same series cut a week later, two weeks later, ..., a window on.
        const weekShifts = domain !== 'financial' ? undefined : id === 'crypto_price' ? 35 : 49;
        expect(stats.bandShifts, id).toBe(weekShifts);
        for (const key of ['marginal_ks', 'marginal_wasserstein', 'acf_distance']) {
          expect(stats.bands[key], `${id} ${key}`).toBeDefined();
          expect(stats.bands[key]!.low).toBeLessThanOrEqual(stats.bands[key]!.high);
        }
      }
    },
  );

  it('records each type at its real frequency: hourly energy and sensors, daily trading-day markets', () => {
    for (const domain of ['energy', 'sensors']) {
      for (const stats of Object.values(shipped(domain).groups[domain]!.types!)) {
        expect(stats).toMatchObject({ frequency: '1H', stepMs: 3_600_000, calendar: 'continuous' });
      }
    }
    const financial = shipped('financial').groups.financial!.types!;
    for (const [id, stats] of Object.entries(financial)) {
      expect(stats, id).toMatchObject({
        frequency: '1D',
        stepMs: 86_400_000,
        calendar: id === 'crypto_price' ? 'continuous' : 'trading_days',
      });
      // No daily profile of daily data; a week of trading days where it means something (volumes).
      expect(stats.seasonality.daily, id).toEqual([]);
      expect(stats.bands.daily_seasonality, id).toBeUndefined();
    }
    expect(financial.trading_volume!.bands.weekly_seasonality).toBeDefined();
    expect(financial.stock_price!.transform).toBe('returns');
    // Windows of one instrument never sit on both sides of a real-vs-real split.
    expect(financial.stock_price!.sources).toBe(9);
  });

  it('electricity covers its four types as one domain', () => {
    const group = shipped('electricity').groups.electricity!;
    expect(group.types).toBeUndefined();
    const report = validateSeries(
      ['residential_consumption', 'grid_demand'].flatMap((t) =>
        seeds(6).map((s) => engineSeries(t, s)),
      ),
      { profile: combined() },
    );
    expect(metricOf(report, 'fidelity.electricity.marginal_ks').details).toMatchObject({
      referenceSeries: 203,
    });
    expect(report.metrics.some((m) => m.id.startsWith('fidelity.residential_consumption.'))).toBe(
      false,
    );
  });

  it.each(DOMAINS)('%s holds statistics only: no raw series, no run of real values', (domain) => {
    const json = JSON.parse(readFileSync(profileFile(domain), 'utf8')) as unknown;
    const arrays: number[][] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) {
        const numbers = x.filter((y) => typeof y === 'number');
        if (numbers.length > 0) arrays.push(numbers);
        x.forEach(walk);
      } else if (x && typeof x === 'object') {
        // acf.lags is the index 1..48, 168: consecutive integers any counter-like series also has.
        for (const [k, y] of Object.entries(x)) if (k !== 'lags') walk(y);
      }
    };
    walk(json);
    // The longest numeric arrays are the quantile sketches; a series would be 250..2,500 points.
    expect(Math.max(...arrays.map((a) => a.length))).toBeLessThanOrEqual(SKETCH_SIZE);
    if (!existsSync(realFile(domain))) return;
    // No 4 consecutive distinct real values (as the profile would round them) appear in a row in the profile.
    const key = (xs: number[]) => xs.map((x) => Number(x.toPrecision(5))).join(',');
    const grams = new Set<string>();
    for (const a of arrays)
      for (let i = 0; i + 4 <= a.length; i++) grams.add(key(a.slice(i, i + 4)));
    const items =
      domain === 'electricity'
        ? electricityItems()
        : readReferenceSeries(domain, realFile(domain)).items;
    let checked = 0;
    const found: string[] = [];
    for (const item of items) {
      const target = item.target as number[];
      for (let i = 0; i + 4 <= target.length; i++) {
        const run = target.slice(i, i + 4);
        if (new Set(run).size < 4) continue;
        checked++;
        if (grams.has(key(run))) found.push(`${String(item.series_id)} at ${i}: ${key(run)}`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(found).toEqual([]);
  });
});

describe('a dataset that mixes domains', () => {
  const mixed = [
    ...seeds(12).map((s) => engineSeries('residential_consumption', s)),
    ...seeds(12).map((s) => engineSeries('solar_generation', s)),
    ...seeds(12).map((s) => engineSeries('temperature', s)),
    ...seeds(12).map((s) => engineSeries('stock_price', s, { frequency: '1D', length: 500 })),
    ...seeds(12).map((s) => engineSeries('crypto_price', s, { frequency: '1H' })),
  ];

  it("measures each series type against its own domain's profile", () => {
    const report = validateSeries(mixed, { profile: combined() });
    expect(report.reference).toMatchObject({ name: 'timeseries', kind: 'timeseries' });
    for (const [type, reference, series] of [
      ['solar_generation', 'energy', 81],
      ['temperature', 'sensors', 56],
      ['stock_price', 'financial', 56],
    ] as const) {
      const ks = metricOf(report, `fidelity.${type}.marginal_ks`);
      expect(ks.value, type).not.toBeNull();
      expect(ks.details, type).toMatchObject({
        seriesType: type,
        reference,
        scope: 'series_type',
        datasetSeries: 12,
        referenceSeries: series,
      });
      expect(ks.band, type).toBeDefined();
      const acf = report.distributions.find((d) => d.id === `acf.${type}`)!;
      expect(acf.referenceName, type).toBe(reference);
    }
    expect(metricOf(report, 'fidelity.electricity.marginal_ks').value).not.toBeNull();
    // A price's returns have no seasonality, and daily data no daily cycle: those do not apply.
    expect(metricOf(report, 'fidelity.stock_price.daily_seasonality')).toMatchObject({
      verdict: 'not_computable',
      applicable: false,
    });
    expect(report.coverage?.parts.filter((p) => p.dimension === 'domain')).toEqual(
      ['electricity', 'energy', 'financial', 'sensors'].map((key) =>
        expect.objectContaining({ key, referenced: true }),
      ),
    );
  });

  it('says the frequencies differ instead of comparing hourly prices with daily ones', () => {
    const report = validateSeries(mixed, { profile: combined() });
    for (const key of ['marginal_ks', 'acf_distance', 'discriminator']) {
      expect(metricOf(report, `fidelity.crypto_price.${key}`)).toMatchObject({
        value: null,
        verdict: 'not_computable',
        reason:
          "the frequencies differ: the reference's crypto_price series are daily (1D), the dataset's are hourly (1H); series of different frequencies are not compared",
        details: { reference: 'financial', referenceFrequency: '1D', otherFrequency: 12 },
      });
    }
  });

  it('keeps an explicit profile: a domain it lacks is not computable, with the reason', () => {
    const report = validateSeries(mixed, { profile: shipped('energy') });
    expect(metricOf(report, 'fidelity.sensors.marginal_ks')).toMatchObject({
      verdict: 'not_computable',
      reason: "the reference profile 'energy' has no sensors series (it covers energy)",
    });
    expect(metricOf(report, 'fidelity.solar_generation.marginal_ks').value).not.toBeNull();
  });

  it('a series type the per-type reference lacks is not computable, with the reason', () => {
    const profile = buildSeriesProfile(
      'solar only',
      seeds(12).map((s) => engineSeries('solar_generation', s + 100)),
      { byType: true },
    );
    const report = validateSeries(
      [
        ...seeds(12).map((s) => engineSeries('solar_generation', s)),
        ...seeds(12).map((s) => engineSeries('wind_generation', s)),
      ],
      { profile },
    );
    expect(metricOf(report, 'fidelity.solar_generation.marginal_ks').value).not.toBeNull();
    expect(metricOf(report, 'fidelity.wind_generation.marginal_ks')).toMatchObject({
      verdict: 'not_computable',
      reason:
        "the reference profile 'solar only' has no wind_generation series (it covers solar_generation)",
      details: { seriesType: 'wind_generation', reference: 'solar only' },
    });
    expect(report.coverage?.parts).toContainEqual(
      expect.objectContaining({
        dimension: 'series_type',
        key: 'wind_generation',
        referenced: false,
      }),
    );
  });

  it('the shipped choices: one profile per domain, and `timeseries` combining them', () => {
    const ids = REFERENCE_PROFILES.filter((p) => p.kind === 'timeseries').map((p) => p.id);
    expect(ids).toEqual(['electricity', 'energy', 'sensors', 'financial', 'timeseries']);
    expect(REFERENCE_PROFILES.find((p) => p.id === 'timeseries')?.combines).toEqual(DOMAINS);
    expect(profileArgument('energy')).toEqual({ profile: 'energy' });
    expect(() => profileArgument('nope')).toThrow(
      /shipped: banking77, electricity, or the path of a profile file .*; more shipped time-series profiles: energy, sensors, financial, timeseries/,
    );
  });
});

describe('trading days', () => {
  const weekdays = (count: number) => {
    const out: string[] = [];
    for (let t = Date.parse('2024-01-01T00:00:00Z'); out.length < count; t += 86_400_000) {
      const day = new Date(t).getUTCDay();
      if (day !== 0 && day !== 6) out.push(new Date(t).toISOString());
    }
    return out;
  };
  const base = engineSeries('stock_price', 1, { frequency: '1D', length: 60 });

  it('a daily series without weekends reads as trading days, with no gaps', () => {
    const view = readSeries({ ...base, timestamps: weekdays(60) }, 0);
    expect(view.calendar).toBe('trading_days');
    expect(view.clean).toBe(true);
  });

  it('a hole longer than a long weekend is still a gap', () => {
    const stamps = weekdays(70);
    const holed = [...stamps.slice(0, 30), ...stamps.slice(40)];
    const view = readSeries({ ...base, timestamps: holed }, 0);
    expect(view.calendar).toBe('trading_days');
    expect(view.problems.get('gaps')).toMatch(/skips/);
  });
});

/** The real electricity series, as its profile script reads them. */
function electricityItems(): Record<string, unknown>[] {
  const parsed = parseDatasetFile(readFileSync(realFile('electricity'), 'utf8'), {
    kind: 'timeseries',
    seriesType: 'commercial_consumption',
    filename: 'electricity_hourly.csv',
  });
  if (!parsed.ok) throw new Error('the real electricity CSV no longer imports');
  return parsed.items.map((item) => item.data as Record<string, unknown>);
}

/** The real series of a domain split in two halves by source (an instrument's windows stay together). */
function halves(domain: (typeof DOMAINS)[number]) {
  const { items, sources } =
    domain === 'electricity'
      ? (() => {
          const all = electricityItems();
          return { items: all, sources: all.map((i) => String(i.series_id)) };
        })()
      : readReferenceSeries(domain, realFile(domain));
  const left = new Set<string>();
  const right = new Set<string>();
  for (const source of new Random(`halves:${domain}`).shuffle([...new Set(sources)])) {
    (left.size <= right.size ? left : right).add(source);
  }
  const pick = (side: Set<string>) => items.filter((_, i) => side.has(sources[i]!));
  return {
    a: pick(left),
    b: pick(right),
    bSources: sources.filter((s) => right.has(s)),
  };
}

describe.each(DOMAINS)('real %s series', (domain) => {
  const present = existsSync(realFile(domain));

  it.skipIf(!present)(
    "one half passes against its domain's profile and against the other half",
    () => {
      const { a, b, bSources } = halves(domain);
      const checks: [string, SeriesProfile][] = [
        ['shipped', shipped(domain)],
        [
          'other half',
          buildSeriesProfile(
            `${domain} (other half)`,
            b,
            domain === 'electricity' ? {} : { byType: true, sources: bSources },
          ),
        ],
      ];
      for (const [against, profile] of checks) {
        const report = validateSeries(a, { profile });
        const fidelity = report.metrics.filter((m) => m.group === 'fidelity');
        expect(fidelity.filter((m) => m.value !== null).length, against).toBeGreaterThanOrEqual(
          domain === 'financial' ? 13 : 6,
        );
        for (const m of fidelity) expect(m.verdict, `${against}: ${m.id}`).not.toBe('fail');
        expect(report.overall.verdict, `${against}: ${report.reason}`).toBe('pass');
      }
    },
    60_000,
  );

  it.skipIf(!present || domain === 'electricity')(
    'is what the real data rebuilds',
    () => {
      const { items, sources, shifted } = readReferenceSeries(
        domain as (typeof REFERENCE_DOMAINS)[number],
        realFile(domain),
      );
      const rebuilt = buildSeriesProfile(domain, items, { byType: true, sources, shifted });
      expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(shipped(domain));
    },
    60_000,
  );
});
