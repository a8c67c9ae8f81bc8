import type { DatasetKind } from '@genesis/schema/common';
import type { Conversation } from '@genesis/schema/conversation';
import { frequencyMs, type TimeSeries } from '@genesis/schema/timeseries';
import type { Utterance } from '@genesis/schema/utterance';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ItemData } from './columns.ts';

/** A Parquet schema element, as hyparquet-writer takes it (its own hyparquet version's type). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

/** A scalar column's type: how it is stored in Parquet, and its `datasets` feature dtype. */
type Scalar = 'string' | 'int32' | 'float64' | 'timestamp' | 'json';

/** One column of a dataset's Parquet file: a scalar, or a list of structs of scalars (conversation turns). */
export type ParquetField =
  | { name: string; type: Scalar; required: boolean }
  | { name: string; list: { name: string; type: Scalar }[] };

const str = (name: string, required = true): ParquetField => ({ name, type: 'string', required });

/**
 * The columns of each kind's Parquet file, in order. One table drives both the file's Parquet schema and the
 * `dataset_info.features` of the dataset card, so the two cannot disagree.
 */
export const PARQUET_FIELDS: Record<DatasetKind, ParquetField[]> = {
  utterances: [str('text'), str('intent'), str('language')],
  conversations: [
    str('conversation_id'),
    str('intent'),
    str('category'),
    str('sentiment'),
    str('complexity'),
    str('language'),
    { name: 'turn_count', type: 'int32', required: true },
    str('resolution_status'),
    str('emotion_arc', false),
    // A nested LIST of STRUCTs, the layout the Hub's viewer, pandas, polars and DuckDB read as a list of records.
    {
      name: 'turns',
      list: [
        { name: 'speaker', type: 'string' },
        { name: 'text', type: 'string' },
      ],
    },
    // Generation metadata varies by provider: one JSON text cell (Parquet's JSON logical type).
    { name: 'generation', type: 'json', required: false },
  ],
  timeseries: [
    str('series_id'),
    { name: 'timestamp', type: 'timestamp', required: true },
    { name: 'value', type: 'float64', required: true },
    str('domain'),
    str('series_type'),
    str('unit'),
  ],
};

function leaf(name: string, type: Scalar, required: boolean): SchemaElement {
  const repetition_type = required ? 'REQUIRED' : 'OPTIONAL';
  switch (type) {
    case 'string':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
    case 'json':
      return { name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type };
    case 'int32':
      return { name, type: 'INT32', repetition_type };
    case 'float64':
      return { name, type: 'DOUBLE', repetition_type };
    case 'timestamp':
      return { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type };
  }
}

/** The Parquet schema (flattened, depth-first, as the format stores it) of a kind's columns. */
export function parquetSchemaOf(kind: DatasetKind): SchemaElement[] {
  const fields = PARQUET_FIELDS[kind];
  const schema: SchemaElement[] = [{ name: 'root', num_children: fields.length }];
  for (const f of fields) {
    if ('list' in f) {
      // The standard three-level LIST: <name> (LIST) > list (repeated) > element (the struct).
      schema.push(
        { name: f.name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', repetition_type: 'REQUIRED', num_children: f.list.length },
        ...f.list.map((c) => leaf(c.name, c.type, true)),
      );
    } else schema.push(leaf(f.name, f.type, f.required));
  }
  return schema;
}

/**
 * A dataset as one Parquet file (hyparquet-writer: pure JS, snappy-compressed, dictionary-encoded strings), with
 * the schema of `PARQUET_FIELDS`. Utterances and conversations are one row per item (conversation turns as a
 * nested list of `{speaker, text}` structs); time series use the long format, one row per point (series_id,
 * timestamp, value, plus the series' labels), the shape pandas and forecasting libraries load directly. The same
 * items give the same bytes, which is how a push to the Hub sees that nothing changed.
 */
export async function exportParquet(
  kind: DatasetKind,
  items: AsyncIterable<ItemData>,
): Promise<Uint8Array> {
  const fields = PARQUET_FIELDS[kind];
  const data = new Map<string, unknown[]>(fields.map((f) => [f.name, []]));
  const col = (name: string) => data.get(name) as unknown[];
  for await (const item of items) {
    if (kind === 'utterances') {
      const u = item as Utterance;
      col('text').push(u.text);
      col('intent').push(u.intent);
      col('language').push(u.language);
    } else if (kind === 'conversations') {
      const c = item as Conversation;
      col('conversation_id').push(c.conversation_id);
      col('intent').push(c.intent);
      col('category').push(c.category);
      col('sentiment').push(c.sentiment);
      col('complexity').push(c.complexity);
      col('language').push(c.language);
      col('turn_count').push(c.turn_count);
      col('resolution_status').push(c.resolution_status);
      col('emotion_arc').push(c.emotion_arc ?? null);
      col('turns').push(c.turns.map((t) => ({ speaker: t.speaker, text: t.text })));
      col('generation').push(c.generation ?? null);
    } else {
      const s = item as TimeSeries;
      const step = frequencyMs(s.frequency);
      const start = Date.parse(s.start);
      s.target.forEach((value, i) => {
        col('series_id').push(s.series_id);
        col('timestamp').push(
          new Date(s.timestamps?.[i] ? Date.parse(s.timestamps[i]!) : start + i * step),
        );
        col('value').push(value);
        col('domain').push(s.domain);
        col('series_type').push(s.series_type);
        col('unit').push(s.unit);
      });
    }
  }
  const buffer = parquetWriteBuffer({
    columnData: fields.map((f) => ({ name: f.name, data: col(f.name) })) as never,
    schema: parquetSchemaOf(kind),
    createdBy: 'genesis-lab',
  });
  return new Uint8Array(buffer);
}
