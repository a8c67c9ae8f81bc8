/** One metric of a validation report, explained for the Help page. */
export interface MetricHelp {
  /** The metric id exactly as reports carry it (`ValidationMetric.id`); `<type>` stands for a series type. */
  id: string;
  name: string;
  /** What it measures. */
  means: string;
  /** How to read the number. */
  read: string;
}

/** A titled section of metrics (one report group). */
export interface MetricSection {
  group: string;
  title: string;
  intro: string;
  metrics: MetricHelp[];
}

const JSD_READ =
  'Jensen-Shannon divergence in bits, 0 (identical) to 1 (disjoint). Lower is better. The shaded real-vs-real band shows what two real samples of the same size differ by; a value near the band is as close as real data gets.';

const TVD_READ =
  'Total variation distance, 0 (matches the targets) to 1. Lower is better. The reason gives the largest gap, a chi-square test and the distance sampling alone would give at this size, which the thresholds already allow for.';

/**
 * What every metric of a validation report means and how to read it, by report group. The ids are
 * those real reports carry (text reports against Banking77, time-series reports against
 * Electricity), so the Validate page and this help speak the same names.
 */
export const METRIC_SECTIONS: readonly MetricSection[] = [
  {
    group: 'quality',
    title: 'Quality',
    intro: 'Is every item complete?',
    metrics: [
      {
        id: 'quality.completeness',
        name: 'Completeness',
        means: 'The share of items with every required field present and non-empty.',
        read: 'Higher is better; anything under 100% names the missing fields in the details.',
      },
    ],
  },
  {
    group: 'consistency',
    title: 'Consistency',
    intro: 'Do items follow the dataset rules and agree with themselves?',
    metrics: [
      {
        id: 'consistency.schema_violation_rate',
        name: 'Schema violations',
        means:
          'Items breaking a conversation rule: required fields, the customer speaks first, speakers alternate, turn_count matches, intent and category agree.',
        read: 'Lower is better; any violation warns.',
      },
      {
        id: 'consistency.resolution_mismatch_rate',
        name: 'Resolution mismatch',
        means:
          'Conversations whose resolution_status contradicts how they end (a keyword heuristic in English and Spanish).',
        read: 'Lower is better. A heuristic: read the examples before trusting a high value.',
      },
      {
        id: 'consistency.unreadable',
        name: 'Unreadable series',
        means: 'Time-series items that are not readable series.',
        read: 'Lower is better; should be 0.',
      },
      {
        id: 'consistency.order',
        name: 'Out-of-order timestamps',
        means: 'Series whose timestamps are not increasing.',
        read: 'Lower is better; should be 0.',
      },
      {
        id: 'consistency.frequency',
        name: 'Irregular frequency',
        means: 'Series with an irregular or unknown sampling frequency.',
        read: 'Lower is better.',
      },
      {
        id: 'consistency.gaps',
        name: 'Gaps',
        means: 'Series with missing points.',
        read: 'Lower is better.',
      },
      {
        id: 'consistency.non_finite',
        name: 'Non-finite values',
        means: 'Series containing NaN or Infinity.',
        read: 'Lower is better; should be 0.',
      },
      {
        id: 'consistency.bounds',
        name: 'Out of bounds',
        means: 'Series with values outside the physical bounds of their type.',
        read: 'Lower is better; should be 0.',
      },
    ],
  },
  {
    group: 'realism',
    title: 'Realism',
    intro: 'How close is the text to real customer text (the reference)?',
    metrics: [
      {
        id: 'realism.intent_jsd',
        name: 'Intent distribution vs reference',
        means: 'How differently the intents are spread compared with the reference.',
        read: JSD_READ,
      },
      {
        id: 'realism.length_jsd',
        name: 'Opening-message length vs reference',
        means: 'The length (in tokens) of the customer’s first message against the reference.',
        read: JSD_READ,
      },
      {
        id: 'realism.vocabulary_jsd',
        name: 'Vocabulary vs reference',
        means: 'Customer tokens over the reference’s 2,000 most common words plus “other”.',
        read: JSD_READ,
      },
      {
        id: 'realism.turns_jsd',
        name: 'Turns per conversation vs reference',
        means: 'The number of turns against the reference’s.',
        read: `${JSD_READ} Not computable when the reference holds single utterances.`,
      },
    ],
  },
  {
    group: 'diversity',
    title: 'Diversity',
    intro: 'Does the dataset say different things, or the same thing many times?',
    metrics: [
      {
        id: 'diversity.distinct_1',
        name: 'Distinct-1',
        means: 'Unique words per word of customer text (first 20,000 tokens).',
        read: 'Higher is better. Reads high on short text, so compare with the band at a similar size.',
      },
      {
        id: 'diversity.distinct_2',
        name: 'Distinct-2',
        means: 'Unique word pairs per pair of customer text.',
        read: 'Higher is better; same caveat as Distinct-1.',
      },
      {
        id: 'diversity.exact_duplicate_rate',
        name: 'Exact duplicates',
        means:
          'Items whose customer text equals another item’s, ignoring case, accents and punctuation.',
        read: 'Lower is better.',
      },
      {
        id: 'diversity.near_duplicate_rate',
        name: 'Near duplicates',
        means: 'Items with a near copy (MinHash-LSH, Jaccard ≥ 0.8 on character 5-grams).',
        read: 'Lower is better. Real data has a few; compare with the band.',
      },
    ],
  },
  {
    group: 'language',
    title: 'Language',
    intro: 'Is each item written in the language it is labelled with?',
    metrics: [
      {
        id: 'language.mismatch_rate',
        name: 'Language mismatch',
        means: 'Items whose detected language (ELD) differs from their label.',
        read: 'Lower is better. Very short texts are left out as undetermined.',
      },
    ],
  },
  {
    group: 'privacy',
    title: 'Privacy',
    intro: 'Could the dataset leak personal data or copy the reference?',
    metrics: [
      {
        id: 'privacy.pii_rate',
        name: 'PII-like strings',
        means: 'Luhn-valid card numbers, valid IBANs and CLABEs, emails and phone numbers.',
        read: 'Lower is better; any hit warns. The details list examples by kind.',
      },
      {
        id: 'privacy.memorisation_rate',
        name: 'Memorisation',
        means:
          'Items with a customer utterance that near-copies a reference utterance (Jaccard ≥ 0.7).',
        read: 'Lower is better: high values mean the generator repeats its examples.',
      },
    ],
  },
  {
    group: 'bias',
    title: 'Bias',
    intro:
      'Does the dataset match the targets it was generated for (the job’s, else the defaults)? The Bias tab draws each distribution against its targets.',
    metrics: [
      {
        id: 'bias.intent_tvd',
        name: 'Intent vs targets',
        means: 'The intent shares against the target shares.',
        read: TVD_READ,
      },
      {
        id: 'bias.category_tvd',
        name: 'Category vs targets',
        means: 'The category shares against the targets.',
        read: TVD_READ,
      },
      {
        id: 'bias.language_tvd',
        name: 'Language vs targets',
        means: 'The language mix against the targets.',
        read: TVD_READ,
      },
      {
        id: 'bias.sentiment_tvd',
        name: 'Sentiment vs targets',
        means: 'The sentiment mix against the targets.',
        read: TVD_READ,
      },
      {
        id: 'bias.complexity_tvd',
        name: 'Complexity vs targets',
        means: 'The complexity mix against the targets.',
        read: TVD_READ,
      },
      {
        id: 'bias.resolution_tvd',
        name: 'Resolution vs targets',
        means: 'The resolution-status mix against the targets.',
        read: TVD_READ,
      },
      {
        id: 'bias.intent_coverage',
        name: 'Intent coverage',
        means: 'The share of targeted intents that appear at least once.',
        read: 'Higher is better; the details list the missing intents.',
      },
      {
        id: 'bias.intent_language_parity',
        name: 'Intent × language parity',
        means: 'How far each intent’s language mix strays from the language target, on average.',
        read: 'Lower is better; the details list the worst intents.',
      },
    ],
  },
  {
    group: 'fidelity',
    title: 'Time-series fidelity',
    intro:
      'How close are the series to real ones of the same type (Electricity, Energy, Sensors)? One set per series type; types absent from the dataset are not computable.',
    metrics: [
      {
        id: 'fidelity.<type>.marginal_ks',
        name: 'Value distribution (Kolmogorov-Smirnov)',
        means: 'The largest gap between the two cumulative distributions of normalised values.',
        read: 'Lower is better, 0 to 1; compare with the real-vs-real band.',
      },
      {
        id: 'fidelity.<type>.marginal_wasserstein',
        name: 'Value distribution (Wasserstein)',
        means: 'How far values must move to match the reference, in units of the mean level.',
        read: 'Lower is better.',
      },
      {
        id: 'fidelity.<type>.acf_distance',
        name: 'Autocorrelation',
        means: 'Mean absolute difference of autocorrelation at lags 1–48 and 168 hours.',
        read: 'Lower is better: the series remember their past like real ones.',
      },
      {
        id: 'fidelity.<type>.daily_seasonality',
        name: 'Daily seasonality',
        means: 'Distance between the distributions of daily seasonality strength.',
        read: 'Lower is better.',
      },
      {
        id: 'fidelity.<type>.weekly_seasonality',
        name: 'Weekly seasonality',
        means: 'Distance between the distributions of weekly seasonality strength.',
        read: 'Lower is better; needs series of at least two weeks.',
      },
      {
        id: 'fidelity.<type>.discriminator',
        name: 'Real-vs-synthetic classifier',
        means: 'The accuracy of a classifier trained to tell real series from synthetic ones.',
        read: '0.5 is ideal (it cannot tell them apart); near 1 means the series are easy to spot.',
      },
    ],
  },
  {
    group: 'acceptance',
    title: 'Time-series acceptance',
    intro: 'Plain checks a series of the type must pass.',
    metrics: [
      {
        id: 'acceptance.<type>.daily_seasonality',
        name: 'Daily seasonality present',
        means: 'The median strength of the daily cycle.',
        read: 'Higher is better.',
      },
      {
        id: 'acceptance.<type>.weekly_seasonality',
        name: 'Weekly seasonality present',
        means: 'The median strength of the weekly cycle.',
        read: 'Higher is better.',
      },
      {
        id: 'acceptance.electricity.non_negative',
        name: 'Negative values',
        means: 'Electricity series with negative consumption.',
        read: 'Lower is better; should be 0.',
      },
    ],
  },
];

/**
 * The gates: metrics that decide the verdict whatever the average (the server's `GATES` in
 * `validation/verdict.ts`; docs/validation.md). Any gate at fail fails the report; at warn it caps
 * the verdict at warn.
 */
export const GATE_HELP: readonly { key: string; name: string; why: string }[] = [
  {
    key: 'consistency.schema_violation_rate',
    name: 'Schema violations',
    why: 'Items that break the schema cannot be used as labelled data, however good the rest is.',
  },
  {
    key: 'privacy.pii_rate',
    name: 'PII',
    why: 'A card number, IBAN, email or phone number makes a dataset unsafe to share or train on.',
  },
  {
    key: 'privacy.memorisation_rate',
    name: 'Memorisation',
    why: 'Near-copies of the reference are not synthetic data: they leak it and inflate every realism score.',
  },
  {
    key: 'language.mismatch_rate',
    name: 'Language mismatch',
    why: 'An item written in another language than its label is a wrong label.',
  },
  {
    key: 'label_fidelity',
    name: 'Label fidelity',
    why: 'Items that do not say what their intent claims teach a classifier the wrong thing; shuffled labels keep every distribution intact, so only this metric sees them.',
  },
  {
    key: 'fidelity.*.discriminator',
    name: 'Real-vs-synthetic classifier',
    why: 'When a simple classifier tells the series from real ones, they are not realistic, however close their averages are.',
  },
  {
    key: 'consistency.bounds',
    name: 'Physical-bound violations',
    why: 'Values a meter, sensor or market cannot produce make a series unusable.',
  },
];

/** Fewest items (or series) each metric is judged on; below it the metric is not computable. */
export const SAMPLE_MINIMUMS: readonly { metrics: string; min: string; why: string }[] = [
  {
    metrics:
      'Completeness, schema, PII, memorisation, language, resolution; series consistency, negative loads',
    min: '1',
    why: 'Each item is checked on its own: one offending item is evidence.',
  },
  {
    metrics: 'Realism (JSD) and diversity',
    min: '20 items',
    why: 'Below that the sampling noise and distinct-n’s length effect swamp the signal.',
  },
  { metrics: 'Bias against targets', min: '30 items', why: 'The chi-square approximation.' },
  {
    metrics: 'Time-series fidelity',
    min: '10 clean series of the domain',
    why: 'The real-vs-synthetic classifier’s own minimum per side.',
  },
  { metrics: 'Seasonality and market checks', min: '3 series', why: 'A median over series.' },
  {
    metrics: 'A verdict at all',
    min: '20 items, or 10 series',
    why: 'Fewer give “incomplete”, never a pass.',
  },
];

/** How to read any report: the verdict and its reason, gates, coverage, intervals, the strip. */
export const READING_GUIDE: readonly { term: string; text: string }[] = [
  {
    term: 'Why this verdict',
    text: 'The report’s first line says why, e.g. “fail: real-vs-synthetic classifier 0.98 (gate)”. A gate at fail fails the report whatever the average; otherwise a gap in coverage makes it incomplete; otherwise a gate at warn caps it at warn; otherwise the score decides (pass from 80, warn from 60).',
  },
  {
    term: 'Overall score',
    text: 'A weighted average (0–100) of the group scores; the weights are stored with each report. Its range is what it would be if every metric with a 95% interval moved to either end of it.',
  },
  {
    term: 'Verdicts',
    text: 'Pass, warn or fail against the metric’s thresholds; “not computable” when the data or reference lacks what the metric needs or the sample is under the metric’s minimum. The report adds “incomplete”: a language, series type or domain of the data has no reference, under 80% of the score’s weight was measured, or there are too few items.',
  },
  {
    term: 'Coverage',
    text: 'The share of items and of the score’s weight measured against a reference, per language, series type and domain, and what was not checked with how to supply it (`genesis profile DATASET`, `--reference DATASET`).',
  },
  {
    term: 'Compare',
    text: 'Distinct-n is compared on equal samples (the same token budget on both sides); B is called better or worse only when the difference lies outside the uncertainty of both sides.',
  },
  {
    term: 'Real-vs-real band',
    text: 'The shaded range on a metric’s strip: what two real samples of the same size score against each other. The dot is this dataset; dashed lines are the warn and fail thresholds.',
  },
  {
    term: 'Versions',
    text: 'Every validation is kept as a new version; the Validate page lists them to switch between.',
  },
];

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
