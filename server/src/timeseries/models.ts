/**
 * The physical and statistical model of each of the 16 series types. A model renders the type's own signal
 * (level, seasonality, weather, noise); the engine adds the scenario's trend, regime shift and anomalies on top
 * and enforces the bounds.
 *
 * Interval models describe a quantity over an interval and are evaluated at interval midpoints on a grid no
 * coarser than one hour; the engine averages them up to daily or weekly steps, so a daily point is the mean of
 * its hours. Instant models (prices, volume) are rendered at the series' own timestamps.
 */

import type { Random } from '@genesis/schema/random';
import {
  AGGREGATE,
  type DailyProfile,
  HOUSEHOLD,
  type LoadCalibration,
  OFFICE,
} from './calibration.ts';
import { Ar1, type Gauss, normalCdf, SmoothAr } from './noise.ts';
import {
  DAY_MS,
  dayOfWeek,
  HOUR_MS,
  hourOfDay,
  isWeekend,
  WEEK_MS,
  windowMean,
  yearPhase,
} from './time.ts';

export interface ModelContext {
  rng: Random;
  gauss: Gauss;
  /** The level in the model's terms: per hour for extensive types, otherwise as the scenario defines it. */
  level: number;
  noise: number;
  /** Effective seasonal strengths, 0 when the type has no such season. */
  daily: number;
  weekly: number;
  yearly: number;
  weekendFactor: number | undefined;
  cloudiness: number | undefined;
  volatility: number | undefined;
  /** Points to render, the time of point 0 (a midpoint or an instant), and the spacing. */
  count: number;
  firstMs: number;
  stepMs: number;
  /** The series' whole window, for normalising seasonal terms to a mean of 1 (or 0) over it. */
  windowStartMs: number;
  windowEndMs: number;
  /** From this point on the noise (or volatility) is multiplied by `volatilityFactor`. */
  regimeIndex: number;
  volatilityFactor: number;
}

export interface SeriesModel {
  kind: 'interval' | 'instant';
  render(ctx: ModelContext): Float64Array;
}

// ---------------------------------------------------------------------------------------------------------
// Shared pieces

function normalise(profile: DailyProfile): number[] {
  const mean = profile.reduce((a, b) => a + b, 0) / profile.length;
  return profile.map((x) => x / mean);
}

/** The profile at a fractional hour, interpolating linearly between hourly values centred on h + 0.5. */
function profileAt(profile: readonly number[], hour: number): number {
  const x = hour - 0.5;
  const lower = Math.floor(x);
  const frac = x - lower;
  const a = profile[(lower + 24) % 24]!;
  const b = profile[(lower + 25) % 24]!;
  return a + (b - a) * frac;
}

/** exp(s·z − s²/2): multiplicative noise with mean 1 whatever its spread. */
function lognormal(sigma: number, z: number): number {
  return Math.exp(sigma * z - 0.5 * sigma * sigma);
}

function noiseFactor(ctx: ModelContext, i: number): number {
  return i >= ctx.regimeIndex ? ctx.volatilityFactor : 1;
}

/**
 * A diurnal temperature cycle in -1..1 with its minimum near sunrise (5 h) and maximum mid-afternoon (15 h):
 * warming takes 10 hours, cooling 14.
 */
function diurnalCycle(hour: number): number {
  if (hour >= 5 && hour < 15) return -Math.cos((Math.PI * (hour - 5)) / 10);
  const since = hour >= 15 ? hour - 15 : hour + 9;
  return Math.cos((Math.PI * since) / 14);
}

/** The annual temperature cycle in -1..1, coldest around 20 January (northern hemisphere). */
export function annualCycle(ms: number): number {
  return -Math.cos(2 * Math.PI * (yearPhase(ms) - 0.055));
}

/**
 * A weather generator: air temperature from a mean, an annual and a diurnal cycle, passing fronts (a
 * persistent AR(1), about 2.5 days) and a little sensor noise. Shared by temperature, humidity and the
 * heating-driven types, so all of them feel the same cold spells.
 */
class Weather {
  readonly annualAmplitude: number;
  readonly diurnalAmplitude: number;
  readonly frontSd: number;
  readonly #fronts: Ar1;
  readonly #sensor: Ar1;
  readonly #sensorSd: number;
  readonly #annualMean: number;
  /** The slowly varying part of the last temperature (no diurnal cycle, no sensor noise). */
  slow = 0;

  constructor(
    ctx: ModelContext,
    readonly mean: number,
    stepHours: number,
  ) {
    this.annualAmplitude = 9 * ctx.yearly;
    this.diurnalAmplitude = 5 * ctx.daily;
    this.frontSd = 3 * (0.3 + ctx.noise);
    this.#fronts = new Ar1(ctx.gauss, 60, stepHours);
    this.#sensor = new Ar1(ctx.gauss, 1, stepHours);
    this.#sensorSd = 0.3 * ctx.noise;
    // The mean is the mean over the series' window, so a summer week's mean is the level asked for.
    this.#annualMean = windowMean(ctx.windowStartMs, ctx.windowEndMs, annualCycle);
  }

  /** Temperature (°C) at `ms`; `noise` scales the fronts and sensor noise (a regime's volatility factor). */
  next(ms: number, noise = 1): number {
    this.slow =
      this.mean +
      this.annualAmplitude * (annualCycle(ms) - this.#annualMean) +
      noise * this.frontSd * this.#fronts.next();
    return (
      this.slow +
      this.diurnalAmplitude * diurnalCycle(hourOfDay(ms)) +
      noise * this.#sensorSd * this.#sensor.next()
    );
  }

  /**
   * Expected heating degree-hours below `base` over the window: temperatures are roughly Gaussian around the
   * seasonal mean, so E[max(0, base − T)] has a closed form.
   */
  expectedDegreeHours(base: number, startMs: number, endMs: number): number {
    const sd = Math.sqrt(this.frontSd ** 2 + this.diurnalAmplitude ** 2 / 2);
    return windowMean(startMs, endMs, (ms) => {
      const gap = base - (this.mean + this.annualAmplitude * (annualCycle(ms) - this.#annualMean));
      const z = gap / sd;
      return gap * normalCdf(z) + (sd * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    });
  }
}

/** A uniform draw in [lo, hi). */
function between(rng: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

// ---------------------------------------------------------------------------------------------------------
// Electricity

interface LoadOptions {
  calibration: LoadCalibration;
  /** Spread of the hour-to-hour noise at noise_level 1, and its persistence in hours. */
  sigma: number;
  tauHours: number;
  /** Spread of the day-to-day level variation at noise_level 1 (weather, occupancy). */
  daySigma: number;
  /** Annual swing: a winter peak and a summer (air-conditioning) peak, relative to the level. */
  winter: number;
  summer: number;
  /**
   * Range of the per-series profile contrast (an exponent on the calibrated profile). The calibrated profiles
   * average many clients, whose peaks fall at different times, so a single client's day is sharper.
   */
  contrast: readonly [number, number];
}

/** The profile shifted by `shift` hours and raised to `contrast`, renormalised to mean 1. */
function varied(profile: readonly number[], shift: number, contrast: number): number[] {
  return normalise(
    Array.from({ length: 24 }, (_, h) => profileAt(profile, h + 0.5 - shift) ** contrast),
  );
}

/**
 * An electrical load: a calibrated weekday and weekend daily profile, a weekend level, an annual swing,
 * day-to-day variation and AR(1) log-noise.
 */
function loadModel(options: LoadOptions): SeriesModel {
  const calibratedWeekday = normalise(options.calibration.weekday);
  const calibratedWeekend = normalise(options.calibration.weekend);
  return {
    kind: 'interval',
    render(ctx) {
      // Each series is one client: its routine runs up to an hour early or late and is more or less peaked.
      const shift = between(ctx.rng, -1, 1);
      const contrast = between(ctx.rng, ...options.contrast);
      const weekday = varied(calibratedWeekday, shift, contrast);
      const weekend = varied(calibratedWeekend, shift, contrast);
      const { daily, weekly } = ctx;
      const stepHours = ctx.stepMs / HOUR_MS;
      const weekendLevel =
        1 + weekly * ((ctx.weekendFactor ?? options.calibration.weekendRatio) - 1);
      const weekNorm = (5 + 2 * weekendLevel) / 7;
      const annual = (ms: number) => {
        const phase = 2 * Math.PI * (yearPhase(ms) - 0.04);
        return (
          1 + ctx.yearly * (options.winter * Math.cos(phase) + options.summer * Math.cos(2 * phase))
        );
      };
      const annualMean = windowMean(ctx.windowStartMs, ctx.windowEndMs, annual);
      const fast = new Ar1(ctx.gauss, options.tauHours, stepHours);
      const slow = new Ar1(ctx.gauss, 36, stepHours);
      const sigma = options.sigma * ctx.noise;
      const daySigma = options.daySigma * (0.2 + ctx.noise);
      const out = new Float64Array(ctx.count);
      for (let i = 0; i < ctx.count; i++) {
        const ms = ctx.firstMs + i * ctx.stepMs;
        const hour = hourOfDay(ms);
        const off = isWeekend(ms);
        const weekdayShape = profileAt(weekday, hour);
        const shape = off
          ? weekdayShape + weekly * (profileAt(weekend, hour) - weekdayShape)
          : weekdayShape;
        const f = noiseFactor(ctx, i);
        out[i] =
          ctx.level *
          (1 + daily * (shape - 1)) *
          ((off ? weekendLevel : 1) / weekNorm) *
          (annual(ms) / annualMean) *
          lognormal(f * sigma, fast.next()) *
          lognormal(f * daySigma, slow.next());
      }
      return out;
    },
  };
}

/** Two shifts from 6 to 22 h on weekdays, a night shift at reduced load; weekends mostly idle. */
const INDUSTRIAL: LoadCalibration = {
  weekday: [
    0.62, 0.6, 0.6, 0.6, 0.62, 0.78, 1.08, 1.22, 1.26, 1.27, 1.27, 1.22, 1.1, 1.2, 1.26, 1.26, 1.23,
    1.18, 1.12, 1.08, 1.04, 0.98, 0.78, 0.66,
  ],
  weekend: [
    0.95, 0.95, 0.95, 0.95, 0.95, 0.97, 1.0, 1.03, 1.05, 1.06, 1.06, 1.05, 1.03, 1.03, 1.03, 1.02,
    1.01, 1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.95,
  ],
  weekendRatio: 0.55,
};

// ---------------------------------------------------------------------------------------------------------
// Energy

const RAD = Math.PI / 180;

/**
 * A photovoltaic plant of capacity `level`: clear-sky output from the sun's elevation (0 whenever the sun is
 * below the horizon), days that are clear or cloudy as a persistent process decides, and passing clouds within
 * the day.
 */
const solarModel: SeriesModel = {
  kind: 'interval',
  render(ctx) {
    const stepHours = ctx.stepMs / HOUR_MS;
    const latitude = between(ctx.rng, 19, 43) * RAD;
    const meanCloud = Math.min(0.97, Math.max(0.03, ctx.cloudiness ?? 0.3));
    const cloudLogit = Math.log(meanCloud / (1 - meanCloud));
    const days = new Ar1(ctx.gauss, 30, stepHours);
    const passing = new Ar1(ctx.gauss, 1.5, stepHours);
    const out = new Float64Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      const ms = ctx.firstMs + i * ctx.stepMs;
      // Advance the cloud processes every step, night included, so their timing is that of the clock.
      const dayZ = days.next();
      const passingZ = passing.next();
      const dayOfYear = yearPhase(ms) * 365.2425;
      const declination =
        23.44 * ctx.yearly * RAD * Math.sin((2 * Math.PI * (dayOfYear + 284)) / 365);
      const hourAngle = (hourOfDay(ms) - 12) * 15 * RAD;
      const sinElevation =
        Math.sin(latitude) * Math.sin(declination) +
        Math.cos(latitude) * Math.cos(declination) * Math.cos(hourAngle);
      if (sinElevation <= 0) continue;
      const cloud = 1 / (1 + Math.exp(-(cloudLogit + 1.6 * dayZ)));
      const flicker = 1 + 0.8 * noiseFactor(ctx, i) * ctx.noise * passingZ;
      const transmitted = Math.min(1, Math.max(0.03, 1 - 0.8 * cloud * flicker));
      out[i] = Math.min(ctx.level, ctx.level * 0.92 * sinElevation ** 1.15 * transmitted);
    }
    return out;
  },
};

/**
 * A wind farm of capacity `level`: wind speed is a persistent Gaussian process mapped onto a Weibull(k = 2)
 * distribution, stronger in winter, with gusts; a turbine power curve (cut-in 3 m/s, rated 12 m/s, cut-out
 * 25 m/s) turns it into power.
 */
const windModel: SeriesModel = {
  kind: 'interval',
  render(ctx) {
    const stepHours = ctx.stepMs / HOUR_MS;
    const meanScale = between(ctx.rng, 6.5, 8.5);
    const weather = new Ar1(ctx.gauss, 18, stepHours);
    const gusts = new Ar1(ctx.gauss, 0.5, stepHours);
    // annualCycle is -1 in midwinter: winds are stronger then.
    const seasonal = (ms: number) => 1 - 0.12 * ctx.yearly * annualCycle(ms);
    const seasonalMean = windowMean(ctx.windowStartMs, ctx.windowEndMs, seasonal);
    const out = new Float64Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      const ms = ctx.firstMs + i * ctx.stepMs;
      const u = Math.min(1 - 1e-12, normalCdf(weather.next()));
      const scale = (meanScale * seasonal(ms)) / seasonalMean;
      const gust = 1 + 0.1 * noiseFactor(ctx, i) * ctx.noise * gusts.next();
      const speed = Math.max(0, scale * Math.sqrt(-Math.log(1 - u)) * gust);
      let power = 0;
      if (speed >= 3 && speed < 12) power = (speed ** 3 - 27) / (12 ** 3 - 27);
      else if (speed >= 12 && speed < 25) power = 1;
      out[i] = ctx.level * 0.97 * power;
    }
    return out;
  },
};

/** Weekend level of a gas-heated building relative to its weekdays, by default an office-like week. */
const GAS_WEEKEND = 0.85;

/**
 * Heating-driven demand: a base load (hot water, cooking) plus a part proportional to heating degree-hours
 * below 18 °C from the shared weather generator, so cold spells raise demand for days.
 */
function heatingModel(options: {
  base: number;
  profile?: DailyProfile;
  weekend: number;
}): SeriesModel {
  const profile = options.profile ? normalise(options.profile) : undefined;
  return {
    kind: 'interval',
    render(ctx) {
      const stepHours = ctx.stepMs / HOUR_MS;
      const weather = new Weather(ctx, between(ctx.rng, 8, 16), stepHours);
      // Degree-hours of the window set the scale, floored so a summer window does not blow up one cool day.
      const expected = Math.max(
        2,
        weather.expectedDegreeHours(18, ctx.windowStartMs, ctx.windowEndMs),
      );
      const weekendLevel = 1 + ctx.weekly * ((ctx.weekendFactor ?? options.weekend) - 1);
      const weekNorm = (5 + 2 * weekendLevel) / 7;
      const noise = new Ar1(ctx.gauss, 12, stepHours);
      const sigma = 0.25 * ctx.noise;
      const out = new Float64Array(ctx.count);
      for (let i = 0; i < ctx.count; i++) {
        const ms = ctx.firstMs + i * ctx.stepMs;
        const f = noiseFactor(ctx, i);
        const temperature = weather.next(ms, f);
        const heat = Math.max(0, 18 - temperature) / expected;
        const shape = profile ? 1 + ctx.daily * (profileAt(profile, hourOfDay(ms)) - 1) : 1;
        out[i] =
          ctx.level *
          (options.base + (1 - options.base) * heat) *
          shape *
          ((isWeekend(ms) ? weekendLevel : 1) / weekNorm) *
          lognormal(f * sigma, noise.next());
      }
      return out;
    },
  };
}

/** A heating schedule: night set-back, a morning start-up peak and an evening peak. */
const HEATING_PROFILE: DailyProfile = [
  0.62, 0.6, 0.6, 0.6, 0.64, 0.9, 1.55, 1.6, 1.35, 1.1, 1.0, 0.95, 0.92, 0.9, 0.9, 0.95, 1.05, 1.25,
  1.35, 1.35, 1.28, 1.15, 0.9, 0.7,
];

// ---------------------------------------------------------------------------------------------------------
// Sensors

const temperatureModel: SeriesModel = {
  kind: 'interval',
  render(ctx) {
    const weather = new Weather(ctx, ctx.level, ctx.stepMs / HOUR_MS);
    const out = new Float64Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      const ms = ctx.firstMs + i * ctx.stepMs;
      out[i] = weather.next(ms, noiseFactor(ctx, i));
    }
    return out;
  },
};

const MAGNUS_A = 17.625;
const MAGNUS_B = 243.04;

/**
 * Relative humidity from temperature and dew point (Magnus formula): the dew point follows the air mass
 * slowly while the temperature has its diurnal cycle, so humidity peaks at dawn and dips in the afternoon,
 * inversely to temperature. Summers are drier. The mean is then set to `level`.
 */
const humidityModel: SeriesModel = {
  kind: 'interval',
  render(ctx) {
    const stepHours = ctx.stepMs / HOUR_MS;
    const weather = new Weather(ctx, between(ctx.rng, 8, 22), stepHours);
    const target = Math.min(99, Math.max(3, ctx.level));
    // Dew-point depression giving `target` at the mean temperature.
    const gamma = Math.log(target / 100) + (MAGNUS_A * weather.mean) / (MAGNUS_B + weather.mean);
    const depression = weather.mean - (MAGNUS_B * gamma) / (MAGNUS_A - gamma);
    const airMass = new Ar1(ctx.gauss, 24, stepHours);
    const sensor = new Ar1(ctx.gauss, 1, stepHours);
    const out = new Float64Array(ctx.count);
    let sum = 0;
    for (let i = 0; i < ctx.count; i++) {
      const ms = ctx.firstMs + i * ctx.stepMs;
      const f = noiseFactor(ctx, i);
      const temperature = weather.next(ms, f);
      // annualCycle is +1 in midsummer: a larger dew-point depression, drier air.
      const summer = 1 + 0.4 * ctx.yearly * annualCycle(ms);
      const dewPoint =
        weather.slow - depression * summer + 1.5 * f * (0.3 + ctx.noise) * airMass.next();
      const ratio =
        (MAGNUS_A * dewPoint) / (MAGNUS_B + dewPoint) -
        (MAGNUS_A * temperature) / (MAGNUS_B + temperature);
      const value = 100 * Math.exp(Math.min(0, ratio)) + 1.5 * f * ctx.noise * sensor.next();
      out[i] = value;
      sum += value;
    }
    const shift = target - sum / ctx.count;
    for (let i = 0; i < ctx.count; i++) out[i] = Math.min(100, Math.max(0, out[i]! + shift));
    return out;
  },
};

/** Sea-level pressure: smooth synoptic swings as fronts pass (a kink-free process, about 1.5 days). */
const pressureModel: SeriesModel = {
  kind: 'interval',
  render(ctx) {
    const stepHours = ctx.stepMs / HOUR_MS;
    const fronts = new SmoothAr(ctx.gauss, 36, stepHours);
    const sensor = new Ar1(ctx.gauss, 1, stepHours);
    const sd = 8 * (0.3 + ctx.noise);
    const out = new Float64Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      const f = noiseFactor(ctx, i);
      out[i] = ctx.level + f * (sd * fronts.next() + 0.3 * ctx.noise * sensor.next());
    }
    return out;
  },
};

/** Traffic-driven pollution: rush-hour peaks at 8 and 19 h on weekdays, a flatter and cleaner weekend. */
const AIR_QUALITY: LoadCalibration = {
  weekday: [
    0.7, 0.62, 0.58, 0.56, 0.6, 0.75, 1.05, 1.45, 1.55, 1.3, 1.05, 0.95, 0.9, 0.88, 0.9, 0.98, 1.1,
    1.3, 1.45, 1.4, 1.2, 1.0, 0.85, 0.76,
  ],
  weekend: [
    0.8, 0.75, 0.7, 0.68, 0.66, 0.68, 0.74, 0.85, 0.95, 1.05, 1.1, 1.12, 1.12, 1.1, 1.1, 1.12, 1.15,
    1.2, 1.25, 1.2, 1.1, 1.0, 0.9, 0.85,
  ],
  weekendRatio: 0.8,
};

/** Air quality: the traffic profile times multi-day stagnation episodes and short-lived plumes. */
const airQualityModel: SeriesModel = {
  kind: 'interval',
  render(ctx) {
    const weekday = normalise(AIR_QUALITY.weekday);
    const weekend = normalise(AIR_QUALITY.weekend);
    const stepHours = ctx.stepMs / HOUR_MS;
    const weekendLevel = 1 + ctx.weekly * ((ctx.weekendFactor ?? AIR_QUALITY.weekendRatio) - 1);
    const weekNorm = (5 + 2 * weekendLevel) / 7;
    const episodes = new Ar1(ctx.gauss, 60, stepHours);
    const plumes = new Ar1(ctx.gauss, 2, stepHours);
    const episodeSd = 0.35 * (0.3 + ctx.noise);
    const plumeSd = 0.3 * ctx.noise;
    const out = new Float64Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      const ms = ctx.firstMs + i * ctx.stepMs;
      const hour = hourOfDay(ms);
      const off = isWeekend(ms);
      const base = profileAt(weekday, hour);
      const shape = off ? base + ctx.weekly * (profileAt(weekend, hour) - base) : base;
      const f = noiseFactor(ctx, i);
      out[i] =
        ctx.level *
        (1 + ctx.daily * (shape - 1)) *
        ((off ? weekendLevel : 1) / weekNorm) *
        lognormal(f * episodeSd, episodes.next()) *
        lognormal(f * plumeSd, plumes.next());
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------------------
// Financial

type Calendar = 'equity' | 'fx' | 'always';

/** NYSE regular session in UTC (14:30-21:00 in winter), the hours an equity trades. */
const SESSION_OPEN_H = 14.5;
const SESSION_CLOSE_H = 21;
const SESSION_HOURS = SESSION_CLOSE_H - SESSION_OPEN_H;

/**
 * The share of a trading day that falls in the interval ending at `ms` (of length `stepMs`): 1 for a daily
 * step on a trading day, 0 on a weekend, 5 for a week, the overlap with the session for intraday steps.
 */
function tradingDays(calendar: Calendar, ms: number, stepMs: number): number {
  if (calendar === 'always') return stepMs / DAY_MS;
  if (stepMs >= WEEK_MS) return (5 * stepMs) / WEEK_MS;
  if (stepMs >= DAY_MS) return isWeekend(ms) ? 0 : stepMs / DAY_MS;
  // Intraday: overlap of (ms - step, ms] with the trading hours of that day (all day for FX).
  const end = ms;
  const begin = ms - stepMs;
  const dayStart = Math.floor((end - 1) / DAY_MS) * DAY_MS;
  if (isWeekend(dayStart)) return 0;
  if (calendar === 'fx') return Math.max(0, end - Math.max(begin, dayStart)) / DAY_MS;
  const open = dayStart + SESSION_OPEN_H * HOUR_MS;
  const close = dayStart + SESSION_CLOSE_H * HOUR_MS;
  const overlap = Math.max(0, Math.min(end, close) - Math.max(begin, open));
  return overlap / (SESSION_HOURS * HOUR_MS);
}

interface MarketOptions {
  calendar: Calendar;
  /** Trading days in a year, to turn annual volatility into per-step variance. */
  daysPerYear: number;
  /** Annual volatility at noise_level 0 and 1 (a scenario's `volatility` overrides). */
  volatility: readonly [number, number];
  /** Student-t degrees of freedom of the innovations: smaller is fatter-tailed. */
  df: number;
  /** GARCH(1,1) weights of the last squared shock and the last variance. */
  alpha: number;
  beta: number;
}

/**
 * GARCH(1,1) with Student-t shocks, in units of the unconditional variance so that the per-step variance can
 * follow the trading calendar. Returns the standardised shock and updates the variance ratio.
 */
class Garch {
  #ratio = 1;
  constructor(
    readonly gauss: Gauss,
    readonly options: MarketOptions,
  ) {}

  /** A shock with the current conditional variance ratio; `ratio` is read before the update. */
  next(): { z: number; ratio: number } {
    const ratio = this.#ratio;
    const z = this.gauss.studentT(this.options.df);
    const { alpha, beta } = this.options;
    // Clamped so an extreme draw cannot push the variance to absurd levels over a long series.
    this.#ratio = Math.min(
      30,
      Math.max(0.05, 1 - alpha - beta + alpha * ratio * z * z + beta * ratio),
    );
    return { z, ratio };
  }
}

function annualVolatility(ctx: ModelContext, options: MarketOptions): number {
  const [low, high] = options.volatility;
  return ctx.volatility ?? low + (high - low) * ctx.noise;
}

/**
 * A price: geometric Brownian motion whose log-returns are Student-t with GARCH volatility clustering, so
 * returns are fat-tailed and nearly uncorrelated while their squares are correlated. It moves only while
 * its market trades: equities close at weekends and outside the session, FX at weekends, crypto never.
 */
function priceModel(options: MarketOptions): SeriesModel {
  return {
    kind: 'instant',
    render(ctx) {
      const vol = annualVolatility(ctx, options);
      const garch = new Garch(ctx.gauss, options);
      const out = new Float64Array(ctx.count);
      let logPrice = Math.log(ctx.level);
      out[0] = ctx.level;
      for (let i = 1; i < ctx.count; i++) {
        const ms = ctx.firstMs + i * ctx.stepMs;
        const days = tradingDays(options.calendar, ms, ctx.stepMs);
        if (days > 0) {
          const f = noiseFactor(ctx, i);
          const variance = ((vol * f) ** 2 * days) / options.daysPerYear;
          const { z, ratio } = garch.next();
          const h = variance * ratio;
          logPrice += Math.sqrt(h) * z - h / 2;
        }
        out[i] = Math.exp(logPrice);
      }
      return out;
    },
  };
}

/** Relative volume by weekday (Sunday..Saturday) on an open market: Mondays quiet, late week busier. */
const VOLUME_BY_WEEKDAY = [1, 0.9, 1, 1.03, 1.04, 1.03, 1];

/**
 * Trading volume: a persistent log-level, heavy-tailed (Student-t) day-to-day noise, a weekday pattern, an
 * intraday U shape (busy open and close), and a latent GARCH return process whose large moves raise volume,
 * so volatile days trade more. Zero while the market is closed.
 */
const volumeModel: SeriesModel = {
  kind: 'instant',
  render(ctx) {
    const options: MarketOptions = {
      calendar: 'equity',
      daysPerYear: 252,
      volatility: [0.15, 0.6],
      df: 4,
      alpha: 0.09,
      beta: 0.89,
    };
    const garch = new Garch(ctx.gauss, options);
    // `level` is the mean volume of an open-market interval at this frequency; the model works per day.
    const perDay = ctx.level / typicalTradingDays(ctx.stepMs);
    const phi = 0.7;
    const innovation = Math.sqrt(1 - phi * phi);
    let persistent = ctx.gauss.next();
    const persistentSd = 0.3 * (0.3 + ctx.noise);
    const tailSd = 0.2 * (0.3 + ctx.noise);
    // Mean corrections, so the volume's mean stays near `level` (E min(|z|, 4) ≈ 0.75 for the unit t(4)).
    const correction = Math.exp(-0.5 * (persistentSd ** 2 + tailSd ** 2) - 0.2 * 0.75);
    const out = new Float64Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      const ms = ctx.firstMs + i * ctx.stepMs;
      const days = tradingDays('equity', ms, ctx.stepMs);
      if (days === 0) continue;
      const f = noiseFactor(ctx, i);
      const { z, ratio } = garch.next();
      persistent = phi * persistent + innovation * ctx.gauss.next();
      // A daily point is that day's volume; an intraday one belongs to the day its interval ends in.
      const day = dayOfWeek(ctx.stepMs >= DAY_MS ? ms : ms - 1);
      const weekday = ctx.stepMs < WEEK_MS ? VOLUME_BY_WEEKDAY[day]! : 1;
      const intraday = ctx.stepMs < DAY_MS ? uShape(ms - ctx.stepMs / 2) : 1;
      // Volatile days trade more: the latent shock and the volatility state both raise volume, capped so a
      // single fat-tailed draw cannot multiply it a hundredfold.
      const logNoise =
        f * persistentSd * persistent +
        f * tailSd * Math.max(-6, Math.min(6, ctx.gauss.studentT(5))) +
        0.2 * Math.min(4, Math.abs(z)) +
        0.25 * (Math.min(3, Math.sqrt(ratio)) - 1);
      out[i] =
        perDay *
        days *
        (1 + ctx.weekly * (weekday - 1)) *
        intraday *
        Math.exp(logNoise) *
        correction;
    }
    return out;
  },
};

/** Trading days in a typical open interval of this length (1 for a day, 5 for a week, 1/6.5 for an hour). */
export function typicalTradingDays(stepMs: number): number {
  if (stepMs >= WEEK_MS) return (5 * stepMs) / WEEK_MS;
  if (stepMs >= DAY_MS) return stepMs / DAY_MS;
  return Math.min(1, stepMs / (SESSION_HOURS * HOUR_MS));
}

/** Intraday volume shape over the session, mean 1: high at the open, a midday lull, highest at the close. */
function uShape(ms: number): number {
  const s = Math.min(1, Math.max(0, (hourOfDay(ms) - SESSION_OPEN_H) / SESSION_HOURS));
  return (1 + 0.9 * (2 * s - 1) ** 2 + 0.3 * s) / 1.45;
}

// ---------------------------------------------------------------------------------------------------------

/** The model of every catalog type. */
export const MODELS: Readonly<Record<string, SeriesModel>> = {
  residential_consumption: loadModel({
    calibration: HOUSEHOLD,
    contrast: [1, 1.8],
    sigma: 0.3,
    tauHours: 3,
    daySigma: 0.1,
    winter: 0.15,
    summer: 0.06,
  }),
  commercial_consumption: loadModel({
    calibration: OFFICE,
    contrast: [1, 1.4],
    sigma: 0.4,
    tauHours: 3,
    daySigma: 0.12,
    winter: 0.04,
    summer: 0.08,
  }),
  industrial_load: loadModel({
    calibration: INDUSTRIAL,
    contrast: [1, 1.3],
    sigma: 0.3,
    tauHours: 1,
    daySigma: 0.08,
    winter: 0,
    summer: 0,
  }),
  grid_demand: loadModel({
    calibration: AGGREGATE,
    contrast: [1, 1.1],
    sigma: 0.15,
    tauHours: 10,
    daySigma: 0.12,
    winter: 0.07,
    summer: 0.06,
  }),
  solar_generation: solarModel,
  wind_generation: windModel,
  gas_consumption: heatingModel({ base: 0.15, weekend: GAS_WEEKEND }),
  heating_demand: heatingModel({ base: 0.05, profile: HEATING_PROFILE, weekend: 0.9 }),
  temperature: temperatureModel,
  pressure: pressureModel,
  humidity: humidityModel,
  air_quality: airQualityModel,
  stock_price: priceModel({
    calendar: 'equity',
    daysPerYear: 252,
    volatility: [0.12, 0.6],
    df: 4,
    alpha: 0.09,
    beta: 0.89,
  }),
  crypto_price: priceModel({
    calendar: 'always',
    daysPerYear: 365,
    volatility: [0.35, 1.4],
    df: 3,
    alpha: 0.1,
    beta: 0.87,
  }),
  exchange_rate: priceModel({
    calendar: 'fx',
    daysPerYear: 260,
    volatility: [0.04, 0.14],
    df: 5,
    alpha: 0.06,
    beta: 0.92,
  }),
  trading_volume: volumeModel,
};
