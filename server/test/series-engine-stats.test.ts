/**
 * The rendered series behave like the real thing: seasonal loads, physical sensors, and markets with the
 * stylised facts of returns. Each statistic is taken over several seeds (a median), so a test states what a
 * user would see in a typical series, not in one lucky draw. The last block checks the electricity shapes
 * against the real electricity data when it is present beside the repo (shared/data/electricity).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getSeriesType } from '@genesis/schema/catalog/series';
import { Random } from '@genesis/schema/random';
import type { Frequency } from '@genesis/schema/timeseries';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATE,
  HOUSEHOLD,
  type LoadCalibration,
  type LoadStatistic,
  OFFICE,
  REAL_ELECTRICITY_STATS,
} from '../src/timeseries/calibration.ts';
import { renderSeries } from '../src/timeseries/engine.ts';
import type { Scenario } from '../src/timeseries/scenario.ts';

const START = '2024-01-01T00:00:00Z';

function render(
  typeId: string,
  seed: number,
  options: {
    frequency?: Frequency;
    length?: number;
    start?: string;
    scenario?: Partial<Scenario>;
  } = {},
): number[] {
  const type = getSeriesType(typeId)!;
  return renderSeries(
    {
      slot: `s-${seed}`,
      domain: type.domain,
      series_type: type.id,
      frequency: options.frequency ?? '1H',
      start: options.start ?? START,
      length: options.length ?? 1000,
      language: 'en',
    },
    {
      slot: `s-${seed}`,
      description: 'statistics',
      trend_type: 'none',
      noise_level: 0.3,
      ...options.scenario,
    },
    new Random(seed),
  ).target;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function autocorrelation(xs: readonly number[], lag: number): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += (xs[i]! - m) ** 2;
    if (i >= lag) num += (xs[i]! - m) * (xs[i - lag]! - m);
  }
  return num / den;
}

function excessKurtosis(xs: readonly number[]): number {
  const m = mean(xs);
  const m2 = mean(xs.map((x) => (x - m) ** 2));
  const m4 = mean(xs.map((x) => (x - m) ** 4));
  return m4 / m2 ** 2 - 3;
}

function coefficientOfVariation(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) / m;
}

/** Log returns of the steps where the price moved (markets close at weekends and outside the session). */
function returns(prices: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    if (prices[i] !== prices[i - 1]) out.push(Math.log(prices[i]! / prices[i - 1]!));
  }
  return out;
}

const seeds = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
const medianOver = (count: number, f: (seed: number) => number) => median(seeds(count).map(f));

/** Mean value by UTC hour of day (hourly series from START). */
function byHour(xs: readonly number[], keep: (i: number) => boolean = () => true): number[] {
  const sums = new Array<number>(24).fill(0);
  const counts = new Array<number>(24).fill(0);
  xs.forEach((x, i) => {
    if (!keep(i)) return;
    sums[i % 24]! += x;
    counts[i % 24]!++;
  });
  return sums.map((s, h) => s / counts[h]!);
}

const dayOf = (i: number, stepHours = 1) =>
  new Date(Date.parse(START) + i * stepHours * 3_600_000).getUTCDay();
const weekend = (i: number, stepHours = 1) => [0, 6].includes(dayOf(i, stepHours));

describe('electricity', () => {
  for (const id of [
    'residential_consumption',
    'commercial_consumption',
    'industrial_load',
    'grid_demand',
  ]) {
    it(`${id}: daily seasonality (lag-24 autocorrelation high, above lag 12) and weekly (lag 168)`, () => {
      const acf24 = medianOver(12, (seed) => autocorrelation(render(id, seed), 24));
      const acf12 = medianOver(12, (seed) => autocorrelation(render(id, seed), 12));
      const acf168 = medianOver(12, (seed) => autocorrelation(render(id, seed), 168));
      expect(acf24).toBeGreaterThan(0.5);
      expect(acf24).toBeGreaterThan(acf12 + 0.3);
      expect(acf168).toBeGreaterThan(0.5);
    });
  }

  it('keeps its daily cycle at 15-minute steps: lag 96 (one day) is strongly correlated', () => {
    const acf96 = medianOver(8, (seed) =>
      autocorrelation(render('grid_demand', seed, { frequency: '15min', length: 4000 }), 96),
    );
    expect(acf96).toBeGreaterThan(0.8);
  });

  it('shows a household evening peak and a night trough, and an office closed at weekends', () => {
    const home = byHour(render('residential_consumption', 1, { length: 24 * 28 }));
    expect(Math.max(...home.slice(18, 23))).toBeGreaterThan(1.3 * Math.min(...home.slice(2, 7)));
    const office = render('commercial_consumption', 1, { length: 24 * 28 });
    const ratio =
      mean(office.filter((_, i) => weekend(i))) / mean(office.filter((_, i) => !weekend(i)));
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.8);
    const shop = render('commercial_consumption', 1, {
      length: 24 * 28,
      scenario: { weekend_factor: 1.2 },
    });
    expect(mean(shop.filter((_, i) => weekend(i)))).toBeGreaterThan(
      mean(shop.filter((_, i) => !weekend(i))),
    );
  });

  it('has a weekly pattern at daily steps', () => {
    const daily = render('commercial_consumption', 3, { frequency: '1D', length: 140 });
    expect(autocorrelation(daily, 7)).toBeGreaterThan(0.6);
  });
});

describe('energy', () => {
  it('solar is exactly 0 at night, positive by day, and lower on a cloudier scenario', () => {
    for (const seed of seeds(20)) {
      for (const [frequency, perHour] of [
        ['1H', 1],
        ['15min', 4],
      ] as const) {
        const solar = render('solar_generation', seed, { frequency, length: 24 * perHour * 20 });
        solar.forEach((x, i) => {
          const hour = Math.floor(i / perHour) % 24;
          if (hour >= 22 || hour <= 2) expect(x, `hour ${hour}`).toBe(0);
        });
        const noon = solar.filter((_, i) => Math.floor(i / perHour) % 24 === 12);
        expect(Math.max(...noon)).toBeGreaterThan(0);
      }
    }
    const clear = medianOver(8, (seed) =>
      mean(render('solar_generation', seed, { scenario: { cloudiness: 0.1 } })),
    );
    const overcast = medianOver(8, (seed) =>
      mean(render('solar_generation', seed, { scenario: { cloudiness: 0.9 } })),
    );
    expect(overcast).toBeLessThan(0.6 * clear);
  });

  it('solar has cloudy and clear days: daily totals vary', () => {
    const cv = medianOver(8, (seed) => {
      const hourly = render('solar_generation', seed, {
        length: 24 * 60,
        start: '2024-05-01T00:00:00Z',
      });
      const days = Array.from({ length: 60 }, (_, d) =>
        hourly.slice(24 * d, 24 * d + 24).reduce((a, b) => a + b, 0),
      );
      return coefficientOfVariation(days);
    });
    expect(cv).toBeGreaterThan(0.15);
  });

  it('wind stays within 0..capacity, persists from hour to hour, and has calm and windy spells', () => {
    for (const seed of seeds(10)) {
      const wind = render('wind_generation', seed, { scenario: { level: 50 } });
      expect(Math.min(...wind)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...wind)).toBeLessThanOrEqual(50);
    }
    expect(
      medianOver(10, (seed) => autocorrelation(render('wind_generation', seed), 1)),
    ).toBeGreaterThan(0.85);
    const factor = medianOver(10, (seed) =>
      mean(render('wind_generation', seed, { scenario: { level: 1 } })),
    );
    expect(factor).toBeGreaterThan(0.15);
    expect(factor).toBeLessThan(0.6);
  });

  it('heating demand rises in a cold winter and falls in summer, within one series', () => {
    const year = render('heating_demand', 2, {
      frequency: '1D',
      length: 365,
      start: '2024-01-01T00:00:00Z',
    });
    const january = mean(year.slice(0, 31));
    const july = mean(year.slice(182, 213));
    expect(january).toBeGreaterThan(3 * july);
  });
});

describe('sensors', () => {
  it('temperature averages its level, and afternoons are warmer than dawns', () => {
    const temps = seeds(8).map((seed) =>
      render('temperature', seed, { length: 24 * 30, scenario: { level: 20 } }),
    );
    expect(median(temps.map(mean))).toBeGreaterThan(17);
    expect(median(temps.map(mean))).toBeLessThan(23);
    const hours = byHour(temps[0]!);
    expect(mean(hours.slice(13, 17))).toBeGreaterThan(mean(hours.slice(3, 7)) + 4);
  });

  it('humidity moves inversely to temperature: humid dawns, drier afternoons', () => {
    for (const seed of seeds(5)) {
      const hours = byHour(render('humidity', seed, { length: 24 * 30, scenario: { level: 60 } }));
      expect(mean(hours.slice(3, 7))).toBeGreaterThan(mean(hours.slice(13, 17)) + 5);
    }
  });

  it('pressure is smooth and stays in a plausible band around its level', () => {
    const pressure = render('pressure', 1, { length: 24 * 60, scenario: { level: 1013 } });
    expect(autocorrelation(pressure, 1)).toBeGreaterThan(0.98);
    expect(Math.min(...pressure)).toBeGreaterThan(970);
    expect(Math.max(...pressure)).toBeLessThan(1056);
  });

  it('air quality peaks at the rush hours on weekdays', () => {
    const aqi = render('air_quality', 1, { length: 24 * 56 });
    const hours = byHour(aqi, (i) => !weekend(i));
    expect(hours[8]).toBeGreaterThan(1.5 * hours[3]!);
    expect(hours[19]).toBeGreaterThan(1.5 * hours[3]!);
  });
});

describe('financial', () => {
  const cases = [
    ['stock_price', '1D'],
    ['crypto_price', '1H'],
    ['exchange_rate', '1D'],
  ] as const;

  for (const [id, frequency] of cases) {
    it(`${id} (${frequency}): fat-tailed, uncorrelated returns whose squares cluster`, () => {
      const series = seeds(16).map((seed) =>
        returns(render(id, seed, { frequency, length: 5000 })),
      );
      expect(median(series.map(excessKurtosis))).toBeGreaterThan(1);
      expect(median(series.map((r) => Math.abs(autocorrelation(r, 1))))).toBeLessThan(0.05);
      const squared = median(
        series.map((r) => {
          const sq = r.map((x) => x * x);
          return mean([1, 2, 3, 4, 5].map((lag) => autocorrelation(sq, lag)));
        }),
      );
      expect(squared).toBeGreaterThan(0.04);
    });
  }

  it('markets are closed at weekends: a stock holds its Friday close, volume is 0', () => {
    const stock = render('stock_price', 1, { frequency: '1D', length: 70 });
    const volume = render('trading_volume', 1, { frequency: '1D', length: 70 });
    for (let i = 1; i < 70; i++) {
      if (weekend(i, 24)) {
        expect(stock[i]).toBe(stock[i - 1]);
        expect(volume[i]).toBe(0);
      } else {
        expect(volume[i]).toBeGreaterThan(0);
      }
    }
    const intraday = render('stock_price', 1, { frequency: '1H', length: 24 * 5 });
    // Before the session opens (14:30 UTC) the price does not move.
    expect(intraday.slice(0, 14).every((x) => x === intraday[0])).toBe(true);
    expect(new Set(intraday.slice(15, 22)).size).toBeGreaterThan(1);
  });

  it('trading volume is positive on trading days and heavy-tailed, with the mean near its level', () => {
    const open = seeds(12).map((seed) =>
      render('trading_volume', seed, {
        frequency: '1D',
        length: 3000,
        scenario: { level: 1e6 },
      }).filter((x) => x > 0),
    );
    expect(median(open.map(excessKurtosis))).toBeGreaterThan(0.5);
    const levels = open.map(mean);
    expect(median(levels)).toBeGreaterThan(0.7e6);
    expect(median(levels)).toBeLessThan(1.4e6);
  });

  it('a regime shift with a volatility factor makes the later returns more volatile', () => {
    const ratio = medianOver(10, (seed) => {
      const r = returns(
        render('crypto_price', seed, {
          length: 4000,
          scenario: { regime_shift: { position: 0.5, volatility_factor: 3 } },
        }),
      );
      const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => x * x)));
      return sd(r.slice(2100)) / sd(r.slice(0, 1900));
    });
    expect(ratio).toBeGreaterThan(2);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Calibration against the real electricity data

const REAL_DATA = resolve(
  import.meta.dirname,
  '../../../shared/data/electricity/electricity_hourly.csv',
);

type ClientStats = Record<LoadStatistic, number>;
const STATISTICS: LoadStatistic[] = ['acf1', 'acf24', 'acf168', 'cv', 'residualCv'];

const percentiles = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return [0.1, 0.25, 0.5, 0.75, 0.9].map((p) => sorted[Math.floor(p * (sorted.length - 1))]!);
};

/** The statistics `calibration.ts` commits, for one hourly series whose point 0 is a Sunday 00:00. */
function clientStats(
  xs: readonly number[],
  hourOf: (i: number) => number,
  offDay: (i: number) => boolean,
) {
  const sums = [new Array<number>(24).fill(0), new Array<number>(24).fill(0)];
  const counts = [new Array<number>(24).fill(0), new Array<number>(24).fill(0)];
  xs.forEach((x, i) => {
    const k = offDay(i) ? 1 : 0;
    sums[k]![hourOf(i)]! += x;
    counts[k]![hourOf(i)]!++;
  });
  const profile = sums.map((s, k) => s.map((x, h) => x / counts[k]![h]!));
  const residual = xs.map((x, i) => x / Math.max(1e-9, profile[offDay(i) ? 1 : 0]![hourOf(i)]!));
  const stats: ClientStats = {
    acf1: autocorrelation(xs, 1),
    acf24: autocorrelation(xs, 24),
    acf168: autocorrelation(xs, 168),
    cv: coefficientOfVariation(xs),
    residualCv: coefficientOfVariation(residual),
  };
  const weekdayMean = mean(profile[0]!);
  const weekendMean = mean(profile[1]!);
  return {
    stats,
    weekday: profile[0]!.map((x) => x / weekdayMean),
    weekend: profile[1]!.map((x) => x / weekendMean),
    ratio: weekendMean / weekdayMean,
  };
}

describe('calibration against real electricity data', () => {
  it.skipIf(!existsSync(REAL_DATA))('the committed numbers are those of the real data', () => {
    const bySeries = new Map<string, number[]>();
    let firstTimestamp = '';
    for (const line of readFileSync(REAL_DATA, 'utf8').trim().split('\n').slice(1)) {
      const [id, timestamp, value] = line.split(',');
      firstTimestamp ||= timestamp!;
      if (!bySeries.has(id!)) bySeries.set(id!, []);
      bySeries.get(id!)!.push(Number(value));
    }
    // Placeholder timestamps realigned as calibration.ts explains: real = placeholder + 2 days - 2 hours.
    const first = Date.parse(`${firstTimestamp.replace(' ', 'T')}Z`) + (2 * 24 - 2) * 3_600_000;
    const at = (i: number) => new Date(first + i * 3_600_000);
    const hourOf = (i: number) => at(i).getUTCHours();
    const offDay = (i: number) => [0, 6].includes(at(i).getUTCDay());
    const clients = [...bySeries.values()].map((xs) => clientStats(xs, hourOf, offDay));
    expect(clients).toHaveLength(203);
    const households = clients.filter((c) => c.ratio >= 1);
    const offices = clients.filter((c) => c.ratio < 0.8);
    for (const [group, members] of [
      ['all', clients],
      ['household', households],
      ['office', offices],
    ] as const) {
      for (const key of STATISTICS) {
        const measured = percentiles(members.map((c) => c.stats[key]));
        measured.forEach((x, i) => {
          expect(x, `${group} ${key}`).toBeCloseTo(REAL_ELECTRICITY_STATS[group][key][i]!, 2);
        });
      }
    }
    const profiles = (members: typeof clients, committed: LoadCalibration) => {
      const avg = (k: 'weekday' | 'weekend') =>
        Array.from({ length: 24 }, (_, h) => mean(members.map((c) => c[k][h]!)));
      avg('weekday').forEach((x, h) => {
        expect(x).toBeCloseTo(committed.weekday[h]!, 1);
      });
      avg('weekend').forEach((x, h) => {
        expect(x).toBeCloseTo(committed.weekend[h]!, 1);
      });
      expect(median(members.map((c) => c.ratio))).toBeCloseTo(committed.weekendRatio, 2);
    };
    profiles(households, HOUSEHOLD);
    profiles(offices, OFFICE);
    const total = bySeries
      .get('elec_000')!
      .map((_, i) => [...bySeries.values()].reduce((a, xs) => a + xs[i]!, 0));
    const aggregate = clientStats(total, hourOf, offDay);
    aggregate.weekday.forEach((x, h) => {
      expect(x).toBeCloseTo(AGGREGATE.weekday[h]!, 1);
    });
    expect(aggregate.ratio).toBeCloseTo(AGGREGATE.weekendRatio, 2);
    for (const key of STATISTICS)
      expect(aggregate.stats[key], key).toBeCloseTo(REAL_ELECTRICITY_STATS.aggregate[key], 2);
  });

  it("the engine lands inside the real spread: households and offices within their groups' 10th..90th percentiles, the grid near the aggregate", () => {
    // Hourly series starting on a Sunday 00:00 like the realigned real data, 1,000 points like it.
    const start = '2024-01-07T00:00:00Z';
    const hourOf = (i: number) => i % 24;
    const offDay = (i: number) => [0, 6].includes(Math.floor(i / 24) % 7);
    const engine = (id: string) => {
      const stats = seeds(16).map(
        (seed) =>
          clientStats(
            render(id, seed, {
              start,
              scenario: { noise_level: 0.3, seasonality_strength: { yearly: 0 } },
            }),
            hourOf,
            offDay,
          ).stats,
      );
      return Object.fromEntries(
        STATISTICS.map((key) => [key, median(stats.map((s) => s[key]))]),
      ) as ClientStats;
    };
    for (const [id, group] of [
      ['residential_consumption', 'household'],
      ['commercial_consumption', 'office'],
    ] as const) {
      const stats = engine(id);
      for (const key of STATISTICS) {
        const [p10, , , , p90] = REAL_ELECTRICITY_STATS[group][key];
        expect(stats[key], `${id} ${key}`).toBeGreaterThanOrEqual(p10);
        expect(stats[key], `${id} ${key}`).toBeLessThanOrEqual(p90);
      }
    }
    // The grid is one series like the sum of all clients: compare with it directly.
    const grid = engine('grid_demand');
    for (const key of STATISTICS) {
      expect(grid[key], `grid_demand ${key}`).toBeCloseTo(REAL_ELECTRICITY_STATS.aggregate[key], 1);
    }
  });
});
