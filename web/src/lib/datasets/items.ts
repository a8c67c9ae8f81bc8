import * as v from 'valibot';
import type { DatasetKind } from '../graphql/graphql.ts';
import type { Locale } from '../i18n/messages.ts';

// Display-only views of an item's `data`: just the fields a page shows, read loosely, because the
// server already validated items strictly (@genesis/schema) when they were stored.
const TurnsViewSchema = v.object({
  turns: v.array(v.object({ speaker: v.string(), text: v.string() })),
});
const UtteranceViewSchema = v.object({ text: v.string() });
const SeriesViewSchema = v.object({
  target: v.array(v.number()),
  unit: v.optional(v.string()),
  frequency: v.optional(v.string()),
  start: v.optional(v.string()),
  series_type: v.optional(v.string()),
  anomalies: v.optional(v.array(v.object({ index: v.number(), type: v.string() })), () => []),
});

/** An anomaly of a series, at a point index inside it. */
export interface SeriesAnomaly {
  index: number;
  /** spike, dip, level_shift, dropout or drift. */
  type: string;
}

/** What the dataset page shows for one item. */
export type ItemView =
  | { type: 'conversation'; turns: { speaker: string; text: string }[] }
  | { type: 'utterance'; text: string }
  | {
      type: 'series';
      length: number;
      min: number;
      max: number;
      unit: string;
      frequency: string;
      start: string;
      /** The series type id (e.g. `electricity_load`), '' when the item has none. */
      seriesType: string;
      /** The values, in order: what the sparkline draws. */
      points: number[];
      /** Anomalies whose index falls inside the series, in index order. */
      anomalies: SeriesAnomaly[];
    }
  | { type: 'raw'; json: string };

/**
 * Shapes an item's JSON `data` for display according to the dataset kind. Data that does not have
 * the expected fields is shown as raw JSON rather than hidden.
 */
export function itemView(kind: DatasetKind, data: unknown): ItemView {
  if (kind === 'CONVERSATIONS') {
    const parsed = v.safeParse(TurnsViewSchema, data);
    if (parsed.success) return { type: 'conversation', turns: parsed.output.turns };
  } else if (kind === 'UTTERANCES') {
    const parsed = v.safeParse(UtteranceViewSchema, data);
    if (parsed.success) return { type: 'utterance', text: parsed.output.text };
  } else if (kind === 'TIMESERIES') {
    const parsed = v.safeParse(SeriesViewSchema, data);
    if (parsed.success && parsed.output.target.length > 0) {
      const { target, unit = '', frequency = '', start = '' } = parsed.output;
      // Marks outside the series cannot be drawn; the server rejects them anyway.
      const anomalies = parsed.output.anomalies
        .filter((a) => Number.isInteger(a.index) && a.index >= 0 && a.index < target.length)
        .map((a) => ({ index: a.index, type: a.type }))
        .sort((a, b) => a.index - b.index);
      return {
        type: 'series',
        length: target.length,
        min: Math.min(...target),
        max: Math.max(...target),
        unit,
        frequency,
        start,
        seriesType: parsed.output.series_type ?? '',
        points: target,
        anomalies,
      };
    }
  }
  return { type: 'raw', json: JSON.stringify(data, null, 2) ?? 'null' };
}

const ANOMALY_LABELS: Record<Locale, Record<string, string>> = {
  en: {
    spike: 'Spike',
    dip: 'Dip',
    level_shift: 'Level shift',
    dropout: 'Dropout',
    drift: 'Drift',
  },
  es: {
    spike: 'Pico',
    dip: 'Caída',
    level_shift: 'Cambio de nivel',
    dropout: 'Corte',
    drift: 'Deriva',
  },
};

/** The human name of an anomaly type ("Level shift"); unknown types are shown as they are. */
export function anomalyLabel(type: string, locale: Locale = 'en'): string {
  return ANOMALY_LABELS[locale][type] ?? type;
}

/** "Spike at point 12" / "Pico en el punto 12": points are numbered from 1 for people. */
export function anomalyAt(anomaly: SeriesAnomaly, locale: Locale = 'en'): string {
  const n = anomaly.index + 1;
  const label = anomalyLabel(anomaly.type, locale);
  return locale === 'es' ? `${label} en el punto ${n}` : `${label} at point ${n}`;
}

/** One sentence listing a series' anomalies for screen readers and captions ("Spike at point 12"). */
export function describeAnomalies(
  anomalies: readonly SeriesAnomaly[],
  locale: Locale = 'en',
): string {
  // Indexes stay 0-based in the data.
  const parts = anomalies.map((a) => anomalyAt(a, locale)).join(', ');
  if (locale === 'es') {
    if (anomalies.length === 0) return 'Sin anomalías.';
    return `${anomalies.length === 1 ? '1 anomalía' : `${anomalies.length} anomalías`}: ${parts}.`;
  }
  if (anomalies.length === 0) return 'No anomalies.';
  return `${anomalies.length === 1 ? '1 anomaly' : `${anomalies.length} anomalies`}: ${parts}.`;
}
