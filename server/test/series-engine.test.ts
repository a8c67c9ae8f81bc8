import { getSeriesType, SERIES_TYPES } from '@genesis/schema/catalog/series';
import type { Language } from '@genesis/schema/common';
import { formatIssues } from '@genesis/schema/issues';
import { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import {
  FREQUENCIES,
  type Frequency,
  frequencyMs,
  TimeSeriesSchema,
  withinBounds,
} from '@genesis/schema/timeseries';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { clearLanguage } from '../src/language/language.ts';
import { answerSeries } from '../src/llm/local/series/answer.ts';
import { renderSeries } from '../src/timeseries/engine.ts';
import {
  defaultScenario,
  SCENARIO_GUIDE,
  type Scenario,
  type ScenarioInput,
  ScenarioSchema,
} from '../src/timeseries/scenario.ts';
import { TYPE_SPECS } from '../src/timeseries/specs.ts';

function slotFor(
  typeId: string,
  options: {
    frequency?: Frequency;
    length?: number;
    start?: string;
    language?: Language;
    key?: string;
  } = {},
): SeriesSlot {
  const type = getSeriesType(typeId)!;
  return {
    slot: options.key ?? 's-000001',
    domain: type.domain,
    series_type: type.id,
    frequency: options.frequency ?? '1H',
    start: options.start ?? '2024-03-04T00:00:00Z',
    length: options.length ?? 500,
    language: options.language ?? 'en',
  };
}

function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    slot: 's-000001',
    description: 'a test scenario',
    trend_type: 'none',
    noise_level: 0.3,
    anomalies: [],
    ...overrides,
  };
}

function expectValid(series: unknown): void {
  const result = v.safeParse(TimeSeriesSchema, series);
  if (!result.success) {
    expect.fail(
      formatIssues(result.issues)
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('\n'),
    );
  }
}

describe('renderSeries: every type is well-formed', () => {
  it('renders all 16 types at 1H, 15min and 1D for several seeds, valid per TimeSeriesSchema', () => {
    for (const type of SERIES_TYPES) {
      for (const frequency of ['1H', '15min', '1D'] as const) {
        for (const seed of [1, 2, 3, 4]) {
          const slot = slotFor(type.id, {
            frequency,
            length: 400,
            language: seed % 2 ? 'en' : 'es',
          });
          const written = defaultScenario(slot, new Random(seed));
          const series = renderSeries(slot, written, new Random(seed));
          expectValid(series);
          expect(series).toMatchObject({
            domain: type.domain,
            series_type: type.id,
            unit: type.unit,
            frequency,
            length: 400,
            description: written.description,
            description_language: slot.language,
            trend_type: written.trend_type,
            noise_level: written.noise_level,
          });
          expect(series.target).toHaveLength(400);
        }
      }
    }
  });

  it('renders every frequency, from 1min to 1W, with timestamps stepping exactly by it', () => {
    for (const type of SERIES_TYPES) {
      for (const frequency of FREQUENCIES) {
        const slot = slotFor(type.id, { frequency, length: 120 });
        const series = renderSeries(slot, defaultScenario(slot, new Random(9)), new Random(9));
        expectValid(series);
        const times = series.timestamps!.map((t) => Date.parse(t));
        expect(times[0]).toBe(Date.parse(slot.start));
        expect(times[119]! - times[0]!).toBe(119 * frequencyMs(frequency));
      }
    }
  });

  it('renders series of one and two points', () => {
    for (const type of SERIES_TYPES) {
      for (const length of [1, 2]) {
        const slot = slotFor(type.id, { length, start: '2024-03-04T10:20:30+02:00' });
        const series = renderSeries(
          slot,
          defaultScenario(slot, new Random(length)),
          new Random(length),
        );
        expectValid(series);
        expect(series.start).toBe('2024-03-04T08:20:30.000Z');
      }
    }
  });

  it('keeps every value within its physical bounds over many seeds, even with extreme scenarios', () => {
    const extreme: Scenario = scenario({
      level: 1e12,
      trend_type: 'exponential',
      trend_strength: 1,
      noise_level: 1,
      volatility: 5,
      regime_shift: { position: 0.3, factor: 20, volatility_factor: 10 },
      anomalies: [
        { type: 'spike', position: 0.1, magnitude: 10 },
        { type: 'dip', position: 0.2, magnitude: 10, duration: 30 },
        { type: 'level_shift', position: 0.5, magnitude: -10 },
        { type: 'drift', position: 0.6, magnitude: 10 },
        { type: 'dropout', position: 0.9, duration: 10 },
      ],
    });
    const tiny: Scenario = scenario({
      level: -1e12,
      trend_type: 'exponential',
      trend_strength: -1,
      noise_level: 1,
      anomalies: [{ type: 'dip', position: 0.5, magnitude: -10, duration: 100 }],
    });
    for (const type of SERIES_TYPES) {
      for (let seed = 0; seed < 30; seed++) {
        const slot = slotFor(type.id, { length: 300, frequency: seed % 3 === 0 ? '1D' : '1H' });
        const scenarios = [defaultScenario(slot, new Random(seed)), extreme, tiny];
        for (const s of scenarios) {
          const series = renderSeries(slot, s, new Random(seed));
          const outside = series.target.filter(
            (x) => !Number.isFinite(x) || !withinBounds(x, type.bounds),
          );
          expect(outside, `${type.id} seed ${seed}: ${s.description}`).toEqual([]);
        }
      }
    }
  });

  it('keeps humidity within 0..100 and prices strictly positive over long, volatile series', () => {
    for (let seed = 0; seed < 5; seed++) {
      const humid = renderSeries(
        slotFor('humidity', { length: 5000 }),
        scenario({ level: 97, noise_level: 1, seasonality_strength: { daily: 1, yearly: 1 } }),
        new Random(seed),
      );
      expect(Math.min(...humid.target)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...humid.target)).toBeLessThanOrEqual(100);
      for (const id of ['stock_price', 'crypto_price', 'exchange_rate']) {
        const prices = renderSeries(
          slotFor(id, { length: 20_000 }),
          scenario({
            level: 0.01,
            volatility: 5,
            noise_level: 1,
            trend_type: 'linear',
            trend_strength: -1,
          }),
          new Random(seed),
        );
        expect(prices.target.every((x) => x > 0)).toBe(true);
      }
    }
  });

  it('is deterministic: the same slot, scenario and seed give the same series; another seed does not', () => {
    const slot = slotFor('grid_demand', { length: 300 });
    const written = defaultScenario(slot, new Random('job-7'));
    expect(defaultScenario(slot, new Random('job-7'))).toEqual(written);
    const a = renderSeries(slot, written, new Random('job-7:render'));
    const b = renderSeries(slot, written, new Random('job-7:render'));
    const c = renderSeries(slot, written, new Random('job-8:render'));
    expect(b).toEqual(a);
    expect(c.target).not.toEqual(a.target);
  });

  it('reads the level per point at the slot frequency for amounts: a daily kWh point holds 24 hourly ones', () => {
    const quiet = scenario({ noise_level: 0, seasonality_strength: { yearly: 0 } });
    const hourly = renderSeries(
      slotFor('residential_consumption', { frequency: '1H', length: 24 * 28 }),
      { ...quiet, level: 0.5 },
      new Random(1),
    );
    const daily = renderSeries(
      slotFor('residential_consumption', { frequency: '1D', length: 28 }),
      { ...quiet, level: 12 },
      new Random(1),
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(hourly.target)).toBeCloseTo(0.5, 1);
    expect(mean(daily.target)).toBeCloseTo(12, 0);
  });

  it('labels only the seasonalities a reader can find at this frequency and span', () => {
    const grid = (
      frequency: Frequency,
      length: number,
      strength?: Scenario['seasonality_strength'],
    ) =>
      renderSeries(
        slotFor('grid_demand', { frequency, length }),
        scenario({ seasonality_strength: strength ?? null }),
        new Random(1),
      ).seasonality_types;
    expect(grid('1H', 1000)).toEqual(['daily', 'weekly']);
    expect(grid('1H', 10)).toEqual([]);
    expect(grid('1D', 800)).toEqual(['weekly', 'yearly']);
    expect(grid('1H', 1000, { weekly: 0 })).toEqual(['daily']);
    const pressure = renderSeries(slotFor('pressure'), scenario(), new Random(1));
    expect(pressure.seasonality_types).toEqual([]);
  });

  it('names a malformed slot precisely', () => {
    const good = slotFor('temperature');
    const s = scenario();
    const rng = () => new Random(1);
    expect(() => renderSeries({ ...good, series_type: 'rainfall' }, s, rng())).toThrow(
      "unknown series type 'rainfall'",
    );
    expect(() => renderSeries({ ...good, domain: 'financial' }, s, rng())).toThrow(
      "series type 'temperature' belongs to domain 'sensors', not 'financial'",
    );
    expect(() => renderSeries({ ...good, length: 0 }, s, rng())).toThrow(
      'length must be a whole number within 1..100000; got 0',
    );
    expect(() => renderSeries({ ...good, start: 'yesterday' }, s, rng())).toThrow(
      "start must be an ISO-8601 timestamp; got 'yesterday'",
    );
    expect(() => renderSeries({ ...good, frequency: '2H' as Frequency }, s, rng())).toThrow(
      "frequency must be one of 1min, 5min, 10min, 15min, 30min, 1H, 1D, 1W; got '2H'",
    );
  });

  it('has an engine spec for every catalog type', () => {
    expect(Object.keys(TYPE_SPECS).sort()).toEqual(SERIES_TYPES.map((t) => t.id).sort());
  });
});

describe('renderSeries: anomalies', () => {
  const base = (id: string, extra: Partial<Scenario> = {}, length = 101) =>
    renderSeries(slotFor(id, { length }), scenario(extra), new Random(42));

  it('labels a spike at its index with the change it made, and touches nothing else', () => {
    const clean = base('temperature');
    const spiked = base('temperature', {
      anomalies: [{ type: 'spike', position: 0.5, magnitude: 0.8 }],
    });
    expect(spiked.anomalies).toEqual([
      expect.objectContaining({ index: 50, type: 'spike', magnitude: expect.closeTo(8, 2) }),
    ]);
    expect(spiked.anomalies[0]!.description).toMatch(
      /^spike of \+8 °C at 2024-03-06T02:00:00.000Z$/,
    );
    const changed = spiked.target.flatMap((x, i) => (x === clean.target[i] ? [] : [i]));
    expect(changed).toEqual([50]);
    expect(spiked.target[50]! - clean.target[50]!).toBeCloseTo(8, 2);
  });

  it('applies a level shift from its index to the end, and a drift as a growing ramp', () => {
    const clean = base('commercial_consumption');
    const shifted = base('commercial_consumption', {
      anomalies: [{ type: 'level_shift', position: 0.25, magnitude: -0.3 }],
    });
    expect(shifted.anomalies[0]).toMatchObject({ index: 25, type: 'level_shift' });
    for (let i = 0; i < 101; i++) {
      const ratio = shifted.target[i]! / clean.target[i]!;
      expect(ratio).toBeCloseTo(i < 25 ? 1 : 0.7, 2);
    }
    const drifted = base('pressure', {
      anomalies: [{ type: 'drift', position: 0.5, magnitude: 0.5, duration: 11 }],
    });
    const cleanPressure = base('pressure');
    const offsets = drifted.target.map((x, i) => x - cleanPressure.target[i]!);
    expect(offsets[49]).toBeCloseTo(0, 5);
    expect(offsets[55]).toBeCloseTo(2.5, 0);
    expect(offsets[60]).toBeCloseTo(5, 0);
    expect(offsets[61]).toBeCloseTo(0, 5);
    expect(drifted.anomalies[0]).toMatchObject({
      index: 50,
      type: 'drift',
      magnitude: expect.closeTo(5, 0),
    });
  });

  it('drops a meter to 0 and a sensor to its last reading, for the given duration', () => {
    const meter = base('residential_consumption', {
      anomalies: [{ type: 'dropout', position: 0.7, duration: 3 }],
    });
    expect(meter.target.slice(69, 74).map((x) => x === 0)).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(meter.anomalies[0]).toMatchObject({ index: 70, type: 'dropout' });
    const sensor = base('humidity', {
      anomalies: [{ type: 'dropout', position: 0.7, duration: 3 }],
    });
    expect(sensor.target.slice(70, 73)).toEqual([
      sensor.target[69],
      sensor.target[69],
      sensor.target[69],
    ]);
  });

  it('moves a solar spike that falls at night to the nearest daylight point, and labels it there', () => {
    // Position 0 is midnight UTC, when the plant produces nothing.
    const series = base(
      'solar_generation',
      { anomalies: [{ type: 'spike', position: 0, magnitude: 1 }] },
      48,
    );
    const [label] = series.anomalies;
    expect(label!.index).toBeGreaterThan(3);
    expect(series.target[label!.index]).toBeGreaterThan(0);
    expect(label!.magnitude).toBeGreaterThan(0);
  });

  it('sorts labels by index and writes them in the slot language', () => {
    const series = renderSeries(
      slotFor('grid_demand', { language: 'es', length: 200 }),
      scenario({
        anomalies: [
          { type: 'dip', position: 0.9 },
          { type: 'spike', position: 0.1 },
        ],
      }),
      new Random(3),
    );
    expect(series.anomalies.map((a) => [a.index, a.type])).toEqual([
      [20, 'spike'],
      [179, 'dip'],
    ]);
    expect(series.anomalies[0]!.description).toMatch(
      /^pico de \+[\d.,]+ MW desde 2024-03-04T20:00:00.000Z$/,
    );
  });
});

describe('ScenarioSchema', () => {
  const valid: ScenarioInput = {
    slot: 's-1',
    description: 'Residential load in a Madrid flat during a heatwave week',
    level: 0.6,
    trend_type: 'linear',
    trend_strength: 0.1,
    noise_level: 0.3,
    seasonality_strength: { daily: 0.9, weekly: 0.5 },
    anomalies: [{ type: 'spike', position: 0.4, magnitude: 1.5 }],
  };

  const problems = (input: unknown) => {
    const result = v.safeParse(ScenarioSchema, input);
    return result.success ? [] : formatIssues(result.issues).map((i) => `${i.path}: ${i.message}`);
  };

  it('accepts a scenario as the guide for models describes it, with nulls for missing values, and drops extras', () => {
    expect(problems(valid)).toEqual([]);
    const withNulls = { ...valid, level: null, regime_shift: null, anomalies: null, mood: 'sunny' };
    const parsed = v.parse(ScenarioSchema, withNulls);
    expect(parsed).not.toHaveProperty('mood');
    expect(parsed.level).toBeNull();
    // Every field the guide for models names is one the schema reads.
    for (const field of SCENARIO_GUIDE.matchAll(/^- (\w+)/gm)) {
      expect(Object.keys(ScenarioSchema.entries)).toContain(field[1]);
    }
    expect(
      problems({
        slot: 's-2',
        description: 'x',
        trend_type: 'piecewise',
        trend_strength: -0.4,
        noise_level: 0,
        seasonality_strength: { daily: 0, weekly: 1, yearly: 0.5 },
        anomalies: [{ type: 'drift', position: 1, magnitude: -2 }],
      }),
    ).toEqual([]);
  });

  it('rejects bad scenarios, naming each field by its path', () => {
    expect(problems({ ...valid, noise_level: 2 })).toEqual([
      'noise_level: noise_level must be within 0..1; got 2',
    ]);
    expect(problems({ ...valid, trend_type: 'up' })).toEqual([
      'trend_type: trend_type must be one of none, linear, exponential, logistic, random_walk, piecewise; got "up"',
    ]);
    const { description: _omitted, ...undescribed } = valid;
    expect(problems(undescribed)).toEqual(['description: description is required']);
    expect(problems({ ...valid, description: ' ' })).toEqual([
      'description: description must not be empty',
    ]);
    expect(problems({ ...valid, level: '30' })).toEqual([
      'level: level must be a number; got "30"',
    ]);
    expect(problems({ ...valid, seasonality_strength: { daily: 1.5 } })).toEqual([
      'seasonality_strength.daily: daily must be within 0..1; got 1.5',
    ]);
    expect(
      problems({
        ...valid,
        anomalies: [
          { type: 'spike', position: 0.5 },
          { type: 'glitch', position: -0.1, duration: 2.5 },
        ],
      }),
    ).toEqual([
      'anomalies[1].type: type must be one of spike, dip, level_shift, dropout, drift; got "glitch"',
      'anomalies[1].position: position must be within 0..1; got -0.1',
      'anomalies[1].duration: duration must be a whole number of points; got 2.5',
    ]);
    expect(problems({ ...valid, regime_shift: { position: 0.5, factor: 0 } })).toEqual([
      'regime_shift.factor: factor must be within 0.05..20; got 0',
    ]);
    expect(
      problems({ ...valid, anomalies: Array(21).fill({ type: 'dip', position: 0.5 }) }),
    ).toEqual(['anomalies: at most 20 anomalies are allowed; got 21']);
    expect(problems('a heatwave')).toEqual([': a scenario must be an object; got "a heatwave"']);
  });
});

describe('answerSeries and defaultScenario', () => {
  const slots = SERIES_TYPES.flatMap((type, i) =>
    (['en', 'es'] as const).map((language, j) =>
      slotFor(type.id, {
        language,
        key: `s-${String(2 * i + j + 1).padStart(6, '0')}`,
        start: '2024-07-15T00:00:00Z',
      }),
    ),
  );

  it('answers one valid scenario per slot, in order, in the slot language', () => {
    const { scenarios } = answerSeries(slots, 'job-1:attempt-1');
    expect(scenarios.map((s) => s.slot)).toEqual(slots.map((s) => s.slot));
    scenarios.forEach((written, i) => {
      expect(problemsOf(written)).toEqual([]);
      const language = clearLanguage(written.description);
      if (language) expect(language).toBe(slots[i]!.language);
      expect(written.description).not.toMatch(/\{place\}|\{level\}/);
    });
    // Every Spanish description differs from every English one: they are written, not copied.
    const english = new Set(
      scenarios.filter((_, i) => slots[i]!.language === 'en').map((s) => s.description),
    );
    expect(
      scenarios
        .filter((_, i) => slots[i]!.language === 'es')
        .some((s) => english.has(s.description)),
    ).toBe(false);
  });

  it('survives the request contract: JSON out, ScenarioSchema in, rendered into valid series', () => {
    const { scenarios } = JSON.parse(JSON.stringify(answerSeries(slots, 'round-trip'))) as {
      scenarios: unknown[];
    };
    scenarios.forEach((entry, i) => {
      const parsed = v.parse(ScenarioSchema, entry);
      expectValid(renderSeries(slots[i]!, parsed, new Random(`round-trip:${i}`)));
    });
  });

  it('is deterministic for a seed, and a slot answers the same alone or in a batch', () => {
    expect(answerSeries(slots, 'seed-a')).toEqual(answerSeries(slots, 'seed-a'));
    expect(answerSeries(slots, 'seed-b')).not.toEqual(answerSeries(slots, 'seed-a'));
    expect(answerSeries([slots[5]!], 'seed-a').scenarios[0]).toEqual(
      answerSeries(slots, 'seed-a').scenarios[5],
    );
  });

  it('writes varied scenarios that suit the season: no heatwave in January', () => {
    const descriptions = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const january = slotFor('temperature', { start: '2025-01-10T00:00:00Z' });
      const written = defaultScenario(january, new Random(seed));
      expect(written.description).not.toMatch(/heatwave/);
      descriptions.add(written.description);
    }
    expect(descriptions.size).toBeGreaterThan(20);
    const julyLevels = Array.from({ length: 50 }, (_, seed) =>
      defaultScenario(slotFor('temperature', { start: '2025-07-10T00:00:00Z' }), new Random(seed)),
    ).map((s) => s.level!);
    const januaryLevels = Array.from({ length: 50 }, (_, seed) =>
      defaultScenario(slotFor('temperature', { start: '2025-01-10T00:00:00Z' }), new Random(seed)),
    ).map((s) => s.level!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(julyLevels)).toBeGreaterThan(mean(januaryLevels) + 8);
  });
});

function problemsOf(input: unknown): string[] {
  const result = v.safeParse(ScenarioSchema, input);
  return result.success ? [] : formatIssues(result.issues).map((i) => `${i.path}: ${i.message}`);
}
