import { describe, expect, it } from 'vitest';
import { QUANTILE_PROBS, type SeasonalSeriesParams } from '../src/timeseries/calibrated.ts';
import { drawHourly, everyDay, hourlyType } from './helpers/series.ts';

/**
 * A drawn series' values are put on the blend of two real series' value quantiles (`vq`; docs/timeseries.md,
 * "Value quantiles"). The second series' quantiles are held within the first's bounds before they are blended:
 * a blended quantile beyond the bound was clamped to it, and a drawn series then held its maximum for hours (drawn
 * wind did, for up to 23 hours), a plateau no real series has.
 */

const flat = Array.from({ length: 24 }, () => 1);
const line = (from: number, to: number) =>
  QUANTILE_PROBS.map((_, k) => from + ((to - from) * k) / (QUANTILE_PROBS.length - 1));
/** A relative series with reflecting bounds 0 and `hi`, its values' quantiles from 0.1 to `top`. */
const series = (hi: number, top: number): SeasonalSeriesParams =>
  everyDay(flat, {
    level: 100,
    hsd: flat.map(() => 0.3),
    acf: [0.8, 0.9, 0.99, 0.5],
    lo: 0,
    hi,
    atoms: [0, 0],
    vq: line(0.1, top),
  });

/** The longest run of consecutive equal values. */
const longestRun = (xs: Float64Array) => {
  let run = 1;
  let longest = 1;
  for (let i = 1; i < xs.length; i++) {
    run = xs[i] === xs[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest;
};

describe('blending two series’ value quantiles', () => {
  it('keeps a drawn series under its bound without a plateau at it, whichever series comes first', () => {
    // One series bounded at 2 with quantiles up to 1.95, one whose upper quantiles reach 4.
    const type = hourlyType('relative', series(2, 1.95));
    type.series.push(series(4.1, 4));
    for (let k = 0; k < 20; k++) {
      const drawn = drawHourly(type, `blend-${k}`, 24 * 40);
      const values = drawn.values;
      const max = Math.max(...values);
      expect(longestRun(values)).toBe(1);
      expect(values.filter((v) => v === max)).toHaveLength(1);
    }
  });
});

describe('a bound the data sits on (exactAtoms)', () => {
  // Saturation: 5% of the values at the upper bound 1.25 (100% over a level of 80%), the quantiles reaching it
  // between probabilities 0.95 and 0.975 as a real series' stored quantiles do.
  const saturated = (): SeasonalSeriesParams =>
    everyDay(flat, {
      level: 80,
      hsd: flat.map(() => 0.15),
      acf: [0.8, 0.9, 0.99, 0.5],
      lo: 0.3,
      hi: 1.25,
      atoms: [0, 0.05],
      vq: QUANTILE_PROBS.map((p) => Math.min(1.25, 0.3 + 0.97 * p)),
    });
  const shareAtTop = (exactAtoms: boolean) => {
    const type = { ...hourlyType('relative', saturated()), ...(exactAtoms ? { exactAtoms } : {}) };
    let top = 0;
    let all = 0;
    for (let k = 0; k < 4; k++) {
      const values = drawHourly(type, `atoms-${k}`, 1000).values;
      top += values.filter((v) => Math.abs(v - 100) < 1e-9).length;
      all += values.length;
    }
    return top / all;
  };

  it('draws the bound in its share of the values (5% +- 0.2%), where the quantiles alone draw less', () => {
    expect(Math.abs(shareAtTop(true) - 0.05)).toBeLessThan(0.002);
    expect(shareAtTop(false)).toBeLessThan(0.04);
  });
});
