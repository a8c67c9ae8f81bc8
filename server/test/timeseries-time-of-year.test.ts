import { Random } from '@genesis/schema/random';
import { describe, expect, it } from 'vitest';
import {
  dayOfYearOf,
  fitType,
  renderCalibrated,
  SEASON_FEWEST,
  type SeasonalSeriesParams,
  seasonalPool,
  type TypeParams,
} from '../src/timeseries/calibrated.ts';
import { shippedCalibration } from '../src/timeseries/params.ts';
import { everyDay, HOUR, hourlyType, NORMAL_Q } from './helpers/series.ts';

/**
 * The time of year of the calibrated engine (docs/timeseries.md, "The calibrated engine"): a series fitted on a
 * window shorter than a season keeps the day of the year at its middle (`doy`), and a drawn series takes its
 * parameters from series fitted near its own time of year, so the start date a user asks for sets the season.
 */

const at = (iso: string) => Date.parse(iso);

/** A member fitted at day of year `doy` (only `doy` and `level` matter to the pool). */
function member(doy: number | undefined, level = 1): SeasonalSeriesParams {
  return {
    level,
    scale: 0,
    dWk: [1],
    dWe: [1],
    w: [1, 1, 1, 1, 1, 1, 1],
    hsd: [0.1],
    q: NORMAL_Q,
    acf: [1, 0.5, 0.9],
    lo: 0,
    hi: 5,
    ...(doy === undefined ? {} : { doy }),
  };
}

const hourly = (startIso: string, hours: number) => ({
  startMs: at(startIso),
  stepMs: HOUR,
  length: hours,
});

describe('the time of year of fitted series', () => {
  it('is the day of the year at the middle of a window shorter than a season, and none for a longer one', () => {
    const times = (startIso: string, hours: number) =>
      Array.from({ length: hours }, (_, i) => at(startIso) + i * HOUR);
    // 1,000 hours from 1 April: the middle is 21 April 19:30, day 110.
    expect(dayOfYearOf(times('2017-04-01T00:00:00Z', 1000))).toBe(110);
    // Across New Year: 20 December + 500 hours is 9 January, day 8.
    expect(dayOfYearOf(times('2016-12-20T00:00:00Z', 1000))).toBe(8);
    expect(dayOfYearOf(times('2017-01-01T00:00:00Z', 24 * 200))).toBeNull();
    expect(dayOfYearOf([])).toBeNull();
  });

  it('is recorded by the fit for a window of weeks, not for a year-long one nor for placeholder dates', () => {
    const p = hourlyType(
      'relative',
      everyDay(
        Array.from({ length: 24 }, (_, h) => 1 + 0.3 * Math.sin((Math.PI * (h - 6)) / 12)),
        {
          level: 20,
          hsd: new Array(24).fill(0.1),
          acf: [0.7, 0.5, 0.95, 0],
          lo: 0.1,
          hi: 4,
          atoms: [0, 0],
        },
      ),
    );
    const draw = (startIso: string, hours: number) =>
      renderCalibrated(
        p,
        { ...hourly(startIso, hours), timeZone: 'UTC', extensive: false },
        new Random(startIso),
      );
    const fitOf = (drawn: { values: Float64Array; times: number[] }[], datesAreReal = true) =>
      fitType(
        { domain: 'energy', bounds: { min: 0 } },
        drawn.map((d) => ({ values: d.values, times: d.times, timeZone: 'UTC' })),
        { stepMs: HOUR, calendar: 'always', timeZone: 'UTC', source: 'test', datesAreReal },
      )!.series as SeasonalSeriesParams[];
    const [july, year] = fitOf([
      draw('2025-07-01T00:00:00Z', 1000),
      draw('2025-01-06T00:00:00Z', 24 * 365),
    ]);
    expect(july!.doy).toBe(201);
    expect(year!.doy).toBeUndefined();
    // Placeholder dates (the electricity reference's) give no time of year.
    const [placeholder] = fitOf([draw('2025-07-01T00:00:00Z', 1000)], false);
    expect(placeholder!.doy).toBeUndefined();
  });
});

describe('the series a drawn one takes its parameters from', () => {
  const members = [member(15), member(40), member(110), member(200), member(290), member(350)];

  it('are those fitted within about six weeks of the requested time of year, across New Year', () => {
    const more = [...members, ...[5, 20, 30, 355, 360].map((d) => member(d))];
    // Six weeks from 20 December: its middle is 9 January, day 8; 15, 40, 350, 5, 20, 30, 355 and 360 are near.
    const pool = seasonalPool(more, hourly('2025-12-20T00:00:00Z', 24 * 42));
    expect(pool.map((x) => x.doy).sort((a, b) => a! - b!)).toEqual([
      5, 15, 20, 30, 40, 350, 355, 360,
    ]);
  });

  it(`are the ${SEASON_FEWEST} nearest when fewer are near, and every one for a request of a season or more`, () => {
    // Mid-June (day 164): only 200 is within six weeks; the six nearest are all six members.
    const june = seasonalPool(
      [...members, member(260), member(300)],
      hourly('2025-06-01T00:00:00Z', 24 * 28),
    );
    expect(june.map((x) => x.doy).sort((a, b) => a! - b!)).toEqual([40, 110, 200, 260, 290, 300]);
    expect(seasonalPool(members, hourly('2025-01-01T00:00:00Z', 24 * 200))).toHaveLength(6);
  });

  it('are all of them when they share one time of year, however far the request is from it', () => {
    const july = Array.from({ length: 10 }, (_, i) => member(205, i));
    expect(seasonalPool(july, hourly('2025-01-06T00:00:00Z', 24 * 21))).toHaveLength(10);
  });

  it('include series of no known time of year whatever the request', () => {
    const pool = seasonalPool(
      [member(undefined, 7), ...members, member(100), member(120), member(130), member(140)],
      hourly('2025-04-15T00:00:00Z', 24 * 21),
    );
    expect(pool.some((x) => x.level === 7)).toBe(true);
    expect(pool.every((x) => x.doy === undefined || Math.abs(x.doy - 114) <= 46)).toBe(true);
  });
});

describe('drawn series follow the requested season (shipped parameters)', () => {
  const shipped = shippedCalibration();
  const shares = (p: TypeParams, startIso: string) => {
    let lit = 0;
    let all = 0;
    let sum = 0;
    for (let k = 0; k < 12; k++) {
      const s = renderCalibrated(
        p,
        { ...hourly(startIso, 24 * 28), timeZone: p.timeZone, extensive: false },
        new Random(`${startIso}:${k}`),
      );
      for (const x of s.values) {
        if (x > 0) lit++;
        all++;
        sum += x / s.level;
      }
    }
    return { lit: lit / all, relative: sum / all };
  };

  it('solar drawn for June has longer days than solar drawn for December', () => {
    const june = shares(shipped!.solar_generation!, '2025-06-01T00:00:00Z');
    const december = shares(shipped!.solar_generation!, '2025-12-01T00:00:00Z');
    // Europe's days: about 16 hours of light in June, 8 in December (solar reads above 0 for a little less).
    expect(june.lit).toBeGreaterThan(december.lit + 0.15);
  });

  it('every shipped seasonal type fitted on short windows knows their time of year', () => {
    for (const id of ['solar_generation', 'wind_generation', 'heating_demand', 'temperature']) {
      const series = shipped![id]!.series as SeasonalSeriesParams[];
      expect(series.every((x) => x.doy !== undefined && x.doy >= 0 && x.doy < 366)).toBe(true);
      expect(new Set(series.map((x) => Math.floor(x.doy! / 91))).size).toBeGreaterThanOrEqual(3);
    }
  });
});
