/**
 * Per-type facts the engine and the default scenarios share: how a level is read, how anomalies and trends
 * apply, and the typical ranges the local provider draws from.
 */

/** How relative magnitudes apply to a type: multiplicatively, or additively in units of `scale`. */
export type Composition = { kind: 'multiplicative' } | { kind: 'additive'; scale: number };

export interface TypeSpec {
  /**
   * Extensive types count an amount per interval (kWh, m³, shares): a daily point holds 24 hourly ones, so
   * their level scales with the step. Intensive ones (MW, °C, prices) do not.
   */
  extensive: boolean;
  composition: Composition;
  /** Typical level range the local provider draws from; per hour for extensive types. */
  typicalLevel: readonly [number, number];
  /** The level used when a scenario gives none (per hour for extensive types). */
  defaultLevel: number;
  /** Levels outside this range are clamped (per hour for extensive types): beyond it no physics applies. */
  levelLimits: readonly [number, number];
  /** Typical noise_level range. */
  typicalNoise: readonly [number, number];
  /** A dropout reads 0 (a meter or plant that stops) rather than repeating the last value (a stuck sensor). */
  dropoutToZero: boolean;
}

const multiplicative: Composition = { kind: 'multiplicative' };

export const TYPE_SPECS: Readonly<Record<string, TypeSpec>> = {
  residential_consumption: {
    extensive: true,
    composition: multiplicative,
    typicalLevel: [0.25, 0.9],
    defaultLevel: 0.45,
    levelLimits: [0.001, 1e6],
    typicalNoise: [0.15, 0.4],
    dropoutToZero: true,
  },
  commercial_consumption: {
    extensive: true,
    composition: multiplicative,
    typicalLevel: [8, 120],
    defaultLevel: 30,
    levelLimits: [0.01, 1e7],
    typicalNoise: [0.1, 0.35],
    dropoutToZero: true,
  },
  industrial_load: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [1, 40],
    defaultLevel: 8,
    levelLimits: [0.001, 1e5],
    typicalNoise: [0.15, 0.45],
    dropoutToZero: true,
  },
  grid_demand: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [1500, 40000],
    defaultLevel: 25000,
    levelLimits: [0.1, 1e7],
    typicalNoise: [0.05, 0.25],
    dropoutToZero: true,
  },
  solar_generation: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [2, 150],
    defaultLevel: 40,
    levelLimits: [0.0001, 1e6],
    typicalNoise: [0.15, 0.5],
    dropoutToZero: true,
  },
  wind_generation: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [10, 300],
    defaultLevel: 80,
    levelLimits: [0.0001, 1e6],
    typicalNoise: [0.15, 0.5],
    dropoutToZero: true,
  },
  gas_consumption: {
    extensive: true,
    composition: multiplicative,
    typicalLevel: [1, 40],
    defaultLevel: 5,
    levelLimits: [0.0001, 1e9],
    typicalNoise: [0.1, 0.35],
    dropoutToZero: true,
  },
  heating_demand: {
    extensive: true,
    composition: multiplicative,
    typicalLevel: [10, 400],
    defaultLevel: 40,
    levelLimits: [0.001, 1e9],
    typicalNoise: [0.1, 0.35],
    dropoutToZero: true,
  },
  temperature: {
    extensive: false,
    composition: { kind: 'additive', scale: 10 },
    typicalLevel: [5, 25],
    defaultLevel: 15,
    levelLimits: [-60, 45],
    typicalNoise: [0.15, 0.45],
    dropoutToZero: false,
  },
  pressure: {
    extensive: false,
    composition: { kind: 'additive', scale: 10 },
    typicalLevel: [1005, 1022],
    defaultLevel: 1013,
    levelLimits: [940, 1060],
    typicalNoise: [0.15, 0.45],
    dropoutToZero: false,
  },
  humidity: {
    extensive: false,
    composition: { kind: 'additive', scale: 20 },
    typicalLevel: [40, 80],
    defaultLevel: 65,
    levelLimits: [3, 99],
    typicalNoise: [0.15, 0.45],
    dropoutToZero: false,
  },
  air_quality: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [25, 120],
    defaultLevel: 55,
    levelLimits: [1, 450],
    typicalNoise: [0.2, 0.5],
    dropoutToZero: false,
  },
  stock_price: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [5, 300],
    defaultLevel: 85,
    levelLimits: [0.0001, 1e7],
    typicalNoise: [0.2, 0.5],
    dropoutToZero: false,
  },
  crypto_price: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [0.5, 60000],
    defaultLevel: 30000,
    levelLimits: [1e-8, 1e8],
    typicalNoise: [0.4, 0.8],
    dropoutToZero: false,
  },
  exchange_rate: {
    extensive: false,
    composition: multiplicative,
    typicalLevel: [1.02, 1.18],
    defaultLevel: 1.08,
    levelLimits: [0.0001, 1e5],
    typicalNoise: [0.1, 0.3],
    dropoutToZero: false,
  },
  trading_volume: {
    // Volume is an amount per interval, but markets trade only some hours, so its model scales it itself.
    extensive: false,
    composition: multiplicative,
    typicalLevel: [5e4, 2e7],
    defaultLevel: 2e6,
    levelLimits: [1, 1e13],
    typicalNoise: [0.2, 0.5],
    dropoutToZero: true,
  },
};

/** The spec of a catalog type (every catalog type has one; a test checks that). */
export function typeSpec(id: string): TypeSpec {
  const spec = TYPE_SPECS[id];
  if (!spec) throw new RangeError(`unknown series type '${id}'`);
  return spec;
}
