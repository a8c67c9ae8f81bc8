import { describe, expect, it } from 'vitest';
import {
  type SeasonalSeriesParams,
  seasonTrendAt,
  TYPE_TUNING,
} from '../src/timeseries/calibrated.ts';
import { seasonalStrength } from '../src/validation/series/stats.ts';
import {
  drawHourly,
  fitHourly,
  HOUR,
  hourlyType,
  START,
  standardisedWeather,
} from './helpers/series.ts';

/**
 * A temperature's days (docs/timeseries.md, "Temperature: the season, gliding days and calm days"): the season's
 * trend within a series (`trend`), a day's swing gliding from noon to noon (`glide`) and the noise scaling with the
 * day's swing (`calm`).
 */

const DAY = 24 * HOUR;
// Coolest at 05:00, warmest at 15:00 (standardised units).
const CYCLE = Array.from({ length: 24 }, (_, h) => 0.9 * Math.sin((2 * Math.PI * (h - 9)) / 24));

const weather = (fields: Partial<SeasonalSeriesParams>) =>
  standardisedWeather(CYCLE, {
    level: 12,
    scale: 5,
    hsd: Array(24).fill(0.35),
    acf: [0.6, 0.9, 0.995, 0.8],
    ...fields,
  });

describe("the season's trend", () => {
  it('recovers a slope of 0.05 per day from 1,000-hour series (mean of four within 0.012), none without the choice', () => {
    expect(TYPE_TUNING.temperature?.seasonTrend).toBe(true);
    const source = weather({ trend: 0.05 });
    const slopes: number[] = [];
    for (let k = 0; k < 4; k++) {
      const drawn = drawHourly(source, `trend:${k}`, 1000);
      const fitted = fitHourly(drawn, 'standardised', { seasonTrend: true });
      expect(fitted.trend).toBeDefined();
      // The fit's common scale is the drawn series' own spread; the source's is 5.
      const own = Math.sqrt(
        drawn.values.reduce((a, v) => a + (v - 12) ** 2, 0) / drawn.values.length,
      );
      slopes.push((fitted.trend! * own) / 5);
      expect(fitHourly(drawn, 'standardised').trend).toBeUndefined();
    }
    const meanSlope = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    expect(Math.abs(meanSlope - 0.05)).toBeLessThan(0.012);
  });

  it('draws a straight line over weeks and a yearly cycle over a year, not a line running off', () => {
    // At two weeks from the middle the sine is within 1% of the line, at three within 2.5%.
    const mid = START + 500 * HOUR;
    const line = (days: number) => seasonTrendAt(0.05, mid + days * DAY, mid) / (0.05 * days);
    expect(Math.abs(line(14) - 1)).toBeLessThan(0.01);
    expect(Math.abs(line(-21) - 1)).toBeLessThan(0.025);
    // A year of hours: the daily means swing by about twice 0.05 / (2 pi / 365.25) = 2.9 standard units (times
    // the scale, 5), not 0.05 x 365 = 18 of them.
    const year = drawHourly(weather({ trend: 0.05 }), 'trend:year', 24 * 365).values;
    const means: number[] = [];
    for (let d = 0; d < 365; d++) {
      let s = 0;
      for (let h = 0; h < 24; h++) s += year[d * 24 + h]!;
      means.push(s / 24 / 5);
    }
    const span = Math.max(...means) - Math.min(...means);
    expect(span).toBeGreaterThan(4.5);
    expect(span).toBeLessThan(9);
  });
});

/** Mean absolute step into each hour of the day, over `seeds` drawn series of 60 days. */
function stepsByHour(fields: Partial<SeasonalSeriesParams>, seeds: number): number[] {
  const sum = new Array<number>(24).fill(0);
  let days = 0;
  for (let k = 0; k < seeds; k++) {
    const v = drawHourly(weather(fields), `glide:${k}`, 24 * 60).values;
    for (let i = 1; i < v.length; i++) sum[i % 24]! += Math.abs(v[i]! - v[i - 1]!);
    days += 59;
  }
  return sum.map((s) => s / days);
}

describe("a day's swing gliding from noon to noon", () => {
  it('does not jump at midnight, where a switching swing does (step into 00:00 over those into 23:00 and 01:00)', () => {
    // A swing that varies widely from day to day, under a small smooth noise.
    const fields = { amp: [0.6, 0] as [number, number], hsd: Array(24).fill(0.1) };
    const jump = (s: number[]) => s[0]! / ((s[23]! + s[1]!) / 2);
    const switching = jump(stepsByHour(fields, 4));
    const gliding = jump(stepsByHour({ ...fields, glide: true }, 4));
    expect(switching).toBeGreaterThan(2);
    expect(gliding).toBeLessThan(1.3);
  });
});

/** A drawn series read at its resolution (whole degrees), as a meter reads it. */
function read(drawn: ReturnType<typeof drawHourly>) {
  const step = drawn.resolution;
  return { ...drawn, values: drawn.values.map((v) => Math.round(v / step) * step) };
}

/** Each whole day's range of values and the mean absolute second difference of its hours (the noise's roughness). */
function days(values: Float64Array): { range: number; rough: number }[] {
  const out: { range: number; rough: number }[] = [];
  for (let i = 1; i + 25 <= values.length; i += 24) {
    const day = values.subarray(i, i + 24);
    let rough = 0;
    for (let h = 0; h < 24; h++) {
      rough += Math.abs(values[i + h + 1]! - 2 * values[i + h]! + values[i + h - 1]!);
    }
    out.push({ range: Math.max(...day) - Math.min(...day), rough: rough / 24 });
  }
  return out;
}

describe('calm days', () => {
  // A swing varying by 0.6 from day to day, gliding, under a rough noise.
  const fields = {
    amp: [0.6, 0.3] as [number, number],
    glide: true,
    acf: [1, 0.3, 0.99, 0] as [number, number, number, number],
  };

  it('draws the days with the narrowest swing calm when the noise scales with it', () => {
    // The roughness of the narrowest fifth of the days over that of the widest fifth.
    const calmOverLively = (calm: number) => {
      const all: { range: number; rough: number }[] = [];
      for (let k = 0; k < 4; k++) {
        all.push(...days(drawHourly(weather({ ...fields, calm }), `calm:${k}`, 24 * 120).values));
      }
      all.sort((a, b) => a.range - b.range);
      const fifth = Math.floor(all.length / 5);
      const rough = (xs: { rough: number }[]) => xs.reduce((a, x) => a + x.rough, 0) / xs.length;
      return rough(all.slice(0, fifth)) / rough(all.slice(-fifth));
    };
    expect(calmOverLively(0)).toBeGreaterThan(0.85);
    expect(calmOverLively(1.5)).toBeLessThan(0.6);
  });

  it("keeps the noise's spread over all days as fitted (root mean square second difference within 8%)", () => {
    const spread = (calm: number) => {
      let s = 0;
      let count = 0;
      for (let k = 0; k < 4; k++) {
        const v = drawHourly(weather({ ...fields, calm }), `spread:${k}`, 24 * 120).values;
        for (let i = 1; i + 1 < v.length; i++) {
          s += (v[i + 1]! - 2 * v[i]! + v[i - 1]!) ** 2;
          count++;
        }
      }
      return Math.sqrt(s / count);
    };
    expect(Math.abs(spread(1.5) / spread(0) - 1)).toBeLessThan(0.08);
  });

  it('fits a power from the grid with the choice, for series with a day amplitude only', () => {
    expect(TYPE_TUNING.temperature?.calmDays).toBe(true);
    const drawn = read(drawHourly(weather({ ...fields, res: 0.2, calm: 1.5 }), 'calm-fit', 1000));
    const fitted = fitHourly(drawn, 'standardised', { ampGlide: true, calmDays: true });
    expect(fitted.amp).toBeDefined();
    expect(fitted.glide).toBe(true);
    expect([undefined, 0.25, 0.5, 0.75, 1, 1.5, 2]).toContain(fitted.calm);
    expect(fitHourly(drawn, 'standardised', { ampGlide: true }).calm).toBeUndefined();
    // A day's swing fitted none (`steadyCycle`): nothing for the noise to scale with.
    const steady = fitHourly(drawn, 'standardised', { steadyCycle: true, calmDays: true });
    expect(steady.amp).toBeUndefined();
    expect(steady.calm).toBeUndefined();
  });
});

describe("a temperature's daily strength, matched by drawing", () => {
  it('gives series drawn from the fit their source’s daily strength within 0.03, closer than the fit without it', () => {
    expect(TYPE_TUNING.temperature?.cycleStrength).toBe(true);
    const strength = (values: ArrayLike<number>) => seasonalStrength(values, 24, 168).daily!;
    const { cycleStrength: _, ...without } = TYPE_TUNING.temperature!;
    let matchedGap = 0;
    let keptGap = 0;
    for (const seed of ['a', 'b', 'c']) {
      // Cloudy and clear days: the day's swing varies from day to day around the cycle.
      const source = drawHourly(weather({ trend: 0.03, amp: [0.45, 0.6] }), `cycle:${seed}`, 1000);
      const real = strength(source.values);
      const drawnFrom = (fitted: SeasonalSeriesParams) => {
        let sum = 0;
        for (let k = 0; k < 4; k++) {
          const p = hourlyType('standardised', fitted);
          sum += strength(drawHourly(p, `cycle:${seed}:${k}`, 1000).values) / 4;
        }
        return sum;
      };
      const matched = drawnFrom(fitHourly(source, 'standardised', TYPE_TUNING.temperature));
      const kept = drawnFrom(fitHourly(source, 'standardised', without));
      expect(Math.abs(matched - real)).toBeLessThan(0.03);
      matchedGap += Math.abs(matched - real);
      keptGap += Math.abs(kept - real);
    }
    expect(matchedGap).toBeLessThan(keptGap);
  });
});
