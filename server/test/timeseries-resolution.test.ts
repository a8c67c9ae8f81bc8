import { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import { describe, expect, it } from 'vitest';
import { parseSeriesAnswer } from '../src/generation/parse.ts';
import { answerSeries } from '../src/llm/local/series/answer.ts';
import {
  fitSeasonal,
  gridStep,
  niceStep,
  renderCalibrated,
  type SeasonalSeriesParams,
  stepVolatility,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { shippedCalibration } from '../src/timeseries/params.ts';

/**
 * What the calibrated engine keeps of how real series are read (docs/timeseries.md): the meter's resolution (whole
 * degrees, whole hPa: values repeat), bounds the data sits on versus bounds it only touches, values held between
 * readings, and calm and active spells in the steps. Each is fitted back from series drawn with a known value.
 */

const HOUR = 3_600_000;
const START = Date.parse('2025-01-06T00:00:00Z');
const NORMAL_Q = [
  -3.09, -2.326, -1.96, -1.645, -1.2816, -0.8416, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.8416,
  1.2816, 1.645, 1.96, 2.326, 3.09,
];

function standardised(series: Partial<SeasonalSeriesParams>): TypeParams {
  const d = Array.from({ length: 24 }, (_, h) => 0.8 * Math.sin((2 * Math.PI * (h - 9)) / 24));
  return {
    kind: 'seasonal',
    transform: 'standardised',
    stepMs: HOUR,
    calendar: 'always',
    timeZone: 'UTC',
    levelScale: 1,
    source: 'test',
    series: [
      {
        level: 12,
        scale: 5,
        dWk: d,
        dWe: d,
        w: [0, 0, 0, 0, 0, 0, 0],
        hsd: Array(24).fill(0.6),
        q: NORMAL_Q,
        acf: [0.5, 0.9, 0.99, 0.8],
        lo: -4,
        hi: 4,
        ...series,
      },
    ],
  };
}

function draw(p: TypeParams, seed: string, length = 24 * 7 * 12) {
  return renderCalibrated(
    p,
    { length, startMs: START, stepMs: HOUR, timeZone: 'UTC', extensive: false },
    new Random(seed),
  );
}

function repeatShare(values: ArrayLike<number>): number {
  let repeats = 0;
  for (let i = 1; i < values.length; i++) if (values[i] === values[i - 1]) repeats++;
  return repeats / (values.length - 1);
}

function longestRun(values: ArrayLike<number>, value: number): number {
  let run = 0;
  let longest = 0;
  for (let i = 0; i < values.length; i++) {
    run = values[i] === value ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

describe('resolution, bounds, held values and step volatility', () => {
  it('finds the grid a series was read at, and snaps a resolution to 1-2-5 steps', () => {
    expect(gridStep([1019.8, 1019.5, 1020.1, 1018.9])).toBe(0.1);
    expect(gridStep([3, -2, 0, 17])).toBe(1);
    expect(gridStep([450, 460, 480, 500])).toBe(10);
    expect(gridStep([0.123, 0.5, 1.7])).toBe(0);
    expect(niceStep(0.93)).toBe(1);
    expect(niceStep(0.17)).toBe(0.2);
    expect(niceStep(4.2)).toBe(5);
    expect(niceStep(0)).toBe(0);
  });

  it('fits the resolution of whole-degree readings and draws series that repeat as they do', () => {
    const drawn = draw(standardised({}), 'whole-degrees');
    const read = Array.from(drawn.values, (x) => Math.round(x));
    const fitted = fitSeasonal(read, drawn.times, {
      transform: 'standardised',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    // One degree on a series with a standard deviation of about 5: ~0.2 on the common scale.
    expect(fitted.res).toBeGreaterThan(0.1);
    expect(fitted.res).toBeLessThan(0.4);
    expect(fitted.hold).toBeUndefined();
    const again = draw({ ...standardised({}), series: [fitted] }, 'again');
    expect(again.resolution).toBe(1);
    const rounded = Array.from(again.values, (x) => Math.round(x / again.resolution));
    // Real whole-degree readings repeat often; the drawn ones, read at the same step, too (within 0.1).
    expect(Math.abs(repeatShare(rounded) - repeatShare(read))).toBeLessThan(0.1);
    expect(repeatShare(rounded)).toBeGreaterThan(0.1);
  });

  it('clamps at a bound the data sits on and reflects at one it only touches', () => {
    // The same process, with bounds inside its range: as atoms (the data sits on them) and as edges.
    const atoms = draw(standardised({ lo: -1, hi: 1, atoms: [0.2, 0.2] }), 'bounds');
    const edges = draw(standardised({ lo: -1, hi: 1, atoms: [0, 0] }), 'bounds');
    const lo = 12 - 1 * 5;
    expect(longestRun(atoms.values, lo)).toBeGreaterThan(5);
    expect(longestRun(edges.values, lo)).toBeLessThanOrEqual(1);
    for (const x of edges.values) {
      expect(x).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(x).toBeLessThanOrEqual(12 + 1 * 5 + 1e-9);
    }
    // A series fitted on data that sits on its minimum (zeros) records the atom; one that touches it once does not.
    const base = draw(standardised({}), 'atoms');
    const floored = Array.from(base.values, (x) => Math.max(10, x));
    const fitFloored = fitSeasonal(floored, base.times, {
      transform: 'standardised',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    const fitFree = fitSeasonal(base.values, base.times, {
      transform: 'standardised',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    expect(fitFloored.atoms![0]).toBeGreaterThan(0.1);
    expect(fitFree.atoms![0]).toBeLessThan(0.01);
  });

  it('fits the share of held values of a series that is not on a coarse grid (within 0.04)', () => {
    const truth = 0.2;
    const drawn = draw(standardised({ hold: truth }), 'held');
    expect(Math.abs(repeatShare(drawn.values) - truth)).toBeLessThan(0.04);
    const fitted = fitSeasonal(drawn.values, drawn.times, {
      transform: 'standardised',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    expect(fitted.res).toBeUndefined();
    expect(Math.abs(fitted.hold! - truth)).toBeLessThan(0.04);
    // Without holds, none is fitted.
    const plain = draw(standardised({}), 'plain');
    const fittedPlain = fitSeasonal(plain.values, plain.times, {
      transform: 'standardised',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    expect(fittedPlain.hold).toBeUndefined();
  });

  it('recovers the volatility of the steps (within 0.15), and finds none in Gaussian steps', () => {
    // A flat profile, so the steps are the noise's.
    const flat = { dWk: Array(24).fill(0), dWe: Array(24).fill(0) };
    const fit = (p: TypeParams, seed: string) => {
      const drawn = draw(p, seed, 24 * 7 * 30);
      return fitSeasonal(drawn.values, drawn.times, {
        transform: 'standardised',
        stepMs: HOUR,
        timeZone: 'UTC',
      })!;
    };
    const withVol = fit(standardised({ ...flat, vol: [0.6, 0.98] }), 'vol');
    expect(withVol.vol).toBeDefined();
    expect(Math.abs(withVol.vol![0] - 0.6)).toBeLessThan(0.15);
    const gaussian = fit(standardised({ ...flat }), 'no-vol');
    expect(gaussian.vol === undefined || gaussian.vol[0] < 0.2).toBe(true);
    // The measured volatility of the steps themselves (before the fit's correction for the renderer).
    const steps = draw(standardised({ ...flat, vol: [0.6, 0.98] }), 'vol', 24 * 7 * 30);
    expect(stepVolatility(Array.from(steps.values, (x) => (x - 12) / 5))![0]).toBeGreaterThan(0.3);
  });

  it('writes calibrated temperature at the resolution of its meter through the job path', async () => {
    const shipped = shippedCalibration();
    expect(shipped?.temperature).toBeDefined();
    const slots: SeriesSlot[] = Array.from({ length: 10 }, (_, i) => ({
      slot: `t${i}`,
      domain: 'sensors',
      series_type: 'temperature',
      frequency: '1H',
      start: '2025-01-06T00:00:00Z',
      length: 24 * 21,
      language: 'en',
      calibrated: true,
      anomalies: false,
      time_zone: shipped!.temperature!.timeZone,
    }));
    const answer = answerSeries(slots, 'resolution');
    const outcomes = await parseSeriesAnswer(
      { text: JSON.stringify(answer), stopReason: 'end_turn' },
      slots,
      { id: 1, seed: 1, calibration: shipped, anomalies: false },
      (slot) => ({
        model: 'local',
        provider: 'local',
        created_at: '2025-01-01T00:00:00Z',
        slot: slot.slot,
      }),
    );
    let repeats = 0;
    let points = 0;
    for (const o of outcomes) {
      expect(o.ok).toBe(true);
      if (!o.ok) continue;
      const values = o.item.target as number[];
      // Every value is a whole multiple of a 1-2-5 step no finer than 0.1 degree.
      expect(gridStep(values)).toBeGreaterThanOrEqual(0.1);
      repeats += repeatShare(values) * (values.length - 1);
      points += values.length - 1;
    }
    // Whole-degree and 0.1-degree stations repeat their reading from one hour to the next.
    expect(repeats / points).toBeGreaterThan(0.05);
  });
});
