import { Random } from '@genesis/schema/random';
import type { SeriesSlot } from '@genesis/schema/request';
import { describe, expect, it } from 'vitest';
import { parseSeriesAnswer } from '../src/generation/parse.ts';
import { answerSeries } from '../src/llm/local/series/answer.ts';
import {
  fitSeasonal,
  localClock,
  renderCalibrated,
  type SeasonalSeriesParams,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { shippedCalibration } from '../src/timeseries/params.ts';
import { HOUR, hourlyType, NORMAL_Q, START } from './helpers/series.ts';

/** A known parameter set: a daily sine profile, weekend level 0.8, AR mixture (0.6, 0.5, 0.98). */
function known(): TypeParams {
  const d = Array.from({ length: 24 }, (_, h) => 1 + 0.4 * Math.sin((2 * Math.PI * (h - 6)) / 24));
  const series: SeasonalSeriesParams = {
    level: 100,
    scale: 0,
    dWk: d,
    dWe: d,
    w: [0.8, 1.04, 1.04, 1.04, 1.04, 1.04, 0.8],
    hsd: Array(24).fill(0.1),
    q: NORMAL_Q,
    acf: [0.6, 0.5, 0.98],
    lo: 0,
    hi: 10,
  };
  return hourlyType('relative', series);
}

describe('calibrated engine', () => {
  it('recovers the parameters series were generated with (profile within 0.05, weekend level within 0.05, lag-1 ACF within 0.1)', () => {
    const params = known();
    const drawn = renderCalibrated(
      params,
      { length: 24 * 7 * 12, startMs: START, stepMs: HOUR, timeZone: 'UTC', extensive: false },
      new Random('recover'),
    );
    const fitted = fitSeasonal(drawn.values, drawn.times, {
      transform: 'relative',
      stepMs: HOUR,
      timeZone: 'UTC',
    })!;
    const truth = params.series[0] as SeasonalSeriesParams;
    for (let h = 0; h < 24; h++)
      expect(Math.abs(fitted.dWk[h]! - truth.dWk[h]!)).toBeLessThan(0.05);
    expect(Math.abs(fitted.w[0]! / fitted.w[3]! - 0.8 / 1.04)).toBeLessThan(0.05);
    const lag1 = (a: readonly number[]) => a[0]! * a[1]! + (1 - a[0]!) * a[2]!;
    expect(Math.abs(lag1(fitted.acf) - lag1(truth.acf))).toBeLessThan(0.1);
  });

  it('skips weekends on trading-day series and keeps solar at zero at night in the series time zone', () => {
    const shipped = shippedCalibration();
    expect(shipped).not.toBeNull();
    const stock = renderCalibrated(
      shipped!.stock_price!,
      { length: 60, startMs: START, stepMs: 86_400_000, timeZone: 'UTC', extensive: false },
      new Random('stock'),
    );
    for (const t of stock.times) expect([1, 2, 3, 4, 5]).toContain(new Date(t).getUTCDay());
    const zone = shipped!.solar_generation!.timeZone;
    const clock = localClock(zone);
    for (let k = 0; k < 5; k++) {
      const solar = renderCalibrated(
        shipped!.solar_generation!,
        { length: 24 * 21, startMs: START, stepMs: HOUR, timeZone: zone, extensive: false },
        new Random(`solar${k}`),
      );
      solar.times.forEach((t, i) => {
        const { hour } = clock(t);
        if (hour <= 2 || hour >= 23) expect(solar.values[i]).toBe(0);
      });
    }
  });

  it('renders no anomaly when none was requested, and labels them when they were', async () => {
    const slots: SeriesSlot[] = Array.from({ length: 40 }, (_, i) => ({
      slot: `s${i}`,
      domain: 'electricity',
      series_type: 'residential_consumption',
      frequency: '1H',
      start: '2025-01-06T00:00:00Z',
      length: 24 * 21,
      language: 'en',
      calibrated: true,
      anomalies: i % 2 === 0,
    }));
    const answer = answerSeries(slots, 'anomalies');
    // Whatever the writer says, a slot without anomalies gets none.
    for (const s of answer.scenarios) s.anomalies = [{ type: 'spike', position: 0.5 }];
    const outcomes = await parseSeriesAnswer(
      { text: JSON.stringify(answer), stopReason: 'end_turn' },
      slots,
      { id: 1, seed: 1 },
      (slot) => ({
        model: 'local',
        provider: 'local',
        created_at: '2025-01-01T00:00:00Z',
        slot: slot.slot,
      }),
    );
    outcomes.forEach((o, i) => {
      expect(o.ok).toBe(true);
      if (!o.ok) return;
      expect(o.item.anomalies.length > 0).toBe(i % 2 === 0);
      expect(o.item.length).toBe(24 * 21);
    });
  });
});
