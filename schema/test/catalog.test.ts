import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  CATEGORY_IDS,
  getCategory,
  getIntent,
  INTENT_IDS,
  INTENTS,
  intentsOfCategory,
} from '../src/catalog/intents.ts';
import {
  DOMAIN_IDS,
  DOMAINS,
  getDomain,
  getSeriesType,
  SERIES_TYPE_IDS,
  SERIES_TYPES,
  seriesTypesOfDomain,
} from '../src/catalog/series.ts';
import { FREQUENCIES } from '../src/timeseries.ts';

// The real label file lives outside the repo; the catalog is the committed copy, checked when present.
const categoriesJson = new URL('../../../shared/data/banking77/categories.json', import.meta.url);

describe('intent catalog', () => {
  it('has 77 distinct intents, including the odd Banking77 labels verbatim', () => {
    expect(INTENTS).toHaveLength(77);
    expect(new Set(INTENT_IDS).size).toBe(77);
    expect(INTENT_IDS).toContain('Refund_not_showing_up');
    expect(INTENT_IDS).toContain('reverted_card_payment?');
  });

  it.skipIf(!existsSync(categoriesJson))(
    'equals the Banking77 label set in categories.json',
    () => {
      const labels: string[] = JSON.parse(readFileSync(categoriesJson, 'utf8'));
      expect([...INTENT_IDS].sort()).toEqual([...labels].sort());
    },
  );

  it('has 11 distinct categories, each non-empty, and every intent in a known category', () => {
    expect(CATEGORIES).toHaveLength(11);
    expect(new Set(CATEGORY_IDS).size).toBe(11);
    for (const intent of INTENTS) expect(CATEGORY_IDS).toContain(intent.category);
    for (const id of CATEGORY_IDS) expect(intentsOfCategory(id).length).toBeGreaterThan(0);
    const total = CATEGORY_IDS.reduce((sum, id) => sum + intentsOfCategory(id).length, 0);
    expect(total).toBe(77);
  });

  it('uses snake_case category ids', () => {
    for (const id of CATEGORY_IDS) expect(id).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
  });

  it('gives every intent and category non-empty English and Spanish names and a one-line description', () => {
    for (const item of [...INTENTS, ...CATEGORIES]) {
      expect(item.name_en.trim()).not.toBe('');
      expect(item.name_es.trim()).not.toBe('');
      expect(item.description.trim()).not.toBe('');
      expect(item.description).not.toContain('\n');
    }
  });

  it('looks intents and categories up by id', () => {
    expect(getIntent('card_arrival')).toMatchObject({
      category: 'card_management',
      name_en: 'Card arrival',
    });
    expect(getIntent('reverted_card_payment?')?.category).toBe('card_payments');
    expect(getIntent('Card_arrival')).toBeUndefined();
    expect(getCategory('security')?.name_es).toBe('Seguridad');
    expect(getCategory('cards')).toBeUndefined();
    expect(intentsOfCategory('nope')).toEqual([]);
  });
});

describe('series catalog', () => {
  it('has 4 domains whose weights are 0.5/0.2/0.2/0.1 and sum to 1', () => {
    expect(DOMAIN_IDS).toEqual(['electricity', 'energy', 'sensors', 'financial']);
    expect(DOMAINS.map((d) => d.weight)).toEqual([0.5, 0.2, 0.2, 0.1]);
    expect(DOMAINS.reduce((sum, d) => sum + d.weight, 0)).toBeCloseTo(1, 12);
  });

  it('has the 16 series types, four per domain', () => {
    expect(SERIES_TYPES).toHaveLength(16);
    expect(new Set(SERIES_TYPE_IDS).size).toBe(16);
    expect(seriesTypesOfDomain('electricity').map((t) => t.id)).toEqual([
      'residential_consumption',
      'commercial_consumption',
      'industrial_load',
      'grid_demand',
    ]);
    expect(seriesTypesOfDomain('energy').map((t) => t.id)).toEqual([
      'solar_generation',
      'wind_generation',
      'gas_consumption',
      'heating_demand',
    ]);
    expect(seriesTypesOfDomain('sensors').map((t) => t.id)).toEqual([
      'temperature',
      'pressure',
      'humidity',
      'air_quality',
    ]);
    expect(seriesTypesOfDomain('financial').map((t) => t.id)).toEqual([
      'stock_price',
      'crypto_price',
      'exchange_rate',
      'trading_volume',
    ]);
  });

  it('gives every type a unit, names, a known typical frequency and valid seasonalities', () => {
    for (const type of SERIES_TYPES) {
      expect(type.unit).not.toBe('');
      expect(type.name_en).not.toBe('');
      expect(type.name_es).not.toBe('');
      expect(FREQUENCIES).toContain(type.frequency);
      for (const s of type.seasonality) expect(['daily', 'weekly', 'yearly']).toContain(s);
    }
  });

  it('encodes the physical bounds', () => {
    const bounds = (id: string) => getSeriesType(id)?.bounds;
    for (const id of [
      'residential_consumption',
      'commercial_consumption',
      'industrial_load',
      'grid_demand',
      'solar_generation',
      'wind_generation',
      'gas_consumption',
      'heating_demand',
      'trading_volume',
    ]) {
      expect(bounds(id)).toEqual({ min: 0, max: null });
    }
    expect(bounds('humidity')).toEqual({ min: 0, max: 100 });
    expect(bounds('temperature')).toEqual({ min: -90, max: 60 });
    expect(bounds('pressure')).toEqual({ min: 850, max: 1090 });
    expect(bounds('air_quality')).toEqual({ min: 0, max: 500 });
    for (const id of ['stock_price', 'crypto_price', 'exchange_rate']) {
      expect(bounds(id)).toEqual({ min: 0, max: null, min_exclusive: true });
    }
  });

  it('looks domains and types up by id', () => {
    expect(getDomain('sensors')?.weight).toBe(0.2);
    expect(getDomain('weather')).toBeUndefined();
    expect(getSeriesType('temperature')).toMatchObject({ domain: 'sensors', unit: '°C' });
    expect(getSeriesType('exchange_rate')?.unit).toBe('EUR/USD');
    expect(getSeriesType('rainfall')).toBeUndefined();
  });
});
