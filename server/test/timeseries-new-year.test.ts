import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import { renderCalibrated, type TypeParams } from '../src/timeseries/calibrated.ts';
import { everyDay, HOUR, hourlyType } from './helpers/series.ts';

/**
 * The calibrated engine's New Year's Day (`hol`, fitted for electricity from the reference's first day;
 * docs/timeseries.md, "The reference's first day (electricity)"): on 1 January a drawn load takes its Sunday shape
 * scaled hour by hour, and any other day is drawn as without it.
 */

const WORKDAY = Array.from({ length: 24 }, (_, h) => 1 + 0.5 * Math.sin((Math.PI * h) / 12));
const SUNDAY = WORKDAY.map((x) => 0.6 * x + 0.4);
const HOL = Array.from({ length: 24 }, (_, h) => (h < 6 ? 1.1 : 0.7));

const load = (hsd: number, hol?: number[]): TypeParams =>
  hourlyType('relative', {
    ...everyDay(WORKDAY, {
      level: 10,
      hsd: WORKDAY.map(() => hsd),
      acf: [0.6, 0.5, 0.98],
      lo: 0,
      hi: 5,
      atoms: [0, 0],
      ...(hol ? { hol } : {}),
    }),
    dWe: SUNDAY,
  });

const draw = (p: TypeParams, from: string, days: number) =>
  renderCalibrated(
    p,
    {
      length: 24 * days,
      startMs: Date.parse(from),
      stepMs: HOUR,
      timeZone: 'UTC',
      extensive: false,
    },
    new Random('new-year'),
  ).values;

describe("New Year's Day (electricity)", () => {
  it('draws 1 January as the Sunday shape times its factors, and the other days as without them', () => {
    // Monday 30 December 2024 to Sunday 5 January 2025, no noise: the values are the profile itself.
    const plain = draw(load(0), '2024-12-30T00:00:00Z', 7);
    const holiday = draw(load(0, HOL), '2024-12-30T00:00:00Z', 7);
    for (let i = 0; i < plain.length; i++) {
      const day = Math.floor(i / 24);
      const h = i % 24;
      // Day 2 is Wednesday 1 January, day 6 Sunday 5 January.
      if (day === 2) expect(holiday[i]).toBeCloseTo(holiday[6 * 24 + h]! * HOL[h]!, 9);
      else expect(holiday[i]).toBe(plain[i]);
    }
  });

  it('changes nothing, the noise included, in a window without 1 January', () => {
    const plain = draw(load(0.1), '2025-01-06T00:00:00Z', 40);
    const holiday = draw(load(0.1, HOL), '2025-01-06T00:00:00Z', 40);
    expect(Array.from(holiday)).toEqual(Array.from(plain));
  });
});
