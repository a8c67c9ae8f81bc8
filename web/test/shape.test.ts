import { describe, expect, it } from 'vitest';
import { kindBars, labelBars, labelGroups } from '../src/lib/charts/shape.ts';
import { describeAnomalies, itemView } from '../src/lib/datasets/items.ts';

describe('kindBars', () => {
  it('lists every kind once, in a fixed order, with zero for missing kinds', () => {
    expect(kindBars([{ kind: 'UTTERANCES', datasets: 1, items: 40 } as never])).toEqual([
      { label: 'Conversations', value: 0 },
      { label: 'Time series', value: 0 },
      { label: 'Utterances', value: 40 },
    ]);
  });
});

describe('labelBars', () => {
  it('sorts by count, largest first, ties by label, and drops zero counts', () => {
    const bars = labelBars([
      { label: 'b', count: 2 },
      { label: 'a', count: 2 },
      { label: 'c', count: 5 },
      { label: 'z', count: 0 },
    ]);
    expect(bars).toEqual([
      { label: 'c', value: 5 },
      { label: 'a', value: 2 },
      { label: 'b', value: 2 },
    ]);
  });

  it('folds the tail into one "Other" bar so the chart keeps at most `limit` bars', () => {
    const counts = Array.from({ length: 77 }, (_, i) => ({ label: `intent_${i}`, count: 100 - i }));
    const bars = labelBars(counts, 5);
    expect(bars).toHaveLength(5);
    expect(bars.slice(0, 4).map((b) => b.label)).toEqual([
      'intent_0',
      'intent_1',
      'intent_2',
      'intent_3',
    ]);
    const total = counts.reduce((s, c) => s + c.count, 0);
    expect(bars.reduce((s, b) => s + b.value, 0)).toBe(total);
    expect(bars[4]?.label).toBe('Other (73 labels)');
  });

  it('rejects a limit that leaves no room for a real bar', () => {
    expect(() => labelBars([], 1)).toThrow(
      'labelBars: limit must be an integer of at least 2, got 1',
    );
  });
});

describe('labelGroups', () => {
  it('keeps only the dimensions that have labels, in display order', () => {
    const empty = {
      intent: [],
      category: [],
      language: [],
      sentiment: [],
      complexity: [],
      resolution: [],
    };
    const groups = labelGroups({
      ...empty,
      language: [
        { label: 'es', count: 3 },
        { label: 'en', count: 4 },
      ],
      intent: [{ label: 'card_arrival', count: 7 }],
      seriesType: [],
      domain: [],
    });
    expect(groups.map((g) => [g.key, g.title, g.distinct])).toEqual([
      ['intent', 'Intent', 1],
      ['language', 'Language', 2],
    ]);
    expect(groups[1]?.bars[0]).toEqual({ label: 'en', value: 4 });
  });
});

describe('itemView', () => {
  it('shows a conversation as its turns', () => {
    const view = itemView('CONVERSATIONS', {
      turns: [
        { speaker: 'customer', text: 'Where is my card?' },
        { speaker: 'agent', text: 'It ships in 3 days.' },
      ],
    });
    expect(view).toEqual({
      type: 'conversation',
      turns: [
        { speaker: 'customer', text: 'Where is my card?' },
        { speaker: 'agent', text: 'It ships in 3 days.' },
      ],
    });
  });

  it('shows an utterance as its text', () => {
    expect(itemView('UTTERANCES', { text: 'card not arrived', intent: 'card_arrival' })).toEqual({
      type: 'utterance',
      text: 'card not arrived',
    });
  });

  it('shapes a time series for its chart: values, range, type and anomalies in index order', () => {
    expect(
      itemView('TIMESERIES', {
        target: [3, 1, 2, 9],
        unit: 'kWh',
        frequency: '1H',
        start: 'x',
        series_type: 'electricity_load',
        anomalies: [
          { index: 3, type: 'spike', magnitude: 4 },
          { index: 1, type: 'dip' },
        ],
      }),
    ).toEqual({
      type: 'series',
      length: 4,
      min: 1,
      max: 9,
      unit: 'kWh',
      frequency: '1H',
      start: 'x',
      seriesType: 'electricity_load',
      points: [3, 1, 2, 9],
      anomalies: [
        { index: 1, type: 'dip' },
        { index: 3, type: 'spike' },
      ],
    });
  });

  it('drops anomaly marks that point outside the series', () => {
    const view = itemView('TIMESERIES', {
      target: [1, 2],
      anomalies: [
        { index: 2, type: 'spike' },
        { index: 0, type: 'drift' },
      ],
    });
    expect(view.type === 'series' && view.anomalies).toEqual([{ index: 0, type: 'drift' }]);
  });

  it('describes anomalies in words, numbering points from 1', () => {
    expect(describeAnomalies([])).toBe('No anomalies.');
    expect(
      describeAnomalies([
        { index: 0, type: 'level_shift' },
        { index: 11, type: 'spike' },
      ]),
    ).toBe('2 anomalies: Level shift at point 1, Spike at point 12.');
    expect(describeAnomalies([{ index: 4, type: 'dip' }], 'es')).toBe(
      '1 anomalía: Caída en el punto 5.',
    );
    expect(describeAnomalies([], 'es')).toBe('Sin anomalías.');
  });

  it('falls back to raw JSON when the data lacks the expected fields', () => {
    expect(itemView('CONVERSATIONS', { text: 'hi' })).toEqual({
      type: 'raw',
      json: '{\n  "text": "hi"\n}',
    });
  });
});
