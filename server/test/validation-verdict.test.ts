import type { Conversation } from '@genesis/schema/conversation';
import {
  type ValidationMetric,
  type ValidationReportData,
  ValidationReportSchema,
} from '@genesis/schema/reports';
import type { Utterance } from '@genesis/schema/utterance';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { changeWithin, pairMetrics, rangeOf } from '../src/validation/compare-metrics.ts';
import { buildSeriesProfile } from '../src/validation/series/profile.ts';
import { SERIES_SCORE_WEIGHTS, validateSeries } from '../src/validation/series/report.ts';
import { equalSampleDiversity } from '../src/validation/text/equal-sample.ts';
import { buildTextProfile } from '../src/validation/text/profile.ts';
import {
  OVERALL_THRESHOLDS,
  overallScore,
  TEXT_SCORE_WEIGHTS,
  validateText,
} from '../src/validation/text/report.ts';
import { decideVerdict, GATES, gateFor, wilson } from '../src/validation/verdict.ts';
import { generatedConversations } from './helpers/conversations.ts';
import {
  banking77Profile,
  electricityProfile,
  engineSeries,
  englishConversations,
  loads,
  metricOf,
} from './helpers/validation-data.ts';

/** A report whose metrics all pass and whose coverage is complete: English data, English reference. */
function cleanTextReport() {
  const items = englishConversations(120, 3);
  const profile = buildTextProfile(
    'english conversations',
    englishConversations(300, 11),
    'conversations',
    {
      splits: 3,
    },
  );
  return { items, profile, report: validateText(items, 'conversations', { profile }) };
}

describe('the gate list', () => {
  it('is keyed by metric id, label fidelity included before its metric exists', () => {
    expect(GATES.map((g) => g.key)).toEqual([
      'consistency.schema_violation_rate',
      'privacy.pii_rate',
      'privacy.memorisation_rate',
      'language.mismatch_rate',
      'label_fidelity',
      'fidelity.*.discriminator',
      'consistency.bounds',
    ]);
    expect(gateFor('label_fidelity')?.name).toBe('label fidelity');
    expect(gateFor('label_fidelity.top1')?.name).toBe('label fidelity');
    expect(gateFor('fidelity.label_fidelity')?.name).toBe('label fidelity');
    expect(gateFor('fidelity.energy.discriminator')?.name).toBe('real-vs-synthetic classifier');
    expect(gateFor('fidelity.energy.marginal_ks')).toBeUndefined();
    expect(gateFor('realism.intent_jsd')).toBeUndefined();
    for (const gate of GATES) expect(gate.why.length, gate.key).toBeGreaterThan(40);
  });
});

describe('a gate at fail fails the report whatever its average', () => {
  const { items, profile, report: clean } = cleanTextReport();

  it('the clean English report is complete and scores a pass without any gate failing', () => {
    expect(clean.coverage?.parts).toEqual([
      { dimension: 'language', key: 'en', items: 120, referenced: true },
    ]);
    expect(clean.gates?.every((g) => g.verdict !== 'fail')).toBe(true);
    expect(clean.overall.score).toBeGreaterThanOrEqual(OVERALL_THRESHOLDS.pass);
    expect(() => v.parse(ValidationReportSchema, clean)).not.toThrow();
  });

  const failing: Array<[string, string, (list: Conversation[]) => Conversation[]]> = [
    [
      'schema violations',
      'consistency.schema_violation_rate',
      (list) =>
        list.map((c, i) =>
          i < 10 ? { ...c, category: c.category === 'cards' ? 'transfers' : 'cards' } : c,
        ) as Conversation[],
    ],
    [
      'PII',
      'privacy.pii_rate',
      (list) =>
        list.map((c, i) =>
          i < 10
            ? {
                ...c,
                turns: c.turns.map((t, k) =>
                  k === 0 ? { ...t, text: `${t.text} My card is 4111 1111 1111 1111.` } : t,
                ),
              }
            : c,
        ),
    ],
    [
      'language mismatch',
      'language.mismatch_rate',
      (list) => {
        const spanish = generatedConversations(80, 5).filter((c) => c.language === 'es');
        return list.map((c, i) => (i < 10 ? { ...spanish[i]!, language: 'en' as const } : c));
      },
    ],
  ];
  for (const [name, id, spoil] of failing) {
    it(`${name}: the gate fails the report, and says so first`, () => {
      const report = validateText(spoil(items), 'conversations', { profile });
      const gate = report.gates?.find((g) => g.metricId === id);
      expect(gate).toMatchObject({ name, verdict: 'fail' });
      expect(report.overall.verdict).toBe('fail');
      expect(report.reason).toMatch(new RegExp(`^fail: .*${name} [0-9.]+ \\(gate\\)`));
      // The average alone would not have failed it.
      expect(report.overall.score).toBeGreaterThanOrEqual(OVERALL_THRESHOLDS.warn);
    });
  }

  it('memorisation: copies of the reference fail the report', () => {
    const reference: Utterance[] = items.slice(0, 40).map((c) => ({
      text: c.turns[0]!.text,
      intent: c.intent,
      language: 'en',
    }));
    const own = buildTextProfile('copied', reference, 'utterances', { splits: 3 });
    const report = validateText(items, 'conversations', { profile: own });
    expect(metricOf(report, 'privacy.memorisation_rate').verdict).toBe('fail');
    expect(report.overall.verdict).toBe('fail');
    expect(report.reason).toMatch(/^fail: memorisation 0\.333 \(gate\)/);
  });

  it('label fidelity, once a report holds it, and the classifier by the rule itself', () => {
    const withLabel: ValidationMetric = {
      id: 'label_fidelity.top1',
      name: 'Label fidelity (oracle top-1)',
      group: 'consistency',
      value: 0.2,
      verdict: 'fail',
      thresholds: { direction: 'higher_is_better', warn: 0.8, fail: 0.6 },
    };
    const metrics = [...clean.metrics, withLabel];
    const decided = decideVerdict({
      metrics,
      score: (list) => overallScore(list).score,
      groupWeights: TEXT_SCORE_WEIGHTS,
      thresholds: OVERALL_THRESHOLDS,
      itemCount: 120,
      minItems: 20,
      unit: 'items',
      itemShare: 1,
      parts: clean.coverage!.parts,
      missing: [],
    });
    expect(overallScore(metrics).score).toBeGreaterThanOrEqual(OVERALL_THRESHOLDS.pass);
    expect(decided).toMatchObject({ verdict: 'fail', reason: 'fail: label fidelity 0.2 (gate)' });
  });
});

describe('time-series gates', () => {
  const own = loads(15);
  const profile = buildSeriesProfile('own loads', own);

  it('the real-vs-synthetic classifier at 0.98 fails a report that averages a pass', () => {
    const report = validateSeries(own, { profile });
    expect(report.overall.verdict).toBe('pass');
    const metrics = report.metrics.map((m) =>
      m.id === 'fidelity.electricity.discriminator'
        ? { ...m, value: 0.98, verdict: 'fail' as const }
        : m,
    );
    const decided = decideVerdict({
      metrics,
      score: () => 95,
      groupWeights: SERIES_SCORE_WEIGHTS,
      thresholds: { pass: 80, warn: 60 },
      itemCount: own.length,
      minItems: 10,
      unit: 'series',
      itemShare: 1,
      parts: report.coverage!.parts,
      missing: [],
    });
    expect(decided.verdict).toBe('fail');
    expect(decided.reason).toBe('fail: real-vs-synthetic classifier 0.98 (gate)');
  });

  it('physical-bound violations fail the report', () => {
    const broken = own.map((s, i) =>
      i < 3 ? { ...s, target: s.target.map((x, k) => (k === 10 ? -50 : x)) } : s,
    );
    const report = validateSeries(broken, { profile });
    expect(metricOf(report, 'consistency.bounds').verdict).toBe('fail');
    expect(report.overall.verdict).toBe('fail');
    expect(report.reason).toMatch(/^fail: physical-bound violations 0\.05 \(gate\)/);
    expect(report.overall.score).toBeGreaterThanOrEqual(60);
  });
});

describe('a gate at warn caps the verdict at warn', () => {
  it('one PII item in 200 warns the metric, and the pass becomes warn', () => {
    const items = englishConversations(200, 3);
    const profile = buildTextProfile(
      'english conversations',
      englishConversations(300, 11),
      'conversations',
      {
        splits: 3,
      },
    );
    items[7] = {
      ...items[7]!,
      turns: items[7]!.turns.map((t, k) =>
        k === 0 ? { ...t, text: `${t.text} Write to ana.lopez@example.com.` } : t,
      ),
    };
    const report = validateText(items, 'conversations', { profile });
    expect(metricOf(report, 'privacy.pii_rate')).toMatchObject({ value: 0.005, verdict: 'warn' });
    expect(report.overall.score).toBeGreaterThanOrEqual(OVERALL_THRESHOLDS.pass);
    expect(report.overall.verdict).toBe('warn');
    expect(report.reason).toMatch(/^warn: PII 0\.005 \(gate\) caps a score [0-9.]+ .*at warn$/);
  });
});

describe('coverage', () => {
  it('a Spanish-only dataset without a Spanish reference is incomplete, naming what is missing', () => {
    const spanish = generatedConversations(700, 3).filter((c) => c.language === 'es');
    expect(spanish.length).toBeGreaterThan(300);
    const items = spanish.slice(0, 300);
    const report = validateText(items, 'conversations', { profile: banking77Profile });
    expect(report.overall.verdict).toBe('incomplete');
    expect(report.reason).toMatch(/^incomplete: no reference for language es \(300 items\)/);
    expect(report.coverage).toMatchObject({
      items: 0,
      parts: [{ dimension: 'language', key: 'es', items: 300, referenced: false }],
    });
    expect(report.coverage!.notMeasured.map((m) => m.metricId)).toEqual(
      expect.arrayContaining(['realism.length_jsd', 'realism.vocabulary_jsd']),
    );
    expect(report.coverage!.missing[0]!.how).toContain('--reference');
    expect(report.coverage!.missing[0]!.how).toContain('genesis profile');
  });

  it('and complete once Spanish utterances are the reference', () => {
    const spanish = generatedConversations(700, 3).filter((c) => c.language === 'es');
    const reference: Utterance[] = generatedConversations(1400, 29)
      .filter((c) => c.language === 'es')
      .slice(0, 400)
      .map((c) => ({ text: c.turns[0]!.text, intent: c.intent, language: 'es' }));
    const profile = buildTextProfile('spanish utterances', reference, 'utterances', { splits: 3 });
    const report = validateText(spanish.slice(0, 300), 'conversations', { profile });
    expect(report.coverage).toMatchObject({
      items: 1,
      parts: [{ dimension: 'language', key: 'es', items: 300, referenced: true }],
    });
    expect(report.coverage!.weight).toBeGreaterThanOrEqual(0.8);
    expect(metricOf(report, 'realism.vocabulary_jsd').verdict).not.toBe('not_computable');
    expect(report.overall.verdict).not.toBe('incomplete');
    expect(report.reason).not.toMatch(/^incomplete/);
  });

  it('on a mixed dataset: per language, and the share of items measured', () => {
    const items = generatedConversations(100, 3);
    const en = items.filter((c) => c.language === 'en').length;
    const report = validateText(items, 'conversations', { profile: banking77Profile });
    expect(report.coverage!.parts).toEqual([
      { dimension: 'language', key: 'en', items: en, referenced: true },
      { dimension: 'language', key: 'es', items: 100 - en, referenced: false },
    ]);
    expect(report.coverage!.items).toBeCloseTo(en / 100, 6);
    // Turns cannot be measured against Banking77's utterances: realism's weight 0.2 over 4 metrics.
    expect(report.coverage!.notMeasured.map((m) => [m.metricId, m.weight])).toEqual([
      ['realism.turns_jsd', 0.05],
    ]);
    expect(report.coverage!.weight).toBeCloseTo(0.95, 6);
    expect(report.overall.verdict).toBe('incomplete');
  });

  it('on a mixed time-series dataset: per domain and series type', () => {
    const series = [
      ...loads(3),
      ...Array.from({ length: 8 }, (_, i) => engineSeries('temperature', i + 1)),
    ];
    const report = validateSeries(series, { profile: electricityProfile });
    expect(report.coverage!.parts).toEqual([
      { dimension: 'domain', key: 'electricity', items: 12, referenced: true },
      { dimension: 'domain', key: 'sensors', items: 8, referenced: false },
      { dimension: 'series_type', key: 'commercial_consumption', items: 3, referenced: true },
      { dimension: 'series_type', key: 'grid_demand', items: 3, referenced: false },
      { dimension: 'series_type', key: 'industrial_load', items: 3, referenced: false },
      { dimension: 'series_type', key: 'residential_consumption', items: 3, referenced: false },
      { dimension: 'series_type', key: 'temperature', items: 8, referenced: false },
    ]);
    expect(report.coverage!.items).toBeCloseTo(12 / 20, 6);
    expect(report.overall.verdict).toBe('incomplete');
    expect(report.reason).toMatch(/no reference for domain sensors \(8 series\)/);
  });

  it('metrics that cannot apply are no gap: utterances have no turns', () => {
    const items: Utterance[] = englishConversations(60, 3).map((c) => ({
      text: c.turns[0]!.text,
      intent: c.intent,
      language: 'en',
    }));
    const profile = buildTextProfile(
      'english utterances',
      englishConversations(300, 11).map((c) => ({
        text: c.turns[0]!.text,
        intent: c.intent,
        language: 'en',
      })),
      'utterances',
      { splits: 3 },
    );
    const report = validateText(items, 'utterances', { profile });
    expect(metricOf(report, 'realism.turns_jsd').applicable).toBe(false);
    expect(metricOf(report, 'consistency.resolution_mismatch_rate').applicable).toBe(false);
    expect(report.coverage!.notMeasured.map((m) => m.metricId)).not.toContain('realism.turns_jsd');
  });
});

describe('sample size', () => {
  it('5 items give no verdict, where they used to pass', () => {
    const items = englishConversations(5, 3);
    const profile = buildTextProfile(
      'english conversations',
      englishConversations(300, 11),
      'conversations',
      {
        splits: 3,
      },
    );
    const report = validateText(items, 'conversations', { profile });
    expect(report.overall.verdict).toBe('incomplete');
    expect(report.reason).toMatch(/^incomplete: 5 items, fewer than the 20 a verdict needs/);
    // Distribution and diversity metrics are below their minimum: kept for information, never judged.
    for (const id of [
      'realism.intent_jsd',
      'diversity.distinct_1',
      'diversity.near_duplicate_rate',
    ]) {
      expect(metricOf(report, id), id).toMatchObject({
        verdict: 'not_computable',
        sample: { n: 5, min: 20 },
      });
      expect(metricOf(report, id).reason, id).toContain('needs at least 20 items');
    }
    // Each item checked on its own still counts.
    expect(metricOf(report, 'privacy.pii_rate').verdict).toBe('pass');
  });

  it('5 series give no verdict either', () => {
    const profile = buildSeriesProfile('own loads', loads(15));
    const report = validateSeries(loads(2, 100).slice(0, 5), { profile });
    expect(report.overall.verdict).toBe('incomplete');
    expect(report.reason).toMatch(/^incomplete: 5 series, fewer than the 10 a verdict needs/);
    expect(metricOf(report, 'fidelity.electricity.marginal_ks')).toMatchObject({
      verdict: 'not_computable',
      sample: { n: 5, min: 10 },
    });
  });

  it('rates carry Wilson intervals, and the score its range', () => {
    expect(wilson(0, 10)).toEqual({ low: 0, high: 0.277533, level: 0.95, method: 'wilson' });
    expect(wilson(5, 10)).toMatchObject({ low: 0.236593, high: 0.763407 });
    const { report } = cleanTextReport();
    const pii = metricOf(report, 'privacy.pii_rate');
    expect(pii.interval).toMatchObject({ low: 0, method: 'wilson' });
    expect(report.scoreInterval!.low).toBeLessThanOrEqual(report.overall.score);
    expect(report.scoreInterval!.high).toBeGreaterThanOrEqual(report.overall.score);
  });

  it('the discriminator and the KS statistic carry intervals when the series are few', () => {
    const profile = buildSeriesProfile('own loads', loads(15));
    const report = validateSeries(loads(5, 200), { profile });
    const ks = metricOf(report, 'fidelity.electricity.marginal_ks');
    const disc = metricOf(report, 'fidelity.electricity.discriminator');
    expect(ks.interval?.method).toBe('dkw');
    expect(disc.interval?.method).toBe('wilson');
    expect(disc.interval!.high - disc.interval!.low).toBeGreaterThan(0.1);
  });
});

describe('compare', () => {
  it('distinct-n on unequal sizes calls no difference that vanishes on equal samples', () => {
    const all = generatedConversations(1200, 3);
    const small = all.slice(0, 60);
    const large = all.slice(60);
    const ra = validateText(small, 'conversations', { profile: banking77Profile });
    const rb = validateText(large, 'conversations', { profile: banking77Profile });
    // The reports' own values differ a lot: distinct-n falls as text grows.
    const a1 = metricOf(ra, 'diversity.distinct_1').value!;
    const b1 = metricOf(rb, 'diversity.distinct_1').value!;
    expect(b1).toBeLessThan(a1 * 0.8);
    const equal = equalSampleDiversity(small, 'conversations', large, 'conversations');
    expect(equal).not.toBeNull();
    expect(equal!.tokens).toBe(Math.floor(equal!.tokensA / 2));
    expect(equal!.note).toMatch(/^distinct-n measured on equal samples: \d+ tokens from each side/);
    const pairs = pairMetrics(ra, rb, equal);
    for (const id of ['diversity.distinct_1', 'diversity.distinct_2']) {
      const pair = pairs.find((p) => p.id === id)!;
      expect(pair.basis, id).toBe('equal_sample');
      expect(pair.change, id).toBe('same');
    }
  });

  it('a real difference outside both sides uncertainty is still called', () => {
    const a = { value: 0.1, low: 0.05, high: 0.15 };
    expect(changeWithin(a, { value: 0.4, low: 0.3, high: 0.5 }, 'lower_is_better')).toBe('worse');
    expect(changeWithin(a, { value: 0.4, low: 0.3, high: 0.5 }, 'higher_is_better')).toBe('better');
    expect(changeWithin(a, { value: 0.18, low: 0.12, high: 0.24 }, 'lower_is_better')).toBe('same');
    expect(changeWithin(a, null, 'lower_is_better')).toBe('unknown');
    const m: ValidationMetric = {
      id: 'privacy.pii_rate',
      name: 'PII',
      group: 'privacy',
      value: 0.1,
      verdict: 'fail',
      interval: { low: 0.05, high: 0.2, level: 0.95, method: 'wilson' },
    };
    expect(rangeOf(m)).toEqual({ value: 0.1, low: 0.05, high: 0.2 });
  });
});

describe('stored reports of before', () => {
  it('still parse: the new fields are optional', () => {
    const old = {
      format: 'genesis-lab/validation-report',
      version: 1,
      kind: 'utterances',
      itemCount: 1,
      reference: null,
      overall: { score: 50, verdict: 'warn' },
      weights: {},
      metrics: [],
      bias: null,
      distributions: [],
      computeSeconds: 0,
    } satisfies ValidationReportData;
    expect(() => v.parse(ValidationReportSchema, old)).not.toThrow();
  });
});
