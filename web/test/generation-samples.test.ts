import { describe, expect, it } from 'vitest';
import {
  appendSample,
  clockLabel,
  MAX_PAGE_SAMPLES,
  niceMax,
  type ProgressSample,
  sampleChart,
} from '../src/lib/generation/samples.ts';

const sample = (t: number, accepted = t): ProgressSample => ({
  t,
  accepted,
  itemsPerMinute: t * 2,
  costUsd: t / 100,
  throttles: Math.floor(t / 10),
});

describe('job progress samples', () => {
  it('appends live samples at most every 2 s, the newest always last, and stays bounded', () => {
    let list: ProgressSample[] = [sample(0), sample(2)];
    list = appendSample(list, sample(3));
    expect(list.map((s) => s.t)).toEqual([0, 3]);
    list = appendSample(list, sample(6));
    expect(list.map((s) => s.t)).toEqual([0, 3, 6]);
    // An older event (a reconnect replaying) changes nothing.
    expect(appendSample(list, sample(1)).map((s) => s.t)).toEqual([0, 3, 6]);
    for (let t = 10; t < 2000; t += 3) list = appendSample(list, sample(t));
    expect(list.length).toBeLessThanOrEqual(MAX_PAGE_SAMPLES);
    expect(list[0]?.t).toBe(0);
    expect(list.at(-1)?.t).toBe(1999);
  });

  it('shapes one figure into a line with unique clock labels and a round axis', () => {
    const chart = sampleChart([sample(0), sample(0.4), sample(65), sample(3700)], 'itemsPerMinute');
    expect(chart.points).toEqual([
      { x: '0:00', y: 0.8 },
      { x: '1:05', y: 130 },
      { x: '1:01:40', y: 7400 },
    ]);
    expect(chart.yMax).toBe(10000);
    expect(chart.xTicks.at(-1)).toBe('1:01:40');
    expect(clockLabel(59.6)).toBe('1:00');
    expect(niceMax(0)).toBe(1);
    expect(niceMax(0.03)).toBeCloseTo(0.05);
    expect(niceMax(120)).toBe(200);
  });
});
