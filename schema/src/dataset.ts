/**
 * Dataset-level shapes (metadata, quality and bias reports) and `parseItem`, the one entry point that
 * validates an item of any kind and returns field errors ready to show or to send back to a model.
 */
import * as v from 'valibot';
import {
  type DatasetKind,
  DatasetKindSchema,
  DatasetOriginSchema,
  enumField,
  objectMessage,
} from './common.ts';
import { type Conversation, ConversationSchema } from './conversation.ts';
import { type FieldError, type FormatOptions, formatIssues } from './issues.ts';
import { type TimeSeries, TimeSeriesSchema } from './timeseries.ts';
import { type Utterance, UtteranceSchema } from './utterance.ts';

export const VERDICTS = ['pass', 'warn', 'fail', 'not_computable'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const BIAS_SEVERITIES = ['none', 'low', 'medium', 'high'] as const;
export type BiasSeverity = (typeof BIAS_SEVERITIES)[number];

/**
 * One metric of a report: a value with its verdict, or `value: null` with verdict `not_computable`
 * and a `reason`.
 */
export const MetricSchema = v.object(
  {
    name: v.pipe(v.string('name must be a string'), v.nonEmpty('name must not be empty')),
    value: v.nullable(
      v.pipe(
        v.number((issue) => `value must be a number or null; got ${issue.received}`),
        v.finite('value must be finite'),
      ),
    ),
    verdict: enumField('verdict', VERDICTS),
    reason: v.optional(v.string('reason must be a string')),
    thresholds: v.optional(
      v.object(
        {
          warn: v.optional(v.number('thresholds.warn must be a number')),
          fail: v.optional(v.number('thresholds.fail must be a number')),
        },
        objectMessage('thresholds'),
      ),
    ),
  },
  objectMessage('a metric'),
);
export type Metric = v.InferOutput<typeof MetricSchema>;

/** The quality report of a dataset: an overall 0..100 score and its metrics. */
export const QualityReportSchema = v.object(
  {
    overall_score: v.pipe(
      v.number((issue) => `overall_score must be a number; got ${issue.received}`),
      v.minValue(0, 'overall_score must be within 0..100'),
      v.maxValue(100, 'overall_score must be within 0..100'),
    ),
    metrics: v.array(MetricSchema, 'metrics must be an array'),
  },
  objectMessage('a quality report'),
);
export type QualityReport = v.InferOutput<typeof QualityReportSchema>;

/** The bias report of a dataset: a severity, the reasons for it, and its metrics. */
export const BiasReportSchema = v.object(
  {
    severity: enumField('severity', BIAS_SEVERITIES),
    reasons: v.array(v.string('a reason must be a string'), 'reasons must be an array'),
    metrics: v.array(MetricSchema, 'metrics must be an array'),
  },
  objectMessage('a bias report'),
);
export type BiasReport = v.InferOutput<typeof BiasReportSchema>;

/**
 * Summary of a dataset's items. `label_counts` maps a label field to the count of each value, e.g.
 * `{ intent: { card_arrival: 12 }, language: { en: 40, es: 38 } }`.
 */
export const DatasetMetadataSchema = v.object(
  {
    kind: DatasetKindSchema,
    origin: DatasetOriginSchema,
    item_count: v.pipe(
      v.number((issue) => `item_count must be a number; got ${issue.received}`),
      v.integer('item_count must be an integer'),
      v.minValue(0, 'item_count must be >= 0'),
    ),
    label_counts: v.record(
      v.string(),
      v.record(
        v.string(),
        v.pipe(
          v.number('a label count must be a number'),
          v.integer('a label count must be an integer'),
          v.minValue(0, 'a label count must be >= 0'),
        ),
        'label_counts values must be objects of counts',
      ),
      'label_counts must be an object',
    ),
  },
  objectMessage('dataset metadata'),
);
export type DatasetMetadata = v.InferOutput<typeof DatasetMetadataSchema>;

/** The item type of each dataset kind. */
export interface ItemOfKind {
  conversations: Conversation;
  timeseries: TimeSeries;
  utterances: Utterance;
}

/** The outcome of `parseItem`: the parsed item, or every field error. */
export type ParseItemResult<T> =
  | { success: true; output: T }
  | { success: false; errors: FieldError[] };

/** The schema that validates one item of each dataset kind. */
export const ITEM_SCHEMAS = {
  conversations: ConversationSchema,
  timeseries: TimeSeriesSchema,
  utterances: UtteranceSchema,
} as const;

/**
 * Validates one item of a dataset of `kind`. On failure returns every problem as a field error
 * (`turns[2].speaker: ...`), never throws.
 */
export function parseItem<K extends DatasetKind>(
  kind: K,
  data: unknown,
  options?: FormatOptions,
): ParseItemResult<ItemOfKind[K]>;
export function parseItem(
  kind: DatasetKind,
  data: unknown,
  options: FormatOptions = {},
): ParseItemResult<Conversation | TimeSeries | Utterance> {
  const schema = ITEM_SCHEMAS[kind];
  if (!schema) {
    return {
      success: false,
      errors: [{ path: '', message: `unknown dataset kind '${String(kind)}'` }],
    };
  }
  const result = v.safeParse(schema, data);
  return result.success
    ? { success: true, output: result.output }
    : { success: false, errors: formatIssues(result.issues, options) };
}
