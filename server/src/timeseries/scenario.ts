/**
 * A series scenario: what a model (an LLM on Bedrock, or the local provider) writes for one series slot. It is
 * a short description plus a few parameters; the engine (`engine.ts`) renders it into values, so a model never
 * writes numbers point by point and every rendered series is well-formed.
 */
import { type DomainId, getSeriesType } from '@genesis/schema/catalog/series';
import { enumField, type Language, objectMessage, textField } from '@genesis/schema/common';
import type { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import {
  ANOMALY_TYPES,
  type AnomalyType,
  type Frequency,
  frequencyMs,
  MAX_SERIES_LENGTH,
  TREND_TYPES,
  type TrendType,
} from '@genesis/schema/timeseries';
import * as v from 'valibot';
import { annualCycle, typicalTradingDays } from './models.ts';
import { typeSpec } from './specs.ts';
import { PLACES, TEMPLATES, type Template } from './templates.ts';
import { HOUR_MS } from './time.ts';

/** A finite number within [min, max]; both rejections name the field and the value received. */
function numberIn(field: string, min: number, max: number) {
  return v.pipe(
    v.number((issue) => `${field} must be a number; got ${issue.received}`),
    v.finite((issue) => `${field} must be finite; got ${issue.received}`),
    v.minValue(min, (issue) => `${field} must be within ${min}..${max}; got ${issue.received}`),
    v.maxValue(max, (issue) => `${field} must be within ${min}..${max}; got ${issue.received}`),
  );
}

/** A fraction of the series' length, 0 = first point, 1 = last point. */
const PositionSchema = numberIn('position', 0, 1);

/**
 * One anomaly to inject. `magnitude` is relative: for quantities that are positive by nature (consumption,
 * generation, air quality, prices, volume) 0.5 means +50% of the local value (a dip of 0.5 removes half; a
 * level shift or drift of -0.2 lowers by 20%); for temperature, pressure and humidity it is additive in units of
 * 10 °C, 10 hPa and 20 percentage points. `duration` is in points; a spike, dip or dropout lasts 1 point by
 * default (a dropout a few hours), a level shift or drift lasts to the end unless given.
 */
export const ScenarioAnomalySchema = v.object(
  {
    type: enumField('type', ANOMALY_TYPES),
    position: PositionSchema,
    magnitude: v.nullish(numberIn('magnitude', -10, 10)),
    duration: v.nullish(
      v.pipe(
        numberIn('duration', 1, MAX_SERIES_LENGTH),
        v.integer((issue) => `duration must be a whole number of points; got ${issue.received}`),
      ),
    ),
  },
  objectMessage('an anomaly'),
);
export type ScenarioAnomaly = v.InferOutput<typeof ScenarioAnomalySchema>;

/** Seasonal strengths, 0 (none) to 1 (the type's full typical pattern). Seasons the type lacks are ignored. */
export const SeasonalityStrengthSchema = v.object(
  {
    daily: v.nullish(numberIn('daily', 0, 1)),
    weekly: v.nullish(numberIn('weekly', 0, 1)),
    yearly: v.nullish(numberIn('yearly', 0, 1)),
  },
  objectMessage('seasonality_strength'),
);
export type SeasonalityStrength = v.InferOutput<typeof SeasonalityStrengthSchema>;

/** A lasting change of regime from `position` on: the level times `factor`, the noise times `volatility_factor`. */
export const RegimeShiftSchema = v.object(
  {
    position: PositionSchema,
    factor: v.nullish(numberIn('factor', 0.05, 20)),
    volatility_factor: v.nullish(numberIn('volatility_factor', 0.1, 10)),
  },
  objectMessage('regime_shift'),
);
export type RegimeShift = v.InferOutput<typeof RegimeShiftSchema>;

/**
 * The scenario of one series. Optional fields may be omitted or null; the engine then uses the type's typical
 * value. Unknown fields are dropped.
 *
 * - `level`: the series' mean value per point at the slot's frequency, in the type's unit, before trend, regime
 *   shift and anomalies (e.g. 0.45 kWh per hour for a flat, 25 °C for a hot week). Solar and wind: the plant's
 *   capacity in MW. Prices: the starting price. Trading volume: the mean volume of an open-market interval.
 * - `trend_strength`: the relative change the trend brings by the end, -1..1 (0.2 = +20%; for temperature,
 *   pressure and humidity in units of 10 °C, 10 hPa, 20 points); for `random_walk`, the walk's spread.
 * - `noise_level`: 0 (smooth) .. 1 (very noisy); for prices it sets the volatility unless `volatility` is given.
 * - `weekend_factor`: weekend level over weekday level (0.4 for an office closed at weekends, 1.1 for a home).
 * - `cloudiness`: solar only, mean cloud cover 0 (clear) .. 1 (overcast).
 * - `volatility`: prices only, annualised volatility of returns (0.2 = 20%).
 */
export const ScenarioSchema = v.object(
  {
    slot: textField('slot', 200),
    description: textField('description', 400),
    level: v.nullish(
      v.pipe(
        v.number((issue) => `level must be a number; got ${issue.received}`),
        v.finite((issue) => `level must be finite; got ${issue.received}`),
      ),
    ),
    trend_type: enumField('trend_type', TREND_TYPES),
    trend_strength: v.nullish(numberIn('trend_strength', -1, 1)),
    noise_level: numberIn('noise_level', 0, 1),
    seasonality_strength: v.nullish(SeasonalityStrengthSchema),
    weekend_factor: v.nullish(numberIn('weekend_factor', 0, 3)),
    cloudiness: v.nullish(numberIn('cloudiness', 0, 1)),
    volatility: v.nullish(numberIn('volatility', 0.001, 5)),
    regime_shift: v.nullish(RegimeShiftSchema),
    anomalies: v.nullish(
      v.pipe(
        v.array(
          ScenarioAnomalySchema,
          (issue) => `anomalies must be an array; got ${issue.received}`,
        ),
        v.maxLength(20, (issue) => `at most 20 anomalies are allowed; got ${issue.input.length}`),
      ),
    ),
  },
  objectMessage('a scenario'),
);
export type Scenario = v.InferOutput<typeof ScenarioSchema>;
export type ScenarioInput = v.InferInput<typeof ScenarioSchema>;

/**
 * The scenario fields as a model should read them, for the time-series system prompt: every field the engine
 * understands, with its range and meaning, in the words of `ScenarioSchema`.
 */
export const SCENARIO_GUIDE = `Scenario fields (omit or null an optional field to get the type's typical value):
- slot (required): the slot id.
- description (required, 1-400 characters, in the slot's language): the situation, e.g. "Residential load in a Madrid flat during a heatwave week".
- level: mean value per point at the slot's frequency, in the type's unit, before trend and anomalies (solar and wind: capacity in MW; prices: starting price; trading volume: mean volume of an open-market interval).
- trend_type (required): none | linear | exponential | logistic | random_walk | piecewise.
- trend_strength: -1..1, the relative change by the end (0.2 = +20%; temperature, pressure and humidity: units of 10 °C, 10 hPa, 20 points).
- noise_level (required): 0 (smooth) .. 1 (very noisy).
- seasonality_strength: {"daily","weekly","yearly"}, each 0..1 where 1 is the type's typical pattern.
- weekend_factor: 0..3, weekend level over weekday level (0.4 office, 1.1 home).
- cloudiness: 0..1, solar only.
- volatility: 0.001..5, annualised volatility of returns, prices only.
- regime_shift: {"position": 0..1, "factor": 0.05..20 (level multiplier), "volatility_factor": 0.1..10}.
- anomalies: up to 20 of {"type": spike | dip | level_shift | dropout | drift, "position": 0..1, "magnitude": -10..10 (relative: 0.5 = 50% of the value; temperature, pressure, humidity: units of 10 °C, 10 hPa, 20 points), "duration": points}.`;

// ---------------------------------------------------------------------------------------------------------
// What the local provider writes

/** A uniform draw in [range[0], range[1]); log-uniform when the range spans more than a factor of 4. */
function draw(rng: Random, [low, high]: readonly [number, number]): number {
  if (low > 0 && high / low > 4) return low * (high / low) ** rng.next();
  return low + (high - low) * rng.next();
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const significant = (x: number) => Number(x.toPrecision(3));

const TREND_WEIGHTS: Record<'default' | 'market', Record<TrendType, number>> = {
  default: { none: 45, linear: 20, random_walk: 10, exponential: 5, logistic: 5, piecewise: 15 },
  // A price is a random walk by nature; a deterministic trend on top is the exception.
  market: { none: 20, linear: 8, random_walk: 70, exponential: 1, logistic: 1, piecewise: 0 },
};

const ANOMALY_WEIGHTS: Record<DomainId, Record<AnomalyType, number>> = {
  electricity: { spike: 3, dip: 2, dropout: 3, level_shift: 1.5, drift: 0.5 },
  energy: { spike: 1, dip: 3, dropout: 3, level_shift: 2, drift: 1 },
  sensors: { spike: 3, dip: 1, dropout: 2.5, level_shift: 1, drift: 2.5 },
  financial: { spike: 3, dip: 3, dropout: 1, level_shift: 3, drift: 0 },
};

/** Random magnitudes: relative for positive quantities (prices move less), in scale units otherwise. */
function drawMagnitude(
  rng: Random,
  type: AnomalyType,
  family: 'relative' | 'market' | 'additive',
): number | undefined {
  if (type === 'dropout') return undefined;
  const sign = type === 'level_shift' || type === 'drift' ? (rng.chance(0.5) ? 1 : -1) : 1;
  const ranges: Record<typeof family, Record<Exclude<AnomalyType, 'dropout'>, [number, number]>> = {
    relative: { spike: [0.6, 2], dip: [0.3, 0.7], level_shift: [0.15, 0.4], drift: [0.1, 0.3] },
    market: { spike: [0.05, 0.2], dip: [0.05, 0.2], level_shift: [0.05, 0.2], drift: [0.05, 0.15] },
    additive: { spike: [0.5, 1.5], dip: [0.5, 1.5], level_shift: [0.2, 0.6], drift: [0.2, 0.6] },
  };
  return round2(sign * draw(rng, ranges[family][type]));
}

const ANOMALY_CLAUSES: Record<Language, Record<AnomalyType, string>> = {
  en: {
    spike: 'a sudden spike',
    dip: 'a brief dip',
    level_shift: 'a lasting change of level',
    dropout: 'a gap where the data drops out',
    drift: 'a slow drift',
  },
  es: {
    spike: 'un pico repentino',
    dip: 'una caída breve',
    level_shift: 'un cambio de nivel duradero',
    dropout: 'un hueco en el que se pierden los datos',
    drift: 'una deriva lenta',
  },
};

/**
 * The scenario the local provider writes for a slot: a situation drawn from the type's templates (filtered by
 * the start month, so heatwaves fall in summer), described in the slot's language, with parameters that fit
 * it and some random variety (trend, an occasional extra anomaly or regime change). Deterministic for a
 * given slot and random stream.
 */
export function defaultScenario(slot: SeriesSlot, rng: Random): Scenario {
  const type = getSeriesType(slot.series_type);
  if (!type) throw new RangeError(`unknown series type '${slot.series_type}'`);
  const spec = typeSpec(type.id);
  const templates = TEMPLATES[type.id] ?? [];
  const month = new Date(slot.start).getUTCMonth() + 1;
  const fitting = templates.filter((t) => !t.months || t.months.includes(month));
  const template: Template = rng.pick(fitting.length > 0 ? fitting : templates);
  const place = rng.pick(PLACES);
  const language = slot.language;
  const stepMs = frequencyMs(slot.frequency as Frequency);
  const stepHours = stepMs / HOUR_MS;
  const market = type.domain === 'financial' && type.id !== 'trading_volume';

  const startMs = Date.parse(slot.start);
  let drawn = draw(rng, template.level ?? spec.typicalLevel);
  // Seasons the level itself should show: a July temperature is warm, a July heating demand small.
  if (type.id === 'temperature' && !template.level)
    drawn = draw(rng, [10, 20]) + 8 * annualCycle(startMs);
  if (type.id === 'heating_demand' || type.id === 'gas_consumption') {
    drawn *= Math.max(0.15, 0.6 - 0.5 * annualCycle(startMs));
  }
  const level = significant(
    type.id === 'trading_volume'
      ? drawn * typicalTradingDays(stepMs)
      : drawn * (spec.extensive ? stepHours : 1),
  );

  const seasonality: SeasonalityStrength = {};
  for (const season of type.seasonality) {
    seasonality[season] = round2(
      season === 'daily' && template.daily ? draw(rng, template.daily) : draw(rng, [0.7, 1]),
    );
  }

  const trendType: TrendType =
    template.trend?.type ??
    rng.weighted(
      [...TREND_TYPES],
      TREND_TYPES.map((t) => TREND_WEIGHTS[market ? 'market' : 'default'][t]),
    );
  const trendStrength = template.trend
    ? round2(draw(rng, template.trend.strength))
    : trendType === 'none'
      ? 0
      : round2((rng.chance(0.5) ? 1 : -1) * draw(rng, [0.03, market ? 0.1 : 0.2]));

  const family = spec.composition.kind === 'additive' ? 'additive' : market ? 'market' : 'relative';
  const anomalies: ScenarioAnomaly[] = [];
  const toPoints = (hours: readonly [number, number]) =>
    Math.max(1, Math.round(draw(rng, hours) / stepHours));
  if (template.anomaly) {
    const { type: anomalyType, magnitude, hours } = template.anomaly;
    anomalies.push({
      type: anomalyType,
      position: round2(draw(rng, [0.2, 0.8])),
      magnitude: magnitude ? round2(draw(rng, magnitude)) : drawMagnitude(rng, anomalyType, family),
      ...(hours ? { duration: toPoints(hours) } : {}),
    });
  }
  const clauses: string[] = [];
  // A slot that asks for anomalies (the job's anomalyShare) gets at least one; the draw happens either way,
  // so the random stream, and every other slot's scenario, stays as it was.
  if (rng.chance(0.3) || (slot.anomalies === true && anomalies.length === 0)) {
    const kinds = ANOMALY_TYPES.filter((t) => ANOMALY_WEIGHTS[type.domain][t] > 0);
    const extra = rng.weighted(
      kinds,
      kinds.map((t) => ANOMALY_WEIGHTS[type.domain][t]),
    );
    const magnitude = drawMagnitude(rng, extra, family);
    anomalies.push({
      type: extra,
      position: round2(draw(rng, [0.05, 0.95])),
      ...(magnitude === undefined ? {} : { magnitude }),
    });
    clauses.push(ANOMALY_CLAUSES[language][extra]);
  }

  let regime: RegimeShift | undefined;
  if (template.regime) {
    regime = {
      position: round2(draw(rng, [0.3, 0.7])),
      ...(template.regime.factor ? { factor: round2(draw(rng, template.regime.factor)) } : {}),
      ...(template.regime.volatility
        ? { volatility_factor: round2(draw(rng, template.regime.volatility)) }
        : {}),
    };
  } else if (rng.chance(0.1)) {
    regime = { position: round2(draw(rng, [0.3, 0.7])), factor: round2(draw(rng, [0.75, 1.3])) };
    clauses.push(
      language === 'es'
        ? `un cambio de régimen hacia el ${Math.round(regime.position * 100)} % del periodo`
        : `a change of regime about ${Math.round(regime.position * 100)}% of the way in`,
    );
  }

  const number = new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-US', {
    maximumSignificantDigits: 3,
  });
  let description = template[language]
    .replaceAll('{place}', place[language])
    .replaceAll('{level}', number.format(level));
  if (clauses.length > 0) {
    description +=
      language === 'es' ? `, con ${clauses.join(' y ')}` : `, with ${clauses.join(' and ')}`;
  }

  return {
    slot: slot.slot,
    description: description.slice(0, 400),
    level,
    trend_type: trendType,
    trend_strength: trendStrength,
    noise_level: round2(draw(rng, template.noise ?? spec.typicalNoise)),
    seasonality_strength: seasonality,
    ...(template.weekend ? { weekend_factor: round2(draw(rng, template.weekend)) } : {}),
    ...(type.id === 'solar_generation'
      ? { cloudiness: round2(draw(rng, template.cloudiness ?? [0.15, 0.5])) }
      : {}),
    ...(template.volatility ? { volatility: round2(draw(rng, template.volatility)) } : {}),
    ...(regime ? { regime_shift: regime } : {}),
    anomalies,
  };
}

/**
 * The local provider's scenario for a calibrated slot: the fitted baseline already holds the level, trend and
 * noise of real series, so the scenario keeps only the situation's description and, when the slot may carry
 * them, its events (anomalies and a regime change). No level, no trend: the population decides.
 */
export function calibratedScenario(slot: SeriesSlot, rng: Random): Scenario {
  const full = defaultScenario(slot, rng);
  const events = slot.anomalies !== false;
  return {
    ...full,
    level: null,
    trend_type: 'none',
    trend_strength: 0,
    seasonality_strength: null,
    regime_shift: events ? (full.regime_shift ?? null) : null,
    anomalies: events ? (full.anomalies ?? []) : [],
  };
}
