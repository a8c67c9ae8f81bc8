/**
 * Bootstrap intervals of the fidelity metrics without an analytic one: the time-series distances (Wasserstein,
 * ACF distance, daily and weekly seasonality, series resampled) and the text realism JSDs (items resampled).
 * Seeded, so the same data gives the same report; fewer series or items give a wider interval.
 */
import { getSeriesType } from '@genesis/schema/catalog/series';
import type { Conversation } from '@genesis/schema/conversation';
import { Random } from '@genesis/schema/random';
import type { ValidationMetric, ValidationReportData } from '@genesis/schema/reports';
import type { TimeSeries } from '@genesis/schema/timeseries';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/generation/config.ts';
import { planConversations } from '../src/generation/plan.ts';
import { answerConversations } from '../src/llm/local/conversations/answer.ts';
import { loadConfig } from '../src/platform/config.ts';
import { renderSeries } from '../src/timeseries/engine.ts';
import { defaultScenario } from '../src/timeseries/scenario.ts';
import { BOOTSTRAPPED } from '../src/validation/series/bootstrap.ts';
import { buildSeriesProfile } from '../src/validation/series/profile.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import { buildTextProfile } from '../src/validation/text/profile.ts';
import { validateText } from '../src/validation/text/report.ts';

function engine(typeId: string, seed: number, length = 1000): TimeSeries {
  const type = getSeriesType(typeId)!;
  const slot = {
    slot: `s-${typeId}-${seed}`,
    domain: type.domain,
    series_type: type.id,
    frequency: type.frequency,
    start: '2024-01-01T00:00:00Z',
    length,
    language: 'en' as const,
  };
  return renderSeries(
    slot,
    defaultScenario(slot, new Random(`scenario-${seed}`)),
    new Random(seed),
  );
}

const LOADS = [
  'residential_consumption',
  'commercial_consumption',
  'industrial_load',
  'grid_demand',
];
const loads = (perType: number, offset = 0) =>
  LOADS.flatMap((type) => Array.from({ length: perType }, (_, i) => engine(type, offset + i + 1)));

const metricOf = (r: ValidationReportData, id: string): ValidationMetric => {
  const m = r.metrics.find((x) => x.id === id);
  if (!m) throw new Error(`no metric ${id}`);
  return m;
};

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

function english(count: number, seed: number): Conversation[] {
  const config = resolveConfig(
    { kind: 'conversations', count: count * 2, provider: 'local', seed, targets: {} },
    loadConfig({}),
  );
  return answerConversations(planConversations(config), String(seed))
    .conversations.map(({ slot: _slot, ...c }) => c)
    .filter((c) => c.language === 'en')
    .slice(0, count);
}

describe('bootstrap intervals of the text realism divergences', () => {
  const profile = buildTextProfile('english conversations', english(300, 11), 'conversations', {
    splits: 2,
  });
  const small = validateText(english(40, 3), 'conversations', { profile });
  const large = validateText(english(400, 3), 'conversations', { profile });
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
    const again = validateText(english(40, 3), 'conversations', { profile });
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
