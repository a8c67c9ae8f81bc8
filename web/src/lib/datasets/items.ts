import * as v from 'valibot';
import type { DatasetKind } from '../graphql/graphql.ts';

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
});

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
      return {
        type: 'series',
        length: target.length,
        min: Math.min(...target),
        max: Math.max(...target),
        unit,
        frequency,
        start,
      };
    }
  }
  return { type: 'raw', json: JSON.stringify(data, null, 2) ?? 'null' };
}
