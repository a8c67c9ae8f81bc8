import { SERIES_TYPE_IDS } from '@genesis/schema/catalog/series';
import { describe, expect, it } from 'vitest';
import { labelGroups } from '../src/lib/charts/shape.ts';

const empty = {
  intent: [],
  category: [],
  language: [],
  sentiment: [],
  complexity: [],
  resolution: [],
  seriesType: [],
  domain: [],
};

describe('labelGroups of a time-series dataset', () => {
  it('shows all 16 series types, with no "Other" bar', () => {
    const seriesType = SERIES_TYPE_IDS.map((label, i) => ({ label, count: 100 - i }));
    const [group] = labelGroups({ ...empty, seriesType });
    expect(group?.key).toBe('seriesType');
    expect(group?.distinct).toBe(16);
    expect(group?.bars).toHaveLength(16);
    expect(group?.bars.map((b) => b.label).sort()).toEqual([...SERIES_TYPE_IDS].sort());
    expect(group?.bars.some((b) => b.label.startsWith('Other'))).toBe(false);
  });

  it('still folds the 77 intents beyond the limit', () => {
    const intent = Array.from({ length: 30 }, (_, i) => ({ label: `intent_${i}`, count: 30 - i }));
    const [group] = labelGroups({ ...empty, intent });
    expect(group?.bars).toHaveLength(12);
    expect(group?.bars.at(-1)?.label).toBe('Other (19 labels)');
  });
});
