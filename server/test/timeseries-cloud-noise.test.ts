import { describe, expect, it } from 'vitest';
import type { TypeParams } from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, hourlyType } from './helpers/series.ts';

/**
 * Solar's hourly noise scaled by the day's clearness (`SeasonalSeriesParams.cloud`, docs/timeseries.md): a dull
 * day's hours are calm in absolute terms, a bright day's rough, where additive noise makes both as rough.
 */

function params(cloud: boolean): TypeParams {
  // A bell from 06:00 to 18:00 with mean 1 over the day; one mode, the bell's own shape (unit length).
  const bell = Array.from({ length: 24 }, (_, h) =>
    h > 6 && h < 18 ? Math.sin((Math.PI * (h - 6)) / 12) : 0,
  );
  const total = bell.reduce((a, b) => a + b, 0);
  const d = bell.map((x) => (24 * x) / total);
  const norm = Math.sqrt(d.reduce((a, b) => a + b * b, 0));
  return hourlyType(
    'relative',
    everyDay(d, {
      level: 10,
      hsd: d.map((x) => 0.15 * x),
      // Rough hourly noise: its steps show the noise's size.
      acf: [1, 0.3, 0.99, 0],
      lo: 0,
      hi: 20,
      // The day's level over the profile: 1 plus a score of standard deviation 0.4 (a day's clearness).
      modes: [[0.4 * norm, 0.3, ...d.map((x) => x / norm)]],
      ...(cloud ? { cloud: true } : {}),
    }),
  );
}

/**
 * Each full day's output and the mean absolute second difference over its daylight hours (the bell's own is
 * small beside the noise's).
 */
function days(values: Float64Array): { total: number; step: number }[] {
  const out: { total: number; step: number }[] = [];
  for (let i = 0; i + 24 <= values.length; i += 24) {
    let total = 0;
    let step = 0;
    for (let h = 0; h < 24; h++) total += values[i + h]!;
    for (let h = 8; h < 16; h++) {
      step += Math.abs(values[i + h + 1]! - 2 * values[i + h]! + values[i + h - 1]!);
    }
    out.push({ total, step: step / 8 });
  }
  return out;
}

/** Mean daylight roughness of the dullest third of the days over that of the brightest third. */
function dullOverBright(cloud: boolean): number {
  const all: { total: number; step: number }[] = [];
  for (let k = 0; k < 4; k++) {
    const series = drawHourly(params(cloud), `cloud:${k}`, 24 * 7 * 26);
    all.push(...days(series.values));
  }
  all.sort((a, b) => a.total - b.total);
  const third = Math.floor(all.length / 3);
  const meanStep = (xs: { step: number }[]) => xs.reduce((a, x) => a + x.step, 0) / xs.length;
  return meanStep(all.slice(0, third)) / meanStep(all.slice(-third));
}

describe('solar noise scaled by the day clearness', () => {
  it('draws dull days calm and bright days rough', () => {
    // Additive noise: the bell's own curvature differs a little with the day's level, the noise not at all.
    const additive = dullOverBright(false);
    const scaled = dullOverBright(true);
    expect(additive).toBeGreaterThan(0.8);
    expect(scaled).toBeLessThan(0.6);
    expect(scaled).toBeLessThan(additive - 0.3);
  });
});
