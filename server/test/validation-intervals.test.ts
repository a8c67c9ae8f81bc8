import type { ValidationReportData } from '@genesis/schema/reports';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAPPED } from '../src/validation/series/bootstrap.ts';
import { buildSeriesProfile } from '../src/validation/series/profile.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import { buildTextProfile } from '../src/validation/text/profile.ts';
import { validateText } from '../src/validation/text/report.ts';
import { englishConversations, loads, metricOf } from './helpers/validation-data.ts';

describe('bootstrap intervals of the series fidelity distances', () => {
  const profile = buildSeriesProfile('own loads', loads(15));
  const few = loads(3, 200);
  const many = loads(15, 200);
  const small = validateSeries(few, { profile });
  const large = validateSeries(many, { profile });

  it('gives each distance a 95% interval around its value, reproducibly', () => {
    for (const key of BOOTSTRAPPED) {
      const m = metricOf(small, `fidelity.electricity.${key}`);
      expect(m.verdict, key).not.toBe('not_computable');
      expect(m.interval, key).toMatchObject({ level: 0.95, method: 'bootstrap' });
      expect(m.interval!.low, key).toBeLessThanOrEqual(m.value!);
      expect(m.interval!.high, key).toBeGreaterThanOrEqual(m.value!);
      expect(m.interval!.high, key).toBeGreaterThan(m.interval!.low);
    }
    // Seeded: the same data gives the same intervals.
    const again = validateSeries(few, { profile });
    expect(again.metrics.map((m) => m.interval)).toEqual(small.metrics.map((m) => m.interval));
    // The score's range reflects them.
    expect(small.scoreInterval!.low).toBeLessThanOrEqual(small.overall.score);
    expect(small.scoreInterval!.high).toBeGreaterThanOrEqual(small.overall.score);
  });

  it('is wider on 12 series than on 60', () => {
    const width = (r: ValidationReportData, key: string) => {
      const i = metricOf(r, `fidelity.electricity.${key}`).interval!;
      return i.high - i.low;
    };
    for (const key of ['marginal_wasserstein', 'acf_distance', 'daily_seasonality']) {
      expect(width(small, key), key).toBeGreaterThan(width(large, key));
    }
  });
});

describe('bootstrap intervals of the text realism divergences', () => {
  const profile = buildTextProfile(
    'english conversations',
    englishConversations(300, 11),
    'conversations',
    {
      splits: 2,
    },
  );
  const small = validateText(englishConversations(40, 3), 'conversations', { profile });
  const large = validateText(englishConversations(400, 3), 'conversations', { profile });
  const ids = [
    'realism.intent_jsd',
    'realism.length_jsd',
    'realism.vocabulary_jsd',
    'realism.turns_jsd',
  ];

  it('gives each JSD a 95% interval around its value, reproducibly', () => {
    for (const id of ids) {
      const m = metricOf(small, id);
      expect(m.interval, id).toMatchObject({ level: 0.95, method: 'bootstrap' });
      expect(m.interval!.low, id).toBeLessThanOrEqual(m.value!);
      expect(m.interval!.high, id).toBeGreaterThanOrEqual(m.value!);
    }
    const again = validateText(englishConversations(40, 3), 'conversations', { profile });
    expect(again.metrics.map((m) => m.interval)).toEqual(small.metrics.map((m) => m.interval));
  });

  it('is wider on 40 items than on 400', () => {
    for (const id of ['realism.length_jsd', 'realism.vocabulary_jsd']) {
      const w = (r: ValidationReportData) =>
        metricOf(r, id).interval!.high - metricOf(r, id).interval!.low;
      expect(w(small), id).toBeGreaterThan(w(large));
    }
  });
});
