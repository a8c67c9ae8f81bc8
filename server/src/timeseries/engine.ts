/**
 * The time-series engine: renders a scenario into a series of one of the 16 catalog types. The type's model
 * (`models.ts`) gives the signal; the engine adds the trend, the regime shift and the labelled anomalies, keeps
 * every value within the type's physical bounds, and fills in the metadata. Whatever the scenario, the result
 * passes `TimeSeriesSchema`.
 */
import { getSeriesType, type SeriesTypeInfo } from '@genesis/schema/catalog/series';
import type { Language } from '@genesis/schema/common';
import type { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import {
  type Anomaly,
  type AnomalyType,
  FREQUENCIES,
  type Frequency,
  frequencyMs,
  MAX_SERIES_LENGTH,
  type SeasonalityType,
  type TimeSeries,
  type TrendType,
} from '@genesis/schema/timeseries';
import { renderCalibrated, type TypeParams } from './calibrated.ts';
import { MODELS, type ModelContext } from './models.ts';
import { Gauss } from './noise.ts';
import type { Scenario, ScenarioAnomaly } from './scenario.ts';
import { type TypeSpec, typeSpec } from './specs.ts';
import { DAY_MS, HOUR_MS, WEEK_MS } from './time.ts';

/** Interval models are evaluated at most this many times per point (hourly for a day, every 3.5 h for a week). */
const MAX_SUBSTEPS = 48;

/** The slot's frequency, start and length, checked: a bad slot is a programming error, named precisely. */
function checkSlot(slot: SeriesSlot): { type: SeriesTypeInfo; startMs: number; stepMs: number } {
  const type = getSeriesType(slot.series_type);
  if (!type) throw new RangeError(`unknown series type '${slot.series_type}'`);
  if (type.domain !== slot.domain) {
    throw new RangeError(
      `series type '${type.id}' belongs to domain '${type.domain}', not '${slot.domain}'`,
    );
  }
  if (!(FREQUENCIES as readonly string[]).includes(slot.frequency)) {
    throw new RangeError(
      `frequency must be one of ${FREQUENCIES.join(', ')}; got '${slot.frequency}'`,
    );
  }
  if (!Number.isInteger(slot.length) || slot.length < 1 || slot.length > MAX_SERIES_LENGTH) {
    throw new RangeError(
      `length must be a whole number within 1..${MAX_SERIES_LENGTH}; got ${slot.length}`,
    );
  }
  const startMs = Date.parse(slot.start);
  if (!Number.isFinite(startMs)) {
    throw new RangeError(`start must be an ISO-8601 timestamp; got '${slot.start}'`);
  }
  return { type, startMs, stepMs: frequencyMs(slot.frequency as Frequency) };
}

/**
 * Renders `scenario` for `slot`: `slot.length` values from `slot.start` at `slot.frequency`, with timestamps,
 * the catalog unit, the seasonalities that are visible at this frequency and span, the scenario's trend type
 * and noise level, its description (in `slot.language`), and every injected anomaly labelled at its index.
 * The same slot, scenario and seed always give the same series. `series_id` is the slot key; callers that
 * store the series may replace it.
 *
 * @throws RangeError when the slot itself is malformed (unknown type, wrong domain, bad length or start).
 */
export interface RenderOptions {
  /**
   * Fitted parameters of the slot's type (`calibrated.ts`): the baseline is drawn from them instead of the
   * hand-written model, and the scenario's trend, regime shift and anomalies apply on top. Without them the
   * original engine renders the scenario as it always did.
   */
  calibration?: TypeParams | null;
  /** Time zone of the series' clock (daily profiles, weekends, solar nights); default the slot's, else UTC. */
  timeZone?: string;
}

export function renderSeries(
  slot: SeriesSlot,
  scenario: Scenario,
  rng: Random,
  options: RenderOptions = {},
): TimeSeries {
  if (options.calibration)
    return renderFromCalibration(slot, scenario, rng, options.calibration, options);
  const { type, startMs, stepMs } = checkSlot(slot);
  const spec = typeSpec(type.id);
  const model = MODELS[type.id]!;
  const n = slot.length;
  const stepHours = stepMs / HOUR_MS;
  const endMs = startMs + n * stepMs;
  const strengths = seasonalStrengths(type, scenario);
  const level = effectiveLevel(spec, scenario, stepHours);
  const regimeIndex = scenario.regime_shift
    ? Math.round(scenario.regime_shift.position * (n - 1))
    : n;

  // Independent streams, so changing one part of a scenario (say its trend) leaves the rest as it was.
  const modelRng = rng.fork('model');
  const trendRng = rng.fork('trend');

  const substeps =
    model.kind === 'interval' && stepMs > HOUR_MS
      ? Math.min(MAX_SUBSTEPS, Math.ceil(stepMs / HOUR_MS))
      : 1;
  const fineStep = stepMs / substeps;
  const ctx: ModelContext = {
    rng: modelRng,
    gauss: new Gauss(modelRng),
    level,
    noise: scenario.noise_level,
    ...strengths,
    weekendFactor: scenario.weekend_factor ?? undefined,
    cloudiness: scenario.cloudiness ?? undefined,
    volatility: scenario.volatility ?? undefined,
    count: n * substeps,
    firstMs: model.kind === 'interval' ? startMs + fineStep / 2 : startMs,
    stepMs: fineStep,
    windowStartMs: startMs,
    windowEndMs: endMs,
    regimeIndex: regimeIndex * substeps,
    volatilityFactor: scenario.regime_shift?.volatility_factor ?? 1,
  };
  const fine = model.render(ctx);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < substeps; k++) sum += fine[i * substeps + k]!;
    // Extensive models give a rate per hour; a point holds the amount over its whole interval.
    values[i] = (sum / substeps) * (spec.extensive ? stepHours : 1);
  }

  applyTrend(values, spec, scenario, type, trendRng);
  if (scenario.regime_shift?.factor != null) {
    applyLevelShift(values, spec, regimeIndex, n, scenario.regime_shift.factor - 1);
  }
  const bounds = boundsOf(type, values);
  clip(values, bounds);
  const anomalies = injectAnomalies(values, scenario.anomalies ?? [], {
    spec,
    type,
    bounds,
    stepHours,
    startMs,
    stepMs,
    times: null,
    language: slot.language,
  });
  const target = roundAll(values, bounds, level);

  const timestamps = new Array<string>(n);
  for (let i = 0; i < n; i++) timestamps[i] = new Date(startMs + i * stepMs).toISOString();

  return {
    series_id: slot.slot,
    domain: type.domain,
    series_type: type.id,
    frequency: slot.frequency,
    start: timestamps[0]!,
    length: n,
    target,
    timestamps,
    unit: type.unit,
    seasonality_types: visibleSeasonalities(type, strengths, stepMs, endMs - startMs),
    trend_type: scenario.trend_type,
    noise_level: scenario.noise_level,
    anomalies,
    description_language: slot.language,
    description: scenario.description,
  };
}

/**
 * The calibrated path: the baseline from the type's fitted parameters (level, profiles, noise, tails, zeros,
 * bounds as in the real data), then what the scenario adds on top: a level if it names one, a trend unless
 * `none`, its regime shift and its labelled anomalies.
 */
function renderFromCalibration(
  slot: SeriesSlot,
  scenario: Scenario,
  rng: Random,
  calibration: TypeParams,
  options: RenderOptions,
): TimeSeries {
  const { type, startMs, stepMs } = checkSlot(slot);
  const spec = typeSpec(type.id);
  const n = slot.length;
  const timeZone = options.timeZone ?? slot.time_zone ?? 'UTC';
  const drawn = renderCalibrated(
    calibration,
    { length: n, startMs, stepMs, timeZone, extensive: spec.extensive },
    rng.fork('calibrated'),
  );
  const values = drawn.values;
  if (scenario.level != null && Number.isFinite(scenario.level) && calibration.kind !== 'price') {
    let m = 0;
    for (const x of values) m += x / n;
    if (calibration.transform === 'relative' && m > 0 && scenario.level > 0) {
      for (let i = 0; i < n; i++) values[i] = values[i]! * (scenario.level / m);
    } else if (calibration.transform === 'standardised') {
      for (let i = 0; i < n; i++) values[i] = values[i]! + (scenario.level - m);
    }
  } else if (scenario.level != null && calibration.kind === 'price' && scenario.level > 0) {
    const first = values[0]!;
    for (let i = 0; i < n; i++) values[i] = (values[i]! / first) * scenario.level;
  }
  if (scenario.trend_type !== 'none') applyTrend(values, spec, scenario, type, rng.fork('trend'));
  const regimeIndex = scenario.regime_shift
    ? Math.round(scenario.regime_shift.position * (n - 1))
    : n;
  if (scenario.regime_shift?.factor != null) {
    applyLevelShift(values, spec, regimeIndex, n, scenario.regime_shift.factor - 1);
  }
  const bounds = boundsOf(type, values);
  clip(values, bounds);
  const anomalies = injectAnomalies(values, scenario.anomalies ?? [], {
    spec,
    type,
    bounds,
    stepHours: stepMs / HOUR_MS,
    startMs,
    stepMs,
    times: drawn.times,
    language: slot.language,
  });
  let typical = 0;
  for (const x of values) typical += Math.abs(x) / n;
  const target = roundAll(values, bounds, typical, drawn.resolution, drawn.digits);
  const timestamps = drawn.times.map((t) => new Date(t).toISOString());
  const spanMs = drawn.times[n - 1]! - drawn.times[0]! + stepMs;
  return {
    series_id: slot.slot,
    domain: type.domain,
    series_type: type.id,
    frequency: slot.frequency,
    start: timestamps[0]!,
    length: n,
    target,
    timestamps,
    unit: type.unit,
    seasonality_types: type.seasonality.filter((season) => {
      const period = SEASON_PERIOD_MS[season];
      return season !== 'yearly' && stepMs < period && spanMs >= period;
    }),
    trend_type: scenario.trend_type,
    noise_level: scenario.noise_level,
    anomalies,
    description_language: slot.language,
    description: scenario.description,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Level and seasonality

/**
 * The level the model works with: the scenario's (or the type's default), clamped to the range where the
 * type's physics holds, and for extensive types turned into a rate per hour.
 */
function effectiveLevel(spec: TypeSpec, scenario: Scenario, stepHours: number): number {
  const perHour = spec.extensive ? 1 / stepHours : 1;
  const [low, high] = spec.levelLimits;
  const given = scenario.level;
  const level = given == null ? spec.defaultLevel : given * perHour;
  return Math.min(high, Math.max(low, level));
}

/** Strength of each season: the scenario's, else 1 (the type's typical pattern); 0 for seasons it lacks. */
function seasonalStrengths(
  type: SeriesTypeInfo,
  scenario: Scenario,
): { daily: number; weekly: number; yearly: number } {
  const given = scenario.seasonality_strength;
  const strength = (season: SeasonalityType) =>
    type.seasonality.includes(season) ? (given?.[season] ?? 1) : 0;
  return { daily: strength('daily'), weekly: strength('weekly'), yearly: strength('yearly') };
}

const SEASON_PERIOD_MS: Record<SeasonalityType, number> = {
  daily: DAY_MS,
  weekly: WEEK_MS,
  yearly: 365 * DAY_MS,
};

/**
 * The seasonalities a reader of the series could find in it: present with some strength, finer than the
 * step can't hide them, and the series spans at least one full period. Solar output always has its daily
 * cycle, whatever the scenario says: night is not a parameter.
 */
function visibleSeasonalities(
  type: SeriesTypeInfo,
  strengths: Record<SeasonalityType, number>,
  stepMs: number,
  spanMs: number,
): SeasonalityType[] {
  return type.seasonality.filter((season) => {
    const period = SEASON_PERIOD_MS[season];
    const present = strengths[season] > 0 || (season === 'daily' && type.id === 'solar_generation');
    return present && stepMs < period && spanMs >= period;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Trend and regime

/** What a trend of `strength` has added by position x (0..1): a relative change, or units of the type's scale. */
function trendCurve(
  trendType: TrendType,
  strength: number,
  n: number,
  rng: Random,
  multiplicative: boolean,
): (x: number, i: number) => number {
  switch (trendType) {
    case 'none':
      return () => 0;
    case 'linear':
      return (x) => strength * x;
    case 'exponential': {
      if (multiplicative) {
        const growth = Math.log(Math.max(0.02, 1 + strength));
        return (x) => Math.exp(growth * x) - 1;
      }
      // Additive quantities have no natural growth rate: a convex ramp reaching `strength`.
      return (x) => (strength * (Math.exp(2 * x) - 1)) / (Math.exp(2) - 1);
    }
    case 'logistic': {
      const centre = 0.35 + 0.3 * rng.next();
      const s = (x: number) => 1 / (1 + Math.exp(-12 * (x - centre)));
      const s0 = s(0);
      const s1 = s(1);
      return (x) => (strength * (s(x) - s0)) / (s1 - s0);
    }
    case 'random_walk': {
      // A walk whose spread at the end is `strength`, stored once since every point needs its prefix sum.
      const path = new Float64Array(n);
      const gauss = new Gauss(rng);
      const step = strength / Math.sqrt(Math.max(1, n - 1));
      for (let i = 1; i < n; i++) path[i] = path[i - 1]! + step * gauss.next();
      return multiplicative ? (_x, i) => Math.exp(path[i]!) - 1 : (_x, i) => path[i]!;
    }
    case 'piecewise': {
      const knots = [0.15 + 0.3 * rng.next(), 0.55 + 0.3 * rng.next()];
      const heights = [
        0,
        strength * (-0.6 + 2.2 * rng.next()),
        strength * (-0.6 + 2.2 * rng.next()),
        strength,
      ];
      const xs = [0, knots[0]!, knots[1]!, 1];
      return (x) => {
        let k = 0;
        while (k < 2 && x > xs[k + 1]!) k++;
        const t = (x - xs[k]!) / (xs[k + 1]! - xs[k]!);
        return heights[k]! + (heights[k + 1]! - heights[k]!) * t;
      };
    }
  }
}

function defaultTrendStrength(trendType: TrendType): number {
  if (trendType === 'none') return 0;
  return trendType === 'random_walk' ? 0.1 : 0.2;
}

function applyTrend(
  values: Float64Array,
  spec: TypeSpec,
  scenario: Scenario,
  type: SeriesTypeInfo,
  rng: Random,
): void {
  // A price is already a random walk; a second one on top would only double its volatility.
  if (
    scenario.trend_type === 'random_walk' &&
    type.domain === 'financial' &&
    type.id !== 'trading_volume'
  ) {
    return;
  }
  const strength = scenario.trend_strength ?? defaultTrendStrength(scenario.trend_type);
  const n = values.length;
  const multiplicative = spec.composition.kind === 'multiplicative';
  const curve = trendCurve(scenario.trend_type, strength, n, rng, multiplicative);
  for (let i = 0; i < n; i++) {
    const g = curve(n === 1 ? 0 : i / (n - 1), i);
    if (spec.composition.kind === 'multiplicative') values[i] = values[i]! * Math.max(0.02, 1 + g);
    else values[i] = values[i]! + g * spec.composition.scale;
  }
}

/** Shifts [from, to) by a relative `change` (or `change` x the scale for additive types). */
function applyLevelShift(
  values: Float64Array,
  spec: TypeSpec,
  from: number,
  to: number,
  change: number,
): void {
  for (let i = from; i < to; i++) {
    if (spec.composition.kind === 'multiplicative')
      values[i] = values[i]! * Math.max(0.02, 1 + change);
    else values[i] = values[i]! + change * spec.composition.scale;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Bounds

interface Bounds {
  min: number;
  max: number;
}

/**
 * Inclusive numeric bounds. A strictly positive type (prices) gets a floor just above 0, tiny against the
 * series' own scale, so clipping never produces a 0 the schema would reject.
 */
function boundsOf(type: SeriesTypeInfo, values: Float64Array): Bounds {
  let min = type.bounds.min ?? Number.NEGATIVE_INFINITY;
  const max = type.bounds.max ?? Number.POSITIVE_INFINITY;
  if (type.bounds.min_exclusive) {
    let typical = 0;
    for (const value of values)
      if (Number.isFinite(value)) typical = Math.max(typical, Math.abs(value));
    min = Math.max(min + Number.MIN_VALUE, typical * 1e-9);
  }
  return { min, max };
}

/** Clamps to the bounds; a NaN or an infinity past an open bound (an overflow) repeats the previous value. */
function clip(values: Float64Array, bounds: Bounds): void {
  const clamp = (value: number) => Math.min(bounds.max, Math.max(bounds.min, value));
  let previous = clamp(0);
  for (let i = 0; i < values.length; i++) {
    const value = clamp(values[i]!);
    values[i] = Number.isFinite(value) ? value : previous;
    previous = values[i]!;
  }
}

/**
 * Rounds to the meter's resolution when the calibration has one, else to `digits` significant digits of each
 * value when the calibration keeps its prices' precision (`TypeParams.digits`), else to about five significant
 * digits of the level (keeps JSON compact), without stepping outside the bounds: a value that would round onto an
 * exclusive floor keeps its precision.
 */
function roundAll(
  values: Float64Array,
  bounds: Bounds,
  level: number,
  resolution = 0,
  digits?: number,
): number[] {
  if (resolution <= 0 && digits) {
    return Array.from(values, (value) => {
      const rounded = Number(value.toPrecision(digits));
      return rounded >= bounds.min && rounded <= bounds.max ? rounded : value;
    });
  }
  const magnitude = Math.abs(level) > 0 ? Math.floor(Math.log10(Math.abs(level))) : 0;
  const decimals =
    resolution > 0
      ? Math.max(0, -Math.floor(Math.log10(resolution) + 1e-9))
      : Math.min(12, Math.max(0, 4 - magnitude));
  const factor = 10 ** decimals;
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    // A calibrated series is read at its meter's resolution (whole degrees, 0.1 kWh): docs/timeseries.md.
    const onGrid = resolution > 0 ? Math.round(value / resolution) * resolution : value;
    const rounded = Math.round(onGrid * factor) / factor;
    out[i] = rounded >= bounds.min && rounded <= bounds.max ? rounded : value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Anomalies

interface AnomalyContext {
  spec: TypeSpec;
  type: SeriesTypeInfo;
  bounds: Bounds;
  stepHours: number;
  startMs: number;
  stepMs: number;
  /** The points' instants when they are not evenly spaced (trading days); null for start + i x step. */
  times: readonly number[] | null;
  language: Language;
}

/** Default magnitudes: relative for positive quantities (markets move less), in scale units otherwise. */
function defaultMagnitude(type: AnomalyType, ctx: AnomalyContext): number {
  const market = ctx.type.domain === 'financial' && ctx.type.id !== 'trading_volume';
  if (ctx.spec.composition.kind === 'additive') {
    return { spike: 0.8, dip: 0.8, level_shift: 0.3, drift: 0.4, dropout: 0 }[type];
  }
  if (market) return { spike: 0.12, dip: 0.12, level_shift: -0.12, drift: 0.15, dropout: 0 }[type];
  return { spike: 1, dip: 0.6, level_shift: 0.3, drift: 0.3, dropout: 0 }[type];
}

/** Default duration in points: a dropout lasts about three hours (one point at daily steps). */
function defaultDuration(type: AnomalyType, ctx: AnomalyContext, remaining: number): number {
  if (type === 'level_shift' || type === 'drift') return remaining;
  if (type === 'dropout') return Math.max(1, Math.round(3 / ctx.stepHours));
  return 1;
}

/**
 * The nearest index to `index` whose value is clearly non-zero: a spike or dip on a solar plant at night, or
 * on a closed market, would change nothing, so it moves to the nearest point where it shows.
 */
function visibleIndex(values: Float64Array, index: number): number {
  let mean = 0;
  for (const value of values) mean += Math.abs(value);
  const threshold = (0.05 * mean) / values.length;
  for (let d = 0; d < values.length; d++) {
    if (index + d < values.length && Math.abs(values[index + d]!) > threshold) return index + d;
    if (index - d >= 0 && Math.abs(values[index - d]!) > threshold) return index - d;
  }
  return index;
}

function injectAnomalies(
  values: Float64Array,
  anomalies: readonly ScenarioAnomaly[],
  ctx: AnomalyContext,
): Anomaly[] {
  const n = values.length;
  const labels: Anomaly[] = [];
  const { spec } = ctx;
  const additive = spec.composition.kind === 'additive' ? spec.composition.scale : 0;
  const positive = ctx.type.bounds.min_exclusive === true;
  for (const anomaly of anomalies) {
    let index = Math.round(anomaly.position * (n - 1));
    if (anomaly.type === 'spike' || anomaly.type === 'dip' || anomaly.type === 'dropout') {
      index = visibleIndex(values, index);
    }
    const remaining = n - index;
    const duration = Math.min(
      remaining,
      anomaly.duration ?? defaultDuration(anomaly.type, ctx, remaining),
    );
    const magnitude = anomaly.magnitude ?? defaultMagnitude(anomaly.type, ctx);
    // The point whose change the label reports: the start, or the end of a drift's ramp.
    const reported = anomaly.type === 'drift' ? index + duration - 1 : index;
    const before = values[reported]!;
    const stuck = index > 0 ? values[index - 1]! : values[index]!;
    for (let k = 0; k < duration; k++) {
      const i = index + k;
      const value = values[i]!;
      const ramp = duration === 1 ? 1 : k / (duration - 1);
      let next = value;
      switch (anomaly.type) {
        case 'spike':
          next = additive
            ? value + Math.abs(magnitude) * additive
            : value * (1 + Math.abs(magnitude));
          break;
        case 'dip':
          next = additive
            ? value - Math.abs(magnitude) * additive
            : value * Math.max(positive ? 0.05 : 0, 1 - Math.abs(magnitude));
          break;
        case 'level_shift':
          next = additive ? value + magnitude * additive : value * Math.max(0.02, 1 + magnitude);
          break;
        case 'drift':
          next = additive
            ? value + magnitude * ramp * additive
            : value * Math.max(0.02, 1 + magnitude * ramp);
          break;
        case 'dropout':
          // A meter or plant that stops reads 0; a stuck sensor or a stale price feed repeats its last value.
          next = spec.dropoutToZero ? 0 : stuck;
          break;
      }
      values[i] = Math.min(ctx.bounds.max, Math.max(ctx.bounds.min, next));
    }
    const change = values[reported]! - before;
    labels.push({
      index,
      type: anomaly.type,
      magnitude: Number(change.toPrecision(6)),
      description: describeAnomaly(anomaly.type, change, duration, index, ctx),
    });
  }
  return labels.sort((a, b) => a.index - b.index);
}

const ANOMALY_NAMES: Record<Language, Record<AnomalyType, string>> = {
  en: {
    spike: 'spike',
    dip: 'dip',
    level_shift: 'level shift',
    dropout: 'dropout',
    drift: 'drift',
  },
  es: {
    spike: 'pico',
    dip: 'caída',
    level_shift: 'cambio de nivel',
    dropout: 'pérdida de datos',
    drift: 'deriva',
  },
};

/** e.g. "spike of +1.23 kWh at 2024-01-03T18:00:00.000Z" / "pico de +1,23 kWh el 2024-01-03T18:00:00.000Z". */
function describeAnomaly(
  type: AnomalyType,
  change: number,
  duration: number,
  index: number,
  ctx: AnomalyContext,
): string {
  const es = ctx.language === 'es';
  const number = new Intl.NumberFormat(es ? 'es-ES' : 'en-US', {
    maximumSignificantDigits: 4,
    signDisplay: 'always',
  }).format(change);
  const at = new Date(ctx.times?.[index] ?? ctx.startMs + index * ctx.stepMs).toISOString();
  const span =
    duration > 1 ? (es ? `, durante ${duration} puntos` : `, lasting ${duration} points`) : '';
  const name = ANOMALY_NAMES[ctx.language][type];
  return es
    ? `${name} de ${number} ${ctx.type.unit} desde ${at}${span}`
    : `${name} of ${number} ${ctx.type.unit} at ${at}${span}`;
}
