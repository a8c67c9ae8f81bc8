import { describe, expect, it } from 'vitest';
import {
  batchPercent,
  batchStatusLabel,
  defaultSeriesWeights,
  isJobResumable,
  jobModeLabel,
  labelColumns,
  labelUniverse,
  progressPercent,
} from '../src/lib/generation/progress.ts';

describe('progressPercent', () => {
  it('counts accepted and rejected items against the request, rounded down', () => {
    expect(progressPercent({ requested: 100, accepted: 40, rejected: 5 })).toBe(45);
    expect(progressPercent({ requested: 3, accepted: 2, rejected: 0 })).toBe(66);
    expect(progressPercent({ requested: 100, accepted: 100, rejected: 0 })).toBe(100);
  });

  it('never passes 100 and is 0 for an empty request', () => {
    expect(progressPercent({ requested: 10, accepted: 10, rejected: 3 })).toBe(100);
    expect(progressPercent({ requested: 0, accepted: 0, rejected: 0 })).toBe(0);
  });
});

describe('isJobResumable', () => {
  it('offers resume for paused and failed jobs and for cancelled ones with items missing', () => {
    expect(isJobResumable('PAUSED', 5, 10)).toBe(true);
    expect(isJobResumable('FAILED', 5, 10)).toBe(true);
    expect(isJobResumable('CANCELLED', 5, 10)).toBe(true);
    expect(isJobResumable('CANCELLED', 10, 10)).toBe(false);
    expect(isJobResumable('COMPLETED', 10, 10)).toBe(false);
    expect(isJobResumable('RUNNING', 5, 10)).toBe(false);
  });
});

describe('labelColumns', () => {
  it('keeps every target label in order, with zero counts and the expected final count', () => {
    const columns = labelColumns(
      [{ label: 'b', count: 3 }],
      [
        { label: 'a', weight: 1 },
        { label: 'b', weight: 3 },
      ],
      8,
    );
    expect(columns).toEqual([
      { label: 'a', count: 0, target: 2 },
      { label: 'b', count: 3, target: 6 },
    ]);
  });

  it('appends labels that arrive without a target', () => {
    const columns = labelColumns([{ label: 'z', count: 1 }], [{ label: 'a', weight: 1 }], 4);
    expect(columns.at(-1)).toEqual({ label: 'z', count: 1, target: null });
  });
});

describe('labelUniverse', () => {
  const defaults = [
    { label: 'a', weight: 1 },
    { label: 'b', weight: 1 },
    { label: 'c', weight: 1 },
  ];

  it('uses the defaults when the job did not narrow the labels', () => {
    expect(labelUniverse({ targets: { intents: null } }, 'intents', defaults)).toEqual(defaults);
    expect(labelUniverse(null, 'intents', defaults)).toEqual(defaults);
  });

  it("reads the job's weights, in catalog order", () => {
    const config = { targets: { intents: { c: 2, a: 1 } } };
    expect(labelUniverse(config, 'intents', defaults)).toEqual([
      { label: 'a', weight: 1 },
      { label: 'c', weight: 2 },
    ]);
  });
});

describe('defaultSeriesWeights', () => {
  it("splits each domain's share equally among its types", () => {
    const weights = defaultSeriesWeights(
      [
        { id: 'solar', domain: 'energy' },
        { id: 'wind', domain: 'energy' },
        { id: 'stock', domain: 'financial' },
      ],
      [
        { id: 'energy', weight: 0.8 },
        { id: 'financial', weight: 0.2 },
      ],
    );
    expect(weights).toEqual([
      { label: 'solar', weight: 0.4 },
      { label: 'wind', weight: 0.4 },
      { label: 'stock', weight: 0.2 },
    ]);
  });
});

describe('batch progress', () => {
  it('counts completed and failed records against those submitted, rounded down', () => {
    expect(batchPercent({ recordsSubmitted: 200, recordsCompleted: 90, recordsFailed: 11 })).toBe(
      50,
    );
    expect(batchPercent({ recordsSubmitted: 0, recordsCompleted: 0, recordsFailed: 0 })).toBe(0);
    expect(batchPercent({ recordsSubmitted: 3, recordsCompleted: 3, recordsFailed: 1 })).toBe(100);
  });

  it("spells Bedrock's batch statuses as words", () => {
    expect(batchStatusLabel('InProgress')).toBe('In progress');
    expect(batchStatusLabel('PartiallyCompleted')).toBe('Partially completed');
    expect(batchStatusLabel('Submitted')).toBe('Submitted');
  });

  it("reads a job's mode from its config, loosely", () => {
    expect(jobModeLabel({ mode: 'batch' })).toBe('batch mode');
    expect(jobModeLabel({ mode: 'on_demand' })).toBe('on demand');
    expect(jobModeLabel({ kind: 'conversations' })).toBeNull();
    expect(jobModeLabel(null)).toBeNull();
  });
});
