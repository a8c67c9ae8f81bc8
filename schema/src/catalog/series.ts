/**
 * The time-series catalog: 4 domains with their target weights and the 16 series types, each with its
 * unit, physical bounds, typical frequency and seasonalities. The bounds are enforced by
 * `TimeSeriesSchema`; the rest guides generation and validation.
 */
import type { Frequency, SeasonalityType } from '../timeseries.ts';

/** The four domain ids. */
export type DomainId = 'electricity' | 'energy' | 'sensors' | 'financial';

/** A seasonality a series type typically shows. */
export type Seasonality = SeasonalityType;

/** A time-series domain and its share of a generated dataset. */
export interface DomainInfo {
  id: DomainId;
  /** Target share of the items of a time-series dataset; the four weights sum to 1. */
  weight: number;
  name_en: string;
  name_es: string;
  /** One line, English. */
  description: string;
}

/**
 * Physical bounds of a series type's values; `null` means unbounded on that side. Both ends are
 * inclusive, except that `min_exclusive: true` makes `min` exclusive: prices and exchange rates must
 * be strictly positive (`> 0`), while volumes and consumptions may be exactly 0.
 */
export interface SeriesBounds {
  min: number | null;
  max: number | null;
  min_exclusive?: boolean;
}

/** One of the 16 series types. */
export interface SeriesTypeInfo {
  id: string;
  domain: DomainId;
  name_en: string;
  name_es: string;
  /** One line, English. */
  description: string;
  /** Unit of the values, e.g. `kWh`, `MW`, `°C`, `hPa`, `%`, `AQI`, `USD`, `EUR/USD`. */
  unit: string;
  bounds: SeriesBounds;
  /** The frequency such series typically have. */
  frequency: Frequency;
  /** The seasonalities such series typically show. */
  seasonality: readonly Seasonality[];
}

/** The four domains, with weights 0.5 / 0.2 / 0.2 / 0.1. */
export const DOMAINS: readonly DomainInfo[] = [
  {
    id: 'electricity',
    weight: 0.5,
    name_en: 'Electricity',
    name_es: 'Electricidad',
    description: 'Electricity consumption and load, from households to the whole grid.',
  },
  {
    id: 'energy',
    weight: 0.2,
    name_en: 'Energy',
    name_es: 'Energía',
    description: 'Renewable generation and gas and heating demand.',
  },
  {
    id: 'sensors',
    weight: 0.2,
    name_en: 'Sensors',
    name_es: 'Sensores',
    description: 'Environmental sensor readings: temperature, pressure, humidity and air quality.',
  },
  {
    id: 'financial',
    weight: 0.1,
    name_en: 'Financial',
    name_es: 'Finanzas',
    description: 'Market prices, exchange rates and trading volumes.',
  },
];

const NON_NEGATIVE: SeriesBounds = { min: 0, max: null };
const POSITIVE: SeriesBounds = { min: 0, max: null, min_exclusive: true };

/** The 16 series types, four per domain. */
export const SERIES_TYPES: readonly SeriesTypeInfo[] = [
  {
    id: 'residential_consumption',
    domain: 'electricity',
    name_en: 'Residential consumption',
    name_es: 'Consumo residencial',
    description: 'Electricity used by a household per interval.',
    unit: 'kWh',
    bounds: NON_NEGATIVE,
    frequency: '1H',
    seasonality: ['daily', 'weekly', 'yearly'],
  },
  {
    id: 'commercial_consumption',
    domain: 'electricity',
    name_en: 'Commercial consumption',
    name_es: 'Consumo comercial',
    description: 'Electricity used by a shop, office or other business per interval.',
    unit: 'kWh',
    bounds: NON_NEGATIVE,
    frequency: '1H',
    seasonality: ['daily', 'weekly', 'yearly'],
  },
  {
    id: 'industrial_load',
    domain: 'electricity',
    name_en: 'Industrial load',
    name_es: 'Carga industrial',
    description: 'Average electrical load of an industrial site.',
    unit: 'MW',
    bounds: NON_NEGATIVE,
    frequency: '15min',
    seasonality: ['daily', 'weekly'],
  },
  {
    id: 'grid_demand',
    domain: 'electricity',
    name_en: 'Grid demand',
    name_es: 'Demanda de la red',
    description: 'Total electricity demand on a regional or national grid.',
    unit: 'MW',
    bounds: NON_NEGATIVE,
    frequency: '1H',
    seasonality: ['daily', 'weekly', 'yearly'],
  },
  {
    id: 'solar_generation',
    domain: 'energy',
    name_en: 'Solar generation',
    name_es: 'Generación solar',
    description: 'Power produced by a photovoltaic plant; zero at night.',
    unit: 'MW',
    bounds: NON_NEGATIVE,
    frequency: '1H',
    seasonality: ['daily', 'yearly'],
  },
  {
    id: 'wind_generation',
    domain: 'energy',
    name_en: 'Wind generation',
    name_es: 'Generación eólica',
    description: 'Power produced by a wind farm; volatile, weakly seasonal.',
    unit: 'MW',
    bounds: NON_NEGATIVE,
    frequency: '1H',
    seasonality: ['yearly'],
  },
  {
    id: 'gas_consumption',
    domain: 'energy',
    name_en: 'Gas consumption',
    name_es: 'Consumo de gas',
    description: 'Natural gas used by a building or network per day.',
    unit: 'm³',
    bounds: NON_NEGATIVE,
    frequency: '1D',
    seasonality: ['weekly', 'yearly'],
  },
  {
    id: 'heating_demand',
    domain: 'energy',
    name_en: 'Heating demand',
    name_es: 'Demanda de calefacción',
    description: 'Heat energy needed by a building or district heating network.',
    unit: 'kWh',
    bounds: NON_NEGATIVE,
    frequency: '1H',
    seasonality: ['daily', 'yearly'],
  },
  {
    id: 'temperature',
    domain: 'sensors',
    name_en: 'Temperature',
    name_es: 'Temperatura',
    description: 'Outdoor air temperature.',
    unit: '°C',
    bounds: { min: -90, max: 60 },
    frequency: '1H',
    seasonality: ['daily', 'yearly'],
  },
  {
    id: 'pressure',
    domain: 'sensors',
    name_en: 'Atmospheric pressure',
    name_es: 'Presión atmosférica',
    description: 'Barometric pressure at sea level.',
    unit: 'hPa',
    bounds: { min: 850, max: 1090 },
    frequency: '1H',
    seasonality: [],
  },
  {
    id: 'humidity',
    domain: 'sensors',
    name_en: 'Relative humidity',
    name_es: 'Humedad relativa',
    description: 'Relative humidity of the air.',
    unit: '%',
    bounds: { min: 0, max: 100 },
    frequency: '1H',
    seasonality: ['daily', 'yearly'],
  },
  {
    id: 'air_quality',
    domain: 'sensors',
    name_en: 'Air quality',
    name_es: 'Calidad del aire',
    description: 'Air quality index (US EPA scale).',
    unit: 'AQI',
    bounds: { min: 0, max: 500 },
    frequency: '1H',
    seasonality: ['daily', 'weekly'],
  },
  {
    id: 'stock_price',
    domain: 'financial',
    name_en: 'Stock price',
    name_es: 'Precio de una acción',
    description: 'Daily closing price of a listed share.',
    unit: 'USD',
    bounds: POSITIVE,
    frequency: '1D',
    seasonality: [],
  },
  {
    id: 'crypto_price',
    domain: 'financial',
    name_en: 'Cryptocurrency price',
    name_es: 'Precio de una criptomoneda',
    description: 'Price of a cryptocurrency, traded around the clock.',
    unit: 'USD',
    bounds: POSITIVE,
    frequency: '1H',
    seasonality: [],
  },
  {
    id: 'exchange_rate',
    domain: 'financial',
    name_en: 'Exchange rate',
    name_es: 'Tipo de cambio',
    description: 'Price of one euro in US dollars.',
    unit: 'EUR/USD',
    bounds: POSITIVE,
    frequency: '1D',
    seasonality: [],
  },
  {
    id: 'trading_volume',
    domain: 'financial',
    name_en: 'Trading volume',
    name_es: 'Volumen de negociación',
    description: 'Number of shares traded per day.',
    unit: 'shares',
    bounds: NON_NEGATIVE,
    frequency: '1D',
    seasonality: ['weekly'],
  },
];

/** The four domain ids. */
export const DOMAIN_IDS: readonly DomainId[] = DOMAINS.map((domain) => domain.id);

/** The 16 series type ids. */
export const SERIES_TYPE_IDS: readonly string[] = SERIES_TYPES.map((type) => type.id);

const domainById = new Map<string, DomainInfo>(DOMAINS.map((domain) => [domain.id, domain]));
const seriesTypeById = new Map(SERIES_TYPES.map((type) => [type.id, type]));

/** Looks up a domain by id. */
export function getDomain(id: string): DomainInfo | undefined {
  return domainById.get(id);
}

/** Looks up a series type by id. */
export function getSeriesType(id: string): SeriesTypeInfo | undefined {
  return seriesTypeById.get(id);
}

/** The series types of one domain, in catalog order; empty for an unknown domain. */
export function seriesTypesOfDomain(domain: string): readonly SeriesTypeInfo[] {
  return SERIES_TYPES.filter((type) => type.domain === domain);
}
