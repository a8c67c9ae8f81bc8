import { describe, expect, it } from 'vitest';
import {
  changeFrom,
  changeOf,
  defaultProfile,
  formatMetricValue,
  groupedBars,
  groupScores,
  isTargetDistribution,
  metricsByGroup,
  percentOf,
  positiveInt,
  splitReason,
  stripLayout,
  tabsFor,
  verdictLabel,
} from '../src/lib/validation/report.ts';

const metric = (group: string, verdict: string, value: number | null = 0.1) => ({
  id: `${group}.${verdict}`,
  group,
  verdict,
  value,
});

describe('tabsFor', () => {
  it('shows Quality, Bias and Distributions for text and Quality plus Time series for series', () => {
    expect(tabsFor('CONVERSATIONS').map((t) => t.title)).toEqual([
      'Quality',
      'Bias',
      'Distributions',
    ]);
    expect(tabsFor('UTTERANCES').map((t) => t.id)).toEqual(['quality', 'bias', 'distributions']);
    expect(tabsFor('TIMESERIES').map((t) => t.title)).toEqual(['Quality', 'Time series']);
  });
});

describe('groupScores', () => {
  it('scores pass 100, warn 50, fail 0 per group, in first-seen order', () => {
    expect(
      groupScores([
        metric('realism', 'PASS'),
        metric('bias', 'WARN'),
        metric('realism', 'FAIL'),
        metric('bias', 'PASS'),
      ]),
    ).toEqual([
      { group: 'realism', score: 50, computed: 2 },
      { group: 'bias', score: 75, computed: 2 },
    ]);
  });

  it('ignores not-computable metrics and leaves out groups with nothing computed', () => {
    expect(
      groupScores([
        metric('fidelity', 'NOT_COMPUTABLE', null),
        metric('consistency', 'PASS'),
        metric('consistency', 'NOT_COMPUTABLE', null),
      ]),
    ).toEqual([{ group: 'consistency', score: 100, computed: 1 }]);
  });
});

describe('metricsByGroup', () => {
  it('keeps the report order within and across groups', () => {
    const list = [metric('a', 'PASS'), metric('b', 'PASS'), metric('a', 'FAIL')];
    expect(metricsByGroup(list).map((g) => [g.group, g.metrics.map((m) => m.verdict)])).toEqual([
      ['a', ['PASS', 'FAIL']],
      ['b', ['PASS']],
    ]);
  });
});

describe('formatMetricValue', () => {
  it('prints shares as percentages, other units after the number and null as a dash', () => {
    expect(formatMetricValue(0.0333333, 'share')).toBe('3.3%');
    expect(formatMetricValue(0, 'share of series')).toBe('0%');
    expect(formatMetricValue(0.151458, 'bits')).toBe('0.1515 bits');
    expect(formatMetricValue(0.746009, null)).toBe('0.746');
    expect(formatMetricValue(null, 'share')).toBe('—');
  });
});

describe('stripLayout', () => {
  it('places value, band and thresholds on one 0..1 strip starting at 0', () => {
    const layout = stripLayout({
      id: 'realism.intent_jsd',
      group: 'realism',
      verdict: 'PASS',
      value: 0.1,
      band: { low: 0.02, median: 0.03, high: 0.04 },
      thresholds: { direction: 'lower_is_better', warn: 0.15, fail: 0.2 },
    });
    expect(layout?.min).toBe(0);
    expect(layout?.max).toBeCloseTo(0.21);
    expect(layout?.value).toBeCloseTo(0.1 / 0.21);
    expect(layout?.band?.low).toBeCloseTo(0.02 / 0.21);
    expect(layout?.fail).toBeCloseTo(0.2 / 0.21);
  });

  it('draws nothing for a metric that was not computed', () => {
    expect(stripLayout(metric('fidelity', 'NOT_COMPUTABLE', null))).toBeNull();
  });

  it('still gives a non-empty domain when everything is zero', () => {
    const layout = stripLayout({ ...metric('privacy', 'PASS', 0), band: null, thresholds: null });
    expect(layout).toMatchObject({ min: 0, value: 0 });
    expect(layout?.max).toBeGreaterThan(0);
  });
});

describe('changeOf', () => {
  it('reads the difference through the direction', () => {
    expect(changeOf(-0.01, 'lower_is_better')).toBe('better');
    expect(changeOf(0.17, 'lower_is_better')).toBe('worse');
    expect(changeOf(0.02, 'higher_is_better')).toBe('better');
    expect(changeOf(-0.02, 'higher_is_better')).toBe('worse');
    expect(changeOf(0, 'higher_is_better')).toBe('same');
  });

  it('is unknown without a difference or a direction', () => {
    expect(changeOf(null, 'lower_is_better')).toBe('unknown');
    expect(changeOf(0.1, undefined)).toBe('unknown');
  });
});

describe('groupedBars', () => {
  it('pairs both series by label and counts a missing reference as 0', () => {
    expect(groupedBars(['en', 'es'], [0.5, 0.5], null)).toEqual([
      { label: 'en', a: 0.5, b: 0 },
      { label: 'es', a: 0.5, b: 0 },
    ]);
  });

  it('keeps the largest labels in their original order when there are too many', () => {
    const bars = groupedBars(['a', 'b', 'c', 'd'], [0.1, 0.4, 0, 0.2], [0.1, 0, 0.3, 0], 2);
    expect(bars.map((b) => b.label)).toEqual(['b', 'c']);
  });
});

describe('defaultProfile', () => {
  const profiles = [
    { id: 'banking77', kind: 'utterances' },
    { id: 'electricity', kind: 'timeseries' },
  ];
  it('picks Banking77 for text and Electricity for time series', () => {
    expect(defaultProfile('CONVERSATIONS', profiles)).toBe('banking77');
    expect(defaultProfile('UTTERANCES', profiles)).toBe('banking77');
    expect(defaultProfile('TIMESERIES', profiles)).toBe('electricity');
    expect(defaultProfile('TIMESERIES', profiles.slice(0, 1))).toBeNull();
  });

  it('prefers the per-domain time-series default when the server lists it', () => {
    const all = [
      ...profiles,
      { id: 'energy', kind: 'timeseries' },
      { id: 'timeseries', kind: 'timeseries' },
    ];
    expect(defaultProfile('TIMESERIES', all)).toBe('timeseries');
    expect(defaultProfile('UTTERANCES', all)).toBe('banking77');
  });
});

describe('positiveInt and isTargetDistribution', () => {
  it('accepts only positive integers from the URL', () => {
    expect(positiveInt('3')).toBe(3);
    expect(positiveInt('0')).toBeNull();
    expect(positiveInt('-2')).toBeNull();
    expect(positiveInt('2.5')).toBeNull();
    expect(positiveInt(null)).toBeNull();
  });

  it('tells target distributions from reference ones', () => {
    expect(isTargetDistribution({ referenceName: 'default targets' })).toBe(true);
    expect(isTargetDistribution({ referenceName: 'targets' })).toBe(true);
    expect(isTargetDistribution({ referenceName: 'Banking77 (train)' })).toBe(false);
    expect(isTargetDistribution({ referenceName: null })).toBe(false);
  });
});

describe('verdict reason and server-judged change', () => {
  it('splits the reason line into the verdict and why', () => {
    expect(splitReason('fail: real-vs-synthetic classifier 0.98 (gate)')).toEqual({
      verdict: 'fail',
      why: 'real-vs-synthetic classifier 0.98 (gate)',
    });
    expect(splitReason('no colon')).toEqual({ verdict: '', why: 'no colon' });
  });

  it('labels the incomplete verdict, and reads the server change safely', () => {
    expect(verdictLabel('INCOMPLETE')).toBe('Incomplete');
    expect(changeFrom('worse')).toBe('worse');
    expect(changeFrom('same')).toBe('same');
    expect(changeFrom('sideways')).toBe('unknown');
    expect(percentOf(0.953)).toBe('95%');
  });
});
