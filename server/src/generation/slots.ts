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

/** The JSON block of one model request: several slots of one task. */
export type SlotRequest =
  | { task: 'conversations'; slots: ConversationSlot[] }
  | { task: 'timeseries'; slots: SeriesSlot[] };
