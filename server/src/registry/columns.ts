import { getIntent } from '@genesis/schema/catalog/intents';
import type { DatasetKind } from '@genesis/schema/common';
import type { Conversation } from '@genesis/schema/conversation';
import type { ItemOfKind } from '@genesis/schema/dataset';
import type { TimeSeries } from '@genesis/schema/timeseries';
import type { Utterance } from '@genesis/schema/utterance';

/** Any dataset record. */
export type ItemData = ItemOfKind[DatasetKind];

/**
 * The filter columns stored beside each dataset item, so the registry can filter and count items
 * without reading their JSON. A column that does not apply to the item's kind is null.
 */
export interface ItemColumns {
  intent: string | null;
  category: string | null;
  language: string | null;
  sentiment: string | null;
  complexity: string | null;
  resolution: string | null;
  seriesType: string | null;
  domain: string | null;
}

const NO_COLUMNS: ItemColumns = {
  intent: null,
  category: null,
  language: null,
  sentiment: null,
  complexity: null,
  resolution: null,
  seriesType: null,
  domain: null,
};

/**
 * The indexed filter columns of one item: intent, category (from the intent catalog) and language for
 * utterances; intent, category, language, sentiment, complexity and resolution for conversations;
 * series type and domain for time series.
 */
export function itemColumns<K extends DatasetKind>(kind: K, data: ItemOfKind[K]): ItemColumns {
  switch (kind) {
    case 'utterances': {
      const u = data as Utterance;
      return {
        ...NO_COLUMNS,
        intent: u.intent,
        // Utterances carry only the intent label; the category comes from the catalog so that
        // utterance and conversation datasets can be filtered the same way.
        category: getIntent(u.intent)?.category ?? null,
        language: u.language,
      };
    }
    case 'conversations': {
      const c = data as Conversation;
      return {
        ...NO_COLUMNS,
        intent: c.intent,
        category: c.category,
        language: c.language,
        sentiment: c.sentiment,
        complexity: c.complexity,
        resolution: c.resolution_status,
      };
    }
    default: {
      const s = data as TimeSeries;
      return { ...NO_COLUMNS, seriesType: s.series_type, domain: s.domain };
    }
  }
}

/**
 * A key for the item that is stable and unique within its dataset: the `conversation_id` or the
 * `series_id`; utterances have no id of their own, so they are keyed by their 0-based position
 * `index` in the imported file (`u-000001` for the first).
 */
export function itemKey<K extends DatasetKind>(
  kind: K,
  data: ItemOfKind[K],
  index: number,
): string {
  switch (kind) {
    case 'conversations':
      return (data as Conversation).conversation_id;
    case 'timeseries':
      return (data as TimeSeries).series_id;
    default:
      return `u-${String(index + 1).padStart(6, '0')}`;
  }
}
