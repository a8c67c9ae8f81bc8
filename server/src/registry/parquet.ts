import type { DatasetKind } from '@genesis/schema/common';
import type { Conversation } from '@genesis/schema/conversation';
import { frequencyMs, type TimeSeries } from '@genesis/schema/timeseries';
import type { Utterance } from '@genesis/schema/utterance';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ItemData } from './columns.ts';

type Column = {
  name: string;
  data: unknown[];
  type: 'STRING' | 'INT32' | 'DOUBLE' | 'JSON' | 'TIMESTAMP';
};

/**
 * A dataset as one Parquet file (hyparquet-writer: pure JS, snappy-compressed, dictionary-encoded strings).
 * Utterances and conversations are one row per item (conversation turns as a JSON column); time series use the
 * long format, one row per point (series_id, timestamp, value, plus the series' labels), the shape pandas and
 * forecasting libraries load directly.
 */
export async function exportParquet(
  kind: DatasetKind,
  items: AsyncIterable<ItemData>,
): Promise<Uint8Array> {
  const columns = new Map<string, Column>();
  const col = (name: string, type: Column['type']) => {
    let c = columns.get(name);
    if (!c) {
      c = { name, data: [], type };
      columns.set(name, c);
    }
    return c.data;
  };
  for await (const item of items) {
    if (kind === 'utterances') {
      const u = item as Utterance;
      col('text', 'STRING').push(u.text);
      col('intent', 'STRING').push(u.intent);
      col('language', 'STRING').push(u.language);
    } else if (kind === 'conversations') {
      const c = item as Conversation;
      col('conversation_id', 'STRING').push(c.conversation_id);
      col('intent', 'STRING').push(c.intent);
      col('category', 'STRING').push(c.category);
      col('sentiment', 'STRING').push(c.sentiment);
      col('complexity', 'STRING').push(c.complexity);
      col('language', 'STRING').push(c.language);
      col('turn_count', 'INT32').push(c.turn_count);
      col('resolution_status', 'STRING').push(c.resolution_status);
      col('emotion_arc', 'STRING').push(c.emotion_arc ?? null);
      col('turns', 'JSON').push(c.turns);
      col('generation', 'JSON').push(c.generation ?? null);
    } else {
      const s = item as TimeSeries;
      const step = frequencyMs(s.frequency);
      const start = Date.parse(s.start);
      s.target.forEach((value, i) => {
        col('series_id', 'STRING').push(s.series_id);
        col('timestamp', 'TIMESTAMP').push(
          new Date(s.timestamps?.[i] ? Date.parse(s.timestamps[i]!) : start + i * step),
        );
        col('value', 'DOUBLE').push(value);
        col('domain', 'STRING').push(s.domain);
        col('series_type', 'STRING').push(s.series_type);
        col('unit', 'STRING').push(s.unit);
      });
    }
  }
  const columnData = [...columns.values()];
  if (columnData.length === 0) {
    // An empty dataset still gets a valid file with its columns.
    const names: Record<DatasetKind, [string, Column['type']][]> = {
      utterances: [
        ['text', 'STRING'],
        ['intent', 'STRING'],
        ['language', 'STRING'],
      ],
      conversations: [
        ['conversation_id', 'STRING'],
        ['intent', 'STRING'],
        ['turns', 'JSON'],
      ],
      timeseries: [
        ['series_id', 'STRING'],
        ['timestamp', 'TIMESTAMP'],
        ['value', 'DOUBLE'],
      ],
    };
    for (const [name, type] of names[kind]) columnData.push({ name, data: [], type });
  }
  const buffer = parquetWriteBuffer({
    columnData: columnData as never,
    createdBy: 'genesis-lab',
  });
  return new Uint8Array(buffer);
}
