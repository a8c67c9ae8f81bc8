/**
 * The calibrated engine: parameters fitted to real series (per series, so a type keeps the population spread of
 * its reference: levels, daily and weekly shapes, seasonal strengths, noise), and the renderer that draws new
 * series from them. Only derived statistics are fitted and stored, never a series' values.
 *
 * Two model families:
 * - `seasonal` (loads, generation, weather, air quality, volumes): the value on a common scale (divided by its
 *   mean for non-negative quantities, standardised otherwise) is a seasonal profile (a weekday and a weekend
 *   daily profile, times or plus a day-of-week level) plus a residual whose spread depends on the hour
 *   (heteroscedasticity; zero at night for solar), whose marginal is the fitted quantile function (fat tails,
 *   zeros, saturation) and whose dependence is a Gaussian copula with a two-component AR(1) autocorrelation
 *   (fast noise and slow weather or demand swings), with calm and active spells in its steps, checked by drawing
 *   series from the fit and comparing their autocorrelation with the real one's; values are read at the real
 *   meter's resolution or held as often as real ones, and bounds the data sits on clamp while others reflect;
 *   series off at night (solar) vary their day's shape in a few smooth modes, and other hourly series' values are
 *   put on the real series' quantiles by rank; a daily volume's level drifts and scales the whole series;
 * - `price` (stocks, crypto, exchange rates): log returns from a GARCH(1,1) with Student-t innovations (fat
 *   tails, volatility clustering), a drift, and the share of days the price does not move; for a type fitted with
 *   `pooledInnovations`, the innovations follow one law read from all its series (peaked, skewed) instead, and
 *   with `priceDigits` each drawn price keeps the significant digits its real prices are quoted with.
 *
 * `fitSeries` fits one series; `renderCalibrated` draws one. The shipped parameters
 * (`data/reference/series-engine.params.json`) are written by `scripts/fit-series-engine.ts`.
 */
import { Random } from '@genesis/schema/random';
import { logReturns } from '../validation/series/features.ts';
import { median, seasonalStrength } from '../validation/series/stats.ts';
import { aqiOnGrid, pm25OfAqi } from './aqi.ts';
import { Gauss, normalCdf } from './noise.ts';
import { DAY_MS, HOUR_MS } from './time.ts';

export const PARAMS_FORMAT = 'genesis-lab/series-engine-params';

/** Probabilities at which a residual's quantile function is stored. */
export const QUANTILE_PROBS = [
  0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999,
] as const;

/** Steps of the pooled innovation law's probability grid (`INNOVATION_PROBS`). */
const INNOVATION_STEPS = 100;
/**
 * Probabilities at which a price type's pooled innovation law is stored (`TypeParams.innovations`): every
 * percentile, dense enough that a year's quartiles and median are read from the law rather than interpolated.
 */
export const INNOVATION_PROBS: readonly number[] = Array.from(
  { length: INNOVATION_STEPS - 1 },
  (_, i) => (i + 1) / INNOVATION_STEPS,
);

/** One real series' seasonal-model parameters. Profiles are indexed by local hour (0..23) and weekday (0 = Sunday). */
export interface SeasonalSeriesParams {
  /** Mean value (relative) or mean (standardised), in the type's unit. */
  level: number;
  /** Standard deviation (standardised types; 0 for relative ones). */
  scale: number;
  /** Daily profile of weekdays and of weekends (24 values; a single value for daily data). */
  dWk: number[];
  dWe: number[];
  /** Day-of-week level, 7 values (factor for relative types, offset for standardised ones). */
  w: number[];
  /** Residual standard deviation by hour (24, or 1 for daily data). */
  hsd: number[];
  /** Quantiles of the standardised residual at `QUANTILE_PROBS`. */
  q: number[];
  /**
   * Autocorrelation of the Gaussianised residual: weight w of the fast component, its AR(1) coefficient a, the
   * slow AR(1) b, and (optional, 0 when absent) the autocorrelation c of the fast component's innovations.
   * With c > 0 the fast swings are smooth (weather and demand move with momentum, not as white jumps): the
   * differences of the series are positively autocorrelated, as in real data. See docs/timeseries.md.
   */
  acf: [number, number, number] | [number, number, number, number];
  /** Bounds of the common-scale value seen in the data (saturation, zeros). */
  lo: number;
  hi: number;
  /**
   * Day-to-day variation of the daily cycle's amplitude (optional, none when absent): the standard deviation of a
   * day's amplitude factor around 1 and its day-to-day autocorrelation. A cloudy day flattens a solar bell or a
   * temperature swing for the whole day; noise alone would not.
   */
  amp?: [number, number];
  /**
   * The meter's resolution on the common scale (optional, none when absent): the real values all lie on a grid
   * of this step (whole degrees, whole hPa, 0.1 kWh), so drawn values are rounded to it and repeat as real
   * readings do.
   */
  res?: number;
  /**
   * Shares of the real values at `lo` and at `hi` (optional, [0, 0] when absent). A bound the data sits on
   * (zeros, humidity saturated at 100%) is kept by clamping; one it only touches is a reflecting edge, so a
   * drawn series does not stick to its minimum for hours as no real one did.
   */
  atoms?: [number, number];
  /**
   * Volatility of the noise's steps (optional, none when absent): the standard deviation of the log of a slowly
   * varying factor that scales the innovations, and its AR(1) coefficient per fitted step. Real weather and
   * demand alternate calm spells (tiny steps) with active ones (large steps): their steps are heavy-tailed, so
   * the mean step is smaller than a Gaussian process of the same autocorrelation would take.
   */
  vol?: [number, number];
  /**
   * Share of points that repeat the previous value (optional, none when absent), for series that are not on a
   * coarse grid yet stand still as often as read ones: relative humidity computed from whole-degree temperature
   * and dew point keeps its value until one of them moves, then jumps.
   */
  hold?: number;
  /**
   * Share of held points that follow a held point (optional; held points are independent when absent, fitted for
   * types with `FitTuning.holdSpells`). Humidity computed from whole-degree readings stands still while the
   * temperature and the dew point both do, which they do together for hours on a calm night: its repeats come in
   * runs (0.25-0.4 of them follow another, against 0.15-0.27 of all points), not one at a time.
   */
  holdRun?: number;
  /**
   * Relative humidity computed from whole-degree temperature and dew point (optional, none when absent; fitted for
   * types with `FitTuning.dewGrid`): [saturation in the type's unit, the air temperature's level in degrees
   * Celsius, the standard deviation of its hourly step in degrees]. Such a reading is saturation times
   * exp(m(round(Td)) - m(round(T))), m the Magnus exponent: its log sits on a grid of steps 0.06-0.08 apart (wider
   * the colder the air), stands still while neither reading crosses a whole degree, and then jumps by a step or
   * more. A drawn value is turned into the dew point it gives at an air temperature swinging about the level,
   * both are rounded to whole degrees and the humidity computed back; its repeats come from the readings
   * standing still, so `hold` is not fitted with it. An optional fourth element, `calm` (`FitTuning.humidCalm`),
   * scales the air's hourly step by the humidity's distance below saturation over half of it, to that power
   * (within 0.1-3): humid air's temperature moves least.
   */
  dew?: [number, number, number] | [number, number, number, number];
  /**
   * An air quality index computed from a PM2.5 reading (optional, none when absent; fitted for types with
   * `FitTuning.pmGrid`): [the reading's step in µg/m³, the standard deviation of its own white noise in µg/m³]. The
   * index is piecewise linear in the concentration (its slope falls from 4.2 points per µg/m³ under 12 µg/m³ to
   * 0.5 between 55 and 150), so its values lie on an uneven grid, repeat as the reading does and, in clean air,
   * move by whole steps of 2-4 points. A drawn value is turned into its concentration, the noise added (not below
   * the series' lowest reading, a station's floor), read to the step and the index computed back; `hold` is then
   * only what the grid leaves of the real repeats. At the fitted step only.
   */
  pm?: [number, number];
  /**
   * How the shape of a day varies (optional, none when absent; fitted for series that are off at night): the main
   * modes of the days' deviations from the daily profile, each [standard deviation of its daily score, the
   * score's day-to-day autocorrelation, then its 24 hourly loadings (unit length)]. A real solar day is the bell
   * scaled, shifted or narrowed as a whole (clouds over a whole region, the day lengthening over the season), so
   * it stays smooth from hour to hour; hourly noise alone would make it rough. See docs/timeseries.md.
   */
  modes?: number[][];
  /**
   * Quantiles of the series' own values on the common scale at `QUANTILE_PROBS` (optional, none when absent). The
   * sum of profile, daily swing and noise is a mixture whose tails come out heavier than the real values' (relative
   * humidity is flat and bounded), so a drawn series' values are put back onto these quantiles by rank: the order
   * of its points, and so its dynamics, stays; its distribution is the fitted one.
   */
  vq?: number[];
  /**
   * How each day of the week's daily shape differs from its weekday or weekend profile (optional, none when
   * absent; fitted for types with `FitTuning.weekShape`): 7 x 24 values on the common scale, Sunday first, each
   * shrunk toward 0 by the noise in its few days' mean. A household's Saturday is not its Sunday, and its Monday
   * morning not its Friday's; drawn without it, that structure came out as noise. See docs/timeseries.md.
   */
  dDow?: number[];
  /**
   * Share of the real readings that are exactly zero at each local hour (optional; absent, every hour whose
   * profile is under the night threshold is drawn as zero; fitted for types with `FitTuning.dawnZeros`). A solar
   * plant's dawn and dusk hours are under the threshold in the mean, yet on a clear summer morning it already
   * produces: real hours with a profile of 0.2-2% of the mean are zero only about half the time.
   */
  zeros?: number[];
  /**
   * A ceiling at the upper bound (optional, none when absent; set for types with `FitTuning.softTop`): where it
   * starts, as a share of the way from `lo` to `hi` (0 to 1). A drawn value above it bends smoothly toward `hi` (a
   * tanh; at 1 it is clamped there), and `hi` is not a reflecting edge. A solar plant's highest reading is its
   * clearest day's noon: reflected there, a drawn bright day had a dip at noon.
   */
  top?: number;
  /**
   * The hourly noise scales with the day's clearness (optional, additive when absent; set for types with
   * `FitTuning.cloudNoise`): the day's level over the profile, read from its shape modes' scores (the day's
   * projection on the profile), over its root mean square. See docs/timeseries.md.
   */
  cloud?: boolean;
  /**
   * The day's amplitude (`amp`) glides from one local noon to the next instead of switching at midnight (optional,
   * switching when absent; set for types with `FitTuning.ampGlide`).
   */
  glide?: boolean;
  /**
   * The hourly noise scales with the day's swing (optional, none when absent; fitted for types with
   * `FitTuning.calmDays`): multiplied by |1 + the day's amplitude factor| to this power, over its root mean square,
   * so an overcast day with no swing is also calm and a clear day with a wide one is lively. See docs/timeseries.md.
   */
  calm?: number;
  /**
   * The noise's step size by local hour (optional, none when absent; fitted for types with `FitTuning.hourSteps`):
   * 24 factors on its innovations (both components'), root mean square 1. The drawn noise is put back on normal
   * scores by rank, so its marginal stays the fitted one. See docs/timeseries.md.
   */
  hstep?: number[];
  /**
   * New Year's Day (optional, none when absent; electricity): 24 hourly factors on the Sunday shape of the series
   * (its weekend profile, Sunday level and `dDow`), from the reference's held-out first day over the series' other
   * Sundays: the series' own mean factor on the population's median hourly shape. On 1 January (local) a drawn
   * series takes that day; the noise is drawn as on any other day. See docs/timeseries.md.
   */
  hol?: number[];
  /**
   * A level drifting over weeks and months that scales the whole series, spikes included (optional, none when
   * absent; fitted for types with `FitTuning.levelDrift`): the standard deviation of the log of the level and its
   * AR(1) coefficient per fitted step. The rest of the model (marginal, noise) is fitted on the series over that
   * level. A stock's trading volume is its level times a day's surprise: the level moves with the market's
   * interest, and a day of news multiplies it, whatever the level. See docs/timeseries.md.
   */
  drift?: [number, number];
  /**
   * The season's trend within the series (optional, none when absent; fitted for types with
   * `FitTuning.seasonTrend`): the least-squares slope of the common-scale values, per day. A drawn series takes it
   * as a yearly sine through its middle with that slope there (over a few weeks, a straight line; over a year, an
   * annual cycle rather than a line running off). See docs/timeseries.md.
   */
  trend?: number;
  /**
   * The time of year the series was fitted on (optional, none when absent): the day of the year (0 = 1 January,
   * UTC) at the middle of its window, kept for windows shorter than `SEASON_SPAN_DAYS`. A drawn series takes its
   * parameters from series fitted near its own time of year (`seasonalPool`), so solar in June has June's days.
   */
  doy?: number;
}

/** One real price's return-model parameters (per trading day, or per day for crypto). */
export interface PriceSeriesParams {
  /** First price of the series (the population of levels). */
  level: number;
  mu: number;
  omega: number;
  alpha: number;
  beta: number;
  nu: number;
  /** Share of days the price did not move. */
  still: number;
  /**
   * Autoregression of the returns at lags 1-3 (optional, none when absent; fitted for types with
   * `FitTuning.returnsAr`): a market's small short-term momentum and reversal, which GARCH's independent
   * returns lack. Yule-Walker coefficients; the innovations' variance is scaled so the returns keep theirs.
   */
  ar?: number[];
  /**
   * Probability that a still day follows a still day (optional; still days are independent when absent; fitted
   * for types with `FitTuning.stillSpells`): a peg holds the price for days in a row.
   */
  stillRun?: number;
  /**
   * Asymmetry of the returns' innovations (optional, symmetric when absent; fitted for types with
   * `FitTuning.skew`): the Student-t's rises are stretched by this factor and its falls by its inverse. A
   * currency that falls against the dollar in sudden jumps and recovers gradually has right-skewed returns (its
   * median day below its mean), and the dollar price of one that does the opposite left-skewed.
   */
  skew?: number;
}

export type SeriesParams = SeasonalSeriesParams | PriceSeriesParams;

export interface TypeParams {
  kind: 'seasonal' | 'price';
  transform: 'relative' | 'standardised' | 'returns';
  /** Step of the fitted data: hourly or daily. */
  stepMs: number;
  /** `trading_days`: a daily series skips Saturdays and Sundays. */
  calendar: 'always' | 'trading_days';
  /** Time zone the profiles' hours and weekdays were read in. */
  timeZone: string;
  /** Multiplies every fitted level (the reference's unit to the catalog's, e.g. a client's kWh to a household's). */
  levelScale: number;
  /** What the parameters were fitted on. */
  source: string;
  /**
   * Autoregression of the returns shared by every series of a price type, for series without their own `ar`
   * (optional, none when absent; fitted for types with `FitTuning.sharedAr`). Yule-Walker coefficients at lags
   * 1..p; the innovations' variance is scaled so the returns keep theirs.
   */
  ar?: number[];
  /**
   * The law of a price type's GARCH innovations, shared by its series (optional, each series' Student-t when
   * absent; fitted for types with `FitTuning.pooledInnovations`): quantiles at `INNOVATION_PROBS` of every series'
   * standardised innovations pooled, beyond the first and last a power-law tail with the drawn series' degrees of
   * freedom. Drawn centred and at unit variance, so the GARCH keeps its variance.
   */
  innovations?: number[];
  /**
   * Significant digits a drawn price keeps, each value its own (optional; when absent, about five of the series'
   * mean level, see `engine.ts`; fitted for types with `FitTuning.priceDigits`): the digits the real prices are
   * quoted with, at most `MAX_PRICE_DIGITS`.
   */
  digits?: number;
  /**
   * A drawn series blends its first series with one read the same way (optional; fitted for types with
   * `FitTuning.pairOnGrid`): both on a grid of log steps (`SeasonalSeriesParams.dew`), or both not.
   */
  pairOnGrid?: boolean;
  /** Values at a bound its series sits on drawn exactly there, in its share (`FitTuning.exactAtoms`). */
  exactAtoms?: boolean;
  series: SeriesParams[];
}

/**
 * The parameter file: each type's settings, and its series' parameters in a named population (the four
 * electricity types share one, fitted once).
 */
export interface EngineParams {
  format: typeof PARAMS_FORMAT;
  version: 1;
  populations: Record<string, SeriesParams[]>;
  types: Record<string, Omit<TypeParams, 'series'> & { population: string }>;
}

/** The types of a parameter file, each with its population's series. */
export function typesOf(params: EngineParams): Record<string, TypeParams> {
  if (params.format !== PARAMS_FORMAT || params.version !== 1) {
    throw new Error(`not a ${PARAMS_FORMAT} file (version 1)`);
  }
  const out: Record<string, TypeParams> = {};
  for (const [id, { population, ...rest }] of Object.entries(params.types)) {
    const series = params.populations[population];
    if (!series?.length) throw new Error(`type ${id}: population '${population}' is missing`);
    out[id] = { ...rest, series };
  }
  return out;
}

/** The parameter file of `types` (populations keyed by type, or shared when the same array is reused). */
export function paramsFile(types: Record<string, TypeParams>): EngineParams {
  const populations: Record<string, SeriesParams[]> = {};
  const names = new Map<SeriesParams[], string>();
  const out: EngineParams['types'] = {};
  for (const [id, { series, ...rest }] of Object.entries(types)) {
    let name = names.get(series);
    if (!name) {
      name = id;
      names.set(series, name);
      populations[name] = series;
    }
    out[id] = { ...rest, population: name };
  }
  return { format: PARAMS_FORMAT, version: 1, populations, types: out };
}

// ---------------------------------------------------------------------------------------------------------
// Clock

/**
 * Local hour (0..23), weekday (0 = Sunday) and whether it is 1 January, of an instant in a time zone, cached per
 * UTC hour.
 */
export function localClock(
  timeZone: string,
): (ms: number) => { hour: number; dow: number; newYear: boolean } {
  if (timeZone === 'UTC') {
    return (ms) => {
      const d = new Date(ms);
      return {
        hour: d.getUTCHours(),
        dow: d.getUTCDay(),
        newYear: d.getUTCMonth() === 0 && d.getUTCDate() === 1,
      };
    };
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: 'numeric',
    weekday: 'short',
    month: 'numeric',
    day: 'numeric',
  });
  const days: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  const cache = new Map<number, { hour: number; dow: number; newYear: boolean }>();
  return (ms) => {
    const key = Math.floor(ms / HOUR_MS);
    let hit = cache.get(key);
    if (!hit) {
      let hour = 0;
      let dow = 0;
      let month = 0;
      let date = 0;
      for (const part of format.formatToParts(key * HOUR_MS)) {
        if (part.type === 'hour') hour = Number(part.value) % 24;
        if (part.type === 'weekday') dow = days[part.value] ?? 0;
        if (part.type === 'month') month = Number(part.value);
        if (part.type === 'day') date = Number(part.value);
      }
      hit = { hour, dow, newYear: month === 1 && date === 1 };
      if (cache.size > 50_000) cache.clear();
      cache.set(key, hit);
    }
    return hit;
  };
}

/** Whether a time zone name is one this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fitting helpers

const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : 0;
};

function sd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return xs.length > 1 ? Math.sqrt(s / xs.length) : 0;
}

function acfAt(xs: ArrayLike<number>, lags: readonly number[]): number[] {
  const n = xs.length;
  const m = mean(xs);
  let den = 0;
  for (let i = 0; i < n; i++) den += (xs[i]! - m) ** 2;
  return lags.map((lag) => {
    if (!(den > 0) || lag >= n) return 0;
    let num = 0;
    for (let i = lag; i < n; i++) num += (xs[i]! - m) * (xs[i - lag]! - m);
    return num / den;
  });
}

/** Mean absolute step of a series over its standard deviation (0 for a constant series). */
function meanStep(xs: ArrayLike<number>): number {
  const s = sd(xs);
  if (!(s > 0) || xs.length < 2) return 0;
  let sum = 0;
  for (let i = 1; i < xs.length; i++) sum += Math.abs(xs[i]! - xs[i - 1]!);
  return sum / (xs.length - 1) / s;
}

/** Lag-1 autocorrelation of a series' first differences. */
function diffLag1(xs: ArrayLike<number>): number {
  const d = new Float64Array(Math.max(0, xs.length - 1));
  for (let i = 1; i < xs.length; i++) d[i - 1] = xs[i]! - xs[i - 1]!;
  return acfAt(d, [1])[0]!;
}

/** Mean autocorrelation at `lags` over the windows `yearsOf` gives (each about its own mean). */
function windowedAcf(xs: Float64Array, lags: readonly number[], size: number): number[] {
  return meanAcfOf(yearsOf(xs, size), lags);
}

/** The consecutive windows of `size` points of `xs` (a remainder shorter than a window left out). */
function windowsOf(xs: Float64Array, size: number): Float64Array[] {
  return Array.from({ length: Math.floor(xs.length / size) }, (_, w) =>
    xs.subarray(w * size, (w + 1) * size),
  );
}

/**
 * The consecutive windows of `size` points of `xs`, and a remainder of at least half a window as one more (a year
 * of trading days is 250-253 of them, so a window of 252 leaves most years' last days over). Every reading of a
 * series fitted within windows (`FitTuning.acfWindow`: the noise's autocorrelation, the drifting level's spread and
 * the drift's simulation check) takes the same windows.
 */
function yearsOf(xs: Float64Array, size: number): Float64Array[] {
  const parts = windowsOf(xs, size);
  const rest = xs.length - parts.length * size;
  if (rest >= size / 2) parts.push(xs.subarray(xs.length - rest));
  return parts;
}

/** Mean autocorrelation at `lags` of `parts`, each about its own mean (0 without parts). */
function meanAcfOf(parts: readonly ArrayLike<number>[], lags: readonly number[]): number[] {
  const sum = lags.map(() => 0);
  for (const part of parts) {
    acfAt(part, lags).forEach((r, k) => {
      sum[k]! += r;
    });
  }
  return sum.map((x) => x / Math.max(1, parts.length));
}

/** Autocorrelation at `lags` of a series with gaps (NaN), over the pairs of points that are both present. */
function gappedAcf(xs: Float64Array, lags: readonly number[]): number[] {
  let sum = 0;
  let count = 0;
  for (const x of xs) {
    if (!Number.isNaN(x)) {
      sum += x;
      count++;
    }
  }
  const m = count ? sum / count : 0;
  let den = 0;
  for (const x of xs) if (!Number.isNaN(x)) den += (x - m) ** 2;
  den /= Math.max(1, count);
  return lags.map((lag) => {
    let num = 0;
    let pairs = 0;
    for (let i = lag; i < xs.length; i++) {
      const a = xs[i]!;
      const b = xs[i - lag]!;
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      num += (a - m) * (b - m);
      pairs++;
    }
    return pairs > 10 && den > 0 ? num / pairs / den : 0;
  });
}

/** Inverse normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
    2.50662827745924,
  ];
  const b = [
    -54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857,
  ];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373,
    4.37466414146497, 2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const q0 = Math.min(1 - 1e-12, Math.max(1e-12, p));
  if (q0 < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(q0));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (q0 > 1 - 0.02425) return -normalQuantile(1 - q0);
  const q = q0 - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Normal scores of a sample (ranks mapped through the inverse normal CDF; ties get the mean rank). */
function normalScores(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const out = new Float64Array(n);
  for (let k = 0; k < n; ) {
    let e = k;
    while (e + 1 < n && xs[order[e + 1]!] === xs[order[k]!]) e++;
    const z = normalQuantile(((k + e) / 2 + 0.5) / n);
    for (let t = k; t <= e; t++) out[order[t]!] = z;
    k = e + 1;
  }
  return out;
}

function quantiles(xs: ArrayLike<number>, probs: readonly number[]): number[] {
  const sorted = Float64Array.from(xs).sort();
  return probs.map((p) => {
    const pos = p * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  });
}

// Negative fast coefficients: meters whose consecutive readings alternate (heat meters read in whole units).
const FAST = [-0.6, -0.4, -0.2, ...Array.from({ length: 20 }, (_, i) => 0.05 * i), 0.975];
/** The fast coefficients with a smooth swing lasting days (`FitTuning.smoothSwing`). */
export const FAST_SWING = [...FAST, 0.985, 0.99, 0.995];
/** The fast coefficients a type's fit searches. */
const fastGridOf = (tuning: FitTuning) => (tuning.smoothSwing ? FAST_SWING : FAST);
const SMOOTH = [0, 0.2, 0.4, 0.55, 0.7, 0.8, 0.87, 0.92, 0.96];
/** Shares of the fast component the ACF fit tries. */
const WEIGHTS = Array.from({ length: 21 }, (_, i) => i / 20);
/**
 * With `FitTuning.roughSteps`, also the small shares under the first step: a rough part of a few percent of the
 * variance (a burner's cycles within the hour) is what makes a persistent series step back and forth.
 */
const FINE_WEIGHTS = [0, 0.01, 0.02, 0.03, 0.04, ...WEIGHTS.slice(1)];
const SLOW = [0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999];
const ACF_FIT_LAGS = [...Array.from({ length: 48 }, (_, i) => i + 1), 72, 96, 168];

/**
 * Autocorrelation at lag k of an AR(1) with coefficient a driven by AR(1) innovations with coefficient c
 * (an AR(2) with real roots a and c): [a^(k+1) (1 - c^2) - c^(k+1) (1 - a^2)] / [(a - c)(1 + a c)].
 */
export function smoothArAcf(a: number, c: number, k: number): number {
  if (c === 0) return a ** k;
  if (Math.abs(a - c) < 1e-9) return a ** k * (1 + (k * (1 - a * a)) / (1 + a * a));
  return (a ** (k + 1) * (1 - c * c) - c ** (k + 1) * (1 - a * a)) / ((a - c) * (1 + a * c));
}

/** Weight of the differences' lag-1 autocorrelation in the ACF fit, against the squared errors of 51 lags. */
const DIFF_WEIGHT = 0.05;
/**
 * That weight with `FitTuning.roughSteps`: as much as one lag's, twenty times the default, so a series that steps
 * back and forth keeps doing so (docs/timeseries.md, "Gas: a burner's rough hours").
 */
const ROUGH_DIFF_WEIGHT = 1;
/**
 * Weight of the short-lag variogram, log(1 - rho) at lags 1 and 2, in the ACF fit. How far a series moves from
 * one point to the next is 1 - rho(1), a small number whose absolute error the sum over 51 lags barely weighs:
 * a fit 0.003 off at lag 1 of a pressure series (rho 0.995) draws series whose steps are 30% larger.
 */
const STEP_WEIGHT = 0.02;

/** The lag-1 autocorrelation of the differences of a series with autocorrelations r1, r2 at lags 1, 2. */
export const diffAcf1 = (r1: number, r2: number) =>
  r1 < 1 ? (2 * r1 - 1 - r2) / (2 * (1 - r1)) : 0;

/** sum_{j=1}^{n-1} (1 - j/n) rho(j) of an autocorrelation function: how much the sample mean's variance grows. */
function meanInflation(rho: (j: number) => number, n: number): number {
  let sum = 0;
  for (let j = 1; j < n; j++) {
    const r = rho(j);
    sum += (1 - j / n) * r;
    if (Math.abs(r) < 1e-6) break;
  }
  return sum;
}

/** What `fitAcfMixture` searches beyond its defaults (per-type choices, see `FitTuning`). */
export interface AcfGrids {
  /** The fast coefficients searched (`FAST_SWING` with `FitTuning.smoothSwing`). */
  fastGrid?: readonly number[];
  /** `FitTuning.roughSteps`: the differences' lag-1 autocorrelation weighs `ROUGH_DIFF_WEIGHT`, finer shares. */
  rough?: boolean;
}

/**
 * Least-squares fit of rho(k) = w rhoF(k; a, c) + (1 - w) b^k to an autocorrelation (lags in `lags`, which
 * must start 1, 2), where rhoF is a smooth fast component ({@link smoothArAcf}). The lag-1 autocorrelation of
 * the differences (how smooth the series is from one point to the next) is fitted too: it depends on the
 * curvature at lags 1 and 2, which the sum over 51 lags would otherwise barely weigh.
 *
 * With `n` (the length of the series the autocorrelation was measured on), the model is compared as a sample
 * autocorrelation of n points would read it: a persistent process's sample autocorrelation is biased low
 * because its mean is estimated from the same points, E[r_k] ~ (rho_k - V/n) / (1 - V/n) with V = 1 + 2 sum
 * (1 - j/n) rho_j. Fitting the unbiased model to biased estimates would make every series drawn from it less
 * persistent than the real one it came from.
 */
export function fitAcfMixture(
  rho: readonly number[],
  lags: readonly number[],
  n?: number,
  /** The differences' lag-1 autocorrelation to fit, when not the one `rho` implies (see `fitSeasonal`). */
  diffTarget?: number,
  grids: AcfGrids = {},
): [number, number, number, number] {
  const { fastGrid = FAST, rough = false } = grids;
  const diffWeight = rough ? ROUGH_DIFF_WEIGHT : DIFF_WEIGHT;
  const weights = rough ? FINE_WEIGHTS : WEIGHTS;
  let best: [number, number, number, number] = [1, 0, 0.99, 0];
  let bestErr = Number.POSITIVE_INFINITY;
  const shortLags = lags[0] === 1 && lags[1] === 2;
  const target = shortLags ? (diffTarget ?? diffAcf1(rho[0]!, rho[1]!)) : null;
  const logStep = (r: number) => Math.log(Math.max(1e-4, 1 - r));
  const steps = shortLags ? [logStep(rho[0]!), logStep(rho[1]!)] : null;
  const fast = new Float64Array(lags.length);
  const slow = new Float64Array(lags.length);
  const model = new Float64Array(lags.length);
  const slowInflation = new Map<number, number>();
  for (const b of SLOW) slowInflation.set(b, n ? meanInflation((j) => b ** j, n) : 0);
  for (const a of fastGrid) {
    for (const c of SMOOTH) {
      if (c > 0 && a <= 0) continue;
      for (let k = 0; k < lags.length; k++) fast[k] = smoothArAcf(a, c, lags[k]!);
      const fastInflation = n ? meanInflation((j) => smoothArAcf(a, c, j), n) : 0;
      for (const b of SLOW) {
        for (let k = 0; k < lags.length; k++) slow[k] = b ** lags[k]!;
        const sb = slowInflation.get(b)!;
        for (const w of weights) {
          const bias = n ? (1 + 2 * (w * fastInflation + (1 - w) * sb)) / n : 0;
          if (bias >= 0.9) continue;
          let err = 0;
          for (let k = 0; k < lags.length; k++) {
            model[k] = (w * fast[k]! + (1 - w) * slow[k]! - bias) / (1 - bias);
            err += (rho[k]! - model[k]!) ** 2;
          }
          if (target !== null) {
            err += diffWeight * (diffAcf1(model[0]!, model[1]!) - target) ** 2;
          }
          if (steps) {
            err +=
              STEP_WEIGHT *
              ((logStep(model[0]!) - steps[0]!) ** 2 + (logStep(model[1]!) - steps[1]!) ** 2);
          }
          if (err < bestErr) {
            bestErr = err;
            best = [w, a, b, c];
          }
        }
      }
    }
  }
  return best;
}

const r4 = (x: number) => Number(x.toPrecision(4));

/** A centred moving average of `window` points (the window shrinks at the ends). */
function movingAverage(xs: ArrayLike<number>, window: number): Float64Array {
  const n = xs.length;
  const half = Math.floor(window / 2);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + xs[i]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i - half + window);
    out[i] = (prefix[b]! - prefix[a]!) / (b - a);
  }
  return out;
}

/** Candidate meter resolutions, coarsest first. */
const GRID_STEPS = [100, 50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];

/**
 * The coarsest of `GRID_STEPS` that every value is a whole multiple of (the resolution the series was read or
 * stored at: whole degrees, 0.1 kWh), or 0 when none is.
 */
export function gridStep(values: ArrayLike<number>): number {
  for (const d of GRID_STEPS) {
    let ok = true;
    for (let i = 0; i < values.length && ok; i++) {
      const k = values[i]! / d;
      if (Math.abs(k - Math.round(k)) > 1e-6 + 1e-9 * Math.abs(k)) ok = false;
    }
    if (ok) return d;
  }
  return 0;
}

/** A bound holding at least this share of a series' values is one it sits on (clamped), not a reflecting edge. */
const ATOM = 0.02;

/** The 1-2-5 number nearest to x on a log scale (a meter's resolution in the drawn series' own unit). */
export function niceStep(x: number): number {
  if (!(x > 0)) return 0;
  const e = Math.floor(Math.log10(x));
  const m = x / 10 ** e;
  const pick = m < Math.sqrt(2) ? 1 : m < Math.sqrt(10) ? 2 : m < Math.sqrt(50) ? 5 : 10;
  return Number((pick * 10 ** e).toPrecision(1));
}

/**
 * Fitting choices a type opts into (docs/timeseries.md, "Per-type tuning"); types without an entry in
 * `TYPE_TUNING` are fitted with the defaults.
 */
export interface FitTuning {
  /** Smallest share of repeated readings fitted as held values (default 0.03). */
  holdFloor?: number;
  /**
   * The simulation check also matches the drawn values' mean absolute step (over their standard deviation) to the
   * real series': `vol` by the step volatility (how heavy-tailed the steps are), `noise` by the scale of the hourly
   * noise (solar, whose steps are mostly its day's bell and whose hourly noise makes them rough).
   */
  steps?: 'vol' | 'noise';
  /**
   * Fit each day of the week's own daily shape (`dDow`), and blend two series' daily profiles keeping the size of
   * their shapes: loads whose week is set by people's schedules.
   */
  weekShape?: boolean;
  /**
   * No step volatility (`vol`): a load's heavy-tailed steps are its appliances switching within an hour, not calm
   * and active spells of its noise; drawn with them, its daily and weekly cycles came out weaker against the noise.
   * (`steps` may still settle on one by drawing: the cycles' strengths are then matched after it.)
   */
  steadySteps?: boolean;
  /**
   * Match the daily cycle's strength against the noise by simulation (`matchCycle`): drawn loads' days came out
   * less regular than their sources' (the benchmark's daily seasonal strength, median: 0.865 drawn, 0.889 real;
   * the most regular fifth of the clients, above 0.95: 0.946 drawn from their own fits, 0.970 real).
   */
  cycleStrength?: boolean;
  /**
   * With `cycleStrength`, also match the weekly cycle's strength (the share of what the daily cycle leaves that the
   * hours of the week explain) by scaling the weekly pattern: the day-of-week levels, the weekend profile's
   * difference from the weekday one and each weekday's shape (`dDow`). A load's weekly pattern is kept as measured,
   * sampling noise included, so series drawn from a load without one still had one (the benchmark's weekly
   * strength at the 5% and 10% quantiles of the 203 clients: 0.068 and 0.097 drawn from their own fits, 0.000 and
   * 0.008 real), and once the noise was matched to the daily strength the most regular loads (daily strength
   * above 0.95) came out twice as weekly as real (0.41 against 0.18). For relative series only.
   */
  weekStrength?: boolean;
  /**
   * No day-to-day variation of the daily cycle's amplitude (`amp`), for weather whose within-day swings are
   * mostly the passing weather rather than a stronger or weaker day. Station pressure's daily cycle is the
   * atmospheric tide, set by the sun and steady from one day to the next, and a day's projection on it is mostly
   * the synoptic trend within that day; relative humidity's fronts move it within a day as much as a clear or
   * cloudy sky scales its swing. Fitted, those trends came back as a random amplitude switching at midnight, and
   * drawn series were rougher than their sources (pressure, each real series against draws of its own fit: mean
   * step 0.089 against 0.073, autocorrelation at 6 h 0.870 against 0.901; humidity at 2 h 0.857 against 0.873).
   */
  steadyCycle?: boolean;
  /**
   * The noise's fast, smooth component may also last days (fast coefficients up to 0.995, `FAST_SWING`), not only
   * hours (up to 0.975). Station pressure read to 0.1 hPa is the synoptic swing itself: smooth from hour to hour
   * (differences' lag-1 autocorrelation 0.54-0.84, median 0.76 over Bedford's 13 series) and slow (lag-1
   * autocorrelation about 0.998). With the fast component capped at hours, the fit gave the swing to the slow AR(1),
   * whose steps are white, and drawn series stepped larger and without momentum (each of the 13 drawn from its
   * own fit, medians: mean absolute step 0.061 of the standard deviation against 0.039 real, differences'
   * autocorrelation 0.32 against 0.76; with it and `stepsMix`, 0.042 and 0.64).
   */
  smoothSwing?: boolean;
  /**
   * `matchSteps` also settles the fast component's share w and the slow coefficient b. Humidity read from
   * whole-degree temperature and dew point carries their rounding as a rough, short-lived part on top of a
   * persistent one: real series take larger and less smooth steps than drawn ones yet stay more correlated over
   * 2-6 hours, which the fast component's shape alone does not give. With `holdSpells` and `steadyCycle`, it
   * lowered humidity's discriminator accuracies over 12 benchmark seeds (LR 0.609 to 0.569, GBS 0.643 to 0.614).
   */
  stepsMix?: boolean;
  /**
   * Series on a grid (`dewGrid`) are drawn with one residual spread for every hour (`SeasonalSeriesParams.hsd`
   * flat, the mean of the hours'), set once the noise is fitted with each hour's own. Relative humidity varies
   * most between days in the afternoon, at its daily low, and that variation is the day's weather, steady through
   * the afternoon: drawn as a larger hourly noise there, it put the drawn series' largest steps at their extremes
   * and made their squared deviations from the mean less persistent than real (lag-1 autocorrelation, median over
   * the 53 series each drawn from its own fit: 0.873 against 0.894; 0.879 with one spread). Fitting the noise with
   * one spread from the start did worse (the step search then made drawn steps rougher than real).
   */
  steadySpread?: boolean;
  /**
   * Fit the fast noise so drawn series step back and forth from hour to hour as the real one does (`fitAcfMixture`
   * weighs the differences' lag-1 autocorrelation as much as one lag, not a twentieth of one, tries fast shares of
   * 1-4% and checks by drawing in four rounds, not two). A gas boiler fires in cycles shorter than an hour, and a building's
   * hourly use carries a rough part of a few percent of its variance on top of its slow swings: the differences'
   * lag-1 autocorrelation is -0.20 (median over the 60 series). Fitted with the default weight and shares in steps
   * of 5%, that part was lost behind the 51 lags, and series drawn from each series' own fit had -0.055 (higher
   * than real for 47 of the 60).
   */
  roughSteps?: boolean;
  /** Fit held values' runs (`SeasonalSeriesParams.holdRun`): readings that stand still for hours together. */
  holdSpells?: boolean;
  /**
   * Saturation of a relative humidity, in the type's unit (100%): a series whose log steps lie on a grid (relative
   * humidity computed from whole-degree temperature and dew point: in Beijing's, 61-99% of the moves are within
   * 15% of the grid's step, 0.06-0.08, of a multiple of it; in Bedford's measured ones, 26-33%) is fitted with that
   * grid (`SeasonalSeriesParams.dew`) instead of held values.
   * Drawn with held values, such a series was smooth between its repeats where the real one jumps: its mean step
   * was smaller (0.205 against 0.215 of the standard deviation) yet its autocorrelation at 1-2 hours and that of its
   * squared deviations lower (0.870 against 0.894) than its source's.
   */
  dewGrid?: number;
  /**
   * With `dewGrid`, the air temperature behind the humidity moves less the more humid the air
   * (`SeasonalSeriesParams.dew`'s `calm`, this power): its hourly step is scaled by ((s - x) / (s / 2))^calm for
   * humidity x and saturation s, within 0.1-3, and its speed then fitted with it. Beijing's humid hours (its nights
   * and mornings, at 93-100%) stand still for hours where drawn ones jumped between neighbouring readings: the
   * squared deviations of drawn humidity changed more than real from steps that start above the mean (the
   * benchmark's `--explain`, seeds 35-38: 0.055-0.062 of 1 - `arch_1` against 0.048), and their longest runs of one
   * reading were shorter (5-6 hours in 1,000 against 7). See docs/timeseries.md.
   */
  humidCalm?: number;
  /**
   * Draw each series from one population: its second series (see `renderCalibrated`) is read as its first is, on
   * a grid of log steps (`dewGrid`) or not (`TypeParams.pairOnGrid`).
   */
  pairOnGrid?: boolean;
  /**
   * Draw the share of values a bound holds (`SeasonalSeriesParams.atoms`, at least `ATOM`) exactly on it when the
   * values are put on their quantiles (`vq`; `TypeParams.exactAtoms`). The stored quantiles are read between
   * probabilities 0.9, 0.95, 0.975 and 0.99, so a saturation held by 5% of the hours came out as 3% at the bound and
   * 2% just under it. Bedford's measured humidity reads 100% at 5.0% of its hours (12 series) and 99-99.95% at
   * 0.2%; drawn, 3.1% and 2.1% (seeds 14, 21 and 35).
   */
  exactAtoms?: boolean;
  /**
   * The reading step, in µg/m³, of the PM2.5 concentration an air quality index is computed from: a series with
   * 99% of its values the index of a whole multiple of it (`aqiOfPm25`) is fitted with that grid and a reading
   * noise (`SeasonalSeriesParams.pm`), and its held values are what they leave of its repeats (both by drawing).
   * Beijing's PM2.5 is read in whole µg/m³, and its clean hours are rough: over the 37 series, the index's steps
   * from the lowest 7% of its values (normal scores under -1.5) average 0.42 in normal scores against 0.16-0.19
   * in the middle, and it repeats at 13% of the hours that start at 5-15 µg/m³, 5% of those above 150. Drawn with
   * one noise for every level and held values at random, the lowest values stepped 0.25, every level repeated
   * 9-10% of its hours, and the longest runs were longer than real (median over 148 drawn series: 6 hours, real
   * 4; 58% of them at the series' floor). Drawn through the grid with the noise (median 1.5 µg/m³ over the 37),
   * 0.33, 5-16% (real 5-13%) and 4 hours.
   */
  pmGrid?: number;
  /**
   * Fit the day shapes' modes (`SeasonalSeriesParams.modes`, each with its day-to-day autocorrelation) for a series
   * that is on at night as well, in place of the day's amplitude. A building's heat use keeps a day's shape for days
   * beyond its daily profile (a cold spell's evenings, a week away): each of heating's 24 series against six drawn
   * from its own fit, the autocorrelation at 24 hours was lower drawn than real for 22 of them (medians 0.123
   * against 0.201, mean gap 0.092); with the modes (2-3 per series) for 10 (0.195, gap 0.028).
   */
  dayModes?: boolean;
  /**
   * Fit the held values by drawing (`matchHold`): `hold` is what the drawn series' own rounding leaves of the real
   * series' repeated readings, however few. Real loads and wind output are read at a meter's step (0.1 kWh, whole
   * MW), and at quiet hours the reading stands still: a real electricity client repeats a reading 10 times in its
   * 1,000 hours (median of the 203; 5% of them at most once), wind 4 times (median of the 100). Drawn loads, rounded
   * to the same step, repeated 2 times (median; a quarter of them never), since their steps at quiet hours are larger
   * than real. The held points fall anywhere in a drawn series, where real repeats are mostly at low output.
   */
  heldByDrawing?: boolean;
  /**
   * Read the residual's autocorrelation within consecutive windows of this many points (and a last part of at
   * least half a window, `yearsOf`), each about its own mean, and fit the noise to it as a series of that length
   * would read it (default: over the whole series). A level
   * that drifts from year to year (a stock's trading activity growing or fading) is not the noise's slow swing
   * within a year: read over years, it is, and drawn years wander more than real ones.
   */
  acfWindow?: number;
  /**
   * Fit a drifting level (`SeasonalSeriesParams.drift`) as the centred moving median of the log values over this
   * many points, and the marginal and the noise's fast component on the values over that level (relative daily
   * series); the noise's slow component becomes the level's, which scales the drawn series, spikes included. A
   * stock's trading volume is a level that moves with the market's interest over weeks and months times a day's
   * surprise (news, earnings), and a day of news multiplies whatever level it falls on. Through one Gaussian
   * copula, the slow swing went through the quantile map with the fast noise: a drawn stretch low in the swing had
   * no spikes, one high in it was all high values, and the spikes lasted as long as the swing. Drawn years (250
   * trading days, standardised; means over 400 drawn and the 14 real years) had a longer lower tail (5% quantile
   * -1.016 against -0.905), a higher upper quartile (0.343 against 0.266), less skewness (2.42 against 3.26; of the
   * log values 0.42 against 0.67) and more persistence at 6 and 12 days (autocorrelation 0.162 and 0.114 against
   * 0.104 and 0.047). The fast component and the level's persistence are then settled by drawing
   * (`matchDriftAcf`).
   */
  levelDrift?: number;
  /** Fit the returns' short autoregression (`PriceSeriesParams.ar`). */
  returnsAr?: boolean;
  /**
   * Fit one autoregression of the returns for the whole type (`TypeParams.ar`) at lags 1 to `lags`, from the
   * autocorrelation of every series' returns read within windows of `window` returns, each about its own mean (a
   * remainder shorter than a window is left out: a few months' autocorrelation would weigh as much as a year's).
   * Coins trade in one market, and their returns share its autocorrelation over the same years; fitted per coin,
   * each coin's own sampling noise came with it, and at three lags the shared pattern beyond them was missing (the
   * benchmark's ACF distance over lags 1-48 stayed at 0.018, as from returns with no autocorrelation at all).
   */
  sharedAr?: { lags: number; window: number };
  /**
   * Fit a price's still days as spells (`PriceSeriesParams.stillRun`): a currency held to a peg, or quoted on a
   * tick coarse for its calm weeks, stays put for days in a row, and a floating one's rare still days come alone.
   */
  stillSpells?: boolean;
  /**
   * Fit the GARCH dynamics (alpha, beta, nu) with the variance targeted window by window, over consecutive windows
   * of this many returns (default: one target for the whole series). A market's volatility has regimes (a calm
   * year, a crisis year): with one target over a decade, GARCH reads the change of regime as day-to-day clustering,
   * and a drawn year clusters more than a real year does.
   */
  regimeWindow?: number;
  /** Fit the returns' asymmetry (`PriceSeriesParams.skew`). */
  skew?: boolean;
  /**
   * Fit one law of the GARCH innovations for the whole type (`TypeParams.innovations`) from every series'
   * standardised innovations pooled. Crypto's are more peaked than the Student-t the GARCH is fitted with (pooled
   * over the six coins, interquartile range 0.90 of their standard deviation against 1.05 for a t with 4 degrees of
   * freedom) and skewed (median -0.02 of it: many small falls, fewer larger rises). Drawn from the t, a drawn
   * year's returns were flatter in the centre than a real year's (interquartile range 0.97 of the year's standard
   * deviation against 0.87), their median at their mean (real: 0.02 below), and their 1-99% range a smaller
   * multiple of that centre (5.9 against 6.5). Pooled, not per series: one coin's 1,400 innovations carry its own
   * chance quirks (a law fitted per coin did not hold across benchmark seeds).
   */
  pooledInnovations?: boolean;
  /**
   * Keep the precision the real prices are quoted with (`TypeParams.digits`: the median over the series of the
   * significant digits of their prices, at most `MAX_PRICE_DIGITS`), each drawn value to that many significant
   * digits of its own, instead of about five of the series' mean level. Crypto prices are averages over exchanges,
   * quoted to 6-12 significant digits (each coin's median; 10 over the six): of the 34 real yearly windows (250
   * returns) one repeats a price from one day to the next (Bitcoin's single still day). A drawn coin whose price
   * moved tenfold or more within its window kept three or four digits where it was low against its mean, and its
   * quiet days rounded onto the previous price: 531 of 3,000 drawn windows repeated a price (76 before the rounding,
   * from the still days), about 6 of every 34, and the benchmark's boosted stumps split on it first (its longest
   * run of equal prices, seed 14: 14 drawn windows against 1 real).
   */
  priceDigits?: boolean;
  /**
   * Fit each hour's share of exact zeros (`SeasonalSeriesParams.zeros`) for a series off at night, and draw an
   * hour under the night threshold as zero only that often. Real solar's hours under the threshold but above 0.2%
   * of the mean are zero 45% of the time (the mean over the 100 such hours of the 81 series' weekday profiles),
   * and drawn with every such hour off, solar lacked its small dawn and dusk readings.
   */
  dawnZeros?: boolean;
  /**
   * The type's series are drawn with a ceiling at their upper bound (`SeasonalSeriesParams.top`, set to this knee,
   * not fitted: 1 clamps) instead of a reflecting edge. A solar series' upper bound is its clearest noon, which a
   * drawn bright day (the profile scaled up by its day shape) overshoots: reflected, that noon became a dip, and
   * drawn solar's squared deviations were less persistent from hour to hour than real (lag-1 autocorrelation,
   * median over the 81 series: 0.866 against 0.889) and its steps larger (mean absolute step 0.215 against 0.205
   * of the standard deviation). Set before the step search, which then draws with it.
   */
  softTop?: number;
  /**
   * Draw a series off at night with its hourly noise scaled by the day's clearness (`SeasonalSeriesParams.cloud`):
   * the passing clouds that make an hour's noise dim a share of the sunlight there is, so a dull day's hours are
   * calm in absolute terms and a bright broken day's are rough. Drawn with additive noise, solar's dull days were
   * rougher than real ones. Set before the noise is checked by drawing. See docs/timeseries.md.
   */
  cloudNoise?: boolean;
  /**
   * Fit the season's warming or cooling over the series (`SeasonalSeriesParams.trend`) apart from the noise. A
   * 1,000-hour window of Beijing's temperature in spring or autumn rises or falls by about two of its standard
   * deviations (a straight line explains 18% of the variance, median of the 42; Bedford's 14, 5%), a trend the
   * noise's slow component only draws by chance: drawn from the fits without it, 5% (median of 56 series, seed 38).
   */
  seasonTrend?: boolean;
  /**
   * Draw the day's amplitude (`amp`) gliding from one local noon to the next (`SeasonalSeriesParams.glide`). A
   * temperature's night is the day's swing at its low: with the amplitude switching at midnight, a drawn night
   * jumped there (Beijing, mean absolute step into local midnight 1.47 degrees drawn, 0.95 real, against 0.7-0.9
   * at the hours around it), and the flat spells of a calm night that whole-degree readings hold were cut short.
   */
  ampGlide?: boolean;
  /**
   * Fit how much the hourly noise scales with the day's swing (`SeasonalSeriesParams.calm`), by drawing: the power
   * whose drawn series repeat their whole-degree readings as often as the real one. An overcast day in Beijing has
   * neither a swing nor weather moving through it, and its temperature stands still for 10-20 hours: days whose
   * readings span at most 3 degrees are 3.6% of the real days (1,708 whole days over the 42 series) and stand still
   * at 80% of their hours; drawn with noise independent of the day's swing, 1.4% and 65% (seed 38).
   */
  calmDays?: boolean;
  /**
   * Fit the noise's step size by local hour (`SeasonalSeriesParams.hstep`). Beijing's afternoon humidity sits at
   * its daily low and hardly moves (the air well mixed, its temperature on its plateau): the standardised steps
   * into 14:00-16:00 average 0.106-0.123 of the spread, against 0.17-0.22 at night (the 41 series' hours pooled).
   * Drawn with one step size for every hour, 0.138-0.151 in the afternoon and 0.15-0.21 at night; with it,
   * 0.115-0.133 and 0.17-0.22. See docs/timeseries.md.
   */
  hourSteps?: boolean;
  /**
   * Each series' simulation checks draw series of their own (`simSeed`) instead of the four every series of the
   * type shares. Shared, the four draws' own chance pushes every fit of the type the same way, and the type's
   * drawn population carries it. Humidity's steps, each real series against four draws of its own fit, came out
   * smoother than real (lag-1 autocorrelation of the differences, the feature the benchmark's boosted stumps split
   * on most after `arch_1`; mean over the 53: 0.250 against 0.222, 0.241 with this), and its drawn population
   * 0.264 (0.236 with this; benchmark seed 35). Over all 16 types the change moved the discriminators both ways
   * (docs/timeseries.md, "Humidity: each series checked on draws of its own"), so it is humidity's choice.
   */
  ownDraws?: boolean;
}

/** The types fitted with other than the default choices. */
export const TYPE_TUNING: Record<string, FitTuning> = {
  heating_demand: { holdFloor: 0.001, dayModes: true },
  // A burner fires in cycles shorter than an hour: gas use steps back and forth from hour to hour.
  gas_consumption: { roughSteps: true },
  // Wind's steps have momentum (differences' lag-1 autocorrelation 0.52, median of the 100 series; drawn 0.35
  // without `steps`), and its whole-MW readings repeat at calm hours (median 4 repeats per 1,000 hours, under the
  // default 3% floor for held values).
  wind_generation: { steps: 'vol', stepsMix: true, heldByDrawing: true, holdFloor: 0.001 },
  humidity: {
    steps: 'vol',
    stepsMix: true,
    holdSpells: true,
    steadyCycle: true,
    dewGrid: 100,
    pairOnGrid: true,
    exactAtoms: true,
    hourSteps: true,
    steadySpread: true,
    humidCalm: 1,
    ownDraws: true,
  },
  pressure: { steadyCycle: true, steps: 'vol', stepsMix: true, smoothSwing: true },
  // Drawn from their own fits, temperatures' days came out more regular than their sources' (`bench:timeseries
  // --own-draws`, seed 14, daily seasonal strength by quarter: 0.629 / 0.667 / 0.691 / 0.542 against 0.564 / 0.625 /
  // 0.674 / 0.558) and, with the daily cycle's larger share, more autocorrelated a week on (0.431 / 0.502 / 0.521 /
  // 0.431 against 0.383 / 0.427 / 0.504 / 0.300), hence `cycleStrength`.
  temperature: { seasonTrend: true, ampGlide: true, calmDays: true, cycleStrength: true },
  // Drawn with the default fit, air quality took smaller steps than real (mean absolute step over the standard
  // deviation, medians over benchmark seeds 14-27: 0.164 against 0.178) and was smoother at 2 h (0.909 against
  // 0.899), hence `steps`; its index is read through whole-µg/m³ PM2.5 (`pmGrid`).
  air_quality: { steps: 'vol', pmGrid: 1 },
  solar_generation: { steps: 'noise', dawnZeros: true, softTop: 0.85, cloudNoise: true },
  // The four electricity types share one population, fitted as the first of them. Drawn from their own fits, loads
  // took larger and rougher steps than their sources (each of the 203 clients against draws of its own fit, mean:
  // mean absolute step 0.015 more of the standard deviation, lag-1 autocorrelation 0.010 lower and of the
  // differences 0.031 lower), hence `steps`.
  residential_consumption: {
    weekShape: true,
    steadySteps: true,
    steps: 'vol',
    cycleStrength: true,
    weekStrength: true,
    heldByDrawing: true,
    holdFloor: 0.001,
  },
  // Crypto's GARCH is fitted with the variance targeted year by year (`regimeWindow: 365`, a year of crypto's
  // every-day calendar): the reference's years are regimes (the 2017 bubble, the 2018 fall, the calm 2019, the 2021
  // rally), and read over four years with one target, four of the six coins' volatility came out more persistent
  // (alpha + beta 0.95-0.98, 0.90-0.95 per year) than within a year. Drawn years' squared returns were more
  // autocorrelated than real years' beyond a day (mean over 3,000 drawn and the 34 real windows of 250 returns,
  // lags 2, 3, 5 and 10: 0.094, 0.085, 0.072 and 0.046 against 0.058, 0.065, 0.040 and 0.025; 0.093, 0.081, 0.065
  // and 0.035 with it), and the innovations read against a volatility too slow for the year made the pooled law's
  // rises heavier than its falls (1st and 99th percentiles -2.63 and 2.79; -2.72 and 2.76 with it).
  crypto_price: {
    sharedAr: { lags: 48, window: 365 },
    pooledInnovations: true,
    priceDigits: true,
    regimeWindow: 365,
  },
  exchange_rate: { stillSpells: true, regimeWindow: 252, skew: true },
  trading_volume: { acfWindow: 252, levelDrift: 21 },
};

export interface FitOptions {
  /** Choices beyond the defaults (see `FitTuning`). */
  tuning?: FitTuning;
  transform: 'relative' | 'standardised';
  /** Hourly (24 phases a day) or daily (one). */
  stepMs: number;
  timeZone: string;
  /** Whether the type has a weekly cycle set by people's schedules: its weekday pattern is kept unshrunk. */
  weekly?: boolean;
}

/**
 * Fits the seasonal model to one evenly spaced series (or a trading-day one) with its timestamps. Profiles
 * come from a classical decomposition (a 24-hour moving average for the daily profile, a week's for the
 * weekday levels), each shrunk toward flat by how much of it the sample noise could explain, so a weather
 * series' chance weekday pattern is not written into every series drawn from it.
 */
export function fitSeasonal(
  values: ArrayLike<number>,
  times: ArrayLike<number>,
  options: FitOptions,
): SeasonalSeriesParams | null {
  const n = values.length;
  if (n < 48) return null;
  const relative = options.transform === 'relative';
  const level = mean(values);
  const scale = sd(values);
  if (relative ? !(level > 0) : !(scale > 0)) return null;
  const y = Float64Array.from(values, (x) => (relative ? x / level : (x - level) / scale));
  // A drifting level (`FitTuning.levelDrift`, daily relative series): the marginal and the noise are fitted on the
  // values over it; `undrifted` keeps the values as they are, for their dependence.
  const undrifted = Float64Array.from(y);
  if (options.tuning?.ownDraws) {
    ownDraws(y);
    ownDraws(undrifted);
  }
  const driftSd =
    relative && options.tuning?.levelDrift && options.stepMs >= DAY_MS
      ? fitLevelDrift(y, options.tuning.levelDrift, options.tuning.acfWindow ?? n)
      : null;
  // The season's trend (`FitTuning.seasonTrend`) is taken out of the values the profiles and the noise are fitted
  // on (`ys`); `y` keeps it, for the bounds, the values' quantiles and the checks by drawing (which draw it too).
  const midMs = (times[0]! + times[n - 1]!) / 2;
  const trend = options.tuning?.seasonTrend && !relative ? seasonSlope(y, times, midMs) : 0;
  const ys = trend ? Float64Array.from(y, (x, i) => x - seasonTrendAt(trend, times[i]!, midMs)) : y;
  const clock = localClock(options.timeZone);
  const hourly = options.stepMs < DAY_MS;
  const phases = hourly ? 24 : 1;
  const hourOf = new Int32Array(n);
  const dowOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = clock(times[i]!);
    hourOf[i] = hourly ? c.hour : 0;
    dowOf[i] = c.dow;
  }
  const weekend = (d: number) => d === 0 || d === 6;

  // Day-of-week levels: daily means against a week's moving average.
  const dayTrend = hourly ? movingAverage(ys, 24) : ys;
  const weekTrend = movingAverage(ys, hourly ? 168 : 7);
  const wSum = new Float64Array(7);
  const wCount = new Float64Array(7);
  for (let i = 0; i < n; i++) {
    const ratio = relative
      ? weekTrend[i]! > 0
        ? dayTrend[i]! / weekTrend[i]!
        : 1
      : dayTrend[i]! - weekTrend[i]!;
    wSum[dowOf[i]!]! += ratio;
    wCount[dowOf[i]!]! += 1;
  }
  const neutral = relative ? 1 : 0;
  let w = Array.from({ length: 7 }, (_, d) => (wCount[d]! > 0 ? wSum[d]! / wCount[d]! : neutral));
  const present = w.filter((_, d) => wCount[d]! > 0);
  const wMean = mean(present);
  w = w.map((x) => (relative ? (wMean > 0 ? x / wMean : 1) : x - wMean));

  // Daily profiles, weekday and weekend: each point against its day's moving average, without the weekday level.
  const dSum = [new Float64Array(phases), new Float64Array(phases)];
  const dCount = [new Float64Array(phases), new Float64Array(phases)];
  for (let i = 0; i < n; i++) {
    const k = weekend(dowOf[i]!) ? 1 : 0;
    const ratio = hourly
      ? relative
        ? dayTrend[i]! > 0
          ? ys[i]! / dayTrend[i]!
          : 1
        : ys[i]! - dayTrend[i]!
      : neutral;
    dSum[k]![hourOf[i]!]! += ratio;
    dCount[k]![hourOf[i]!]! += 1;
  }
  const profile = (k: number) =>
    Array.from({ length: phases }, (_, h) => {
      const c = dCount[k]![h]! + (k === 1 ? 0 : 0);
      return c > 0 ? dSum[k]![h]! / c : Number.NaN;
    });
  let dWk = profile(0);
  let dWe = profile(1);
  const all = Array.from({ length: phases }, (_, h) => {
    const c = dCount[0]![h]! + dCount[1]![h]!;
    return c > 0 ? (dSum[0]![h]! + dSum[1]![h]!) / c : neutral;
  });
  dWk = dWk.map((x, h) => (Number.isFinite(x) ? x : all[h]!));
  dWe = dWe.map((x, h) => (Number.isFinite(x) ? x : all[h]!));

  // The daily profile itself is shrunk toward flat by how much of its shape the noise within days could have
  // drawn (each hour's mean is over a few weeks of days): a weak daily cycle, as of a smoothed heat meter or wind
  // power, must not come out of every drawn series stronger than its source's. Not for series that are off at
  // night (the night is not noise), nor for loads with a weekly cycle of people's schedules (kept as measured,
  // as their weekday pattern is below); weather's strong cycles keep nearly all of theirs.
  if (hourly && !options.weekly && !(relative && Math.min(...dWk) < NIGHT)) {
    let within = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const k = weekend(dowOf[i]!) ? 1 : 0;
      const dev = relative ? (dayTrend[i]! > 0 ? ys[i]! / dayTrend[i]! : 1) : ys[i]! - dayTrend[i]!;
      within += (dev - (k ? dWe : dWk)[hourOf[i]!]!) ** 2;
      count++;
    }
    const centreOf = (p: number[]) => mean(p);
    for (const k of [0, 1]) {
      const p = k ? dWe : dWk;
      const c = centreOf(p);
      const signal = mean(p.map((x) => (x - c) ** 2));
      const perHour = mean(dCount[k]!);
      if (!(perHour > 0)) continue;
      const noise = within / Math.max(1, count) / perHour;
      const factor = signal > 0 ? Math.max(0, 1 - noise / signal) : 0;
      const shrunk = p.map((x) => c + factor * (x - c));
      if (k) dWe = shrunk;
      else dWk = shrunk;
    }
  }

  // The seasonal expectation and the residual.
  const expected = (i: number) => {
    const d = (weekend(dowOf[i]!) ? dWe : dWk)[hourOf[i]!]!;
    return relative ? d * w[dowOf[i]!]! : d + w[dowOf[i]!]!;
  };
  const level0 = relative ? 1 : 0;
  // Slow level around which the seasonal pattern moves: the residual keeps it (the slow AR component).
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) resid[i] = ys[i]! - (relative ? expected(i) : expected(i) + level0);

  // Shrink the weekend-vs-weekday difference and the weekday levels by the noise in their estimates, for types
  // without a weekly cycle of people's schedules (weather: a chance weekday pattern must not be copied into every
  // series drawn from it). Loads keep the pattern as measured: shrunk, generated loads were less weekly than
  // real ones (the benchmark's weekly distance and discriminator showed it).
  const residVar = sd(resid) ** 2;
  const shrink = (signal: number, noise: number) =>
    signal > 0 ? Math.max(0, 1 - noise / signal) : 0;
  if (hourly) {
    const diffVar = mean(dWe.map((x, h) => (x - dWk[h]!) ** 2));
    const nWe = mean(dCount[1]!);
    const nWk = mean(dCount[0]!);
    // Daily profile noise: day-to-day correlated, so each day counts once.
    const s = nWe > 0 && nWk > 0 ? shrink(diffVar, residVar * (1 / nWe + 1 / nWk)) : 0;
    dWe = dWe.map((x, h) => dWk[h]! + (options.weekly ? 1 : s) * (x - dWk[h]!));
  }
  const dayMeans = hourly ? movingAverage(resid, 24) : resid;
  const dmVar = sd(dayMeans) ** 2;
  const perDow = mean(Array.from(wCount)) / (hourly ? 24 : 1);
  const wVar = mean(w.map((x) => (x - neutral) ** 2));
  const sw = perDow > 0 ? shrink(wVar, (dmVar * (hourly ? 3 : 1)) / perDow) : 0;
  w = w.map((x) => neutral + (options.weekly ? 1 : sw) * (x - neutral));
  for (let i = 0; i < n; i++) resid[i] = ys[i]! - (relative ? expected(i) : expected(i));
  const dDow = hourly && options.tuning?.weekShape ? weekShape(resid, hourOf, dowOf) : null;
  // Series off at night vary their day's shape in a few smooth modes (which subsume the amplitude); others scale
  // their daily swing.
  const modes =
    hourly && (hasNight(dWk, relative ? w : null) || options.tuning?.dayModes)
      ? dayModes(resid, hourOf)
      : null;
  const amp =
    hourly && !modes && !options.tuning?.steadyCycle
      ? dayAmplitudes(resid, hourOf, dowOf, dWk, dWe, relative ? w : null)
      : null;

  // Heteroscedasticity by hour, and the standardised residual.
  const hs = new Float64Array(phases);
  const hc = new Float64Array(phases);
  const rm = mean(resid);
  for (let i = 0; i < n; i++) {
    hs[hourOf[i]!]! += (resid[i]! - rm) ** 2;
    hc[hourOf[i]!]! += 1;
  }
  const hsd = Array.from(hs, (s, h) => (hc[h]! > 0 ? Math.sqrt(s / hc[h]!) : 0));
  const typical = Math.max(...hsd);
  const std: number[] = [];
  const stdIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = hsd[hourOf[i]!]!;
    // Hours the drawn series is off (a relative profile under NIGHT: solar at night) carry no noise.
    const off = relative && (weekend(dowOf[i]!) ? dWe : dWk)[hourOf[i]!]! < NIGHT;
    if (s > 1e-6 * typical && s > 0 && !off) {
      std.push(resid[i]! / s);
      stdIdx.push(i);
    }
  }
  if (std.length < 24) return null;
  const q = quantiles(std, QUANTILE_PROBS);
  // Dependence: the autocorrelation of the normal scores at time lags, over the pairs of points that both have a
  // residual (all of them but solar's nights: counting daylight points as consecutive would read a night as one
  // hour, and the noise drawn hour by hour would be rougher than the real daylight).
  // With a drifting level, the dependence is read on the values before it is taken out (the noise's slow component
  // becomes the level's; what the moving median leaves has its short lags biased low).
  const drifting = driftSd !== null && std.length === n;
  const scores = drifting ? normalScores(undrifted) : normalScores(std);
  const night = relative && hasNight(dWk, w);
  // Windows the autocorrelation is read within (`FitTuning.acfWindow`), or the whole series.
  const acfWindow =
    options.tuning?.acfWindow && stdIdx.length === n && n >= 2 * options.tuning.acfWindow
      ? options.tuning.acfWindow
      : scores.length;
  const lags = ACF_FIT_LAGS.filter((l) => l < acfWindow / 3);
  let rho: number[];
  if (acfWindow < scores.length) rho = windowedAcf(scores, lags, acfWindow);
  else if (stdIdx.length === n) rho = acfAt(scores, lags);
  else {
    const full = new Float64Array(n).fill(Number.NaN);
    stdIdx.forEach((i, k) => {
      full[i] = scores[k]!;
    });
    // Off at night (solar): the residual's own dependence over daylight, not its ranks' (its spread is largest
    // at noon and the noise's dependence matters where the spread is; standardised, the dawn and dusk hours, tiny
    // in value, weigh as much as noon).
    if (night) {
      const own = new Float64Array(n).fill(Number.NaN);
      for (const i of stdIdx) own[i] = resid[i]!;
      rho = gappedAcf(own, lags);
    } else rho = gappedAcf(full, lags);
  }
  // A series read at a coarse resolution carries rounding noise (variance step^2 / 12), white and independent
  // of the process: the process's own autocorrelation is the measured one over 1 - that share of the variance.
  // Drawn series are rounded again (see `res`), so the noise is added back once, not twice.
  const grid = gridStep(values);
  const res = grid > 0 ? grid / (relative ? level : scale) : 0;
  const hsdMs = mean(hsd.map((x) => x * x));
  const noiseShare = res > 0 && hsdMs > 0 ? (res * res) / 12 / hsdMs : 0;
  if (noiseShare > 0 && noiseShare < 0.5) {
    rho = rho.map((r) => Math.min(0.9999, r / (1 - noiseShare)));
  }
  const tuning = options.tuning ?? {};
  const rough = tuning.roughSteps === true;
  const grids: AcfGrids = { fastGrid: fastGridOf(tuning), rough };
  let acf = fitAcfMixture(rho, lags, acfWindow, undefined, grids);
  // With a drifting level, the noise's slow component is the level's, and the copula keeps the fast one alone.
  const drift: [number, number] | null = drifting ? [driftSd, acf[2]] : null;
  if (drift) acf = [1, acf[1], acf[2], acf[3]];
  // Steps across a gap (solar's night) are not steps of the noise.
  const vol = tuning.steadySteps ? null : fitVolatility(scores, acf, stdIdx);
  const hstep = hourly && tuning.hourSteps ? hourStepScale(scores, stdIdx, hourOf, acf) : null;

  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of y) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  // Points repeating the previous value (a zero that follows a zero is an "off" hour, not a reading standing still).
  let repeats = 0;
  let moves = 0;
  // Repeats right after a repeat, and repeats that have a next point (for `holdRun`).
  let runs = 0;
  let before = 0;
  for (let i = 1; i < n; i++) {
    if (values[i] === 0 && values[i - 1] === 0) continue;
    moves++;
    if (values[i] === values[i - 1]) {
      repeats++;
      if (i + 1 < n) before++;
      if (i > 1 && values[i - 1] === values[i - 2]) runs++;
    }
  }
  // A resolution is kept unless it is lost in the data's own digits; one coarse against the spread (at least
  // 1/200 of it) explains the repeats, a finer one does not, and the repeats are then held values.
  const stored = res > 0 && grid / scale >= 1e-4;
  const coarse = res > 0 && grid / scale >= 0.005;
  const holdFloor = tuning.holdFloor ?? 0.03;
  // Readings on a grid of log steps (`FitTuning.dewGrid`) repeat because their temperature and dew point do.
  const dewStep = tuning.dewGrid && !coarse ? logGridStep(values) : 0;
  // An index of a concentration read in whole steps (`FitTuning.pmGrid`): 99% of its values on the grid (a
  // station's record holds the odd averaged or corrected reading).
  let onGrid = 0;
  if (tuning.pmGrid)
    for (let i = 0; i < n; i++)
      if (Math.abs(aqiOnGrid(values[i]!, tuning.pmGrid) - values[i]!) < 1e-6) onGrid++;
  const pmStep = tuning.pmGrid && onGrid >= 0.99 * n ? tuning.pmGrid : 0;
  const hold =
    !coarse && !dewStep && moves > 0 && repeats / moves >= holdFloor ? repeats / moves : 0;
  // Shares at the bounds, over the hours the series is on: solar's zeros are its nights (drawn as zeros anyway);
  // in daylight it is rarely exactly off, so there its lower bound reflects rather than clamps.
  let atLo = 0;
  let atHi = 0;
  let on = 0;
  for (let i = 0; i < n; i++) {
    if (night && (weekend(dowOf[i]!) ? dWe : dWk)[hourOf[i]!]! < NIGHT) continue;
    on++;
    if (y[i] === lo) atLo++;
    if (y[i] === hi) atHi++;
  }
  on = Math.max(1, on);
  // Each hour's share of exact zeros (`FitTuning.dawnZeros`): what the draw keeps of the night threshold.
  let zeros: number[] | null = null;
  if (night && tuning.dawnZeros) {
    const zc = new Float64Array(phases);
    for (let i = 0; i < n; i++) if (values[i] === 0) zc[hourOf[i]!]! += 1;
    zeros = Array.from(zc, (z, h) => (hc[h]! > 0 ? z / hc[h]! : 1));
  }
  const fitted: SeasonalSeriesParams = {
    level: r4(level),
    scale: relative ? 0 : r4(scale),
    dWk: dWk.map(r4),
    dWe: dWe.map(r4),
    w: w.map(r4),
    hsd: hsd.map(r4),
    q: q.map(r4),
    acf: [r4(acf[0]), r4(acf[1]), r4(acf[2]), r4(acf[3])],
    lo: r4(lo),
    hi: r4(hi),
    ...(amp ? { amp: [r4(amp[0]), r4(amp[1])] as [number, number] } : {}),
    ...(stored ? { res: r4(res) } : {}),
    ...(hold > 0 ? { hold: r4(hold) } : {}),
    ...(hold > 0 && tuning.holdSpells && before > 0
      ? { holdRun: r4(Math.min(0.95, Math.max(hold, runs / before))) }
      : {}),
    atoms: [r4(atLo / on), r4(atHi / on)],
    ...(vol ? { vol: [r4(vol[0]), r4(vol[1])] as [number, number] } : {}),
    ...(pmStep ? { pm: [pmStep, 0] as [number, number] } : {}),
    ...(dewStep
      ? {
          dew: tuning.humidCalm
            ? ([tuning.dewGrid!, r4(dewTemperature(dewStep)), 0.5, tuning.humidCalm] as const)
            : ([tuning.dewGrid!, r4(dewTemperature(dewStep)), 0.5] as const),
        }
      : {}),
    ...(modes ? { modes: modes.map((m) => m.map(r4)) } : {}),
    ...(dDow ? { dDow: dDow.map((x) => Number(x.toPrecision(3))) } : {}),
    ...(zeros ? { zeros: zeros.map(r4) } : {}),
    ...(drift ? { drift: [r4(drift[0]), r4(drift[1])] as [number, number] } : {}),
    ...(trend ? { trend: r4(trend) } : {}),
    ...(hstep ? { hstep: hstep.map(r4) } : {}),
  };
  // With a drifting level, the noise's fast part goes through the quantile map and the level multiplies it:
  // neither keeps the autocorrelation of the values' ranks it was fitted to, so it is settled by drawing.
  if (drift && !hourly) matchDriftAcf(fitted, options, undrifted, times[0]!, acfWindow);
  // The autocorrelation is fitted on the residual's normal scores, but what a reader sees is the series: its
  // profile, hourly spread, marginal and resolution map the noise's dependence onto the values in ways a
  // Gaussian copula only approximates (real wind and pressure are more persistent in their values than in their
  // ranks). So the fit is checked by simulation: series are drawn from it (the same four draws each round, so
  // the rounds compare like with like), their values' autocorrelation is compared with the real series' own, the
  // gap is added to the noise's target, and the noise refitted (twice at most). Hourly series only; solar's
  // noise lags count daylight points, so there the gap at a time lag corrects in the right direction, if not by
  // exactly the right amount.
  if (hourly) {
    const real = acfAt(y, lags);
    // Noise scaled by the day's clearness (`FitTuning.cloudNoise`) before the checks, which then draw with it.
    if (tuning.cloudNoise && fitted.modes) fitted.cloud = true;
    // The day's amplitude gliding (`FitTuning.ampGlide`) before the checks, which then draw with it.
    if (tuning.ampGlide && fitted.amp) fitted.glide = true;
    const drawn = fittedType(fitted, options);
    // The values are put on the real series' own quantiles (see `vq`), before the autocorrelation check, which
    // then sees the remapped series.
    if (!night) fitted.vq = quantiles(y, QUANTILE_PROBS).map(r4);
    if (fitted.dew) matchDewSpeed(fitted, drawn, y, times[0]!, moves > 0 ? repeats / moves : 0);
    if (fitted.pm) {
      matchPmNoise(fitted, drawn, y, times[0]!);
      matchHold(fitted, drawn, y, times[0]!, moves > 0 ? repeats / moves : 0);
    }
    let target = rho;
    // The smoothness of the steps (lag-1 autocorrelation of the differences) is checked the same way.
    const realDiff = diffLag1(y);
    let diffTarget = lags[0] === 1 && lags[1] === 2 ? diffAcf1(rho[0]!, rho[1]!) : undefined;
    for (let round = 0; round < (rough ? 4 : 2); round++) {
      let simDiff = 0;
      const sim = new Float64Array(lags.length);
      const draws = SIM_DRAWS;
      for (let k = 0; k < draws; k++) {
        const values = drawLike(
          drawn,
          { length: n, startMs: times[0]!, stepMs: options.stepMs, timeZone: options.timeZone },
          simSeed('fit', y, k),
          true,
        );
        acfAt(values, lags).forEach((r, j) => {
          sim[j]! += r / draws;
        });
        simDiff += diffLag1(values) / draws;
      }
      const gap = real.map((r, j) => r - sim[j]!);
      const diffGap = realDiff - simDiff;
      if (Math.max(...gap.map(Math.abs)) < 0.005 && Math.abs(diffGap) < 0.02) break;
      target = target.map((r, j) => Math.min(0.9995, Math.max(-0.99, r + gap[j]!)));
      if (diffTarget !== undefined)
        diffTarget = Math.min(0.99, Math.max(-0.99, diffTarget + diffGap));
      acf = fitAcfMixture(target, lags, scores.length, diffTarget, grids);
      fitted.acf = [r4(acf[0]), r4(acf[1]), r4(acf[2]), r4(acf[3])];
    }
    if (tuning.calmDays && fitted.amp && fitted.amp[0] > 0)
      matchCalm(fitted, drawn, y, times[0]!, moves > 0 ? repeats / moves : 0);
    // The ceiling (`FitTuning.softTop`) before the step search, which then draws with it.
    if (tuning.softTop !== undefined) fitted.top = tuning.softTop;
    if (tuning.steps) matchSteps(fitted, drawn, y, times[0]!, tuning);
    if (tuning.cycleStrength) matchCycle(fitted, drawn, y, times[0]!, tuning);
    // The step search moved the noise, and with it how often the readings stand still.
    if (fitted.dew) matchDewSpeed(fitted, drawn, y, times[0]!, moves > 0 ? repeats / moves : 0);
    if (fitted.pm || (tuning.heldByDrawing && !fitted.dew)) {
      const floor = fitted.pm ? 0.005 : (tuning.holdFloor ?? 0.005);
      matchHold(fitted, drawn, y, times[0]!, moves > 0 ? repeats / moves : 0, floor);
    }
    // Drawn with one spread for every hour, the mean of the hours' (`FitTuning.steadySpread`).
    if (fitted.dew && tuning.steadySpread) {
      const spread = r4(mean(fitted.hsd));
      fitted.hsd = fitted.hsd.map(() => spread);
    }
  }
  return fitted;
}

/**
 * The noise's step size by local hour (`FitTuning.hourSteps`): the root mean square of the normal scores'
 * innovations (a score less the lag-1 autocorrelation times the one before) at each hour, over that of all hours.
 * Only consecutive points count (`idx` gives each score's place in the series).
 */
function hourStepScale(
  scores: ArrayLike<number>,
  idx: readonly number[],
  hourOf: Int32Array,
  acf: readonly number[],
): number[] | null {
  const [w, a, b, c = 0] = acf as [number, number, number, number?];
  const rho = w * smoothArAcf(a, c, 1) + (1 - w) * b;
  const sum = new Float64Array(24);
  const count = new Float64Array(24);
  for (let k = 1; k < scores.length; k++) {
    if (idx[k]! !== idx[k - 1]! + 1) continue;
    const h = hourOf[idx[k]!]!;
    sum[h]! += (scores[k]! - rho * scores[k - 1]!) ** 2;
    count[h]! += 1;
  }
  if (count.some((c) => c < 10)) return null;
  const ms = Array.from(sum, (x, h) => x / count[h]!);
  const all = ms.reduce((x, v) => x + v, 0) / 24;
  if (!(all > 0)) return null;
  // Smoothed over three hours (1/4, 1/2, 1/4): each hour's mean is over a few weeks of days, and the weather's
  // pace changes with the hour gradually.
  const raw = ms.map((x) => Math.sqrt(x / all));
  const g = raw.map((x, h) => 0.25 * raw[(h + 23) % 24]! + 0.5 * x + 0.25 * raw[(h + 1) % 24]!);
  const rms = Math.sqrt(g.reduce((x, v) => x + v * v, 0) / 24);
  return g.map((x) => x / rms);
}

/** Days in a year, the period of a drawn season's trend (`SeasonalSeriesParams.trend`). */
const YEAR_DAYS = 365.25;

/**
 * The season's trend at `ms`: a yearly sine through `midMs` (the series' middle) whose slope there is `slope` per
 * day. Within a few weeks of the middle it is the straight line of that slope (1% short of it at two weeks, 2% at
 * three).
 */
export function seasonTrendAt(slope: number, ms: number, midMs: number): number {
  const w = (2 * Math.PI) / YEAR_DAYS;
  return (slope / w) * Math.sin((w * (ms - midMs)) / DAY_MS);
}

/** The least-squares slope per day of `y` against the season's trend shape through `midMs` (`seasonTrendAt`). */
function seasonSlope(y: Float64Array, times: ArrayLike<number>, midMs: number): number {
  const g = Float64Array.from(y, (_, i) => seasonTrendAt(1, times[i]!, midMs));
  const gm = mean(g);
  const ym = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < y.length; i++) {
    sxy += (g[i]! - gm) * (y[i]! - ym);
    sxx += (g[i]! - gm) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/**
 * The drifting level of a relative series (`FitTuning.levelDrift`): its log is the centred moving median of the
 * log values over `span` points (fewer at the ends; a median, so a day's spike does not lift its neighbours'
 * level and push them into the lower tail), and `y` is divided by it in place (then rescaled to mean 1). Returns
 * the standard deviation of the level's log, read within windows of `window` points each about its own mean (a
 * level moving from year to year is not a drift within a year, as with `FitTuning.acfWindow`); its persistence is
 * the noise fit's slow component, settled by `matchDriftAcf`. Null when a value is not positive or the level is
 * flat.
 */
function fitLevelDrift(y: Float64Array, span: number, window: number): number | null {
  const n = y.length;
  if (n < 4 * span) return null;
  for (let i = 0; i < n; i++) if (!(y[i]! > 0)) return null;
  const logs = Float64Array.from(y, Math.log);
  const half = Math.floor(span / 2);
  const level = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    level[i] = median(Array.from(logs.subarray(Math.max(0, i - half), Math.min(n, i + half + 1))));
  }
  const parts = yearsOf(level, Math.min(window, n));
  const variance = mean(parts.map((part) => sd(part) ** 2));
  if (!(variance > 0)) return null;
  for (let i = 0; i < n; i++) y[i] = y[i]! / Math.exp(level[i]!);
  const m = mean(y);
  for (let i = 0; i < n; i++) y[i] = y[i]! / m;
  return Math.sqrt(variance);
}

/** One fitted series as a type of its own, as the fit's simulation checks draw it. */
function fittedType(fitted: SeasonalSeriesParams, options: FitOptions): TypeParams {
  return {
    kind: 'seasonal',
    transform: options.transform,
    stepMs: options.stepMs,
    calendar: 'always',
    timeZone: options.timeZone,
    levelScale: 1,
    source: 'fit',
    series: [fitted],
  };
}

/** Draws per candidate of `matchDriftAcf` (daily series are short: cheap to draw, noisy to read). */
const DRIFT_DRAWS = 12;
/** Lags at which `matchDriftAcf` compares the drawn values' autocorrelation with the real one's. */
const DRIFT_LAGS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];
/** AR(1) coefficients per step of the drifting level that `matchDriftAcf` tries. */
const DRIFT_SLOW = [0.8, 0.85, 0.9, ...SLOW];

/**
 * The simulation check of a series fitted with a drifting level (`FitTuning.levelDrift`): its fast noise goes
 * through the quantile map and the level multiplies it, so neither keeps the autocorrelation of the values' ranks
 * it was read from. The fast component's coefficient a and smoothness c, then the level's persistence, then a and c
 * again are searched over their grids (drawing the same series for every candidate) to bring the drawn values'
 * autocorrelation, read within windows of `window` points each about its own mean, nearest the real values' (`y`,
 * before the level was taken out) at `DRIFT_LAGS`.
 */
function matchDriftAcf(
  fitted: SeasonalSeriesParams,
  options: FitOptions,
  y: Float64Array,
  startMs: number,
  window: number,
): void {
  const drawn = fittedType(fitted, options);
  const lags = DRIFT_LAGS.filter((l) => l < window / 3);
  const real = windowedAcf(y, lags, window);
  const error = () => {
    const sim = new Float64Array(lags.length);
    for (let k = 0; k < DRIFT_DRAWS; k++) {
      const values = drawLike(drawn, frameOf(drawn, y, startMs), simSeed('drift', y, k), false);
      windowedAcf(Float64Array.from(values), lags, window).forEach((r, j) => {
        sim[j]! += r / DRIFT_DRAWS;
      });
    }
    let err = 0;
    real.forEach((r, j) => {
      err += (r - sim[j]!) ** 2;
    });
    return err;
  };
  const drift = fitted.drift!;
  const fast = () => {
    const [, a0, , c0 = 0] = fitted.acf;
    let best: [number, number] = [a0, c0];
    let bestErr = Number.POSITIVE_INFINITY;
    for (const a of FAST.filter((x) => x >= 0)) {
      for (const c of SMOOTH) {
        fitted.acf = [1, a, fitted.drift![1], c];
        const err = error();
        if (err < bestErr) {
          bestErr = err;
          best = [a, c];
        }
      }
    }
    fitted.acf = [1, r4(best[0]), fitted.drift![1], r4(best[1])];
  };
  // The level's spread as read within a window is its whole spread times the share a window sees of it (an
  // AR(1)'s variance about a window's own mean): the level is drawn with the whole spread.
  const within = drift[0];
  const whole = (b: number) => r4(within / Math.sqrt(Math.max(0.25, windowShare(b, window))));
  fitted.drift = [whole(drift[1]), drift[1]];
  fast();
  let best = fitted.drift;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const b of DRIFT_SLOW) {
    fitted.drift = [whole(b), b];
    const err = error();
    if (err < bestErr) {
      bestErr = err;
      best = fitted.drift;
    }
  }
  fitted.drift = best;
  fast();
}

/** The expected share of a unit AR(1)'s variance (coefficient b) left about the mean of a window of n points. */
export function windowShare(b: number, n: number): number {
  let sum = 0;
  let power = 1;
  for (let k = 1; k < n; k++) {
    power *= b;
    sum += (1 - k / n) * power;
  }
  return 1 - (1 + 2 * sum) / n;
}

/** Magnus coefficients (Alduchov and Eskridge 1996): saturation vapour pressure goes as exp(a T / (b + T)). */
const MAGNUS_A = 17.625;
const MAGNUS_B = 243.04;
const magnus = (celsius: number) => (MAGNUS_A * celsius) / (MAGNUS_B + celsius);

/**
 * Standard deviation (degrees) of the air temperature's swings about its level behind a humidity on a grid
 * (`SeasonalSeriesParams.dew`): a day's cycle and a few days' weather. Its hourly step is fitted; its persistence
 * follows from the two.
 */
const DEW_AIR_SD = 5;
const dewPersistence = (speed: number) => Math.sqrt(Math.max(0, 1 - (speed / DEW_AIR_SD) ** 2));

/** Below this share of moves on a grid of log steps, a series is not read as on one (`FitTuning.dewGrid`). */
const DEW_GRID_SHARE = 0.5;

/**
 * The step of the grid a series' log values lie on (`FitTuning.dewGrid`), or 0 when they do not: the median of
 * the moves between 0.03 and 0.1 in log (most moves of a humidity from whole-degree readings are one degree of
 * the temperature or the dew point, 0.06-0.08 in log humidity), kept when at least half of all moves are within
 * 15% of the step of a multiple of it (a series read without such a grid: about 30% of them).
 */
export function logGridStep(values: ArrayLike<number>): number {
  const moves: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1]!;
    const b = values[i]!;
    if (a > 0 && b > 0 && a !== b) moves.push(Math.abs(Math.log(b / a)));
  }
  const typical = moves.filter((d) => d > 0.03 && d < 0.1).sort((x, y) => x - y);
  if (typical.length < 20) return 0;
  const step = typical[Math.floor(typical.length / 2)]!;
  const on = moves.filter((d) => Math.abs(d - step * Math.round(d / step)) < 0.15 * step).length;
  return on / moves.length >= DEW_GRID_SHARE ? step : 0;
}

/**
 * The air temperature at which one degree moves log humidity by `step` (Magnus: d(a T / (b + T)) / dT =
 * a b / (b + T)^2): a grid of 0.06 is a summer's 24 degrees, one of 0.08 a winter's -10.
 */
export function dewTemperature(step: number): number {
  return Math.sqrt((MAGNUS_A * MAGNUS_B) / step) - MAGNUS_B;
}

/** Standard deviations of the air temperature's hourly step (degrees) that `matchDewSpeed` tries. */
const DEW_SPEEDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.2, 1.5, 2, 2.5];

/**
 * Settles how fast the air temperature behind a humidity on a grid moves (`SeasonalSeriesParams.dew`): the faster
 * it drifts, the more often one of the two readings crosses a whole degree, so the fewer hours stand still. The
 * speed whose drawn series (the same four for every candidate) repeat their previous reading as often as the real
 * series does (`share`, of the points that are not zero after zero) is kept.
 */
function matchDewSpeed(
  fitted: SeasonalSeriesParams,
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
  share: number,
): void {
  const dew = fitted.dew!;
  const withSpeed = (speed: number): NonNullable<SeasonalSeriesParams['dew']> =>
    dew[3] !== undefined ? [dew[0], dew[1], speed, dew[3]] : [dew[0], dew[1], speed];
  let best = dew[2];
  let bestErr = Number.POSITIVE_INFINITY;
  for (const speed of DEW_SPEEDS) {
    fitted.dew = withSpeed(speed);
    const err = Math.abs(drawnMean(drawn, y, startMs, repeatShare) - share);
    if (err < bestErr) {
      bestErr = err;
      best = speed;
    }
  }
  fitted.dew = withSpeed(best);
}

/** Standard deviations (µg/m³) of a PM2.5 reading's own noise that `matchPmNoise` tries. */
const PM_NOISES = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
/** Share of a series' lowest values over which `matchPmNoise` compares the steps. */
const PM_LOW = 0.2;

/** Mean absolute step, over the standard deviation, of the steps that start in the lowest `PM_LOW` of `xs`. */
function lowSteps(xs: ArrayLike<number>): number {
  const sorted = Float64Array.from(xs).sort();
  const cut = sorted[Math.floor(PM_LOW * (sorted.length - 1))]!;
  const s = sd(xs);
  let sum = 0;
  let count = 0;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i - 1]! > cut) continue;
    sum += Math.abs(xs[i]! - xs[i - 1]!);
    count++;
  }
  return count > 0 && s > 0 ? sum / count / s : 0;
}

/**
 * The noise of a PM2.5 reading (`SeasonalSeriesParams.pm`, its second value): white, in µg/m³, it is nothing in an
 * episode and most of the hour-to-hour movement of clean air, where the index's slope is steepest. The noise whose
 * drawn series (held values off, the same four for every candidate) step as the real one does over its lowest
 * fifth of values is kept.
 */
function matchPmNoise(
  fitted: SeasonalSeriesParams,
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
): void {
  const hold = fitted.hold;
  delete fitted.hold;
  const real = lowSteps(y);
  const step = fitted.pm![0];
  let best = 0;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const noise of PM_NOISES) {
    fitted.pm = [step, noise];
    const err = Math.abs(drawnMean(drawn, y, startMs, lowSteps) - real);
    if (err < bestErr) {
      bestErr = err;
      best = noise;
    }
  }
  fitted.pm = [step, best];
  if (hold !== undefined) fitted.hold = hold;
}

/** The mean of `stat` over the series drawn from `drawn` (the same four each time), rounded as a meter's. */
function drawnMean(
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
  stat: (values: ArrayLike<number>) => number,
): number {
  let sum = 0;
  for (let k = 0; k < SIM_DRAWS; k++)
    sum +=
      stat(drawLike(drawn, frameOf(drawn, y, startMs), simSeed('fit', y, k), true)) / SIM_DRAWS;
  return sum;
}

/** The share of a series' points that repeat the previous one. */
function repeatShare(values: ArrayLike<number>): number {
  let held = 0;
  for (let i = 1; i < values.length; i++) if (values[i] === values[i - 1]) held++;
  return held / Math.max(1, values.length - 1);
}

/**
 * The held values an index on a concentration's grid (`SeasonalSeriesParams.pm`) needs beyond its grid's own
 * repeats: series are drawn without held values (the same four each time), their share of repeated readings
 * measured, and `hold` set to what that leaves of the real series' `share` (none when under `floor`, 0.5% unless
 * the type's `holdFloor` says otherwise, see `FitTuning.heldByDrawing`).
 */
function matchHold(
  fitted: SeasonalSeriesParams,
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
  share: number,
  floor = 0.005,
): void {
  delete fitted.hold;
  const seen = drawnMean(drawn, y, startMs, repeatShare);
  const rest = seen < 1 ? (share - seen) / (1 - seen) : 0;
  if (rest >= floor) fitted.hold = r4(rest);
}

/**
 * Scales the hourly noise (`hsd`) until series drawn from the fit have the real series' daily seasonal strength
 * (the share of its variance its hours' means explain, see `FitTuning.cycleStrength`): the share the noise leaves
 * is mostly the noise's, so the noise's variance moves by the ratio of the two shares. Where the noise is lowered,
 * the day-to-day variation of the cycle's amplitude (`amp`) is lowered with it: it is variance the hours' means do
 * not explain either, and the most regular loads could not reach their strength by the noise alone. With
 * `FitTuning.weekStrength`, the weekly pattern is scaled the same way to the real weekly strength. Five rounds at
 * most, the noise within 0.3-3 of the measured spread, the weekly pattern within 0-2 of the measured one.
 */
function matchCycle(
  fitted: SeasonalSeriesParams,
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
  tuning: FitTuning,
): void {
  const strengths = (xs: ArrayLike<number>) => {
    const s = seasonalStrength(xs, 24, 168);
    return { daily: s.daily ?? 0, weekly: s.weekly ?? 0 };
  };
  const real = strengths(y);
  const { hsd, amp, w, dWe, dDow } = fitted;
  // The weekly strength is a share of what the daily cycle leaves: the weekly pattern's variance moves by the
  // ratio of the odds (floored, as an adjusted share is 0 when the pattern is within the noise).
  const odds = (p: number) => Math.max(0.003, p) / Math.max(0.003, 1 - p);
  let scale = 1;
  let week = 1;
  for (let round = 0; round < 5; round++) {
    let daily = 0;
    let weekly = 0;
    for (let k = 0; k < SIM_DRAWS; k++) {
      const sim = strengths(
        drawLike(drawn, frameOf(drawn, y, startMs), simSeed('cycle', y, k), false),
      );
      daily += sim.daily / SIM_DRAWS;
      weekly += sim.weekly / SIM_DRAWS;
    }
    const weekDone = !tuning.weekStrength || Math.abs(weekly - real.weekly) < 0.01;
    if (Math.abs(daily - real.daily) < 0.003 && weekDone) break;
    scale = Math.min(
      3,
      Math.max(0.3, scale * Math.sqrt((1 - real.daily) / Math.max(1e-3, 1 - daily))),
    );
    fitted.hsd = hsd.map((x) => r4(x * scale));
    if (amp) fitted.amp = [r4(amp[0] * Math.min(1, scale)), amp[1]];
    if (!weekDone) {
      week = Math.min(2, Math.max(0, week * Math.sqrt(odds(real.weekly) / odds(weekly))));
      fitted.w = w.map((x) => r4(1 + week * (x - 1)));
      fitted.dWe = dWe.map((x, h) => r4(fitted.dWk[h]! + week * (x - fitted.dWk[h]!)));
      if (dDow) fitted.dDow = dDow.map((x) => Number((week * x).toPrecision(3)));
    }
  }
}

/** Lags at which `matchSteps` compares the drawn values' autocorrelation with the real one's. */
const STEP_CHECK_LAGS = [1, 2, 3, 6, 12, 24];

/** What `matchSteps` compares: a series' step and short-lag statistics (see `FitTuning.steps`). */
function stepStats(xs: ArrayLike<number>): number[] {
  const m = mean(xs);
  const sq = Float64Array.from(xs, (x) => (x - m) ** 2);
  return [
    Math.log(Math.max(1e-6, meanStep(xs))),
    diffLag1(xs),
    acfAt(sq, [1])[0]!,
    ...acfAt(xs, STEP_CHECK_LAGS),
  ];
}

/** How many series each simulation check draws (the fits above and below compare their mean statistics). */
const SIM_DRAWS = 4;

interface SimFrame {
  length: number;
  startMs: number;
  stepMs: number;
  timeZone: string;
}

/** The frame of a real series `y` drawn with `drawn`'s own step and time zone. */
function frameOf(drawn: TypeParams, y: ArrayLike<number>, startMs: number): SimFrame {
  return { length: y.length, startMs, stepMs: drawn.stepMs, timeZone: drawn.timeZone };
}

/**
 * A digest of each series (as `fitSeasonal` standardised it) whose simulation checks draw seeds of their own
 * (`FitTuning.ownDraws`): FNV-1a over its values to six decimals, read once when the fit starts. A digest, since
 * `Random` hashes the seed again and 1,000 numbers per draw would cost more than the draw.
 */
const OWN_DRAWS = new WeakMap<ArrayLike<number>, string>();

/** Marks `y` as drawing seeds of its own in its simulation checks (see `simSeed`). */
function ownDraws(y: ArrayLike<number>): void {
  let h = 0x811c9dc5;
  for (let i = 0; i < y.length; i++) h = Math.imul(h ^ Math.round(y[i]! * 1e6), 0x01000193) >>> 0;
  OWN_DRAWS.set(y, h.toString(36));
}

/**
 * The seed of a simulation check's `k`-th draw for the real series `y`: the check's name and `k`, and with
 * `FitTuning.ownDraws` the series' digest between them. One series' candidates are always compared on the same
 * draws, like with like.
 */
export function simSeed(check: string, y: ArrayLike<number>, k: number): string {
  const digest = OWN_DRAWS.get(y);
  return digest === undefined ? `${check}:${k}` : `${check}:${digest}:${k}`;
}

/**
 * One series of a simulation check, drawn from `drawn` over `frame` with the seed `seed`; `rounded` rounds it to
 * its resolution as a meter would, so it is compared with real readings on equal terms.
 */
function drawLike(drawn: TypeParams, frame: SimFrame, seed: string, rounded: boolean) {
  const series = renderCalibrated(drawn, { ...frame, extensive: false }, new Random(seed));
  const step = series.resolution;
  return rounded && step > 0
    ? series.values.map((v) => Math.round(v / step) * step)
    : series.values;
}

/** The mean of f(z) over a standard normal z (the midpoint rule over -6..6 in steps of 0.05). */
function normalMean(f: (z: number) => number): number {
  let sum = 0;
  let weight = 0;
  for (let z = -6; z <= 6; z += 0.05) {
    const p = Math.exp(-0.5 * z * z);
    sum += p * f(z);
    weight += p;
  }
  return sum / weight;
}

/** Powers of the day's swing the noise is tried with (`matchCalm`). */
const CALM_POWERS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2];

/**
 * Settles how much the noise scales with the day's swing (`SeasonalSeriesParams.calm`, `FitTuning.calmDays`): the
 * power whose drawn series (the same four for every candidate, read at the meter's resolution) repeat a reading as
 * often as the real series (`realShare`). Concentrating the noise on the lively days leaves the calm ones still.
 */
function matchCalm(
  fitted: SeasonalSeriesParams,
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
  realShare: number,
): void {
  let best = { power: 0, gap: Number.POSITIVE_INFINITY };
  for (const power of CALM_POWERS) {
    fitted.calm = power;
    const gap = Math.abs(drawnMean(drawn, y, startMs, repeatShare) - realShare);
    if (gap < best.gap) best = { power, gap };
  }
  if (best.power > 0) fitted.calm = best.power;
  else delete fitted.calm;
}

/**
 * Settles the noise's step-level parameters by simulation, for types that opt in (`FitTuning.steps`): the fast
 * component's smoothness c and coefficient a, the step volatility s and, with `noise`, the hourly noise's scale are
 * searched one at a time (two passes over small grids around the fit, drawing the same four series for every
 * candidate) to bring the drawn values' mean absolute step, differences' lag-1 autocorrelation, lag-1
 * autocorrelation of squared deviations and autocorrelation at lags 1-24 nearest the real series'. The Gaussian
 * copula maps the noise onto the values through the profile, the hourly spread, the bounds and the meter, so
 * these are not read off the noise fit; drawing is the check (docs/timeseries.md, "Per-type tuning").
 */
export function matchSteps(
  fitted: SeasonalSeriesParams,
  drawn: TypeParams,
  y: Float64Array,
  startMs: number,
  tuning: FitTuning,
): void {
  const real = stepStats(y);
  const weights = [1, 1, 1, ...STEP_CHECK_LAGS.map(() => 0.5)];
  const baseHsd = fitted.hsd;
  const loss = (): number => {
    const sim = new Array<number>(real.length).fill(0);
    const draws = SIM_DRAWS;
    for (let k = 0; k < draws; k++) {
      const values = drawLike(drawn, frameOf(drawn, y, startMs), simSeed('fit', y, k), true);
      stepStats(values).forEach((x, j) => {
        sim[j]! += x / draws;
      });
    }
    let err = 0;
    for (let j = 0; j < real.length; j++) err += weights[j]! * (real[j]! - sim[j]!) ** 2;
    return err;
  };
  type Setting = { a: number; c: number; s: number; k: number; w: number; b: number };
  const [w0, a0, b0, c0 = 0] = fitted.acf;
  const r = fitted.vol?.[1] ?? 0.95;
  const apply = ({ a, c, s, k, w, b }: Setting) => {
    fitted.acf = [w, a, b, c];
    if (s > 0) fitted.vol = [s, r];
    else delete fitted.vol;
    fitted.hsd = k === 1 ? baseHsd : baseHsd.map((x) => r4(x * k));
  };
  let best: Setting = { a: a0, c: c0, s: fitted.vol?.[0] ?? 0, k: 1, w: w0, b: b0 };
  apply(best);
  let bestErr = loss();
  const near = (grid: readonly number[], x: number) => {
    const i = grid.reduce((bi, g, gi) => (Math.abs(g - x) < Math.abs(grid[bi]! - x) ? gi : bi), 0);
    return grid.slice(Math.max(0, i - 3), i + 4);
  };
  // One parameter at a time, each grid around the best setting so far.
  const dimensions: ((x: Setting) => Setting[])[] = [
    (x) => SMOOTH.map((c) => ({ ...x, c })),
    (x) => near(fastGridOf(tuning), x.a).map((a) => ({ ...x, a })),
    (x) => [0, 0.2, 0.4, 0.6, 0.8, 1].map((s) => ({ ...x, s })),
    ...(tuning.steps === 'noise'
      ? [(x: Setting) => [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1].map((k) => ({ ...x, k }))]
      : []),
    ...(tuning.stepsMix
      ? [
          (x: Setting) =>
            Array.from({ length: 21 }, (_, i) => i / 20)
              .filter((w) => Math.abs(w - x.w) <= 0.2 + 1e-9)
              .map((w) => ({ ...x, w })),
          (x: Setting) => near(SLOW, x.b).map((b) => ({ ...x, b })),
        ]
      : []),
  ];
  for (let pass = 0; pass < 2; pass++) {
    for (const candidates of dimensions) {
      for (const candidate of candidates(best)) {
        if (candidate.c > 0 && candidate.a <= 0) continue;
        apply(candidate);
        const err = loss();
        if (err < bestErr - 1e-9) {
          bestErr = err;
          best = candidate;
        }
      }
    }
  }
  apply(best);
}

/**
 * Each day of the week's daily shape beyond the weekday and weekend profiles (`dDow`), taken out of `resid`: the
 * mean residual of each weekday's hour, less that weekday's mean (its level is `w`'s and the slow noise's), shrunk
 * toward 0 by the noise in a mean of a few days (James-Stein: by the share of the cells' spread the noise within
 * them explains). Null when nothing is left after shrinking.
 */
function weekShape(resid: Float64Array, hourOf: Int32Array, dowOf: Int32Array): number[] | null {
  const n = resid.length;
  // Each point against its own local day's mean residual: the day's level (slow noise, `w`) is not its shape.
  const z = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i + 24 <= n; ) {
    let full = hourOf[i] === 0;
    for (let h = 1; h < 24 && full; h++) full = hourOf[i + h] === h;
    if (!full) {
      i++;
      continue;
    }
    const m = mean(resid.subarray(i, i + 24));
    for (let h = 0; h < 24; h++) z[i + h] = resid[i + h]! - m;
    i += 24;
  }
  const sum = new Float64Array(168);
  const sq = new Float64Array(168);
  const count = new Float64Array(168);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(z[i]!)) continue;
    const c = dowOf[i]! * 24 + hourOf[i]!;
    sum[c]! += z[i]!;
    sq[c]! += z[i]! ** 2;
    count[c]! += 1;
  }
  if (count.some((k) => k < 2)) return null;
  const cell = Array.from(sum, (x, c) => x / count[c]!);
  // The noise in a cell's mean: its points' spread around it over their number.
  const noise = mean(cell.map((m, c) => (sq[c]! / count[c]! - m * m) / (count[c]! - 1)));
  const signal = mean(cell.map((x) => x * x));
  const factor = signal > 0 ? Math.max(0, 1 - noise / signal) : 0;
  if (!(factor > 0)) return null;
  const shape = cell.map((x) => factor * x);
  for (let i = 0; i < n; i++) resid[i] = resid[i]! - shape[dowOf[i]! * 24 + hourOf[i]!]!;
  return shape;
}

/**
 * The step volatility to draw with so that drawn series show the measured one: the renderer maps its noise back
 * onto normal scores (see `mixtureNoise`), which tames the steps' tails a little (more for rough noise), so the
 * volatility is found by drawing the noise of `acf` at a grid of values and keeping the one whose measured
 * volatility is nearest the series'.
 */
function fitVolatility(
  scores: ArrayLike<number>,
  acf: readonly number[],
  at?: readonly number[],
): [number, number] | null {
  const measured = stepVolatility(scores, at);
  if (!measured) return null;
  let best = measured;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let k = 1; k <= 20; k++) {
    const s = k / 10;
    const draw = mixtureNoise(
      Math.max(scores.length, 1000),
      acf,
      1,
      new Gauss(new Random('volatility')),
      [s, measured[1]],
    );
    const seen = stepVolatility(draw)?.[0] ?? 0;
    const err = Math.abs(seen - measured[0]);
    if (err < bestErr) {
      bestErr = err;
      best = [s, measured[1]];
    }
  }
  return best;
}

/**
 * The volatility of a Gaussianised series' steps: with innovations scaled by exp(s v) (v a unit-variance AR(1)
 * of coefficient r), a step is a Gaussian times that factor, so E|d| / sqrt(E d^2) = sqrt(2 / pi) exp(-s^2 / 2)
 * gives s, and the autocorrelation of log|d| at lag k, s^2 r^k / (s^2 + pi^2 / 8), gives r (the log of a
 * squared Gaussian has variance pi^2 / 2, so of |g| pi^2 / 8). Null when the steps are as Gaussian as noise
 * allows.
 */
export function stepVolatility(
  scores: ArrayLike<number>,
  at?: readonly number[],
): [number, number] | null {
  const d: number[] = [];
  for (let i = 1; i < scores.length; i++) {
    if (!at || at[i]! - at[i - 1]! === 1) d.push(scores[i]! - scores[i - 1]!);
  }
  if (d.length < 100) return null;
  let abs = 0;
  let sq = 0;
  for (const x of d) {
    abs += Math.abs(x);
    sq += x * x;
  }
  if (!(sq > 0)) return null;
  const ratio = abs / d.length / Math.sqrt(sq / d.length);
  const s2 = Math.min(2, -2 * Math.log(ratio / Math.sqrt(2 / Math.PI)));
  // Below s = 0.25 the ratio is within what sampling and the fit's residual make of Gaussian steps.
  if (!(s2 > 0.0625)) return null;
  const logs = d.filter((x) => Math.abs(x) > 1e-9).map((x) => Math.log(Math.abs(x)));
  const share = s2 / (s2 + (Math.PI * Math.PI) / 8);
  const estimates: number[] = [];
  const lagged = [6, 24];
  acfAt(logs, lagged).forEach((r, i) => {
    if (r > 0) estimates.push(Math.min(1, r / share) ** (1 / lagged[i]!));
  });
  const r = estimates.length ? Math.exp(mean(estimates.map(Math.log))) : 0.9;
  return [Math.sqrt(s2), Math.min(0.999, Math.max(0.5, r))];
}

/** Most modes of a day's shape kept (see `modes`). */
const MAX_MODES = 3;

/**
 * The main modes of the full local days' residual curves (24 hours each): the leading eigenvectors of their
 * covariance across days, kept while a mode's variance stands above what noise of the remaining variance spread
 * over the day's active hours would give (the Marchenko-Pastur edge s^2 (1 + sqrt(p / m))^2 for m days of p
 * hours). Each mode's daily score has its standard deviation (less that noise) and its day-to-day
 * autocorrelation; the scores' projections are removed from `resid`, so the noise model does not count them
 * twice. Null with fewer than 10 full days or no mode above the noise.
 */
export function dayModes(resid: Float64Array, hourOf: Int32Array): number[][] | null {
  const n = resid.length;
  const starts: number[] = [];
  for (let i = 0; i + 24 <= n; ) {
    let full = true;
    for (let h = 0; h < 24 && full; h++) if (hourOf[i + h] !== h) full = false;
    if (full) {
      starts.push(i);
      i += 24;
    } else i++;
  }
  const m = starts.length;
  if (m < 10) return null;
  const centre = new Float64Array(24);
  for (const s of starts) for (let h = 0; h < 24; h++) centre[h]! += resid[s + h]! / m;
  const cov = Array.from({ length: 24 }, () => new Float64Array(24));
  for (const s of starts) {
    for (let h = 0; h < 24; h++) {
      const a = resid[s + h]! - centre[h]!;
      for (let g = 0; g < 24; g++) cov[h]![g]! += (a * (resid[s + g]! - centre[g]!)) / m;
    }
  }
  let trace = 0;
  let top = 0;
  for (let h = 0; h < 24; h++) {
    trace += cov[h]![h]!;
    top = Math.max(top, cov[h]![h]!);
  }
  // Active hours: those whose residual varies at all (solar's nights do not).
  let p = 0;
  for (let h = 0; h < 24; h++) if (cov[h]![h]! > 1e-4 * top) p++;
  if (!(trace > 0) || p < 4) return null;
  const modes: number[][] = [];
  let explained = 0;
  const edge = (1 + Math.sqrt(p / m)) ** 2;
  for (let k = 0; k < Math.min(MAX_MODES, p - 1); k++) {
    // Power iteration on the deflated covariance.
    let v: Float64Array = Float64Array.from(
      { length: 24 },
      (_, h) => Math.sqrt(cov[h]![h]!) + 1e-9,
    );
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const next = new Float64Array(24);
      for (let h = 0; h < 24; h++) for (let g = 0; g < 24; g++) next[h]! += cov[h]![g]! * v[g]!;
      const norm = Math.hypot(...next);
      if (!(norm > 0)) break;
      for (let h = 0; h < 24; h++) next[h]! /= norm;
      const change = Math.abs(norm - lambda);
      lambda = norm;
      v = next;
      if (change < 1e-10 * trace) break;
    }
    const noise = (trace - explained - lambda) / Math.max(1, p - k - 1);
    if (!(lambda > noise * edge)) break;
    // Sign: the mode adds where it loads most (so a mode that scales the bell reads as "a sunnier day").
    let sum = 0;
    for (let h = 0; h < 24; h++) sum += v[h]!;
    if (sum < 0) for (let h = 0; h < 24; h++) v[h] = -v[h]!;
    const scores = starts.map((s) => {
      let x = 0;
      for (let h = 0; h < 24; h++) x += (resid[s + h]! - centre[h]!) * v[h]!;
      return x;
    });
    let num = 0;
    let den = 0;
    for (let d = 0; d < m; d++) {
      den += scores[d]! ** 2;
      if (d + 1 < m && starts[d + 1] === starts[d]! + 24) num += scores[d]! * scores[d + 1]!;
    }
    // Read over m days about their own mean, a lag-1 autocorrelation is biased low by about (1 + 3 rho) / m
    // (Kendall's AR(1) bias, 0.07 at rho 0.7 over 41 days): drawn with the raw reading, heating's 24-hour means
    // were less persistent than real (mean over its 24 series, each drawn four times from its own fit: 0.581 a day
    // apart against 0.707, 0.079 five days apart against 0.194; 0.590 and 0.102 corrected). See
    // docs/timeseries.md, "Day shapes".
    const rho = den > 0 ? Math.min(0.98, Math.max(0, ((num / den) * m + 1) / (m - 3))) : 0;
    modes.push([Math.sqrt(Math.max(0, lambda - noise)), rho, ...v]);
    starts.forEach((s, d) => {
      for (let h = 0; h < 24; h++) resid[s + h] = resid[s + h]! - scores[d]! * v[h]!;
    });
    for (let h = 0; h < 24; h++) for (let g = 0; g < 24; g++) cov[h]![g]! -= lambda * v[h]! * v[g]!;
    explained += lambda;
  }
  return modes.length ? modes : null;
}

/**
 * How much each local day's daily cycle is stronger or weaker than the profile: the residual of each full day
 * projected on the day's profile deviation, its variance less that of a placebo projection (the profile shifted
 * by 6 hours, which sample noise fills as much but a real amplitude change does not). Returns the amplitude's
 * standard deviation and day-to-day autocorrelation, and removes the estimated amplitude term (shrunk by its
 * reliability) from `resid`, so the noise model does not count it twice. Null when there are too few full days,
 * or the amplitude's variation is mostly noise.
 */
function dayAmplitudes(
  resid: Float64Array,
  hourOf: Int32Array,
  dowOf: Int32Array,
  dWk: readonly number[],
  dWe: readonly number[],
  w: readonly number[] | null,
): [number, number] | null {
  const n = resid.length;
  const days: { start: number; a: number; placebo: number }[] = [];
  const weekend = (d: number) => d === 0 || d === 6;
  const meanOf = (xs: readonly number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
  // A series that is off at night (solar) scales its whole bell (a cloudy day makes less, a clear one more); any
  // other scales its swing around the day's mean.
  const centre = hasNight(dWk, w) ? [0, 0] : [meanOf(dWk), meanOf(dWe)];
  const deviation = (i: number, shift = 0) => {
    const k = weekend(dowOf[i]!) ? 1 : 0;
    const profile = k ? dWe : dWk;
    return (profile[(hourOf[i]! + shift) % 24]! - centre[k]!) * (w ? w[dowOf[i]!]! : 1);
  };
  for (let i = 0; i + 24 <= n; ) {
    if (hourOf[i] !== 0) {
      i++;
      continue;
    }
    let full = true;
    for (let h = 1; h < 24; h++) if (hourOf[i + h] !== h) full = false;
    if (!full) {
      i++;
      continue;
    }
    let num = 0;
    let den = 0;
    let pNum = 0;
    let pDen = 0;
    for (let h = 0; h < 24; h++) {
      const p = deviation(i + h);
      const pp = deviation(i + h, 6);
      num += resid[i + h]! * p;
      den += p * p;
      pNum += resid[i + h]! * pp;
      pDen += pp * pp;
    }
    if (den > 1e-9 && pDen > 1e-9) days.push({ start: i, a: num / den, placebo: pNum / pDen });
    i += 24;
  }
  if (days.length < 10) return null;
  const am = meanOf(days.map((d) => d.a));
  const pm = meanOf(days.map((d) => d.placebo));
  const va = meanOf(days.map((d) => (d.a - am) ** 2));
  const vp = meanOf(days.map((d) => (d.placebo - pm) ** 2));
  const signal = va - vp;
  if (!(signal > 0)) return null;
  const reliability = signal / va;
  // Mostly noise (a flat profile, as for wind or pressure, makes the projection meaningless): no amplitude.
  if (reliability < 0.3) return null;
  let num = 0;
  let den = 0;
  for (let k = 0; k < days.length; k++) {
    const day = days[k]!;
    const a = reliability * (day.a - am);
    for (let h = 0; h < 24; h++)
      resid[day.start + h] = resid[day.start + h]! - a * deviation(day.start + h);
    den += (day.a - am) ** 2;
    const next = days[k + 1];
    if (next && next.start === day.start + 24) num += (day.a - am) * (next.a - am);
  }
  const rho = den > 0 ? Math.min(0.95, Math.max(0, num / den)) : 0;
  return [Math.min(1, Math.sqrt(signal)), rho];
}

/** Log of the gamma function (Lanczos approximation). */
function lgamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Mean and standard deviation of a two-piece Student-t draw: a unit-variance t with nu degrees of freedom whose
 * positive half is stretched by g and negative half shrunk by 1/g (`PriceSeriesParams.skew`).
 */
function skewMoments(nu: number, g: number): { m: number; s: number } {
  const absMean =
    (2 * Math.sqrt(nu - 2) * Math.exp(lgamma((nu + 1) / 2) - lgamma(nu / 2))) /
    (Math.sqrt(Math.PI) * (nu - 1));
  const m = (absMean / 2) * (g - 1 / g);
  return { m, s: Math.sqrt((g * g + 1 / (g * g)) / 2 - m * m) };
}

/** Asymmetries tried for the returns' innovations (1: symmetric). */
const SKEW_GRID = [0.8, 0.85, 0.9, 0.93, 0.96, 1, 1.04, 1.08, 1.12, 1.18, 1.25];

/**
 * The two-piece asymmetry g (`PriceSeriesParams.skew`) that best explains GARCH-standardised innovations `e`, by
 * likelihood: e = (y - m) / s with y a unit-variance t stretched by g above 0 and by 1/g below.
 */
function fitSkew(e: ArrayLike<number>, nu: number): number {
  let best = 1;
  let bestLl = Number.NEGATIVE_INFINITY;
  const logT = (x: number) => (-(nu + 1) / 2) * Math.log1p((x * x) / (nu - 2));
  for (const g of SKEW_GRID) {
    const { m, s } = skewMoments(nu, g);
    let ll = e.length * Math.log(s);
    for (let t = 0; t < e.length; t++) {
      const y = m + s * e[t]!;
      ll += y >= 0 ? logT(y / g) - Math.log(g) : logT(y * g) + Math.log(g);
    }
    if (ll > bestLl) {
      bestLl = ll;
      best = g;
    }
  }
  return best;
}

/** Log-likelihood of a GARCH(1,1)-t with variance targeting, for the grid fit. */
function garchLogLik(
  r: Float64Array,
  variance: number,
  alpha: number,
  beta: number,
  nu: number,
): number {
  const omega = variance * (1 - alpha - beta);
  let s2 = variance;
  let ll = 0;
  const scale = (nu - 2) / nu;
  for (let t = 0; t < r.length; t++) {
    const e2 = r[t]! ** 2;
    ll += -0.5 * Math.log(s2 * scale) - ((nu + 1) / 2) * Math.log1p(e2 / (s2 * scale * nu));
    s2 = omega + alpha * e2 + beta * s2;
  }
  return ll;
}

const GARCH_ALPHA = [0.01, 0.03, 0.05, 0.08, 0.12, 0.16, 0.22];
const GARCH_PERSIST = [0.5, 0.8, 0.9, 0.95, 0.98, 0.995];
const GARCH_NU = [2.5, 3, 4, 5, 7, 10, 30];

/** Fits the price model to one series of prices (consecutive trading days). */
export function fitPrice(
  prices: ArrayLike<number>,
  tuning: FitTuning = {},
): PriceSeriesParams | null {
  return fitPriceAndInnovations(prices, tuning)?.params ?? null;
}

/** `fitPrice`, with the fitted GARCH's standardised innovations (for `FitTuning.pooledInnovations`). */
function fitPriceAndInnovations(
  prices: ArrayLike<number>,
  tuning: FitTuning,
): { params: PriceSeriesParams; innovations: Float64Array } | null {
  const n = prices.length;
  if (n < 60) return null;
  const returns: number[] = [];
  let still = 0;
  for (let i = 1; i < n; i++) {
    const a = prices[i - 1]!;
    const b = prices[i]!;
    if (!(a > 0 && b > 0)) continue;
    if (a === b) still++;
    else returns.push(Math.log(b / a));
  }
  if (returns.length < 50) return null;
  const mu = mean(returns);
  const r = Float64Array.from(returns, (x) => x - mu);
  const variance = sd(r) ** 2;
  // The windows whose variance each targets (`FitTuning.regimeWindow`), or the whole series.
  const size = tuning.regimeWindow ?? r.length;
  const parts: [Float64Array, number][] = [];
  for (let start = 0; start < r.length; start += size) {
    const part = r.subarray(start, start + size);
    // A short remainder joins the previous window's regime rather than getting its own.
    if (part.length < size / 2 && parts.length > 0) {
      const [prev] = parts.pop()!;
      const joined = r.subarray(start - prev.length, start + size);
      parts.push([joined, sd(joined) ** 2]);
    } else parts.push([part, sd(part) ** 2]);
  }
  let best = { alpha: 0.05, beta: 0.9, nu: 5, ll: Number.NEGATIVE_INFINITY };
  for (const alpha of GARCH_ALPHA) {
    for (const persist of GARCH_PERSIST) {
      const beta = persist - alpha;
      if (beta < 0) continue;
      for (const nu of GARCH_NU) {
        // Student-t terms depend on nu only through constants; add them for the comparison across nu.
        const constant =
          r.length * (lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(Math.PI * nu));
        let ll = constant;
        for (const [part, v] of parts) ll += garchLogLik(part, v, alpha, beta, nu);
        if (ll > best.ll) best = { alpha, beta, nu, ll };
      }
    }
  }
  const innovations = garchInnovations(parts, best);
  const params: PriceSeriesParams = {
    level: r4(prices[0]!),
    mu: r4(mu),
    omega: Number((variance * (1 - best.alpha - best.beta)).toPrecision(4)),
    alpha: best.alpha,
    beta: r4(best.beta),
    nu: best.nu,
    still: r4(still / (n - 1)),
    ...(tuning.returnsAr ? { ar: yuleWalker(acfAt(r, [1, 2, 3])).map(r4) } : {}),
    ...(tuning.stillSpells ? { stillRun: r4(stillAfterStill(prices)) } : {}),
    ...(tuning.skew ? { skew: fitSkew(innovations, best.nu) } : {}),
  };
  return { params, innovations };
}

/**
 * The pooled innovation law of a price type (`FitTuning.pooledInnovations`, `TypeParams.innovations`): each
 * series' standardised innovations centred and scaled to unit variance (so every series gives its shape, not its
 * scale), pooled, and read at `INNOVATION_PROBS`.
 */
export function pooledInnovationLaw(innovations: readonly ArrayLike<number>[]): number[] {
  const pooled: number[] = [];
  for (const e of innovations) {
    const m = mean(e);
    const s = sd(e);
    if (!(s > 0)) continue;
    for (let i = 0; i < e.length; i++) pooled.push((e[i]! - m) / s);
  }
  return quantiles(pooled, INNOVATION_PROBS).map(r4);
}

/** Mean and standard deviation of `innovationAt`'s law, by (quantiles, degrees of freedom). */
const lawMomentsCache = new WeakMap<readonly number[], Map<number, { m: number; s: number }>>();

/**
 * Mean and standard deviation of the law `innovationAt` draws from: linear between the stored quantiles, and
 * beyond the ends x = q0 (u / p0)^(-1/nu) (and its mirror), whose moments there are q0 p0 nu / (nu - 1) and
 * q0^2 p0 nu / (nu - 2).
 */
function lawMoments(q: readonly number[], nu: number): { m: number; s: number } {
  let byNu = lawMomentsCache.get(q);
  if (!byNu) {
    byNu = new Map();
    lawMomentsCache.set(q, byNu);
  }
  const cached = byNu.get(nu);
  if (cached) return cached;
  const probs = INNOVATION_PROBS;
  const last = probs.length - 1;
  const tails = [
    [q[0]!, probs[0]!],
    [q[last]!, 1 - probs[last]!],
  ] as const;
  let m1 = 0;
  let m2 = 0;
  for (const [x, p] of tails) {
    m1 += (x * p * nu) / (nu - 1);
    m2 += (x * x * p * nu) / (nu - 2);
  }
  for (let k = 0; k < last; k++) {
    const a = q[k]!;
    const b = q[k + 1]!;
    const dp = probs[k + 1]! - probs[k]!;
    m1 += ((a + b) / 2) * dp;
    m2 += ((a * a + a * b + b * b) / 3) * dp;
  }
  const out = { m: m1, s: Math.sqrt(Math.max(1e-12, m2 - m1 * m1)) };
  byNu.set(nu, out);
  return out;
}

/**
 * The value at probability u of a pooled innovation law (`TypeParams.innovations`): linear between its quantiles,
 * and beyond its first and last a power-law tail with nu degrees of freedom (a Student-t's tail), joined to them.
 */
export function innovationAt(q: readonly number[], nu: number, u: number): number {
  const probs = INNOVATION_PROBS;
  const last = probs.length - 1;
  if (u < probs[0]!) return q[0]! * (u / probs[0]!) ** (-1 / nu);
  if (u > probs[last]!) return q[last]! * ((1 - u) / (1 - probs[last]!)) ** (-1 / nu);
  // u's place on the grid: INNOVATION_PROBS[k] = (k + 1) / INNOVATION_STEPS.
  const pos = u * INNOVATION_STEPS - 1;
  const k = Math.min(last - 1, Math.floor(pos));
  return q[k]! + (pos - k) * (q[k + 1]! - q[k]!);
}

/** The standardised innovations r / sigma of a fitted GARCH(1,1), window by window (each its own target). */
function garchInnovations(
  parts: readonly [Float64Array, number][],
  fit: { alpha: number; beta: number },
): Float64Array {
  const out: number[] = [];
  for (const [part, variance] of parts) {
    const omega = variance * (1 - fit.alpha - fit.beta);
    let s2 = variance;
    for (const x of part) {
      out.push(x / Math.sqrt(s2));
      s2 = omega + fit.alpha * x * x + fit.beta * s2;
    }
  }
  return Float64Array.from(out);
}

/** The most significant digits a drawn price keeps (`TypeParams.digits`): beyond, the JSON only grows. */
export const MAX_PRICE_DIGITS = 8;

/** The significant digits of a number as written (the fewest that give it back exactly), at most 17. */
function significantDigitsOf(x: number): number {
  if (!(x !== 0 && Number.isFinite(x))) return 1;
  for (let d = 1; d < 17; d++) if (Number(x.toPrecision(d)) === x) return d;
  return 17;
}

/**
 * The significant digits real prices are quoted with (`FitTuning.priceDigits`): the median over the series of
 * the median over each series' prices, at most `MAX_PRICE_DIGITS`.
 */
export function priceDigits(prices: readonly ArrayLike<number>[]): number {
  const perSeries = prices
    .filter((p) => p.length > 0)
    .map((p) => quantiles(Array.from(p, significantDigitsOf), [0.5])[0]!);
  if (perSeries.length === 0) return MAX_PRICE_DIGITS;
  return Math.min(MAX_PRICE_DIGITS, Math.max(1, Math.round(quantiles(perSeries, [0.5])[0]!)));
}

/** Share of a price's still days (no move) that follow a still day. */
function stillAfterStill(prices: ArrayLike<number>): number {
  let still = 0;
  let runs = 0;
  for (let i = 2; i < prices.length; i++) {
    if (prices[i - 1] !== prices[i - 2]) continue;
    still++;
    if (prices[i] === prices[i - 1]) runs++;
  }
  return still > 0 ? runs / still : 0;
}

/** `explainedShare` by coefficient array: a type's shared autoregression (48 lags) is drawn for every series. */
const explainedCache = new WeakMap<readonly number[], number>();

/** The share of an AR process's variance its own past explains (0 without coefficients). */
function explainedShare(ar: readonly number[]): number {
  if (ar.length === 0) return 0;
  let share = explainedCache.get(ar);
  if (share === undefined) {
    const rho = arAcf(ar);
    share = ar.reduce((sum, p, k) => sum + p * rho[k]!, 0);
    explainedCache.set(ar, share);
  }
  return share;
}

/** The autocorrelations at lags 1..p of an AR(p) process (the Yule-Walker equations solved for them). */
function arAcf(phi: readonly number[]): number[] {
  const p = phi.length;
  // Iterate rho_k = sum_j phi_j rho_|k-j| (rho_0 = 1) to its fixed point; stationary and small here.
  let rho = phi.map(() => 0);
  for (let it = 0; it < 50; it++) {
    rho = rho.map((_, k) => {
      let s = 0;
      for (let j = 0; j < p; j++) {
        const lag = Math.abs(k - j);
        s += phi[j]! * (lag === 0 ? 1 : rho[lag - 1]!);
      }
      return s;
    });
  }
  return rho;
}

/** AR coefficients from autocorrelations at lags 1..p (Levinson-Durbin). */
export function yuleWalker(rho: readonly number[]): number[] {
  let phi: number[] = [];
  let v = 1;
  for (let k = 0; k < rho.length; k++) {
    let num = rho[k]!;
    for (let j = 0; j < k; j++) num -= phi[j]! * rho[k - 1 - j]!;
    const kk = v > 0 ? num / v : 0;
    phi = [...phi.map((p, j) => p - kk * phi[k - 1 - j]!), kk];
    v *= 1 - kk * kk;
  }
  return phi;
}

/** Draws per round of the shared autoregression's simulation check, and its rounds. */
const SHARED_AR_DRAWS = 600;
const SHARED_AR_ROUNDS = 3;

/**
 * The autoregression shared by a price type's series (`FitTuning.sharedAr`, `TypeParams.ar`): Yule-Walker on
 * the mean autocorrelation of all series' returns within windows. A window's autocorrelation is read about the
 * window's own mean, so it is biased low; the fit therefore draws series of one window from the population with
 * the autoregression, adds the gap between the real and the drawn mean autocorrelation to the target, and refits
 * (`SHARED_AR_ROUNDS` times, the draws seeded so the fit is deterministic). The lags are at most a quarter of the
 * window; null when the longest series has fewer than four returns.
 */
function fitSharedAr(
  params: TypeParams,
  prices: readonly ArrayLike<number>[],
  tuning: { lags: number; window: number },
): number[] | null {
  const moves = prices.map(logReturns);
  // A dataset of shorter series (`--like`) is read in windows of its longest series.
  const window = Math.min(tuning.window, Math.max(0, ...moves.map((m) => m.length)));
  const p = Math.min(tuning.lags, Math.floor(window / 4));
  if (p < 1) return null;
  const lags = Array.from({ length: p }, (_, k) => k + 1);
  const target = meanAcfOf(
    moves.flatMap((m) => windowsOf(m, window)),
    lags,
  );
  const rho = [...target];
  let ar = yuleWalker(rho);
  const request = {
    length: window + 1,
    startMs: 0,
    stepMs: params.stepMs,
    timeZone: params.timeZone,
    extensive: false,
  };
  for (let round = 0; round < SHARED_AR_ROUNDS; round++) {
    const draft: TypeParams = { ...params, ar };
    const drawn = Array.from({ length: SHARED_AR_DRAWS }, (_, i) =>
      logReturns(renderCalibrated(draft, request, new Random(`shared-ar:${round}:${i}`)).values),
    );
    const got = meanAcfOf(drawn, lags);
    for (let k = 0; k < p; k++) rho[k]! += target[k]! - got[k]!;
    ar = yuleWalker(rho);
  }
  return ar.map((c) => Number(c.toPrecision(4)));
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

export interface CalibratedRequest {
  /** Number of points. */
  length: number;
  startMs: number;
  stepMs: number;
  timeZone: string;
  /** Whether a point holds an amount over its interval (values scale with the step). */
  extensive: boolean;
}

export interface CalibratedSeries {
  values: Float64Array;
  times: number[];
  /** The level drawn for the series, in the type's unit per point. */
  level: number;
  /** The resolution the values are read at, in the type's unit per point (0: none); see `res`. */
  resolution: number;
  /** Significant digits each value keeps (`TypeParams.digits`; absent: about five of the series' level). */
  digits?: number;
}

function mix(a: number[], b: number[], t: number): number[] {
  return a.map((x, i) => t * x + (1 - t) * (b[i] ?? x));
}

/**
 * Blends two daily profiles keeping the strength of their shapes: the deviations from each profile's mean are
 * mixed and rescaled to the blended size of the two (two households peaking at different hours mixed linearly
 * give a flatter day than either has).
 */
function mixShape(a: number[], b: number[], t: number): number[] {
  const ca = mean(a);
  const cb = mean(b);
  const rms = (xs: readonly number[]) => Math.sqrt(mean(xs.map((x) => x * x)));
  const da = a.map((x) => x - ca);
  const db = b.map((x) => x - cb);
  const mixed = da.map((x, i) => t * x + (1 - t) * (db[i] ?? x));
  const size = rms(mixed);
  const factor = size > 0 ? (t * rms(da) + (1 - t) * rms(db)) / size : 1;
  const centre = t * ca + (1 - t) * cb;
  return mixed.map((x) => centre + factor * x);
}

/** The timestamps of `length` points: evenly spaced, or trading days only (Saturdays and Sundays skipped). */
export function calendarTimes(
  request: Pick<CalibratedRequest, 'length' | 'startMs' | 'stepMs' | 'timeZone'>,
  calendar: TypeParams['calendar'],
): number[] {
  const times: number[] = [];
  // Trading days are dates: Saturdays and Sundays are skipped by their UTC date, as readers of the data do.
  const skip = calendar === 'trading_days' && request.stepMs === DAY_MS;
  let t = request.startMs;
  while (times.length < request.length) {
    const dow = new Date(t).getUTCDay();
    if (!skip || (dow !== 0 && dow !== 6)) times.push(t);
    t += request.stepMs;
  }
  return times;
}

/**
 * Standard-normal draws of the two-component mixture (unit variance): a fast AR(1) driven by AR(1) innovations
 * (smooth when c > 0) and a slow AR(1).
 */
function mixtureNoise(
  n: number,
  acf: readonly number[],
  stepRatio: number,
  gauss: Gauss,
  vol?: readonly [number, number],
  stepScale?: Float64Array,
): Float64Array {
  const [w, a0, b0, c0 = 0] = acf as [number, number, number, number?];
  const a = a0 ** stepRatio;
  const b = b0 ** stepRatio;
  const c = c0 ** stepRatio;
  const ic = Math.sqrt(1 - c * c);
  const ib = Math.sqrt(1 - b * b);
  // Variance of the fast component for unit-variance innovations, to scale it back to 1.
  const fastSd = Math.sqrt((1 + a * c) / ((1 - a * a) * (1 - a * c)));
  let e = gauss.next();
  // Start the fast component in its stationary state given e (its covariance with e is 1 / (1 - a c)).
  const cov = 1 / (1 - a * c);
  let u = cov * e + Math.sqrt(Math.max(0, fastSd * fastSd - cov * cov)) * gauss.next();
  let v = gauss.next();
  const out = new Float64Array(n);
  const sw = Math.sqrt(w) / fastSd;
  const sv = Math.sqrt(1 - w);
  // The step volatility: innovations scaled by exp(s x - s^2), x a unit AR(1), so their mean square stays 1.
  const [s = 0, r0 = 0] = vol ?? [];
  const r = r0 ** stepRatio;
  const ir = Math.sqrt(1 - r * r);
  let x = s > 0 ? gauss.next() : 0;
  for (let i = 0; i < n; i++) {
    out[i] = sw * u + sv * v;
    const f = (s > 0 ? Math.exp(s * x - s * s) : 1) * (stepScale ? stepScale[i]! : 1);
    if (s > 0) x = r * x + ir * gauss.next();
    e = c * e + ic * f * gauss.next();
    u = a * u + e;
    v = b * v + ib * f * gauss.next();
  }
  // With a varying volatility the draws are a scale mixture of normals; mapped back onto normal scores by rank,
  // the quantile function then gives the fitted marginal, and the order (the dynamics) is kept.
  return s > 0 || stepScale ? normalScores(out) : out;
}

/** A relative daily profile below this reads as "off": solar plants at night. */
const NIGHT = 0.02;

/** Whether a relative profile has hours that are off (solar's nights); `w` is null for standardised series. */
function hasNight(dWk: readonly number[], w: readonly number[] | null): boolean {
  return w !== null && Math.min(...dWk) < NIGHT;
}

/** The value at probability p of a quantile function stored at `QUANTILE_PROBS` (its ends beyond them). */
function quantileAt(q: readonly number[], p: number): number {
  const probs = QUANTILE_PROBS;
  if (p <= probs[0]) return q[0]!;
  const last = probs.length - 1;
  if (p >= probs[last]!) return q[last]!;
  let k = 1;
  while (probs[k]! < p) k++;
  const t = (p - probs[k - 1]!) / (probs[k]! - probs[k - 1]!);
  return q[k - 1]! + t * (q[k]! - q[k - 1]!);
}

function quantileMap(q: readonly number[], z: number): number {
  return quantileAt(q, normalCdf(z));
}

/** Windows shorter than this keep their time of year (`SeasonalSeriesParams.doy`): less than a season. */
export const SEASON_SPAN_DAYS = 120;
/** A drawn series takes the fitted series within this many days of its own time of year... */
export const SEASON_NEAR_DAYS = 46;
/** ...or, when fewer are, the nearest this many (and any as near as the last of them). */
export const SEASON_FEWEST = 6;

/**
 * The day of the year (0 = 1 January, UTC) at the middle of `times`, or null when they span
 * `SEASON_SPAN_DAYS` or more (a window that long has no one time of year) or are empty.
 */
export function dayOfYearOf(times: ArrayLike<number>): number | null {
  if (times.length === 0) return null;
  const first = times[0]!;
  const last = times[times.length - 1]!;
  if (last - first >= SEASON_SPAN_DAYS * DAY_MS) return null;
  const middle = new Date((first + last) / 2);
  return Math.floor((middle.getTime() - Date.UTC(middle.getUTCFullYear(), 0, 1)) / DAY_MS);
}

/**
 * The fitted series a drawn one may take its parameters from: those fitted within `SEASON_NEAR_DAYS` of the
 * requested window's time of year (or the `SEASON_FEWEST` nearest), with those of no known time of year; every
 * series when the request spans `SEASON_SPAN_DAYS` or more. Solar drawn for June has June's long days, heating
 * for January January's demand, whatever the reference's mix of seasons.
 */
export function seasonalPool(
  series: readonly SeasonalSeriesParams[],
  request: Pick<CalibratedRequest, 'startMs' | 'stepMs' | 'length'>,
): readonly SeasonalSeriesParams[] {
  const end = request.startMs + (request.length - 1) * request.stepMs;
  const doy = dayOfYearOf([request.startMs, end]);
  if (doy === null) return series;
  const distance = (x: SeasonalSeriesParams) => {
    if (x.doy === undefined) return 0;
    const d = Math.abs(x.doy - doy) % YEAR_DAYS;
    return Math.min(d, YEAR_DAYS - d);
  };
  const sorted = series.map(distance).sort((x, y) => x - y);
  const reach = Math.max(SEASON_NEAR_DAYS, sorted[Math.min(SEASON_FEWEST, sorted.length) - 1]!);
  return series.filter((x) => distance(x) <= reach);
}

/**
 * Draws one series from a type's fitted parameters: a real series' parameters blended with another's (so the
 * population spread is kept without reusing any series' parameters as they are), both fitted near the requested
 * time of year when their windows had one (`seasonalPool`), rendered at the requested
 * step (aggregated from the fitted step when coarser), in the requested time zone.
 */
export function renderCalibrated(
  params: TypeParams,
  request: CalibratedRequest,
  rng: Random,
): CalibratedSeries {
  const pick = () => params.series[Math.floor(rng.next() * params.series.length)]!;
  const blend = 0.75 + 0.2 * rng.next();
  const gauss = new Gauss(rng);
  const times = calendarTimes(request, params.calendar);
  const n = request.length;
  const values = new Float64Array(n);

  if (params.kind === 'price') {
    const a = pick() as PriceSeriesParams;
    const b = pick() as PriceSeriesParams;
    const t = blend;
    const alpha = t * a.alpha + (1 - t) * b.alpha;
    const beta = t * a.beta + (1 - t) * b.beta;
    const variance = (t * a.omega + (1 - t) * b.omega) / Math.max(1e-6, 1 - alpha - beta);
    const omega = variance * (1 - alpha - beta);
    const nu = Math.max(2.5, Math.round(t * a.nu + (1 - t) * b.nu));
    const mu = t * a.mu + (1 - t) * b.mu;
    // Still days in spells (`stillRun`): the first series' own, as its peg or tick is its own.
    const stillRun = a.stillRun;
    const still =
      stillRun === undefined ? t * a.still + (1 - t) * b.still : Math.min(0.95, a.still);
    const stillStart =
      stillRun === undefined ? still : (still * (1 - stillRun)) / Math.max(1e-9, 1 - still);
    let wasStill = false;
    // Steps other than the fitted one scale the return variance with time (a week is five trading days).
    const ratio = request.stepMs / params.stepMs;
    const level = a.level * params.levelScale * Math.exp(0.1 * gauss.next());
    // The first series' autoregression, or the type's; its innovations are narrower than the returns by the
    // explained share.
    const ar = a.ar ?? params.ar ?? [];
    const explained = explainedShare(ar);
    const narrow = Math.sqrt(1 - Math.min(0.5, Math.max(0, explained)));
    const tScale = Math.sqrt((nu - 2) / nu) * narrow;
    // The type's pooled innovation law, centred and at unit variance; or the first series' asymmetry, likewise.
    const law = params.innovations ?? null;
    const lawMoment = law ? lawMoments(law, nu) : null;
    const g = a.skew ?? 1;
    const skewed = g === 1 ? null : skewMoments(nu, g);
    const past: number[] = ar.map(() => 0);
    let s2 = variance;
    let price = level;
    for (let i = 0; i < n; i++) {
      values[i] = price;
      wasStill = rng.next() < (wasStill && stillRun !== undefined ? stillRun : stillStart);
      if (wasStill) continue;
      let eps: number;
      if (law && lawMoment) {
        // 1 - next() is in (0, 1]: a probability of exactly 0 would be an infinite tail.
        eps = ((innovationAt(law, nu, 1 - rng.next()) - lawMoment.m) / lawMoment.s) * narrow;
      } else {
        let chi2 = 0;
        const whole = Math.floor(nu);
        for (let k = 0; k < whole; k++) chi2 += gauss.next() ** 2;
        if (nu > whole) chi2 += (nu - whole) * gauss.next() ** 2;
        eps = (gauss.next() / Math.sqrt(chi2 / nu)) * tScale;
        if (skewed) eps = ((eps >= 0 ? eps * g : eps / g) - skewed.m * narrow) / skewed.s;
      }
      const shock = Math.sqrt(s2 * ratio) * eps;
      let momentum = 0;
      for (let k = 0; k < ar.length; k++) momentum += ar[k]! * past[k]!;
      const dev = momentum + shock;
      if (ar.length > 0) {
        past.pop();
        past.unshift(dev);
      }
      const r = mu * ratio + dev;
      // The variance reacts to the innovation; without an autoregression, as fitted, to the return itself.
      const surprise = ar.length > 0 ? dev : r;
      s2 = omega + (alpha * (surprise * surprise)) / ratio + beta * s2;
      price *= Math.exp(r);
    }
    return {
      values,
      times,
      level,
      resolution: 0,
      ...(params.digits ? { digits: params.digits } : {}),
    };
  }

  const pool = seasonalPool(params.series as SeasonalSeriesParams[], request);
  const a = pool[Math.floor(rng.next() * pool.length)]!;
  // With `pairOnGrid`, the second series is one read as the first is (docs/timeseries.md, "Per-type tuning").
  const mates = params.pairOnGrid
    ? pool.filter((x) => (x.dew === undefined) === (a.dew === undefined))
    : pool;
  const b = mates[Math.floor(rng.next() * mates.length)]!;
  const t = blend;
  // Loads fitted with each weekday's shape (`dDow`) keep the size of their daily shapes when blended.
  const keepShape = a.dDow !== undefined;
  const dDow = a.dDow ? (b.dDow ? mixShape(a.dDow, b.dDow, t) : a.dDow) : null;
  const dWk = keepShape ? mixShape(a.dWk, b.dWk, t) : mix(a.dWk, b.dWk, t);
  const dWe = keepShape ? mixShape(a.dWe, b.dWe, t) : mix(a.dWe, b.dWe, t);
  const w = mix(a.w, b.w, t);
  const hsd = mix(a.hsd, b.hsd, t);
  const q = mix(a.q, b.q, t);
  // The noise process is one real series' as fitted: a blend of two fits' coefficients is a process neither
  // series has (mixing a smooth fast component with a rough one gives a series less persistent than both).
  const acf = a.acf;
  const [ampSd, ampRho] = mix(a.amp ?? [0, 0], b.amp ?? [0, 0], t) as [number, number];
  const hold = a.hold ?? 0;
  // Held points as a two-state chain when they come in runs (`holdRun`): the chance to hold after a move keeps
  // the share of held points at `hold`.
  const holdAfterHold = a.holdRun ?? hold;
  const holdAfterMove =
    a.holdRun !== undefined
      ? Math.min(1, (hold * (1 - a.holdRun)) / Math.max(1e-9, 1 - hold))
      : hold;
  let held = false;
  const relative = params.transform === 'relative';
  const level =
    (relative ? a.level * params.levelScale : a.level) *
    Math.exp(relative ? 0.1 * gauss.next() : 0);
  const scale = relative ? 0 : t * a.scale + (1 - t) * b.scale;
  // The bounds are the first series' own, where they are in its unit (humidity saturates at 100%, whatever the
  // drawn level), put on this series' common scale. Without `atoms` (parameters fitted before they were), the
  // bounds are blended and every bound clamps.
  const toScale = relative ? (a.level * params.levelScale) / level : a.scale / scale;
  const lo = a.atoms ? a.lo * toScale : Math.min(a.lo, b.lo);
  const hi = a.atoms ? a.hi * toScale : t * a.hi + (1 - t) * b.hi;
  const reflectLo = a.atoms !== undefined && a.atoms[0] < ATOM;
  // A bound the data only touches (its own extreme) rather than sits on.
  const touchesHi = a.atoms !== undefined && a.atoms[1] < ATOM;
  // A soft ceiling (`top`, the first series' own) replaces the reflecting upper edge.
  const reflectHi = touchesHi && a.top === undefined;
  const knee = a.top !== undefined && a.top < 1 ? lo + a.top * (hi - lo) : null;
  const hourlyModel = params.stepMs < DAY_MS;
  // Sub-steps per point when the request is coarser than the fitted step (a daily point averages 24 hours).
  const sub =
    request.stepMs > params.stepMs ? Math.min(168, Math.round(request.stepMs / params.stepMs)) : 1;
  const fineStep = request.stepMs / sub;
  const clock = localClock(request.timeZone);
  // The noise's step size by local hour (`hstep`, the first series' own): its innovations scaled hour by hour.
  const hstep = hourlyModel && a.hstep ? a.hstep : null;
  const stepScale = hstep
    ? Float64Array.from(
        { length: n * sub },
        (_, j) => hstep[clock(times[Math.floor(j / sub)]! + (j % sub) * fineStep).hour]!,
      )
    : undefined;
  const noise = mixtureNoise(n * sub, acf, fineStep / params.stepMs, gauss, a.vol, stepScale);
  const weekend = (d: number) => d === 0 || d === 6;
  const centre = (profile: number[]) => profile.reduce((x, y) => x + y, 0) / profile.length;
  const night = hasNight(dWk, relative ? w : null);
  const centreWk = night ? 0 : centre(dWk);
  const centreWe = night ? 0 : centre(dWe);
  // The day's amplitude factor: an AR(1) across local days (a run of cloudy days, a heatwave's big swings).
  let amplitude = ampSd > 0 ? ampSd * gauss.next() : 0;
  // With `glide` (the first series' own), a day's amplitude holds at its local noon and the swing glides to the
  // next day's by the next noon, so it does not jump at midnight: the day before's, today's and tomorrow's.
  const nextAmp = (x: number) => ampRho * x + Math.sqrt(1 - ampRho * ampRho) * ampSd * gauss.next();
  const glide = a.glide === true && ampSd > 0;
  // The noise's scale on a day of swing factor 1 + A (`calm`, the first series' own): |1 + A|^calm over its root
  // mean square with A ~ N(0, ampSd^2), so the noise's spread over all days stays as fitted.
  const calm = a.calm !== undefined && a.calm > 0 && ampSd > 0 ? a.calm : 0;
  const calmRms = calm ? Math.sqrt(normalMean((z) => Math.abs(1 + ampSd * z) ** (2 * calm))) : 1;
  let ampBefore = amplitude;
  if (glide) amplitude = nextAmp(ampBefore);
  let ampAfter = glide ? nextAmp(amplitude) : 0;
  // The day's shape modes (the first series' own): each score an AR(1) across local days.
  const modes = hourlyModel ? (a.modes ?? []) : [];
  const scores = modes.map((mode) => mode[0]! * gauss.next());
  // With `cloud`, the noise scales with the day's clearness: 1 plus the modes' scores projected on the profile
  // (a day of the profile's own shape, scaled), at least 0, over its root mean square (so the noise's spread
  // over all days is as fitted).
  const profileNorm = dWk.reduce((x, v) => x + v * v, 0);
  const cloudProj =
    a.cloud && profileNorm > 0
      ? modes.map((mode) => dWk.reduce((x, v, h) => x + v * mode[2 + h]!, 0) / profileNorm)
      : null;
  const cloudRms = cloudProj
    ? Math.sqrt(1 + cloudProj.reduce((x, p, j) => x + (p * modes[j]![0]!) ** 2, 0))
    : 1;
  const zeroShare = hourlyModel ? a.zeros : undefined;
  // New Year's Day (the first series' own), for relative hourly series.
  const holiday = hourlyModel && relative ? a.hol : undefined;
  // The season's trend (the first series' own), through the drawn series' middle.
  const season = hourlyModel ? (a.trend ?? 0) : 0;
  const midMs = n > 0 ? (times[0]! + times[n - 1]!) / 2 : 0;
  let lastHour = -1;
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < sub; k++) {
      const ms = times[i]! + k * fineStep;
      const local = clock(ms);
      const { hour } = local;
      const off = holiday !== undefined && local.newYear;
      // New Year's Day is drawn as a Sunday, scaled hour by hour.
      const dow = off ? 0 : local.dow;
      const h = hourlyModel ? hour : 0;
      if (ampSd > 0 && hour < lastHour) {
        if (glide) {
          ampBefore = amplitude;
          amplitude = ampAfter;
          ampAfter = nextAmp(amplitude);
        } else amplitude = nextAmp(amplitude);
      }
      if (hour < lastHour) {
        modes.forEach((mode, j) => {
          const [sdj, rj] = mode as [number, number];
          scores[j] = rj * scores[j]! + Math.sqrt(1 - rj * rj) * sdj * gauss.next();
        });
      }
      let shape = 0;
      for (let j = 0; j < modes.length; j++) shape += scores[j]! * modes[j]![2 + h]!;
      let clearness = 1;
      if (cloudProj) {
        for (let j = 0; j < modes.length; j++) clearness += scores[j]! * cloudProj[j]!;
        clearness = Math.max(0, clearness) / cloudRms;
      }
      lastHour = hour;
      const we = weekend(dow);
      const d = (we ? dWe : dWk)[h]!;
      const dayAmp = !glide
        ? amplitude
        : hour < 12
          ? ampBefore + ((amplitude - ampBefore) * (hour + 12)) / 24
          : amplitude + ((ampAfter - amplitude) * (hour - 12)) / 24;
      const swing = hourlyModel ? dayAmp * (d - (we ? centreWe : centreWk)) : 0;
      const seasonal = relative ? (d + swing) * w[dow]! : d + swing + w[dow]!;
      const week = dDow && hourlyModel ? dDow[dow * 24 + h]! : 0;
      let y =
        (seasonal + week) * (off ? holiday[h]! : 1) +
        shape +
        (calm ? Math.abs(1 + dayAmp) ** calm / calmRms : clearness) *
          hsd[h]! *
          quantileMap(q, noise[i * sub + k]!) +
        (season ? seasonTrendAt(season, ms, midMs) : 0);
      if (y < lo && reflectLo) y = 2 * lo - y;
      if (knee !== null && y > knee) y = knee + (hi - knee) * Math.tanh((y - knee) / (hi - knee));
      if (y > hi && reflectHi) y = 2 * hi - y;
      y = Math.min(hi, Math.max(lo, y));
      // Hours whose typical value is under 2% of the mean are off (solar at night): exactly zero.
      // With each hour's share of zeros (`zeros`, the first series' own), only that share of them: those whose
      // noise is lowest, so a dull spell's mornings stay off and a bright one's already produce, as real ones do
      // (independent draws did about as well in the benchmark, and make no such days).
      if (relative && d < NIGHT && (!zeroShare || normalCdf(noise[i * sub + k]!) < zeroShare[h]!))
        y = 0;
      sum += y;
    }
    ys[i] = sum / sub;
  }
  // At the fitted step only: a daily point averages 24 hours, whose spread is not an hour's.
  if (a.vq && hourlyModel && sub === 1) {
    // Blended with the second series' quantiles, except where the first's sit on its bounds (zeros, saturation).
    // A bound the data sits on (`atoms`) holds the second's quantiles too; one it only touches (the series' own
    // extreme) does not bind a blend of two series. Clamped there, a blended quantile beyond it made the top (or
    // bottom) ranks of a drawn series one value repeated for hours, a plateau no real series has (drawn wind held
    // its maximum for up to 23 hours).
    const within = (x: number) => Math.min(touchesHi ? x : a.hi, Math.max(reflectLo ? x : a.lo, x));
    const vq = a.vq.map((x, k) =>
      b.vq && x > a.lo && x < a.hi ? t * x + (1 - t) * within(b.vq[k]!) : x,
    );
    // The fitted values' quantiles in this series' common scale (the bounds' conversion, see above).
    const target = vq.map((x) => x * toScale);
    const top = touchesHi ? Number.POSITIVE_INFINITY : hi;
    const bottom = reflectLo ? Number.NEGATIVE_INFINITY : lo;
    // With `exactAtoms`, the shares of ranks the bounds hold sit exactly on them.
    const atLo = params.exactAtoms && a.atoms && a.atoms[0] >= ATOM ? a.atoms[0] : 0;
    const atHi = params.exactAtoms && a.atoms && a.atoms[1] >= ATOM ? a.atoms[1] : 0;
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => ys[i]! - ys[j]!);
    order.forEach((i, r) => {
      const p = (r + 0.5) / n;
      ys[i] =
        p > 1 - atHi ? hi : p < atLo ? lo : Math.min(top, Math.max(bottom, quantileAt(target, p)));
    });
  }
  // A drifting level (`drift`, the first series' own) scales the whole series: a unit AR(1) x, the factor
  // exp(sd x - sd^2 / 2) (mean 1).
  if (a.drift) {
    const [dsd, d0] = a.drift;
    const rho = d0 ** (request.stepMs / params.stepMs);
    const innov = Math.sqrt(1 - rho * rho);
    let x = gauss.next();
    for (let i = 0; i < n; i++) {
      ys[i] = ys[i]! * Math.exp(dsd * x - (dsd * dsd) / 2);
      x = rho * x + innov * gauss.next();
    }
  }
  // Humidity from whole-degree readings (`dew`, the first series' own): its log is the dew point's depression
  // below an air temperature that drifts hour by hour, each read in whole degrees.
  const dew = a.dew;
  let anomaly = dew ? DEW_AIR_SD * gauss.next() : 0;
  for (let i = 0; i < n; i++) {
    const y = ys[i]!;
    values[i] = relative ? y * level : level + y * scale;
    if (dew && values[i]! > 0) {
      const [saturation, temperature, speed, calm = 0] = dew;
      const air = temperature + anomaly;
      // The dew point that gives this humidity at this temperature (Magnus), then both read in whole degrees.
      const g = Math.log(values[i]! / saturation) + magnus(air);
      const dewPoint = (MAGNUS_B * g) / (MAGNUS_A - g);
      const airRead = Math.round(air);
      const dewRead = Math.min(airRead, Math.round(dewPoint));
      values[i] = saturation * Math.exp(magnus(dewRead) - magnus(airRead));
      // With `calm`, humid air's temperature moves least (`FitTuning.humidCalm`).
      const still =
        calm > 0
          ? Math.min(
              3,
              Math.max(0.1, Math.max(0, (saturation - values[i]!) / (saturation / 2)) ** calm),
            )
          : 1;
      anomaly = dewPersistence(speed) * anomaly + still * speed * gauss.next();
      continue;
    }
    // An index read through its concentration's grid (`pm`, the first series' own), at the fitted step only.
    if (a.pm && sub === 1) {
      const [step, noise] = a.pm;
      // The reading's own noise, not below the series' floor (a station's lowest reading, its first value).
      const error = noise > 0 ? noise * gauss.next() : 0;
      values[i] = aqiOnGrid(values[i]!, step, error, noise > 0 ? pm25OfAqi(a.lo * a.level) : 0);
    }
    if (hold > 0 && i > 0) {
      held = rng.next() < (held ? holdAfterHold : holdAfterMove);
      if (held) values[i] = values[i - 1]!;
    }
  }
  const factor = relative && request.extensive ? request.stepMs / params.stepMs : 1;
  if (factor !== 1) for (let i = 0; i < n; i++) values[i] = values[i]! * factor;
  // The meter of the first series: its step in this series' unit (a sum over hours keeps the hourly step).
  const resolution = a.res ? niceStep(a.res * (relative ? level * Math.min(1, factor) : scale)) : 0;
  return { values, times, level, resolution };
}

// ---------------------------------------------------------------------------------------------------------
// Fitting a type

/** One series to fit: values, their instants, and the zone its clock is read in. */
export interface FitInput {
  values: ArrayLike<number>;
  times: ArrayLike<number>;
  timeZone: string;
}

/** The model family and common scale a catalog type is fitted with. */
export function familyOf(type: {
  domain: string;
  bounds: { min: number | null; min_exclusive?: boolean };
}): { kind: TypeParams['kind']; transform: TypeParams['transform'] } {
  if (type.bounds.min_exclusive) return { kind: 'price', transform: 'returns' };
  return { kind: 'seasonal', transform: type.bounds.min === 0 ? 'relative' : 'standardised' };
}

/**
 * Fits a type's parameters to real series of it: one parameter set per series that can be fitted (too short,
 * constant or non-positive series are skipped). Returns null when no series could be fitted.
 */
export function fitType(
  type: {
    /** The catalog id, for the type's `TYPE_TUNING` entry. */
    id?: string;
    domain: string;
    bounds: { min: number | null; min_exclusive?: boolean };
    seasonality?: readonly string[];
  },
  inputs: readonly FitInput[],
  options: {
    stepMs: number;
    calendar: TypeParams['calendar'];
    timeZone: string;
    source: string;
    levelScale?: number;
    /**
     * Whether the inputs' dates are their real ones, so each fitted series keeps its time of year (`doy`).
     * Default true; false for timestamps that only place hours and weekdays (the electricity reference's).
     */
    datesAreReal?: boolean;
  },
): TypeParams | null {
  const { kind, transform } = familyOf(type);
  const series: SeriesParams[] = [];
  const innovations: Float64Array[] = [];
  const tuning = type.id ? TYPE_TUNING[type.id] : undefined;
  for (const input of inputs) {
    const price = kind === 'price' ? fitPriceAndInnovations(input.values, tuning ?? {}) : null;
    if (price) innovations.push(price.innovations);
    const fitted =
      kind === 'price'
        ? (price?.params ?? null)
        : fitSeasonal(input.values, input.times, {
            ...(tuning ? { tuning } : {}),
            transform: transform as 'relative' | 'standardised',
            stepMs: options.stepMs,
            timeZone: input.timeZone,
            // A weekly cycle set by people's schedules (electricity and gas loads) is kept as measured; air
            // quality's and trading volume's are mostly chance in the few weeks or few series of data, and
            // shrunk like weather's (kept, they put the weekly distance above its real-vs-real band).
            weekly:
              (type.domain === 'electricity' || type.domain === 'energy') &&
              (type.seasonality?.includes('weekly') ?? false),
          });
    if (fitted) {
      const doy =
        kind === 'seasonal' && options.datesAreReal !== false ? dayOfYearOf(input.times) : null;
      if (doy !== null) (fitted as SeasonalSeriesParams).doy = doy;
      series.push(fitted);
    }
  }
  if (series.length === 0) return null;
  const out: TypeParams = {
    kind,
    transform,
    stepMs: options.stepMs,
    calendar: options.calendar,
    timeZone: options.timeZone,
    levelScale: options.levelScale ?? 1,
    source: options.source,
    series,
  };
  // The innovation law first: the shared autoregression's simulation check draws with it.
  if (kind === 'price' && tuning?.pooledInnovations) {
    out.innovations = pooledInnovationLaw(innovations);
  }
  if (tuning?.pairOnGrid) out.pairOnGrid = true;
  if (tuning?.exactAtoms) out.exactAtoms = true;
  if (kind === 'price' && tuning?.priceDigits) {
    out.digits = priceDigits(inputs.map((input) => input.values));
  }
  const shared = tuning?.sharedAr;
  if (kind === 'price' && shared) {
    const ar = fitSharedAr(
      out,
      inputs.map((input) => input.values),
      shared,
    );
    if (ar) out.ar = ar;
  }
  return out;
}
