import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Conversation } from '../src/conversation.ts';
import {
  BiasReportSchema,
  DatasetMetadataSchema,
  MetricSchema,
  parseItem,
  QualityReportSchema,
} from '../src/dataset.ts';
import type { FieldError } from '../src/issues.ts';
import type { TimeSeries } from '../src/timeseries.ts';
import { conversationEn, electricitySeries } from './fixtures.ts';

function errors(schema: v.GenericSchema, input: unknown): FieldError[] {
  const result = v.safeParse(schema, input);
  if (result.success) return [];
  return result.issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: issue.message,
  }));
}

describe('report schemas', () => {
  it('accepts metrics with a value or an explicit not-computable reason', () => {
    expect(
      v.is(MetricSchema, {
        name: 'distinct_2',
        value: 0.82,
        verdict: 'pass',
        thresholds: { warn: 0.6, fail: 0.4 },
      }),
    ).toBe(true);
    expect(
      v.is(MetricSchema, {
        name: 'perplexity',
        value: null,
        verdict: 'not_computable',
        reason: 'no reference profile',
      }),
    ).toBe(true);
  });

  it('rejects unknown verdicts and severities with the allowed values', () => {
    expect(errors(MetricSchema, { name: 'x', value: 1, verdict: 'ok' })).toEqual([
      {
        path: 'verdict',
        message: 'verdict must be one of pass, warn, fail, not_computable; got "ok"',
      },
    ]);
    expect(errors(BiasReportSchema, { severity: 'severe', reasons: [], metrics: [] })).toEqual([
      {
        path: 'severity',
        message: 'severity must be one of none, low, medium, high; got "severe"',
      },
    ]);
  });

  it('bounds the quality score to 0..100', () => {
    expect(v.is(QualityReportSchema, { overall_score: 87.5, metrics: [] })).toBe(true);
    expect(errors(QualityReportSchema, { overall_score: 101, metrics: [] })).toEqual([
      { path: 'overall_score', message: 'overall_score must be within 0..100' },
    ]);
  });

  it('accepts dataset metadata with nested label counts', () => {
    const metadata = {
      kind: 'conversations',
      origin: 'generated',
      item_count: 3,
      label_counts: {
        intent: { card_arrival: 2, 'reverted_card_payment?': 1 },
        language: { es: 3 },
      },
    };
    expect(v.parse(DatasetMetadataSchema, metadata)).toEqual(metadata);
    expect(errors(DatasetMetadataSchema, { ...metadata, kind: 'images', item_count: -1 })).toEqual([
      {
        path: 'kind',
        message: 'kind must be one of conversations, timeseries, utterances; got "images"',
      },
      { path: 'item_count', message: 'item_count must be >= 0' },
    ]);
  });
});

describe('parseItem', () => {
  it('returns the typed output for each kind', () => {
    const conversation = parseItem('conversations', conversationEn());
    expect(conversation.success).toBe(true);
    if (conversation.success) expectTypeOf(conversation.output).toEqualTypeOf<Conversation>();
    const series = parseItem('timeseries', electricitySeries());
    expect(series.success).toBe(true);
    if (series.success) expectTypeOf(series.output).toEqualTypeOf<TimeSeries>();
  });

  it('validates against the schema of the given kind', () => {
    const result = parseItem('utterances', conversationEn());
    expect(result).toEqual({
      success: false,
      errors: [{ path: 'text', message: 'text is required' }],
    });
  });

  it('reports an unknown kind instead of throwing', () => {
    expect(parseItem('images' as never, {})).toEqual({
      success: false,
      errors: [{ path: '', message: "unknown dataset kind 'images'" }],
    });
  });
});
