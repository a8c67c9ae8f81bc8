import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import {
  fitPrice,
  fitSeasonal,
  fitType,
  INNOVATION_PROBS,
  innovationAt,
  MAX_PRICE_DIGITS,
  type PriceSeriesParams,
  priceDigits,
  renderCalibrated,
  smoothArAcf,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { renderSeries } from '../src/timeseries/engine.ts';
import { START } from './helpers/series.ts';

/**
 * A price's asymmetry (`skew`), still-day spells (`stillRun`), per-window volatility targeting
 * (`FitTuning.regimeWindow`), the autoregression shared by a type's series (`FitTuning.sharedAr`) and the law of
 * its innovations pooled over its series (`FitTuning.pooledInnovations`), the precision its prices are quoted with
 * (`FitTuning.priceDigits`) in the
 * calibrated engine, and a daily series' noise autocorrelation read within years (`FitTuning.acfWindow`): series
 * drawn with known values are fitted back to them within stated tolerances, and series drawn without them are not
 * given them.
 */

const DAY = 86_400_000;

const price = (extra: Partial<PriceSeriesParams> = {}): TypeParams => ({
  kind: 'price',
  transform: 'returns',
  stepMs: DAY,
  calendar: 'always',
  timeZone: 'UTC',
  levelScale: 1,
  source: 'test',
  series: [
    {
      level: 100,
      mu: 0.0002,
      omega: 0.0001 * 0.05,
      alpha: 0.05,
      beta: 0.9,
      nu: 7,
      still: 0,
      ...extra,
    },
  ],
});
const draw = (p: TypeParams, seed: string, length = 6000) =>
  renderCalibrated(
    p,
    { length, startMs: START, stepMs: DAY, timeZone: 'UTC', extensive: false },
    new Random(seed),
  ).values;

function logReturns(values: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== values[i - 1]) out.push(Math.log(values[i]! / values[i - 1]!));
  }
  return out;
}

describe('the returns’ asymmetry (skew)', () => {
  it('is fitted back from prices drawn with it, within one step of its grid', () => {
    for (const truth of [0.9, 1.12]) {
      for (const seed of ['a', 'b']) {
        const fitted = fitPrice(draw(price({ skew: truth }), `skew:${truth}:${seed}`), {
          skew: true,
        });
        expect(Math.abs(fitted!.skew! - truth)).toBeLessThanOrEqual(0.061);
      }
    }
  });

  it('keeps the returns’ mean and variance, and moves their median against the skew', () => {
    const plain = logReturns(draw(price(), 'moments'));
    const right = logReturns(draw(price({ skew: 1.18 }), 'moments'));
    const stats = (r: number[]) => {
      const m = r.reduce((s, x) => s + x, 0) / r.length;
      const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / r.length);
      const median = [...r].sort((x, y) => x - y)[Math.floor(r.length / 2)]!;
      return { m, sd, median: (median - m) / sd };
    };
    const a = stats(plain);
    const b = stats(right);
    expect(b.sd / a.sd).toBeGreaterThan(0.9);
    expect(b.sd / a.sd).toBeLessThan(1.1);
    expect(Math.abs(b.m - a.m)).toBeLessThan(0.2 * a.sd);
    // Right-skewed: the median day is below the mean.
    expect(b.median).toBeLessThan(a.median - 0.05);
  });

  it('is fitted near 1 from symmetric prices, and not at all without the tuning', () => {
    const values = draw(price(), 'symmetric');
    expect(Math.abs(fitPrice(values, { skew: true })!.skew! - 1)).toBeLessThanOrEqual(0.041);
    expect(fitPrice(values)?.skew).toBeUndefined();
  });
});

describe('still-day spells (stillRun)', () => {
  it('are fitted back from prices drawn with them: the still share within 0.02, the spell within 0.08', () => {
    for (const seed of ['a', 'b']) {
      const fitted = fitPrice(draw(price({ still: 0.1, stillRun: 0.6 }), `still:${seed}`), {
        stillSpells: true,
      });
      expect(Math.abs(fitted!.still - 0.1)).toBeLessThan(0.02);
      expect(Math.abs(fitted!.stillRun! - 0.6)).toBeLessThan(0.08);
    }
  });

  it('read as independent still days when drawn without spells, and are not fitted without the tuning', () => {
    const values = draw(price({ still: 0.1 }), 'still:plain');
    const fitted = fitPrice(values, { stillSpells: true });
    expect(Math.abs(fitted!.stillRun! - 0.1)).toBeLessThan(0.04);
    expect(fitPrice(values)?.stillRun).toBeUndefined();
  });
});

describe('volatility regimes (regimeWindow)', () => {
  it('recovers a stationary GARCH’s dynamics as a whole-series fit does', () => {
    const values = draw(price(), 'regime:stationary');
    const whole = fitPrice(values)!;
    const windowed = fitPrice(values, { regimeWindow: 1000 })!;
    expect(Math.abs(windowed.alpha - 0.05)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(windowed.alpha + windowed.beta - 0.95)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(windowed.alpha - whole.alpha)).toBeLessThanOrEqual(0.03);
  });

  it('does not read a change of calm and turbulent years as day-to-day clustering', () => {
    // Years of independent returns, each at its own volatility (a factor of 3 between calm and turbulent).
    const calm = price({ alpha: 0.01, beta: 0, omega: 0.0001 * 0.99 });
    const wild = price({ alpha: 0.01, beta: 0, omega: 0.0009 * 0.99 });
    const years: number[] = [];
    for (let y = 0; y < 8; y++) {
      const part = draw(y % 2 ? wild : calm, `regime:${y}`, 250);
      const scale = years.length ? years[years.length - 1]! / part[0]! : 1;
      for (const x of part) years.push(x * scale);
    }
    const values = Float64Array.from(years);
    const whole = fitPrice(values)!;
    const windowed = fitPrice(values, { regimeWindow: 250 })!;
    // One target for all years: the regimes read as persistent clustering.
    expect(whole.alpha + whole.beta).toBeGreaterThan(0.9);
    expect(windowed.alpha + windowed.beta).toBeLessThan(whole.alpha + whole.beta);
    expect(windowed.alpha).toBeLessThanOrEqual(0.03);
  });
});

describe('the noise’s autocorrelation read within years (acfWindow)', () => {
  // Daily values: 1 plus a fast AR(1) (0.5) and a slow one (0.97), weights 0.7 and 0.3, then each year's level
  // multiplied by its own factor (a listing's activity growing or fading from year to year).
  const truth = (k: number) => 0.7 * 0.5 ** k + 0.3 * 0.97 ** k;
  function drifting(seed: string, years: number, drift: boolean) {
    const rng = new Random(seed);
    const gauss = () => {
      const u = Math.max(1e-12, rng.next());
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    };
    const n = 252 * years;
    const values = new Float64Array(n);
    const times = Array.from({ length: n }, (_, i) => START + i * DAY);
    let fast = gauss();
    let slow = gauss();
    let factor = 1;
    for (let i = 0; i < n; i++) {
      if (i % 252 === 0) factor = drift ? [1, 1.8, 0.7, 1.4, 0.9, 2.2][(i / 252) % 6]! : 1;
      fast = 0.5 * fast + Math.sqrt(1 - 0.25) * gauss();
      slow = 0.97 * slow + Math.sqrt(1 - 0.97 ** 2) * gauss();
      values[i] = factor * Math.exp(0.3 * (Math.sqrt(0.7) * fast + Math.sqrt(0.3) * slow));
    }
    return { values, times };
  }
  const implied = (acf: number[], k: number) =>
    acf[0]! * smoothArAcf(acf[1]!, acf[3] ?? 0, k) + (1 - acf[0]!) * acf[2]! ** k;
  const fit = (s: { values: Float64Array; times: number[] }, window?: number) =>
    fitSeasonal(s.values, s.times, {
      transform: 'relative',
      stepMs: DAY,
      timeZone: 'UTC',
      ...(window ? { tuning: { acfWindow: window } } : {}),
    })!.acf;

  it('recovers the within-year autocorrelation of a drifting series, which a whole-series read overstates', () => {
    let windowedErr = 0;
    let wholeErr = 0;
    for (const seed of ['a', 'b', 'c']) {
      const s = drifting(`drift:${seed}`, 6, true);
      const windowed = fit(s, 252);
      const whole = fit(s);
      for (const k of [5, 10, 20]) {
        windowedErr += Math.abs(implied(windowed, k) - truth(k)) / 9;
        wholeErr += Math.abs(implied(whole, k) - truth(k)) / 9;
      }
    }
    expect(windowedErr).toBeLessThan(0.06);
    expect(wholeErr).toBeGreaterThan(windowedErr + 0.05);
  });

  it('reads a stationary series about as a whole-series fit does', () => {
    const s = drifting('stationary', 6, false);
    const windowed = fit(s, 252);
    const whole = fit(s);
    for (const k of [1, 5, 20]) {
      expect(Math.abs(implied(windowed, k) - implied(whole, k))).toBeLessThan(0.08);
    }
  });
});

/** A crypto type as the catalog gives it, and fit options for daily series. */
const cryptoType = {
  id: 'crypto_price',
  domain: 'financial',
  bounds: { min: 0, min_exclusive: true },
};
const options = { stepMs: DAY, calendar: 'always' as const, timeZone: 'UTC', source: 'test' };

/** Six coins of four years of daily prices each, drawn from `market`. */
const coinsOf = (market: TypeParams, seed: string) =>
  Array.from({ length: 6 }, (_, i) => ({
    values: Array.from(draw(market, `${seed}:${i}`, 4 * 365 + 1)),
    times: Array.from({ length: 4 * 365 + 1 }, (_, t) => START + t * DAY),
    timeZone: 'UTC',
  }));

describe('the autoregression shared by a type’s series (sharedAr)', () => {
  // Coins drawn with one autoregression for the type and none of their own.
  const coins = (ar: number[] | undefined, seed: string) =>
    coinsOf({ ...price({ alpha: 0.1, beta: 0.85, nu: 4 }), ...(ar ? { ar } : {}) }, seed);

  it('is fitted back from coins drawn with it: lags 1-3 within 0.04, the lags beyond near 0', () => {
    const truth = [0.1, -0.08, 0.06];
    const fitted = fitType(cryptoType, coins(truth, 'shared'), options)!;
    expect(fitted.ar).toHaveLength(48);
    truth.forEach((c, k) => {
      expect(Math.abs(fitted.ar![k]! - c)).toBeLessThan(0.04);
    });
    const beyond = fitted.ar!.slice(3);
    expect(beyond.reduce((s, c) => s + Math.abs(c), 0) / beyond.length).toBeLessThan(0.02);
    for (const s of fitted.series) expect((s as PriceSeriesParams).ar).toBeUndefined();
  });

  it('is drawn for series without their own: their returns carry its autocorrelation', () => {
    const acf2 = (p: TypeParams) => {
      let sum = 0;
      for (const seed of ['a', 'b', 'c']) {
        const r = logReturns(draw(p, `shared-draw:${seed}`));
        const m = r.reduce((s, x) => s + x, 0) / r.length;
        let num = 0;
        let den = 0;
        for (let i = 0; i < r.length; i++) {
          den += (r[i]! - m) ** 2;
          if (i >= 2) num += (r[i]! - m) * (r[i - 2]! - m);
        }
        sum += num / den / 3;
      }
      return sum;
    };
    // AR(2) with phi = (0, 0.15): its autocorrelation at lag 2 is 0.15.
    expect(Math.abs(acf2({ ...price(), ar: [0, 0.15] }) - 0.15)).toBeLessThan(0.03);
    expect(Math.abs(acf2(price()))).toBeLessThan(0.03);
  });

  it('is fitted near zero from coins drawn without it, and not at all for other types', () => {
    const inputs = coins(undefined, 'plain');
    const fitted = fitType(cryptoType, inputs, options)!;
    for (const c of fitted.ar!) expect(Math.abs(c)).toBeLessThan(0.04);
    expect(fitType({ ...cryptoType, id: 'stock_price' }, inputs, options)!.ar).toBeUndefined();
  });
});

describe('the innovation law pooled over a type’s series (pooledInnovations)', () => {
  // A peaked, right-skewed law: an asymmetric Laplace (scale 0.6 below its mode, 0.8 above), read at every
  // percentile; many small falls and fewer, larger rises.
  const laplace = (p: number) => {
    const theta = 0.6 / (0.6 + 0.8);
    return p < theta ? 0.6 * Math.log(p / theta) : -0.8 * Math.log((1 - p) / (1 - theta));
  };
  const law = INNOVATION_PROBS.map(laplace);
  // The law's value at p as drawn: centred and scaled to unit variance (midpoint rule over u, tails included).
  const standardised = (() => {
    const n = 200_000;
    const xs = Array.from({ length: n }, (_, i) => innovationAt(law, 4, (i + 0.5) / n));
    const m = xs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / n);
    return (p: number) => (innovationAt(law, 4, p) - m) / sd;
  })();
  const market = (innovations?: number[]): TypeParams => ({
    ...price({ alpha: 0.05, beta: 0.9, nu: 4 }),
    ...(innovations ? { innovations } : {}),
  });
  const shape = (r: number[]) => {
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / r.length);
    const z = r.map((x) => (x - m) / sd).sort((x, y) => x - y);
    const at = (p: number) => z[Math.floor(p * (z.length - 1))]!;
    return { sd, median: at(0.5), iqr: at(0.75) - at(0.25) };
  };

  it('is fitted back from coins drawn with it: its deciles and quartiles within 0.04', () => {
    const fitted = fitType(cryptoType, coinsOf(market(law), 'law'), options)!;
    expect(fitted.innovations).toHaveLength(INNOVATION_PROBS.length);
    for (const p of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      const k = INNOVATION_PROBS.findIndex((x) => Math.abs(x - p) < 1e-9);
      expect(Math.abs(fitted.innovations![k]! - standardised(p))).toBeLessThan(0.04);
    }
    // Drawn from the t instead, the coins give a symmetric law: median near 0.
    const plain = fitType(cryptoType, coinsOf(market(), 'plain-law'), options)!;
    expect(Math.abs(plain.innovations![49]!)).toBeLessThan(0.04);
  });

  it('is drawn at the returns’ variance, with its median below the mean and a narrower centre than the t', () => {
    const withLaw = shape(logReturns(draw(market(law), 'law-draw', 20_000)));
    const withT = shape(logReturns(draw(market(), 'law-draw', 20_000)));
    expect(withLaw.sd / withT.sd).toBeGreaterThan(0.9);
    expect(withLaw.sd / withT.sd).toBeLessThan(1.1);
    expect(withLaw.median).toBeLessThan(withT.median - 0.05);
    expect(withLaw.iqr).toBeLessThan(withT.iqr - 0.03);
  });

  it('is not fitted for types without the tuning', () => {
    const inputs = coinsOf(market(), 'other');
    expect(
      fitType({ ...cryptoType, id: 'stock_price' }, inputs, options)!.innovations,
    ).toBeUndefined();
  });
});

describe('the precision prices are quoted with (priceDigits)', () => {
  const market = price({ alpha: 0.1, beta: 0.85, nu: 4 });
  // A coin's year: daily moves of about 5%, falling a hundredfold over the year so its lows are far below its
  // mean level.
  const crashing: TypeParams = {
    ...market,
    series: [{ ...(market.series[0] as PriceSeriesParams), omega: 0.0025 * 0.05, mu: -0.018 }],
  };
  const render = (p: TypeParams, seed: string) =>
    renderSeries(
      {
        slot: `s-${seed}`,
        domain: 'financial',
        series_type: 'crypto_price',
        frequency: '1D',
        start: '2024-01-01T00:00:00Z',
        length: 251,
        language: 'en',
      },
      { slot: `s-${seed}`, description: 'test', trend_type: 'none', noise_level: 0.3 },
      new Random(seed),
      { calibration: p, timeZone: 'UTC' },
    ).target;
  const repeats = (xs: readonly number[]) => xs.slice(1).filter((x, i) => x === xs[i]).length;

  it('is fitted as the median significant digits of the prices, at most MAX_PRICE_DIGITS', () => {
    const quoted = (digits: number) =>
      Array.from(draw(market, `digits:${digits}`, 400), (v) => Number(v.toPrecision(digits)));
    expect(priceDigits([quoted(4), quoted(5), quoted(5)])).toBe(5);
    expect(priceDigits([Array.from(draw(market, 'full', 400))])).toBe(MAX_PRICE_DIGITS);
    const coins = coinsOf(market, 'digits-type');
    expect(fitType(cryptoType, coins, options)!.digits).toBe(MAX_PRICE_DIGITS);
    expect(fitType({ ...cryptoType, id: 'stock_price' }, coins, options)!.digits).toBeUndefined();
  });

  it('keeps each drawn price to that many digits of its own, so a falling coin does not repeat its prices', () => {
    let withLevelDigits = 0;
    let withOwnDigits = 0;
    for (let k = 0; k < 20; k++) {
      withLevelDigits += repeats(render(crashing, `crash:${k}`));
      const own = render({ ...crashing, digits: 8 }, `crash:${k}`);
      withOwnDigits += repeats(own);
      for (const v of own) expect(Number(v.toPrecision(8))).toBe(v);
    }
    // Five digits of the mean level leave a coin at a hundredth of it three or fewer: its days round together.
    expect(withLevelDigits).toBeGreaterThan(5);
    expect(withOwnDigits).toBe(0);
  });
});
