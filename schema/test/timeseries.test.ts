import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { SERIES_TYPES } from '../src/catalog/series.ts';
import { parseItem } from '../src/dataset.ts';
import type { FieldError } from '../src/issues.ts';
import {
  describeBounds,
  FREQUENCIES,
  frequencyMs,
  inferFrequency,
  TimeSeriesSchema,
  withinBounds,
} from '../src/timeseries.ts';
import { electricitySeries, hours, humiditySeries } from './fixtures.ts';

function errorsOf(data: unknown): FieldError[] {
  const result = parseItem('timeseries', data);
  return result.success ? [] : result.errors;
}

const START = Date.parse('2016-07-01T02:00:00Z');

describe('frequencies', () => {
  it('maps every frequency to its step', () => {
    expect(FREQUENCIES.map(frequencyMs)).toEqual([
      60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 86_400_000, 604_800_000,
    ]);
  });

  it('infers the frequency of evenly spaced timestamps', () => {
    for (const f of FREQUENCIES) {
      const step = frequencyMs(f);
      expect(inferFrequency([START, START + step, START + 2 * step])).toBe(f);
    }
    expect(inferFrequency(hours(START, 1000).map((t) => Date.parse(t)))).toBe('1H');
  });

  it('infers nothing from uneven, unknown or too few steps', () => {
    expect(inferFrequency([START, START + 3_600_000, START + 3 * 3_600_000])).toBeUndefined();
    expect(inferFrequency([START, START + 2 * 3_600_000])).toBeUndefined();
    expect(inferFrequency([START])).toBeUndefined();
    expect(inferFrequency([])).toBeUndefined();
  });
});

describe('TimeSeriesSchema: valid series', () => {
  it('accepts a sensor series with timestamps, anomalies and an English description', () => {
    expect(errorsOf(humiditySeries())).toEqual([]);
  });

  it('accepts an electricity series without timestamps and defaults anomalies to []', () => {
    const output = v.parse(TimeSeriesSchema, electricitySeries());
    expect(output.anomalies).toEqual([]);
    expect(output.description_language).toBe('es');
  });

  it('accepts a start with an offset and timestamps written in that offset', () => {
    const series = {
      ...electricitySeries(),
      start: '2016-07-01T04:00:00+02:00',
      timestamps: [
        '2016-07-01T04:00:00+02:00',
        '2016-07-01T05:00:00+02:00',
        '2016-07-01T04:00:00Z',
        '2016-07-01T07:00:00+02:00',
      ],
    };
    expect(errorsOf(series)).toEqual([]);
  });

  it('accepts every catalog type with values inside its bounds', () => {
    for (const type of SERIES_TYPES) {
      const { min, max } = type.bounds;
      const value = max !== null ? max : (min ?? 0) + 1;
      const series = {
        ...electricitySeries(),
        domain: type.domain,
        series_type: type.id,
        unit: type.unit,
        target: [value, value, value, value],
      };
      expect(errorsOf(series), type.id).toEqual([]);
    }
  });
});

describe('TimeSeriesSchema: rules', () => {
  it('requires length to equal the number of values', () => {
    expect(errorsOf({ ...electricitySeries(), length: 5 })).toEqual([
      { path: 'length', message: 'length is 5 but target has 4 values' },
    ]);
  });

  it('names NaN, Infinity and non-numbers by index', () => {
    const series = { ...electricitySeries(), target: [1, Number.NaN, 2, Number.POSITIVE_INFINITY] };
    expect(errorsOf(series)).toEqual([
      { path: 'target[1]', message: 'value is NaN' },
      { path: 'target[3]', message: 'value is Infinity' },
    ]);
    expect(errorsOf({ ...electricitySeries(), target: [1, null, 2, 3] })).toEqual([
      { path: 'target[1]', message: 'value must be a number; got null' },
    ]);
  });

  it('requires the series type to belong to the domain', () => {
    expect(errorsOf({ ...humiditySeries(), domain: 'energy' })).toEqual([
      {
        path: 'series_type',
        message: "series type 'humidity' belongs to domain 'sensors', not 'energy'",
      },
    ]);
  });

  it('rejects unknown domains, types, frequencies and trends with the allowed values', () => {
    const errors = errorsOf({
      ...electricitySeries(),
      domain: 'weather',
      frequency: '2H',
      trend_type: 'quadratic',
      seasonality_types: ['monthly'],
    });
    expect(errors).toEqual([
      {
        path: 'domain',
        message: 'domain must be one of electricity, energy, sensors, financial; got "weather"',
      },
      {
        path: 'frequency',
        message: 'frequency must be one of 1min, 5min, 10min, 15min, 30min, 1H, 1D, 1W; got "2H"',
      },
      {
        path: 'seasonality_types[0]',
        message: 'seasonality_types must be one of daily, weekly, yearly; got "monthly"',
      },
      {
        path: 'trend_type',
        message:
          'trend_type must be one of none, linear, exponential, logistic, random_walk, piecewise; got "quadratic"',
      },
    ]);
    expect(errorsOf({ ...electricitySeries(), series_type: 'rainfall' })[0]?.message).toMatch(
      /^series_type must be one of residential_consumption, .*, trading_volume; got "rainfall"$/,
    );
  });

  it('enforces humidity 0..100', () => {
    const series = { ...humiditySeries(), target: [55, 58, 61, 104.2, 60, -0.5] };
    expect(errorsOf(series)).toEqual([
      { path: 'target[3]', message: 'humidity must be within 0..100, got 104.2' },
      { path: 'target[5]', message: 'humidity must be within 0..100, got -0.5' },
    ]);
  });

  const boundCases: [type: string, domain: string, bad: number, message: string][] = [
    ['temperature', 'sensors', -91, 'temperature must be within -90..60, got -91'],
    ['temperature', 'sensors', 60.5, 'temperature must be within -90..60, got 60.5'],
    ['pressure', 'sensors', 849, 'pressure must be within 850..1090, got 849'],
    ['pressure', 'sensors', 1091, 'pressure must be within 850..1090, got 1091'],
    ['air_quality', 'sensors', 501, 'air_quality must be within 0..500, got 501'],
    ['air_quality', 'sensors', -1, 'air_quality must be within 0..500, got -1'],
    ['residential_consumption', 'electricity', -1, 'residential_consumption must be >= 0, got -1'],
    ['commercial_consumption', 'electricity', -2, 'commercial_consumption must be >= 0, got -2'],
    ['industrial_load', 'electricity', -0.1, 'industrial_load must be >= 0, got -0.1'],
    ['grid_demand', 'electricity', -5, 'grid_demand must be >= 0, got -5'],
    ['solar_generation', 'energy', -1, 'solar_generation must be >= 0, got -1'],
    ['wind_generation', 'energy', -1, 'wind_generation must be >= 0, got -1'],
    ['gas_consumption', 'energy', -1, 'gas_consumption must be >= 0, got -1'],
    ['heating_demand', 'energy', -1, 'heating_demand must be >= 0, got -1'],
    ['trading_volume', 'financial', -1, 'trading_volume must be >= 0, got -1'],
    ['stock_price', 'financial', 0, 'stock_price must be > 0, got 0'],
    ['crypto_price', 'financial', -3, 'crypto_price must be > 0, got -3'],
    ['exchange_rate', 'financial', 0, 'exchange_rate must be > 0, got 0'],
  ];
  it.each(boundCases)('enforces the bounds of %s (%s): %d', (type, domain, bad, message) => {
    const series = { ...electricitySeries(), domain, series_type: type, target: [1, bad, 1, 1] };
    if (type === 'pressure') series.target = [1000, bad, 1000, 1000];
    expect(errorsOf(series)).toEqual([{ path: 'target[1]', message }]);
  });

  it('allows zero where the bound is inclusive', () => {
    expect(errorsOf({ ...electricitySeries(), target: [0, 0, 0, 0] })).toEqual([]);
    expect(
      errorsOf({
        ...electricitySeries(),
        domain: 'financial',
        series_type: 'trading_volume',
        target: [0, 0, 0, 0],
      }),
    ).toEqual([]);
  });

  it('lists at most 5 out-of-bounds points, then a count', () => {
    const target = [120, 130, 140, 150, 160, 170, 180, 50, 190, 200];
    const series = {
      ...humiditySeries(),
      length: 10,
      target,
      timestamps: undefined,
      anomalies: [],
    };
    expect(errorsOf(series)).toEqual([
      { path: 'target[0]', message: 'humidity must be within 0..100, got 120' },
      { path: 'target[1]', message: 'humidity must be within 0..100, got 130' },
      { path: 'target[2]', message: 'humidity must be within 0..100, got 140' },
      { path: 'target[3]', message: 'humidity must be within 0..100, got 150' },
      { path: 'target[4]', message: 'humidity must be within 0..100, got 160' },
      {
        path: 'target',
        message: '9 values of humidity are not within 0..100; only the first 5 are listed',
      },
    ]);
  });

  it('requires as many timestamps as values', () => {
    const series = { ...humiditySeries(), timestamps: hours(START, 5) };
    expect(errorsOf(series)).toEqual([
      { path: 'timestamps', message: 'timestamps has 5 entries but length is 6' },
    ]);
  });

  it('requires the first timestamp to equal start', () => {
    const series = { ...humiditySeries(), start: '2016-07-01T01:00:00Z' };
    expect(errorsOf(series)).toEqual([
      {
        path: 'timestamps[0]',
        message:
          'the first timestamp must equal start 2016-07-01T01:00:00.000Z; got 2016-07-01T02:00:00.000Z',
      },
    ]);
  });

  it('requires timestamps spaced exactly by the frequency', () => {
    const timestamps = hours(START, 6);
    timestamps[5] = '2016-07-01T08:00:00Z';
    expect(errorsOf({ ...humiditySeries(), timestamps })).toEqual([
      {
        path: 'timestamps[5]',
        message:
          'expected 2016-07-01T07:00:00.000Z (1H after the previous), got 2016-07-01T08:00:00Z',
      },
    ]);
    expect(errorsOf({ ...humiditySeries(), frequency: '30min' })[0]).toEqual({
      path: 'timestamps[1]',
      message:
        'expected 2016-07-01T02:30:00.000Z (30min after the previous), got 2016-07-01T03:00:00.000Z',
    });
  });

  it('requires timestamps to be strictly increasing', () => {
    const timestamps = hours(START, 6);
    timestamps[3] = timestamps[2]!;
    expect(errorsOf({ ...humiditySeries(), timestamps })).toContainEqual({
      path: 'timestamps[3]',
      message:
        'timestamps must be strictly increasing; 2016-07-01T04:00:00.000Z is not after 2016-07-01T04:00:00.000Z',
    });
  });

  it('rejects timestamps and starts without a zone', () => {
    const timestamps = hours(START, 6);
    timestamps[2] = '2016-07-01 04:00:00';
    expect(errorsOf({ ...humiditySeries(), timestamps })).toEqual([
      {
        path: 'timestamps[2]',
        message:
          'timestamp must be an ISO-8601 timestamp with a zone, like 2016-07-01T02:00:00Z; got "2016-07-01 04:00:00"',
      },
    ]);
    expect(errorsOf({ ...electricitySeries(), start: '2016-07-01' })).toEqual([
      {
        path: 'start',
        message:
          'start must be an ISO-8601 timestamp with a zone, like 2016-07-01T02:00:00Z; got "2016-07-01"',
      },
    ]);
  });

  it('requires anomaly indexes inside the series', () => {
    const series = { ...humiditySeries(), anomalies: [{ index: 6, type: 'dip' }] };
    expect(errorsOf(series)).toEqual([
      {
        path: 'anomalies[0].index',
        message: 'anomaly index 6 is out of range; the series has 6 points (0..5)',
      },
    ]);
    expect(errorsOf({ ...humiditySeries(), anomalies: [{ index: -1, type: 'glitch' }] })).toEqual([
      { path: 'anomalies[0].index', message: 'index must be >= 0; got -1' },
      {
        path: 'anomalies[0].type',
        message: 'type must be one of spike, dip, level_shift, dropout, drift; got "glitch"',
      },
    ]);
  });

  it('bounds length, noise_level and requires a unit', () => {
    expect(errorsOf({ ...electricitySeries(), length: 0, target: [] })).toEqual([
      { path: 'length', message: 'length must be at least 1; got 0' },
    ]);
    expect(errorsOf({ ...electricitySeries(), noise_level: 1.5 })).toEqual([
      { path: 'noise_level', message: 'noise_level must be within 0..1; got 1.5' },
    ]);
    expect(errorsOf({ ...electricitySeries(), unit: '' })).toEqual([
      { path: 'unit', message: 'unit must not be empty' },
    ]);
  });

  it('describes and checks bounds', () => {
    expect(describeBounds({ min: 0, max: 100 })).toBe('within 0..100');
    expect(describeBounds({ min: 0, max: null, min_exclusive: true })).toBe('> 0');
    expect(describeBounds({ min: null, max: 60 })).toBe('<= 60');
    expect(describeBounds({ min: null, max: null })).toBe('any number');
    expect(withinBounds(0, { min: 0, max: null, min_exclusive: true })).toBe(false);
    expect(withinBounds(0, { min: 0, max: null })).toBe(true);
    expect(withinBounds(100, { min: 0, max: 100 })).toBe(true);
  });
});
