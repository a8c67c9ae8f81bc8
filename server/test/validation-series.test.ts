/**
 * The time-series fidelity report on constructed cases whose answer is known: broken series are counted, not
 * fatal; a dataset measured against itself is indistinguishable; white noise is told apart from electricity;
 * the engine's markets show the stylised facts; the shipped electricity profile loads and the engine's loads
 * score within sensible bands against it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Random } from '@genesis/schema/random';
import { ValidationReportSchema } from '@genesis/schema/reports';
import type { TimeSeries } from '@genesis/schema/timeseries';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseDatasetFile } from '../src/registry/import.ts';
import { discriminate } from '../src/validation/series/discriminator.ts';
import {
  buildSeriesProfile,
  loadSeriesProfile,
  parseSeriesProfile,
} from '../src/validation/series/profile.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import {
  ksDistance,
  seasonalStrength,
  sketchOf,
  wassersteinDistance,
} from '../src/validation/series/stats.ts';
import { engineSeries, metricOf, seeds } from './helpers/validation-data.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHIPPED = resolve(ROOT, 'data/reference/electricity.profile.json');
const REAL_CSV = resolve(ROOT, '../shared/data/electricity/electricity_hourly.csv');
const ELECTRICITY_TYPES = [
  'residential_consumption',
  'commercial_consumption',
  'industrial_load',
  'grid_demand',
];

/** White noise around a level, dressed as a commercial load. */
function whiteNoise(seed: number): TimeSeries {
  const rng = new Random(`noise-${seed}`);
  const base = engineSeries('commercial_consumption', seed);
  return { ...base, target: base.target.map(() => Math.max(0, rng.normal(100, 10))) };
}

describe('temporal consistency and bounds', () => {
  const good = engineSeries('residential_consumption', 1, { length: 200 });
  // Items as they may be stored; several would not pass TimeSeriesSchema.
  const withGap = {
    ...good,
    series_id: 'gap',
    target: good.target.filter((_, i) => i !== 50),
    timestamps: good.timestamps!.filter((_, i) => i !== 50),
    length: 199,
  };
  const nonFinite = {
    ...good,
    series_id: 'nan',
    target: good.target.map((x, i) => (i === 3 ? Number.NaN : i === 9 ? Infinity : x)),
  };
  const missing = {
    ...good,
    series_id: 'hole',
    target: good.target.map((x, i) => (i === 7 ? null : x)),
  };
  const humidity = engineSeries('humidity', 2, { length: 200 });
  const tooHumid = {
    ...humidity,
    series_id: 'humid',
    target: humidity.target.map((x, i) => (i === 20 ? 130 : x)),
  };
  const decreasing = {
    ...good,
    series_id: 'backwards',
    timestamps: good.timestamps!.map((t, i) => (i === 2 ? good.timestamps![0]! : t)),
  };
  const irregular = {
    ...good,
    series_id: 'jittery',
    timestamps: good.timestamps!.map((t, i) =>
      i >= 100 ? new Date(Date.parse(t) + 1_800_000).toISOString() : t,
    ),
  };
  const unknownFrequency = { ...good, series_id: 'freq', frequency: '2H', timestamps: undefined };
  const items: unknown[] = [
    good,
    withGap,
    nonFinite,
    missing,
    tooHumid,
    decreasing,
    irregular,
    unknownFrequency,
    null,
    'not a series',
    { series_id: 'empty', target: [] },
  ];
  const report = validateSeries(items, {});

  it('is a valid report that counts every item', () => {
    expect(() => v.parse(ValidationReportSchema, report)).not.toThrow();
    expect(report).toMatchObject({
      kind: 'timeseries',
      itemCount: 11,
      reference: null,
      bias: null,
    });
  });

  it('counts unreadable items and leaves them out of the other checks', () => {
    const unreadable = metricOf(report, 'consistency.unreadable');
    expect(unreadable).toMatchObject({ value: 0.2727, verdict: 'fail' });
    expect(unreadable.details).toMatchObject({
      offending: 3,
      of: 11,
      examples: ['item 8 is not an object', 'item 9 is not an object', 'empty has no values'],
    });
    expect(metricOf(report, 'consistency.order').details).toMatchObject({ of: 8 });
  });

  it('finds a gap, a hole and a length that disagrees', () => {
    const gaps = metricOf(report, 'consistency.gaps');
    expect(gaps.details).toMatchObject({
      offending: 2,
      examples: ['gap skips 1 point(s) of its frequency', 'hole has 1 missing value(s) (null)'],
    });
    expect(gaps.value).toBe(0.25);
    expect(gaps.verdict).toBe('fail');
  });

  it('finds NaN and Infinity', () => {
    expect(metricOf(report, 'consistency.non_finite').details).toMatchObject({
      offending: 1,
      examples: ['nan has 2 value(s) that are not finite numbers (first: NaN)'],
    });
  });

  it('finds out-of-bounds humidity, per type', () => {
    const bounds = metricOf(report, 'consistency.bounds');
    expect(bounds.details).toMatchObject({
      offending: 1,
      examples: ['humid: 1 value(s) of humidity out of bounds (first: 130)'],
      perType: { humidity: { series: 1, outOfBounds: 1 } },
    });
  });

  it('finds decreasing timestamps and irregular or unknown frequencies', () => {
    expect(metricOf(report, 'consistency.order').details).toMatchObject({
      offending: 1,
      examples: ['backwards: timestamp 2 (2024-01-01T00:00:00.000Z) is not after the previous one'],
    });
    expect(metricOf(report, 'consistency.frequency').details).toMatchObject({
      offending: 2,
      examples: [
        'jittery: timestamp 100 (2024-01-05T04:30:00.000Z) comes 90 min after the previous one; the frequency step is 60 min',
        'freq has frequency "2H", not one of 1min, 5min, 10min, 15min, 30min, 1H, 1D, 1W',
      ],
    });
  });

  it('passes a clean dataset', () => {
    const clean = validateSeries([good, humidity], {});
    for (const m of clean.metrics.filter((m) => m.group === 'consistency')) {
      expect(m, m.id).toMatchObject({ value: 0, verdict: 'pass' });
    }
  });

  it('says why nothing is computable for an empty dataset', () => {
    const empty = validateSeries([], {});
    expect(empty.overall).toEqual({ score: 0, verdict: 'not_computable' });
    expect(metricOf(empty, 'consistency.gaps')).toMatchObject({
      value: null,
      verdict: 'not_computable',
      reason: 'the dataset has no items',
    });
  });
});

describe('electricity acceptance checks', () => {
  it('a load with one negative value fails non-negative, counted per series', () => {
    const loads = ELECTRICITY_TYPES.map((type, i) =>
      engineSeries(type, 40 + i, { length: 24 * 21 }),
    );
    const clean = validateSeries(loads, {});
    expect(metricOf(clean, 'acceptance.electricity.non_negative')).toMatchObject({
      value: 0,
      verdict: 'pass',
      details: { offending: 0, of: 4 },
    });
    const broken = loads.map((s, i) =>
      i === 2 ? { ...s, target: s.target.map((x, k) => (k === 100 ? -3.5 : x)) } : s,
    );
    const report = validateSeries(broken, {});
    // 1 of the 4 series has a negative value; any negative load fails (warn = fail = 0).
    expect(metricOf(report, 'acceptance.electricity.non_negative')).toMatchObject({
      value: 0.25,
      verdict: 'fail',
      thresholds: { direction: 'lower_is_better', warn: 0, fail: 0 },
      details: { offending: 1, of: 4 },
    });
    // It is still a clean series for the other checks; the bounds check flags it too.
    expect(metricOf(report, 'consistency.bounds').details).toMatchObject({ offending: 1 });
  });
});

describe('statistics with known answers', () => {
  it('a pure daily cycle has daily strength 1; white noise about 0', () => {
    const cycle = Float64Array.from(
      { length: 24 * 30 },
      (_, i) => 10 + Math.sin((2 * Math.PI * i) / 24),
    );
    expect(seasonalStrength(cycle, 24, 168).daily).toBeCloseTo(1, 3);
    const rng = new Random(3);
    const noise = Float64Array.from({ length: 24 * 42 }, () => rng.normal());
    const { daily, weekly } = seasonalStrength(noise, 24, 168);
    expect(daily).toBeLessThan(0.05);
    expect(weekly).toBeLessThan(0.05);
    // Too short for three cycles: not measurable.
    expect(seasonalStrength(noise.subarray(0, 60), 24, 168)).toEqual({ daily: null, weekly: null });
  });

  it('KS and Wasserstein between N(0,1) and N(1,1) are 0.383 and 1', () => {
    const rng = new Random(4);
    const a = sketchOf(Float64Array.from({ length: 200_000 }, () => rng.normal()));
    const b = sketchOf(Float64Array.from({ length: 200_000 }, () => rng.normal(1)));
    expect(ksDistance(a, a)).toBe(0);
    expect(ksDistance(a, b)).toBeCloseTo(0.383, 2);
    expect(wassersteinDistance(a, b)).toBeCloseTo(1, 1);
  });

  it('the discriminator is at chance on identical rows and perfect on separated ones', () => {
    const rng = new Random(5);
    const rows = Array.from({ length: 100 }, () => [rng.normal(), rng.normal()]);
    const same = discriminate(rows, rows, ['a', 'b']);
    expect(same.ok && same.accuracy).toBeLessThan(0.65);
    const apart = discriminate(
      rows,
      rows.map(([a, b]) => [a! + 10, b!]),
      ['a', 'b'],
    );
    expect(apart).toMatchObject({ ok: true, perSide: 100, folds: 5 });
    expect(apart.ok && apart.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(discriminate(rows.slice(0, 5), rows, ['a', 'b'])).toMatchObject({
      ok: false,
      reason:
        'needs at least 10 series on each side; got 100 in the dataset and 5 in the reference',
    });
  });
});

describe('fidelity against a profile', () => {
  const loads = ELECTRICITY_TYPES.flatMap((type) =>
    seeds(15).map((seed) => engineSeries(type, seed)),
  );

  it('without a profile, every fidelity metric says so', () => {
    const report = validateSeries(loads, { profile: null });
    const fidelity = report.metrics.filter((m) => m.group === 'fidelity');
    expect(fidelity).toHaveLength(6);
    for (const m of fidelity) {
      expect(m).toMatchObject({
        verdict: 'not_computable',
        reason: 'no reference profile was given',
      });
    }
  });

  it('a dataset measured against its own profile is indistinguishable from it', () => {
    const profile = buildSeriesProfile('self', loads);
    expect(profile).toMatchObject({
      itemCount: 60,
      skipped: 0,
      groups: { electricity: { seriesCount: 60 } },
    });
    const report = validateSeries(loads, { profile });
    expect(metricOf(report, 'fidelity.electricity.marginal_ks').value).toBeLessThan(0.005);
    expect(metricOf(report, 'fidelity.electricity.marginal_wasserstein').value).toBeLessThan(0.005);
    expect(metricOf(report, 'fidelity.electricity.acf_distance').value).toBeLessThan(0.005);
    // Twins on both sides push cross-validation slightly below chance, never above it.
    const discriminator = metricOf(report, 'fidelity.electricity.discriminator');
    expect(discriminator.value).toBeGreaterThan(0.25);
    expect(discriminator.value).toBeLessThan(0.65);
    for (const m of report.metrics.filter((m) => m.group === 'fidelity')) {
      expect(m.verdict, m.id).toBe('pass');
      expect(m.band!.low).toBeLessThanOrEqual(m.band!.median);
      expect(m.band!.median).toBeLessThanOrEqual(m.band!.high);
    }
    expect(report.overall.verdict).toBe('pass');
    const acf = report.distributions.find((d) => d.id === 'acf.electricity')!;
    expect(acf.labels).toHaveLength(49);
    expect(acf.labels.slice(0, 2).concat(acf.labels.slice(-1))).toEqual(['1h', '2h', '7d']);
    expect(acf.dataset).toEqual(acf.reference);
    expect(acf.referenceName).toBe('self');
  });

  it('the bands also cover the same kind of series at other dates, measured as a dataset would be', () => {
    const base = seeds(12).map((seed) => engineSeries('residential_consumption', seed));
    // Stand-ins for the same meters cut at other dates: a set that differs (offices), and one too small to count.
    const other = seeds(12).map((seed) => engineSeries('commercial_consumption', seed + 100));
    const tiny = seeds(3).map((seed) => engineSeries('commercial_consumption', seed + 200));
    const halves = buildSeriesProfile('homes', base);
    const shifted = buildSeriesProfile('homes', base, { shifted: [other, tiny] });
    const [h, s] = [halves.groups.electricity!, shifted.groups.electricity!];
    expect(h.bandSplits).toBe(20);
    expect(h.bandShifts).toBeUndefined();
    expect(s).toMatchObject({ bandSplits: 20, bandShifts: 1, seriesCount: 12 });
    // The profile's own statistics and halvings (same name, same seed) are the base series' alone.
    expect(s.marginal).toEqual(h.marginal);
    const report = validateSeries(other, { profile: halves });
    for (const key of ['marginal_ks', 'acf_distance', 'daily_seasonality', 'weekly_seasonality']) {
      const value = metricOf(report, `fidelity.electricity.${key}`).value!;
      expect(value, key).toBeGreaterThan(0);
      expect(s.bands[key]!.high, key).toBeGreaterThanOrEqual(
        Math.max(h.bands[key]!.high, value) - 1e-4,
      );
      expect(s.bands[key]!.low, key).toBeLessThanOrEqual(Math.min(h.bands[key]!.low, value) + 1e-4);
    }
    // The offices are further from the homes than halves of the homes are from each other.
    expect(s.bands.daily_seasonality!.high).toBeGreaterThan(h.bands.daily_seasonality!.high);
  });

  it('white noise is far from real electricity and trivially told apart', () => {
    const profile = loadSeriesProfile(SHIPPED);
    const report = validateSeries(seeds(40).map(whiteNoise), { profile });
    expect(metricOf(report, 'fidelity.electricity.acf_distance')).toMatchObject({
      verdict: 'fail',
    });
    expect(metricOf(report, 'fidelity.electricity.acf_distance').value).toBeGreaterThan(0.3);
    expect(metricOf(report, 'fidelity.electricity.discriminator').value).toBeGreaterThanOrEqual(
      0.95,
    );
    expect(metricOf(report, 'acceptance.electricity.daily_seasonality').verdict).toBe('fail');
    expect(report.overall.verdict).toBe('fail');
  });

  it('a domain the profile lacks is not computable, with the reason', () => {
    const profile = loadSeriesProfile(SHIPPED);
    const report = validateSeries(
      seeds(12).map((seed) => engineSeries('temperature', seed)),
      { profile },
    );
    expect(metricOf(report, 'fidelity.sensors.marginal_ks')).toMatchObject({
      value: null,
      verdict: 'not_computable',
      reason: "the reference profile 'electricity' has no sensors series (it covers electricity)",
    });
    // The dataset's own curves are still charted, without a reference.
    expect(report.distributions.find((d) => d.id === 'acf.sensors')?.reference).toBeUndefined();
  });

  it('series too short for a weekly cycle leave the weekly metrics not computable', () => {
    const profile = loadSeriesProfile(SHIPPED);
    const short = seeds(12).map((seed) =>
      engineSeries('residential_consumption', seed, { length: 240 }),
    );
    const report = validateSeries(short, { profile });
    expect(metricOf(report, 'fidelity.electricity.weekly_seasonality').reason).toBe(
      'needs at least 3 series long enough to show a weekly cycle three times on each side; got 0 in the dataset and 203 in the reference',
    );
    expect(metricOf(report, 'acceptance.electricity.weekly_seasonality')).toMatchObject({
      verdict: 'not_computable',
      reason: 'no clean electricity series spans three weeks at a sub-weekly frequency',
    });
    expect(metricOf(report, 'acceptance.electricity.daily_seasonality').verdict).toBe('pass');
  });
});

describe('financial acceptance checks', () => {
  it('the engine markets have fat tails, clustered volatility and unpredictable returns', () => {
    const markets = [
      ['stock_price', '1D'],
      ['crypto_price', '1H'],
      ['exchange_rate', '1D'],
    ] as const;
    for (const [type, frequency] of markets) {
      const report = validateSeries(
        seeds(8).map((seed) => engineSeries(type, seed, { frequency, length: 2000 })),
        {},
      );
      for (const id of ['fat_tails', 'volatility_clustering', 'returns_acf']) {
        expect(metricOf(report, `acceptance.financial.${id}`).verdict, `${type} ${id}`).toBe(
          'pass',
        );
      }
    }
  });

  it('a Gaussian random walk has neither fat tails nor clustered volatility', () => {
    const walks = seeds(8).map((seed) => {
      const rng = new Random(`walk-${seed}`);
      const base = engineSeries('crypto_price', seed);
      let price = 100;
      return { ...base, target: base.target.map(() => (price *= Math.exp(rng.normal(0, 0.01)))) };
    });
    const report = validateSeries(walks, {});
    expect(metricOf(report, 'acceptance.financial.fat_tails').verdict).toBe('fail');
    expect(metricOf(report, 'acceptance.financial.volatility_clustering').verdict).toBe('fail');
    expect(metricOf(report, 'acceptance.financial.returns_acf').verdict).toBe('pass');
  });

  it('trading volume alone cannot be checked as a market', () => {
    const report = validateSeries([engineSeries('trading_volume', 1)], {});
    expect(metricOf(report, 'acceptance.financial.fat_tails')).toMatchObject({
      verdict: 'not_computable',
      reason: 'no clean price series (stock, crypto, exchange rate) in the dataset',
    });
  });
});

describe('the shipped electricity profile', () => {
  it('loads, is small, and has a band for every fidelity metric', () => {
    expect(statSync(SHIPPED).size).toBeLessThan(1024 * 1024);
    const profile = loadSeriesProfile(SHIPPED);
    expect(profile).toMatchObject({
      format: 'genesis-lab/series-profile',
      name: 'electricity',
      itemCount: 203,
      groups: { electricity: { seriesCount: 203, stepMs: 3_600_000, bandSplits: 20 } },
    });
    const bands = profile.groups.electricity!.bands;
    expect(Object.keys(bands).sort()).toEqual([
      'acf_distance',
      'daily_seasonality',
      'discriminator',
      'marginal_ks',
      'marginal_wasserstein',
      'weekly_seasonality',
    ]);
    expect(bands.discriminator!.median).toBeGreaterThan(0.4);
    expect(bands.discriminator!.median).toBeLessThan(0.6);
  });

  it('rejects a file that is not a profile, naming the field', () => {
    expect(() => parseSeriesProfile({ format: 'x' })).toThrow(/^invalid series profile: format: /);
    const profile = JSON.parse(readFileSync(SHIPPED, 'utf8'));
    profile.groups.electricity.stepMs = 'hourly';
    expect(() => parseSeriesProfile(profile)).toThrow(
      /^invalid series profile: groups\.electricity\.stepMs: /,
    );
  });

  it("the engine's loads score within sensible bands against it", () => {
    const profile = loadSeriesProfile(SHIPPED);
    const loads = ELECTRICITY_TYPES.flatMap((type) =>
      seeds(25).map((seed) => engineSeries(type, seed)),
    );
    const report = validateSeries(loads, { profile });
    expect(report.reference).toEqual({ name: 'electricity', kind: 'timeseries', itemCount: 203 });
    for (const m of report.metrics.filter((m) => m.group !== 'fidelity')) {
      expect(m.verdict, m.id).not.toBe('fail');
    }
    for (const id of ['marginal_ks', 'marginal_wasserstein', 'acf_distance', 'daily_seasonality']) {
      expect(metricOf(report, `fidelity.electricity.${id}`).verdict, id).not.toBe('fail');
    }
    expect(report.overall.score).toBeGreaterThanOrEqual(60);
    const values = report.distributions.find((d) => d.id === 'values.electricity')!;
    expect(values.dataset).toHaveLength(30);
    expect(values.reference).toHaveLength(30);
  });

  it.skipIf(!existsSync(REAL_CSV))('is what the real data rebuilds', () => {
    const parsed = parseDatasetFile(readFileSync(REAL_CSV, 'utf8'), {
      kind: 'timeseries',
      seriesType: 'commercial_consumption',
      filename: 'electricity_hourly.csv',
    });
    if (!parsed.ok) throw new Error('the real electricity CSV no longer imports');
    const rebuilt = buildSeriesProfile(
      'electricity',
      parsed.items.map((item) => item.data),
    );
    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(loadSeriesProfile(SHIPPED));
  });
});
