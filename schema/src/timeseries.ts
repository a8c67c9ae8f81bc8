/**
 * A univariate time series of one of the 16 catalog types, as generated or imported, with the rules
 * that make it physically and temporally coherent.
 */
import * as v from 'valibot';
import { DOMAIN_IDS, getSeriesType, SERIES_TYPE_IDS, type SeriesBounds } from './catalog/series.ts';
import {
  enumField,
  GenerationMetaSchema,
  isoTimestampField,
  LANGUAGES,
  objectMessage,
  textField,
} from './common.ts';
import { issueMessage, gotParams as received } from './messages.ts';
import {
  isRecord,
  issueAt,
  parsedAt,
  type RuleIssue,
  type RuleMessage,
  type RulePath,
} from './rules.ts';

/** Sampling frequencies, pandas-style aliases. */
export const FREQUENCIES = ['1min', '5min', '10min', '15min', '30min', '1H', '1D', '1W'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

const MINUTE = 60_000;
const FREQUENCY_MS: Record<Frequency, number> = {
  '1min': MINUTE,
  '5min': 5 * MINUTE,
  '10min': 10 * MINUTE,
  '15min': 15 * MINUTE,
  '30min': 30 * MINUTE,
  '1H': 60 * MINUTE,
  '1D': 24 * 60 * MINUTE,
  '1W': 7 * 24 * 60 * MINUTE,
};

/**
 * The step of a frequency in milliseconds. Steps are absolute time: `1D` is always 24 hours, so a
 * daily series written in a local time zone with a daylight-saving change does not have a regular step.
 */
export function frequencyMs(f: Frequency): number {
  return FREQUENCY_MS[f];
}

/**
 * The frequency of evenly spaced timestamps (epoch milliseconds): defined only when there are at least
 * two, every difference is the same, and that difference is one of `FREQUENCIES`.
 */
export function inferFrequency(timestampsMs: readonly number[]): Frequency | undefined {
  if (timestampsMs.length < 2) return undefined;
  const [first, second] = timestampsMs as [number, number];
  const step = second - first;
  for (let i = 2; i < timestampsMs.length; i++) {
    if (timestampsMs[i]! - timestampsMs[i - 1]! !== step) return undefined;
  }
  return FREQUENCIES.find((f) => FREQUENCY_MS[f] === step);
}

export const ANOMALY_TYPES = ['spike', 'dip', 'level_shift', 'dropout', 'drift'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export const TREND_TYPES = [
  'none',
  'linear',
  'exponential',
  'logistic',
  'random_walk',
  'piecewise',
] as const;
export type TrendType = (typeof TREND_TYPES)[number];

export const SEASONALITY_TYPES = ['daily', 'weekly', 'yearly'] as const;
export type SeasonalityType = (typeof SEASONALITY_TYPES)[number];

/** Longest series accepted (points). */
export const MAX_SERIES_LENGTH = 100_000;

/** How many out-of-bounds points (or misplaced timestamps) are listed one by one before a summary. */
export const MAX_LISTED_POINTS = 5;

/** An anomaly injected into (or found in) a series, located by its point index. */
export const AnomalySchema = v.object(
  {
    index: v.pipe(
      v.number(issueMessage('value.notNumberGot', received('index'))),
      v.integer(issueMessage('value.notIntegerGot', received('index'))),
      v.minValue(0, issueMessage('value.notNegativeGot', received('index'))),
    ),
    type: enumField('type', ANOMALY_TYPES),
    magnitude: v.optional(
      v.pipe(
        v.number(issueMessage('value.notNumberGot', received('magnitude'))),
        v.finite(issueMessage('value.notFiniteGot', received('magnitude'))),
      ),
    ),
    description: v.optional(textField('description', 1000)),
  },
  objectMessage('an anomaly'),
);
export type Anomaly = v.InferOutput<typeof AnomalySchema>;

// NaN and Infinity cannot come from JSON, but can from a generator's arithmetic; name them plainly.
const ValueSchema = v.pipe(
  v.number((issue) =>
    typeof issue.input === 'number'
      ? issueMessage('value.isNaN')(issue)
      : issueMessage('value.notNumberGot', received('value'))(issue),
  ),
  v.finite(
    issueMessage<v.FiniteIssue<number>>('value.isInfinite', (issue) => ({
      value: issue.input > 0 ? 'Infinity' : '-Infinity',
    })),
  ),
);

const TimeSeriesObjectSchema = v.object(
  {
    series_id: textField('series_id', 200),
    domain: enumField('domain', DOMAIN_IDS),
    series_type: enumField('series_type', SERIES_TYPE_IDS),
    frequency: enumField('frequency', FREQUENCIES),
    start: isoTimestampField('start'),
    length: v.pipe(
      v.number(issueMessage('value.notNumberGot', received('length'))),
      v.integer(issueMessage('value.notIntegerGot', received('length'))),
      v.minValue(1, issueMessage('value.atLeastGot', received('length', { min: 1 }))),
      v.maxValue(
        MAX_SERIES_LENGTH,
        issueMessage('value.atMostGot', received('length', { max: MAX_SERIES_LENGTH })),
      ),
    ),
    target: v.pipe(
      v.array(ValueSchema, issueMessage('value.numbersGot', received('target'))),
      v.maxLength(
        MAX_SERIES_LENGTH,
        issueMessage<v.MaxLengthIssue<number[], number>>('series.tooManyValues', (issue) => ({
          count: issue.input.length,
          max: MAX_SERIES_LENGTH,
        })),
      ),
    ),
    timestamps: v.optional(
      v.array(
        isoTimestampField('timestamp'),
        issueMessage('value.stringsGot', received('timestamps')),
      ),
    ),
    unit: textField('unit', 40),
    seasonality_types: v.array(
      enumField('seasonality_types', SEASONALITY_TYPES),
      issueMessage('value.notArrayGot', received('seasonality_types')),
    ),
    trend_type: enumField('trend_type', TREND_TYPES),
    noise_level: v.pipe(
      v.number(issueMessage('value.notNumberGot', received('noise_level'))),
      v.minValue(0, issueMessage('value.shareGot', received('noise_level'))),
      v.maxValue(1, issueMessage('value.shareGot', received('noise_level'))),
    ),
    anomalies: v.optional(
      v.array(AnomalySchema, issueMessage('value.notArrayGot', received('anomalies'))),
      () => [],
    ),
    description_language: v.optional(enumField('description_language', LANGUAGES)),
    description: v.optional(
      v.pipe(
        v.string(issueMessage('value.notStringGot', received('description'))),
        v.trim(),
        v.maxLength(4000, issueMessage('text.longerThan', { field: 'description', max: 4000 })),
      ),
    ),
    // Optional: imported series were not generated by any model.
    generation: v.optional(GenerationMetaSchema),
  },
  objectMessage('a time series'),
);

/** `within 0..100`, `>= 0`, `> 0`, `<= 60`: how a bound reads in a message. */
export function describeBounds(bounds: SeriesBounds): string {
  const { min, max, min_exclusive: exclusive } = bounds;
  if (min !== null && max !== null) return `within ${min}..${max}`;
  if (min !== null) return `${exclusive ? '>' : '>='} ${min}`;
  if (max !== null) return `<= ${max}`;
  return 'any number';
}

/** Whether `value` respects `bounds`. */
export function withinBounds(value: number, bounds: SeriesBounds): boolean {
  const { min, max, min_exclusive: exclusive } = bounds;
  if (min !== null && (exclusive ? value <= min : value < min)) return false;
  return max === null || value <= max;
}

/** Indexes of array items under `key` that already have an issue. */
function failedItems(
  issues: readonly v.BaseIssue<unknown>[] | undefined,
  key: string,
): Set<number> {
  const failed = new Set<number>();
  for (const issue of issues ?? []) {
    const [head, item] = issue.path ?? [];
    if (head?.key === key && typeof item?.key === 'number') failed.add(item.key);
  }
  return failed;
}

/** Collects per-point issues, listing the first few and summarising the rest. */
class PointIssues {
  readonly issues: RuleIssue[] = [];
  count = 0;
  constructor(private readonly root: unknown) {}
  add(path: RulePath, message: RuleMessage) {
    this.count++;
    if (this.count <= MAX_LISTED_POINTS) this.issues.push(issueAt(this.root, path, message));
  }
  /** The issues listed, and past the first few, one more: `more` given the count and the number listed. */
  summary(path: RulePath, more: (count: number, listed: number) => RuleMessage): RuleIssue[] {
    if (this.count <= MAX_LISTED_POINTS) return this.issues;
    return [...this.issues, issueAt(this.root, path, more(this.count, MAX_LISTED_POINTS))];
  }
}

function timeSeriesRules(value: unknown, issues: readonly v.BaseIssue<unknown>[] | undefined) {
  const found: RuleIssue[] = [];
  if (!isRecord(value)) return found;
  const { domain, series_type: seriesType, length, target } = value;
  const lengthOk = parsedAt(issues, 'length') && typeof length === 'number';
  const type =
    parsedAt(issues, 'series_type') && typeof seriesType === 'string'
      ? getSeriesType(seriesType)
      : undefined;

  if (type && parsedAt(issues, 'domain') && type.domain !== domain) {
    found.push(
      issueAt(
        value,
        ['series_type'],
        issueMessage('series.domain', {
          type: type.id,
          expected: type.domain,
          domain: String(domain),
        }),
      ),
    );
  }

  if (Array.isArray(target)) {
    if (lengthOk && target.length !== length) {
      found.push(
        issueAt(
          value,
          ['length'],
          issueMessage('series.lengthMismatch', { length, values: target.length }),
        ),
      );
    }
    if (type) {
      const outOfBounds = new PointIssues(value);
      const { min, max } = type.bounds;
      // `within 0..100` is worded by the template; `>= 0`, `> 0` and `<= 60` read the same in any language.
      const range = min !== null && max !== null;
      const bound = {
        type: type.id,
        ...(range ? { min, max } : { rule: describeBounds(type.bounds) }),
      };
      target.forEach((point: unknown, index) => {
        // Non-numbers and NaN/Infinity already have their own issue.
        if (typeof point !== 'number' || !Number.isFinite(point)) return;
        if (!withinBounds(point, type.bounds)) {
          outOfBounds.add(
            ['target', index],
            issueMessage(range ? 'series.outOfRange' : 'series.outOfBounds', { ...bound, point }),
          );
        }
      });
      found.push(
        ...outOfBounds.summary(['target'], (count, listed) =>
          issueMessage(range ? 'series.outOfRangeMore' : 'series.outOfBoundsMore', {
            ...bound,
            count,
            listed,
          }),
        ),
      );
    }
  }

  const { timestamps } = value;
  if (Array.isArray(timestamps)) found.push(...timestampRules(value, timestamps, issues));

  const { anomalies } = value;
  if (lengthOk && Array.isArray(anomalies)) {
    anomalies.forEach((anomaly: unknown, index) => {
      const at = isRecord(anomaly) ? anomaly.index : undefined;
      if (parsedAt(issues, 'anomalies', index, 'index') && typeof at === 'number' && at >= length) {
        found.push(
          issueAt(
            value,
            ['anomalies', index, 'index'],
            issueMessage('series.anomalyIndex', { index: at, length, last: length - 1 }),
          ),
        );
      }
    });
  }

  return found;
}

function timestampRules(
  value: Record<string, unknown>,
  timestamps: readonly unknown[],
  issues: readonly v.BaseIssue<unknown>[] | undefined,
): RuleIssue[] {
  const found: RuleIssue[] = [];
  const { length, start, frequency } = value;
  if (parsedAt(issues, 'length') && typeof length === 'number' && timestamps.length !== length) {
    found.push(
      issueAt(
        value,
        ['timestamps'],
        issueMessage('series.timestampsCount', { count: timestamps.length, length }),
      ),
    );
  }
  const failed = failedItems(issues, 'timestamps');
  const ms = (index: number): number | undefined => {
    const text = timestamps[index];
    return failed.has(index) || typeof text !== 'string' ? undefined : Date.parse(text);
  };

  const first = ms(0);
  if (first !== undefined && parsedAt(issues, 'start') && typeof start === 'string') {
    const startMs = Date.parse(start);
    if (first !== startMs) {
      found.push(
        issueAt(
          value,
          ['timestamps', 0],
          issueMessage('series.firstTimestamp', {
            start: new Date(startMs).toISOString(),
            received: String(timestamps[0]),
          }),
        ),
      );
    }
  }

  const step =
    parsedAt(issues, 'frequency') && typeof frequency === 'string'
      ? FREQUENCY_MS[frequency as Frequency]
      : undefined;
  const misplaced = new PointIssues(value);
  for (let index = 1; index < timestamps.length; index++) {
    const previous = ms(index - 1);
    const current = ms(index);
    if (previous === undefined || current === undefined) continue;
    const got = String(timestamps[index]);
    if (current <= previous) {
      misplaced.add(
        ['timestamps', index],
        issueMessage('series.notIncreasing', {
          received: got,
          previous: String(timestamps[index - 1]),
        }),
      );
    } else if (
      step !== undefined &&
      current - previous !== step &&
      // A daily series on trading days skips the weekend: Friday to Monday (UTC dates).
      !(
        step === FREQUENCY_MS['1D'] &&
        current - previous === 3 * step &&
        new Date(previous).getUTCDay() === 5
      )
    ) {
      const expected = new Date(previous + step).toISOString();
      misplaced.add(
        ['timestamps', index],
        issueMessage('series.step', { expected, frequency: String(frequency), received: got }),
      );
    }
  }
  found.push(
    ...misplaced.summary(['timestamps'], (count, listed) =>
      issueMessage('series.misplacedMore', { count, listed }),
    ),
  );
  return found;
}

/**
 * A time series. Beyond the field types it enforces: `length` equals the number of values; every value
 * is finite and within the series type's physical bounds (the first 5 offending points are listed,
 * then a count); the series type belongs to the domain; timestamps, when given, number `length`, start
 * at `start` and step exactly by the frequency; anomaly indexes fall inside the series.
 */
export const TimeSeriesSchema = v.pipe(
  TimeSeriesObjectSchema,
  v.rawCheck(({ dataset, addIssue }) => {
    for (const issue of timeSeriesRules(dataset.value, dataset.issues)) addIssue(issue);
  }),
);
export type TimeSeries = v.InferOutput<typeof TimeSeriesSchema>;
export type TimeSeriesInput = v.InferInput<typeof TimeSeriesSchema>;
