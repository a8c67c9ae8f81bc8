import { describe, expect, it } from 'vitest';
import {
  fitSeasonal,
  QUANTILE_PROBS,
  type SeasonalSeriesParams,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, HOUR, hourlyType, NORMAL_Q } from './helpers/series.ts';

/**
 * The calibrated engine's day-shape modes and value quantiles (docs/timeseries.md, "The calibrated
 * engine"): series drawn with known values of them are fitted back to those values, within stated tolerances.
 */

/** A solar-like bell (off from 18:00 to 06:00), with mean 1 over the day. */
const BELL = (() => {
  const raw = Array.from({ length: 24 }, (_, h) =>
    h > 6 && h < 18 ? Math.sin((Math.PI * (h - 6)) / 12) : 0,
  );
  const m = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((x) => x / m);
})();
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
/** The two modes drawn: the bell scaled (a sunnier day), and the day's output moved toward the morning. */
const SCALE_MODE = unit(BELL);
const SHIFT_MODE = unit(BELL.map((x, h) => (x > 0 ? x * Math.cos((Math.PI * (h - 6)) / 12) : 0)));

function solar(extra: Partial<SeasonalSeriesParams>): TypeParams {
  return hourlyType(
    'relative',
    everyDay(BELL, {
      level: 100,
      hsd: BELL.map((x) => (x > 0 ? 0.02 : 0)),
      acf: [1, 0.6, 0.9, 0.5],
      lo: 0,
      hi: 10,
      atoms: [0, 0],
      ...extra,
    }),
  );
}

const fit = (
  d: { values: Float64Array; times: number[] },
  transform: 'relative' | 'standardised',
) => fitSeasonal(d.values, d.times, { transform, stepMs: HOUR, timeZone: 'UTC' })!;

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('day-shape modes (series off at night)', () => {
  it('recovers the leading mode: loadings (|cosine| > 0.95), sd within 25%, day-to-day autocorrelation within 0.25', () => {
    const truth = [
      [0.8, 0.6, ...SCALE_MODE],
      [0.3, 0.3, ...SHIFT_MODE],
    ];
    const fitted = fit(drawHourly(solar({ modes: truth }), 'recover-modes', 24 * 120), 'relative');
    expect(fitted.modes).toBeDefined();
    const [sd, rho, ...loadings] = fitted.modes![0]!;
    expect(Math.abs(dot(loadings, SCALE_MODE))).toBeGreaterThan(0.95);
    expect(Math.abs(sd! - 0.8) / 0.8).toBeLessThan(0.25);
    expect(Math.abs(rho! - 0.6)).toBeLessThan(0.25);
    // The second mode is found too, orthogonal to the first and close to the drawn shift.
    const second = fitted.modes![1]!.slice(2);
    const shift = unit(SHIFT_MODE.map((x, h) => x - dot(SHIFT_MODE, SCALE_MODE) * SCALE_MODE[h]!));
    expect(Math.abs(dot(second, shift))).toBeGreaterThan(0.8);
  });

  it('finds no mode in a series whose days vary only by hourly noise', () => {
    const fitted = fit(
      drawHourly(solar({ acf: [1, 0.2, 0.9, 0] }), 'no-modes', 24 * 60),
      'relative',
    );
    // A mode above the noise edge may appear by chance; it must then carry little of the day.
    const sd = fitted.modes?.[0]?.[0] ?? 0;
    expect(sd).toBeLessThan(0.1);
  });
});

describe('day-shape modes of a series on all day (`FitTuning.dayModes`, heating)', () => {
  /** A heat load on all day: a morning and an evening peak over a base, mean 1. */
  const HEAT = (() => {
    const raw = Array.from(
      { length: 24 },
      (_, h) => 1 + 0.4 * Math.exp(-((h - 7) ** 2) / 4) + 0.3 * Math.exp(-((h - 19) ** 2) / 6),
    );
    const m = raw.reduce((a, b) => a + b, 0) / 24;
    return raw.map((x) => x / m);
  })();
  /** One mode: the evening peak stronger or weaker, for days in a row (day to day 0.8). */
  const EVENING = unit(HEAT.map((_, h) => Math.exp(-((h - 19) ** 2) / 6)));
  const heating = (modes?: number[][], hourly = 0.15) =>
    hourlyType(
      'relative',
      everyDay(HEAT, {
        level: 3,
        hsd: HEAT.map(() => hourly),
        acf: [1, 0.5, 0.9, 0],
        lo: 0,
        hi: 10,
        atoms: [0, 0],
        ...(modes ? { modes } : {}),
      }),
    );
  /** The fit with the day shapes' modes (`dayModes`). */
  const withModes = (drawn: { values: Float64Array; times: number[] }) =>
    fitSeasonal(drawn.values, drawn.times, {
      transform: 'relative',
      stepMs: HOUR,
      timeZone: 'UTC',
      tuning: { dayModes: true },
    })!;
  const acfAt24 = (values: Float64Array) => {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    let num = 0;
    let den = 0;
    for (let i = 0; i < values.length; i++) {
      den += (values[i]! - m) ** 2;
      if (i >= 24) num += (values[i]! - m) * (values[i - 24]! - m);
    }
    return num / den;
  };

  it('recovers a persistent day shape with the tuning (loadings, sd within 30%, day to day within 0.2), and fits none without it', () => {
    const drawn = drawHourly(heating([[0.6, 0.8, ...EVENING]]), 'heat-modes', 24 * 365);
    const tuned = withModes(drawn);
    expect(tuned.modes).toBeDefined();
    const [sd, rho, ...loadings] = tuned.modes![0]!;
    expect(Math.abs(dot(loadings, EVENING))).toBeGreaterThan(0.9);
    expect(Math.abs(sd! - 0.6) / 0.6).toBeLessThan(0.3);
    expect(Math.abs(rho! - 0.8)).toBeLessThan(0.2);
    expect(fit(drawn, 'relative').modes).toBeUndefined();
  });

  it('reads the day-to-day autocorrelation of 41 days without their short window’s bias (mean of 24 fits within 0.06; the raw reading is about 0.08 low)', () => {
    // 1,000 hours, as a reference window, with little hourly noise (so the days' scores are read nearly exactly):
    // read about their own mean, 41 days' lag-1 autocorrelation of 0.8 comes out about (1 + 3 * 0.8) / 41 = 0.08
    // low, and the fit takes that back.
    const quiet = heating([[0.6, 0.8, ...EVENING]], 0.02);
    const fits = Array.from({ length: 24 }, (_, k) => {
      const drawn = drawHourly(quiet, `heat-window:${k}`, 1000);
      return withModes(drawn).modes![0]![1]!;
    });
    const mean = fits.reduce((x, y) => x + y, 0) / fits.length;
    expect(Math.abs(mean - 0.8)).toBeLessThan(0.06);
  });

  it('gives drawn series their source’s autocorrelation at 24 hours, which the fit without modes loses', () => {
    const source = drawHourly(heating([[0.6, 0.8, ...EVENING]]), 'heat-source', 24 * 120);
    const real = acfAt24(source.values);
    const redraw = (tuning: { dayModes?: boolean }) => {
      const fitted = fitSeasonal(source.values, source.times, {
        transform: 'relative',
        stepMs: HOUR,
        timeZone: 'UTC',
        tuning,
      })!;
      const runs = [0, 1, 2, 3].map((k) =>
        acfAt24(drawHourly(hourlyType('relative', fitted), `heat-redraw-${k}`, 24 * 120).values),
      );
      return runs.reduce((a, b) => a + b, 0) / runs.length;
    };
    expect(Math.abs(redraw({ dayModes: true }) - real)).toBeLessThan(0.05);
    expect(real - redraw({})).toBeGreaterThan(0.05);
  });
});

describe('night zeros', () => {
  it('keeps every hour under the night line at exactly zero, whatever its modes', () => {
    const drawn = drawHourly(solar({ modes: [[0.8, 0.6, ...SCALE_MODE]] }), 'night', 24 * 10);
    for (let i = 0; i < drawn.values.length; i++) {
      if (BELL[i % 24] === 0) expect(drawn.values[i]).toBe(0);
    }
  });
});

describe('value quantiles', () => {
  // A flat, bounded marginal (as of relative humidity): uniform on [-1.7, 1.7] on the common scale.
  const flat = QUANTILE_PROBS.map((p) => -1.7 + 3.4 * p);
  const weather = (vq?: number[]) =>
    hourlyType('standardised', {
      level: 60,
      scale: 15,
      dWk: Array.from({ length: 24 }, (_, h) => 0.5 * Math.sin((2 * Math.PI * h) / 24)),
      dWe: Array.from({ length: 24 }, (_, h) => 0.5 * Math.sin((2 * Math.PI * h) / 24)),
      w: [0, 0, 0, 0, 0, 0, 0],
      hsd: Array(24).fill(0.9),
      q: NORMAL_Q,
      acf: [0.6, 0.8, 0.99, 0.3],
      lo: -3,
      hi: 3,
      atoms: [0, 0],
      ...(vq ? { vq } : {}),
    });
  const tailRatio = (values: Float64Array) => {
    const s = Float64Array.from(values).sort();
    const q = (p: number) => s[Math.floor(p * (s.length - 1))]!;
    return (q(0.99) - q(0.01)) / (q(0.75) - q(0.25));
  };

  it("puts a drawn series' values on the fitted quantiles (tail ratio of a uniform, 1.96 +- 0.1)", () => {
    const drawn = drawHourly(weather(flat), 'vq', 24 * 42).values;
    expect(Math.abs(tailRatio(drawn) - 1.96)).toBeLessThan(0.1);
    // Without them, the same model's values have about a normal's tails (4.65 / 1.35 = 3.45).
    expect(tailRatio(drawHourly(weather(), 'vq', 24 * 42).values)).toBeGreaterThan(2.3);
  });

  it('recovers the value quantiles from a drawn series (each within 0.15 on the common scale)', () => {
    const fitted = fit(drawHourly(weather(flat), 'recover-vq', 24 * 60), 'standardised');
    expect(fitted.vq).toHaveLength(QUANTILE_PROBS.length);
    // The fit standardises by the drawn series' own mean and spread: uniform on [-1.7, 1.7] has sd 0.98.
    const expected = flat.map((x) => x / 0.98);
    QUANTILE_PROBS.forEach((p, k) => {
      if (p < 0.01 || p > 0.99) return;
      expect(Math.abs(fitted.vq![k]! - expected[k]!)).toBeLessThan(0.15);
    });
  });
});
