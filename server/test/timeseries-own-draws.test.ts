import { describe, expect, it } from 'vitest';
import { simSeed, TYPE_TUNING } from '../src/timeseries/calibrated.ts';
import { drawHourly, fitHourly, wholeUnitWeather } from './helpers/series.ts';

/**
 * `FitTuning.ownDraws` (docs/timeseries.md, "Humidity: each series checked on draws of its own"): each series' simulation checks draw series of their
 * own instead of the four every series of the type shares.
 */

// Whole-unit readings on a bounded scale, as relative humidity: the step search settles the noise by drawing.
const source = wholeUnitWeather();

function series(seed: string) {
  const drawn = drawHourly(source, seed, 24 * 7 * 6);
  return { values: drawn.values.map((v) => Math.round(v)), times: drawn.times };
}

describe("each series' own simulation draws (ownDraws)", () => {
  it('is humidity’s choice only', () => {
    expect(TYPE_TUNING.humidity?.ownDraws).toBe(true);
    const others = Object.entries(TYPE_TUNING).filter(([, t]) => t.ownDraws);
    expect(others.map(([id]) => id)).toEqual(['humidity']);
  });

  it('leaves every other fit on the shared draws', () => {
    // A series no fit registered: the check's name and the draw's number, the same for every series of a type.
    expect(simSeed('fit', Float64Array.of(0.1, 0.2), 3)).toBe('fit:3');
    expect(simSeed('fit', Float64Array.of(0.5, -1), 3)).toBe('fit:3');
  });

  it('checks the fit on draws of its own, the same on every rebuild', () => {
    const a = series('own:a');
    const shared = fitHourly(a, 'standardised', { steps: 'vol' });
    const own = fitHourly(a, 'standardised', { steps: 'vol', ownDraws: true });
    // Other draws, so the step search lands elsewhere; the same draws again, so a rebuild writes the same bytes.
    expect(JSON.stringify(own)).not.toBe(JSON.stringify(shared));
    expect(JSON.stringify(fitHourly(a, 'standardised', { steps: 'vol', ownDraws: true }))).toBe(
      JSON.stringify(own),
    );
  });
});
