/*
 * The Help page's structure: which metrics, gates, sample minimums and reading notes it explains, in
 * order. Their words are messages of the catalogues (web/src/lib/i18n/en.json and es.json), under
 * the keys the functions below build, so the page reads in the chosen language;
 * web/test/lineage-help.test.ts checks that every key exists in both.
 */
import type { MessageKey } from '../i18n/messages.ts';

/** A shared way to read a metric's number: Jensen-Shannon divergence or total variation distance. */
export type MetricScale = 'jsd' | 'tvd';

/** One metric of a validation report, explained on the Help page. */
export interface MetricHelp {
  /** The metric id exactly as reports carry it (`ValidationMetric.id`); `<type>` stands for a series type. */
  id: string;
  /**
   * How to read it when that is shared with other metrics (shown before the metric's own `read`
   * message, which such a metric has only when it adds to it).
   */
  scale?: MetricScale;
}

/** A section of metrics (one report group). */
export interface MetricSection {
  group: string;
  metrics: readonly MetricHelp[];
}

/**
 * Every metric of a validation report, by report group. The ids are those real reports carry
 * (text reports against Banking77, time-series reports against Electricity), so the Validate page
 * and this help speak the same names.
 */
export const METRIC_SECTIONS: readonly MetricSection[] = [
  {
    group: 'quality',
    metrics: [{ id: 'quality.completeness' }],
  },
  {
    group: 'consistency',
    metrics: [
      { id: 'consistency.schema_violation_rate' },
      { id: 'consistency.resolution_mismatch_rate' },
      { id: 'consistency.unreadable' },
      { id: 'consistency.order' },
      { id: 'consistency.frequency' },
      { id: 'consistency.gaps' },
      { id: 'consistency.non_finite' },
      { id: 'consistency.bounds' },
    ],
  },
  {
    group: 'realism',
    metrics: [
      { id: 'realism.intent_jsd', scale: 'jsd' },
      { id: 'realism.length_jsd', scale: 'jsd' },
      { id: 'realism.vocabulary_jsd', scale: 'jsd' },
      { id: 'realism.turns_jsd', scale: 'jsd' },
    ],
  },
  {
    group: 'diversity',
    metrics: [
      { id: 'diversity.distinct_1' },
      { id: 'diversity.distinct_2' },
      { id: 'diversity.exact_duplicate_rate' },
      { id: 'diversity.near_duplicate_rate' },
    ],
  },
  {
    group: 'language',
    metrics: [{ id: 'language.mismatch_rate' }],
  },
  {
    group: 'privacy',
    metrics: [{ id: 'privacy.pii_rate' }, { id: 'privacy.memorisation_rate' }],
  },
  {
    group: 'bias',
    metrics: [
      { id: 'bias.intent_tvd', scale: 'tvd' },
      { id: 'bias.category_tvd', scale: 'tvd' },
      { id: 'bias.language_tvd', scale: 'tvd' },
      { id: 'bias.sentiment_tvd', scale: 'tvd' },
      { id: 'bias.complexity_tvd', scale: 'tvd' },
      { id: 'bias.resolution_tvd', scale: 'tvd' },
      { id: 'bias.intent_coverage' },
      { id: 'bias.intent_language_parity' },
    ],
  },
  {
    group: 'fidelity',
    metrics: [
      { id: 'fidelity.<type>.marginal_ks' },
      { id: 'fidelity.<type>.marginal_wasserstein' },
      { id: 'fidelity.<type>.acf_distance' },
      { id: 'fidelity.<type>.daily_seasonality' },
      { id: 'fidelity.<type>.weekly_seasonality' },
      { id: 'fidelity.<type>.discriminator' },
    ],
  },
  {
    group: 'acceptance',
    metrics: [
      { id: 'acceptance.<type>.daily_seasonality' },
      { id: 'acceptance.<type>.weekly_seasonality' },
      { id: 'acceptance.electricity.non_negative' },
    ],
  },
];

/**
 * The gates: metrics that decide the verdict whatever the average (the server's `GATES` in
 * `validation/verdict.ts`; docs/validation.md). Any gate at fail fails the report; at warn it caps
 * the verdict at warn.
 */
export const GATE_KEYS: readonly string[] = [
  'consistency.schema_violation_rate',
  'privacy.pii_rate',
  'privacy.memorisation_rate',
  'language.mismatch_rate',
  'label_fidelity',
  'fidelity.*.discriminator',
  'consistency.bounds',
];

/** The groups of metrics with a minimum sample (below it the metric is not computable). */
export const SAMPLE_MINIMUMS = [
  'each',
  'realism',
  'bias',
  'fidelity',
  'seasonality',
  'verdict',
] as const;

/** How to read any report: the verdict and its reason, gates, coverage, intervals, the strip. */
export const READING_GUIDE = [
  'why',
  'score',
  'verdicts',
  'coverage',
  'compare',
  'band',
  'versions',
] as const;

/** Code shown inside the reading guide's messages, by placeholder. */
export const READING_CODE: Readonly<Record<string, string>> = {
  profile: 'genesis profile DATASET',
  reference: '--reference DATASET',
};

// The keys are built from ids, so they are checked by a test instead of the compiler.
const key = (k: string) => k as MessageKey;

export const sectionKey = (group: string, field: 'title' | 'intro') =>
  key(`help.group.${group}.${field}`);
export const metricKey = (id: string, field: 'name' | 'means' | 'read') =>
  key(`help.metric.${id}.${field}`);
export const scaleKey = (scale: MetricScale) => key(`help.scale.${scale}`);
export const gateKey = (gate: string, field: 'name' | 'why') => key(`help.gate.${gate}.${field}`);
export const minimumKey = (id: string, field: 'metrics' | 'min' | 'why') =>
  key(`help.min.${id}.${field}`);
export const readingKey = (id: string, field: 'term' | 'text') => key(`help.read.${id}.${field}`);

/** Every message key the Help page's metrics, gates, minimums and reading guide use. */
export function helpMessageKeys(): MessageKey[] {
  return [
    ...METRIC_SECTIONS.flatMap((s) => [
      sectionKey(s.group, 'title'),
      sectionKey(s.group, 'intro'),
      ...s.metrics.flatMap((m) => [
        metricKey(m.id, 'name'),
        metricKey(m.id, 'means'),
        ...(m.scale ? [scaleKey(m.scale)] : [metricKey(m.id, 'read')]),
      ]),
    ]),
    ...GATE_KEYS.flatMap((g) => [gateKey(g, 'name'), gateKey(g, 'why')]),
    ...SAMPLE_MINIMUMS.flatMap((m) => [
      minimumKey(m, 'metrics'),
      minimumKey(m, 'min'),
      minimumKey(m, 'why'),
    ]),
    ...READING_GUIDE.flatMap((r) => [readingKey(r, 'term'), readingKey(r, 'text')]),
  ];
}

/**
 * A message cut at its `{name}` placeholders, for rendering some of them as elements (code): text
 * parts and placeholder names alternate, starting with text.
 */
export function messageParts(message: string): { text: string; hole: string | null }[] {
  const parts: { text: string; hole: string | null }[] = [];
  let last = 0;
  for (const m of message.matchAll(/\{(\w+)\}/g)) {
    parts.push({ text: message.slice(last, m.index), hole: m[1] ?? null });
    last = m.index + m[0].length;
  }
  parts.push({ text: message.slice(last), hole: null });
  return parts;
}

/** A sample subscription: live progress of a generation job over graphql-ws. */
export const SAMPLE_SUBSCRIPTION = `subscription Progress($jobId: ID!) {
  generationProgress(jobId: $jobId) {
    status
    requested
    accepted
    rejected
    costUsd
    etaSeconds
  }
}`;
