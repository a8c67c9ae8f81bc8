import type { DomainId } from '@genesis/schema/catalog/series';
import type { Complexity, Language, Resolution, Sentiment } from '@genesis/schema/common';
import type { Frequency } from '@genesis/schema/timeseries';

/**
 * One wanted conversation, planned up front from the job's target distributions. The request contract
 * (ARCHITECTURE.md) sends slots to the model as JSON, so field names are snake_case like the schema's.
 */
export interface ConversationSlot {
  slot: string;
  intent: string;
  category: string;
  language: Language;
  sentiment: Sentiment;
  complexity: Complexity;
  /** Number of turns, customer first: 2..12. */
  turns: number;
  resolution: Resolution;
  /** Market of a Spanish conversation: Mexico or Spain (currency, payment rails, vocabulary). */
  region?: 'MX' | 'ES';
}

/** One wanted time series. */
export interface SeriesSlot {
  slot: string;
  domain: DomainId;
  series_type: string;
  frequency: Frequency;
  /** ISO-8601 start, UTC. */
  start: string;
  length: number;
  /** Language of the series' description. */
  language: Language;
}

/** A slot of either task. */
export type Slot = ConversationSlot | SeriesSlot;

/** The JSON block of one model request: several slots of one task. */
export type SlotRequest =
  | { task: 'conversations'; slots: ConversationSlot[] }
  | { task: 'timeseries'; slots: SeriesSlot[] };

/** Output token limit of one request for these slots (on demand and in batch records alike). */
export function maxOutputTokens(task: SlotRequest['task'], slots: readonly Slot[]): number {
  if (task === 'timeseries') return Math.min(8192, 250 * slots.length + 200);
  const turns = slots.reduce((n, s) => n + (s as ConversationSlot).turns, 0);
  return Math.min(16_000, 90 * turns + 120 * slots.length + 200);
}

/**
 * Takes the next call's slots from the front of `pending`: up to `n` of the first slot's language, so a call is
 * all-English or all-Spanish and gets the system prompt of its language.
 */
export function takeSlots<S extends Slot>(pending: S[], n: number): S[] {
  const first = pending[0];
  if (!first || !('turns' in first)) return pending.splice(0, n);
  const taken: S[] = [];
  for (let i = 0; i < pending.length && taken.length < n; ) {
    if ((pending[i] as ConversationSlot).language === first.language) {
      taken.push(pending.splice(i, 1)[0]!);
    } else i++;
  }
  return taken;
}
