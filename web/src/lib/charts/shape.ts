import { DOMAIN_IDS, SERIES_TYPE_IDS } from '@genesis/schema/catalog/series';
import { DATASET_KINDS, kindLabel } from '../datasets/labels.ts';
import type { DatasetKind } from '../graphql/graphql.ts';
import type { Locale } from '../i18n/messages.ts';

/** One bar of a bar chart: a category and its value. */
export interface Bar {
  label: string;
  value: number;
}

/**
 * Items per dataset kind as bars, one per kind in a fixed order, zero for kinds the API did
 * not list, so the chart's layout does not jump as data arrives.
 */
export function kindBars(
  byKind: readonly { kind: DatasetKind; items: number }[],
  locale: Locale = 'en',
): Bar[] {
  return DATASET_KINDS.map((kind) => ({
    label: kindLabel(kind, locale),
    value: byKind.filter((k) => k.kind === kind).reduce((sum, k) => sum + k.items, 0),
  }));
}

/**
 * Label counts as bars, largest first (ties by label), at most `limit` bars: the rest are summed
 * into one "Other (n labels)" bar (`other` words it, in the page's language) so 77 intents still fit a
 * readable chart.
 * @throws {RangeError} when `limit` is below 2 (one real bar plus "Other" is the minimum).
 */
export function labelBars(
  counts: readonly { label: string; count: number }[],
  limit = 12,
  other: (labels: number) => string = (n) => `Other (${n} labels)`,
): Bar[] {
  if (!Number.isInteger(limit) || limit < 2) {
    throw new RangeError(`labelBars: limit must be an integer of at least 2, got ${limit}`);
  }
  const sorted = counts
    .filter((c) => c.count > 0)
    .map((c) => ({ label: c.label, value: c.count }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  if (sorted.length <= limit) return sorted;
  const shown = sorted.slice(0, limit - 1);
  const rest = sorted.slice(limit - 1);
  return [
    ...shown,
    { label: other(rest.length), value: rest.reduce((sum, bar) => sum + bar.value, 0) },
  ];
}

/** The label dimensions a dataset can have, in display order, with their headings. */
export const LABEL_DIMENSIONS = [
  ['intent', 'Intent'],
  ['category', 'Category'],
  ['language', 'Language'],
  ['sentiment', 'Sentiment'],
  ['complexity', 'Complexity'],
  ['resolution', 'Resolution'],
  ['seriesType', 'Series type'],
  ['domain', 'Domain'],
] as const;

type LabelDimension = (typeof LABEL_DIMENSIONS)[number][0];

/** A titled group of label-count bars for one dimension. */
export interface LabelGroup {
  key: LabelDimension;
  title: string;
  bars: Bar[];
  /** How many distinct labels the dimension has (before folding into "Other"). */
  distinct: number;
}

/**
 * Dimensions shown whole, never folded into "Other": every series type (16) and domain of the
 * catalog fits a readable chart, and a folded type would hide which types a dataset lacks.
 */
const UNFOLDED: Partial<Record<LabelDimension, number>> = {
  seriesType: SERIES_TYPE_IDS.length,
  domain: DOMAIN_IDS.length,
};

/**
 * The non-empty label dimensions of a dataset, each shaped into bars: at most `limit` bars per
 * dimension, except series types and domains, which always show every label.
 */
export function labelGroups(
  labelCounts: Record<LabelDimension, readonly { label: string; count: number }[]>,
  limit = 12,
  other?: (labels: number) => string,
): LabelGroup[] {
  return LABEL_DIMENSIONS.flatMap(([key, title]) => {
    const counts = labelCounts[key].filter((c) => c.count > 0);
    const shown = Math.max(limit, UNFOLDED[key] ?? 0, key in UNFOLDED ? counts.length : 0);
    return counts.length > 0
      ? [{ key, title, bars: labelBars(counts, shown, other), distinct: counts.length }]
      : [];
  });
}
