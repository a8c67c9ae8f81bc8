import { describe, expect, it } from 'vitest';
import { type SeasonalSeriesParams, TYPE_TUNING } from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, fitHourly, hourlyType, NORMAL_Q } from './helpers/series.ts';

/**
 * The sensor types' fitting choices (docs/timeseries.md, "Per-type tuning"): humidity's held readings in runs
 * (`holdSpells`), the step search over the noise's mix (`stepsMix`) and the steady daily cycle of pressure and
 * humidity (`steadyCycle`), each fitted back from series drawn with known parameters.
 */

/** Share of points repeating the previous one, and of those the share that follow a repeat. */
function repeats(xs: ArrayLike<number>): { share: number; run: number } {
  let held = 0;
  let after = 0;
  let before = 0;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] !== xs[i - 1]) continue;
    held++;
    if (i + 1 < xs.length) before++;
    if (i > 1 && xs[i - 1] === xs[i - 2]) after++;
  }
  return { share: held / (xs.length - 1), run: before ? after / before : 0 };
}

/** Mean absolute step over the standard deviation. */
function meanStep(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]! / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2 / xs.length;
  let s = 0;
  for (let i = 1; i < xs.length; i++) s += Math.abs(xs[i]! - xs[i - 1]!);
  return s / (xs.length - 1) / Math.sqrt(v);
}

/** Autocorrelation at one lag. */
function acfAt(xs: ArrayLike<number>, lag: number): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]! / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) den += (xs[i]! - m) ** 2;
  for (let i = lag; i < xs.length; i++) num += (xs[i]! - m) * (xs[i - lag]! - m);
  return num / den;
}

/**
 * A humidity-like source (level 60, a gentle daily cycle every day, the same hourly spread): the held-runs and
 * step-mix tests differ only in its noise's autocorrelation, its upper bound and its held readings.
 */
function humidityLike(
  extra: Pick<SeasonalSeriesParams, 'acf' | 'hi'> & Partial<SeasonalSeriesParams>,
) {
  const d = Array.from({ length: 24 }, (_, h) => 1 + 0.2 * Math.sin((2 * Math.PI * (h - 4)) / 24));
  return hourlyType(
    'relative',
    everyDay(d, { level: 60, hsd: Array(24).fill(0.15), lo: 0.2, atoms: [0, 0], ...extra }),
  );
}

describe('per-type tuning of the sensor types', () => {
  it('recovers held readings that come in runs (share within 0.02, run within 0.05) with `holdSpells`', () => {
    const truth = { hold: 0.2, holdRun: 0.4 };
    const source = humidityLike({ acf: [0.5, 0.8, 0.99, 0.5], hi: 1.6, ...truth });
    const drawn = drawHourly(source, 'held-runs', 24 * 7 * 30);
    // The drawn series holds as the parameters say: a fifth of its points, 40% of them after another.
    const seen = repeats(drawn.values);
    expect(Math.abs(seen.share - truth.hold)).toBeLessThan(0.02);
    expect(Math.abs(seen.run - truth.holdRun)).toBeLessThan(0.05);
    const tuned = fitHourly(drawn, 'relative', { holdSpells: true });
    expect(Math.abs(tuned.hold! - truth.hold)).toBeLessThan(0.02);
    expect(Math.abs(tuned.holdRun! - truth.holdRun)).toBeLessThan(0.05);
    // Without the choice, the held points are independent: no runs are fitted.
    expect(fitHourly(drawn, 'relative').holdRun).toBeUndefined();
    // Drawn back from the fit, the runs are there.
    const again = repeats(drawHourly(hourlyType('relative', tuned), 'again', 24 * 7 * 30).values);
    expect(Math.abs(again.run - truth.holdRun)).toBeLessThan(0.06);
  });

  it('draws steps and short-lag persistence like the source (within 5% and 0.02) with `stepsMix`', () => {
    const length = 1000;
    // A rough, short-lived part (a fifth of the noise) over a persistent one, as humidity read from whole degrees.
    const source = humidityLike({ acf: [0.2, 0.3, 0.98, 0], hi: 1.8 });
    const drawn = drawHourly(source, 'mix', length);
    const tuned = fitHourly(drawn, 'relative', { steps: 'vol', stepsMix: true });
    const stats = (p: typeof source) => {
      let step = 0;
      let lag2 = 0;
      for (let k = 0; k < 8; k++) {
        const xs = drawHourly(p, `check:${k}`, length).values;
        step += meanStep(xs) / 8;
        lag2 += acfAt(xs, 2) / 8;
      }
      return { step, lag2 };
    };
    const real = { step: meanStep(drawn.values), lag2: acfAt(drawn.values, 2) };
    const back = stats(hourlyType('relative', tuned));
    expect(Math.abs(Math.log(back.step / real.step))).toBeLessThan(0.05);
    expect(Math.abs(back.lag2 - real.lag2)).toBeLessThan(0.02);
  });

  it('fits no day amplitude with `steadyCycle`, where the default recovers one (within 0.15)', () => {
    // A daily swing whose amplitude varies from day to day (sd 0.5, day-to-day 0.3) under slow swings.
    const d = Array.from({ length: 24 }, (_, h) => 0.8 * Math.sin((2 * Math.PI * (h - 9)) / 24));
    const source = hourlyType('standardised', {
      level: 1010,
      scale: 7,
      dWk: d,
      dWe: d,
      w: [0, 0, 0, 0, 0, 0, 0],
      hsd: Array(24).fill(1),
      q: NORMAL_Q,
      acf: [1, 0.975, 0.9, 0.92],
      lo: -3,
      hi: 3,
      atoms: [0, 0],
      amp: [0.5, 0.3],
    });
    expect(TYPE_TUNING.pressure?.steadyCycle).toBe(true);
    expect(TYPE_TUNING.humidity?.steadyCycle).toBe(true);
    for (const seed of ['tide:0', 'tide:1', 'tide:2']) {
      const drawn = drawHourly(source, seed, 1000);
      const free = fitHourly(drawn, 'standardised');
      expect(free.amp).toBeDefined();
      expect(Math.abs(free.amp![0] - 0.5)).toBeLessThan(0.15);
      // The choice fits none, whatever a day's projection reads.
      expect(fitHourly(drawn, 'standardised', { steadyCycle: true }).amp).toBeUndefined();
    }
  });
});
