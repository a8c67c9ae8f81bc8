import type { DatasetKind } from '@genesis/schema/common';
import type { Conversation } from '@genesis/schema/conversation';
import { type Frequency, frequencyMs, type TimeSeries } from '@genesis/schema/timeseries';
import type { Utterance } from '@genesis/schema/utterance';
import { stringify } from 'csv-stringify/sync';
import type { ItemData } from './columns.ts';
import { isoString } from './timestamps.ts';

/** The file formats a dataset can be exported to. */
export type ExportFormat = 'jsonl' | 'csv';

/** The HTTP content type of an export. */
export function exportContentType(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
}

/** CSV columns per kind; they are what `parseDatasetFile` reads back. */
const CSV_COLUMNS: Record<DatasetKind, string[]> = {
  utterances: ['text', 'intent', 'language'],
  conversations: [
    'conversation_id',
    'intent',
    'category',
    'sentiment',
    'complexity',
    'language',
    'turn_count',
    'resolution_status',
    'emotion_arc',
    'turns',
    'generation',
  ],
  timeseries: ['series_id', 'timestamp', 'value', 'domain', 'series_type', 'unit', 'frequency'],
};

/** Items per CSV chunk: large enough to amortise csv-stringify's setup, small enough to stream. */
const CSV_BATCH = 500;

/**
 * Streams a dataset as text chunks, without holding the whole file: JSON lines (one item per line)
 * or CSV (utterances `text,intent,language`; conversations with `turns` and `generation` as JSON
 * cells; time series in the long format, one row per point). What it writes, `parseDatasetFile`
 * reads back.
 */
export async function* exportRecords(
  kind: DatasetKind,
  items: AsyncIterable<ItemData> | Iterable<ItemData>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'jsonl') {
    for await (const item of items) yield `${JSON.stringify(item)}\n`;
    return;
  }
  const columns = CSV_COLUMNS[kind];
  yield stringify([columns]);
  let rows: string[][] = [];
  for await (const item of items) {
    if (kind === 'timeseries') {
      // A series is one chunk: its rows already number in the hundreds or thousands.
      yield stringify(seriesRows(item as TimeSeries));
      continue;
    }
    rows.push(
      kind === 'utterances'
        ? utteranceRow(item as Utterance)
        : conversationRow(item as Conversation),
    );
    if (rows.length >= CSV_BATCH) {
      yield stringify(rows);
      rows = [];
    }
  }
  if (rows.length > 0) yield stringify(rows);
}

/** What a spreadsheet may run as a formula when a cell begins with it (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number (`-3.5`, `1e-7`): a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A text cell made safe to open in a spreadsheet: one beginning with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading `'`, as OWASP recommends, unless it is a plain number. csv-stringify quotes the cell
 * when it needs it. The quote stays in the text when such a file is imported again (README, "CLI").
 */
export function csvCell(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

function utteranceRow(u: Utterance): string[] {
  return [u.text, u.intent, u.language].map(csvCell);
}

function conversationRow(c: Conversation): string[] {
  return [
    c.conversation_id,
    c.intent,
    c.category,
    c.sentiment,
    c.complexity,
    c.language,
    String(c.turn_count),
    c.resolution_status,
    c.emotion_arc ?? '',
    JSON.stringify(c.turns),
    c.generation === undefined ? '' : JSON.stringify(c.generation),
  ].map(csvCell);
}

function seriesRows(s: TimeSeries): string[][] {
  const start = Date.parse(s.start);
  const step = frequencyMs(s.frequency as Frequency);
  return s.target.map((value, i) =>
    [
      s.series_id,
      // Generated series carry only start and frequency; every row of the long format needs its time.
      s.timestamps?.[i] ?? isoString(start + i * step),
      String(value),
      s.domain,
      s.series_type,
      s.unit,
      s.frequency,
    ].map(csvCell),
  );
}
