import { getSeriesType } from '@genesis/schema/catalog/series';
import type { DatasetKind, Language } from '@genesis/schema/common';
import { parseItem } from '@genesis/schema/dataset';
import { FREQUENCIES, inferFrequency } from '@genesis/schema/timeseries';
import { type CsvError, parse as parseCsv } from 'csv-parse/sync';
import { type ItemColumns, type ItemData, itemColumns, itemKey } from './columns.ts';
import { isoString, parseTimestamp } from './timestamps.ts';

/** The file formats a dataset can be imported from. */
export type ImportFormat = 'json' | 'jsonl' | 'csv';

/**
 * One problem found in an imported file. `line` is the file's 1-based line where the offending
 * record (or CSV row) starts, `record` the 1-based position of the item in the file, `field` the
 * schema path of the bad value (`turns[1].speaker`); each is null when it does not apply.
 */
export interface ImportIssue {
  line: number | null;
  record: number | null;
  field: string | null;
  message: string;
}

/** A validated item ready to be stored. */
export interface ParsedItem {
  key: string;
  data: ItemData;
  columns: ItemColumns;
}

/**
 * The outcome of an import. It is all or nothing: one issue anywhere makes it fail, so a dataset
 * never holds half a file. `errors` holds at most `maxErrors` issues, `errorCount` counts them all.
 */
export type ImportResult =
  | { ok: true; format: ImportFormat; items: ParsedItem[] }
  | { ok: false; format: ImportFormat | null; errors: ImportIssue[]; errorCount: number };

/** How to read a file. */
export interface ImportOptions {
  /** The kind of dataset the file is imported into. */
  kind: DatasetKind;
  /** The uploaded file's name; its extension picks the format. */
  filename?: string;
  /** Series type for long-format time-series CSVs without a `series_type` column. */
  seriesType?: string;
  /** Language of utterance CSVs without a `language` column (default `en`). */
  language?: Language;
  /** Issues to keep (all are counted); default 50. */
  maxErrors?: number;
}

const NO_RECORDS = 'the file has no records';

/**
 * The format of a file: by its extension (`.json`, `.jsonl`/`.ndjson`, `.csv`), else by its first
 * character (`[` → json, `{` → jsonl, anything else → csv).
 */
export function detectFormat(filename: string | undefined, content: string): ImportFormat {
  const byName = formatOfName(filename);
  if (byName !== null) return byName;
  const first = /\S/.exec(stripBom(content))?.[0];
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  return 'csv';
}

function formatOfName(filename: string | undefined): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv') return 'csv';
  return null;
}

/** One issue as a sentence for people: `line 12, field turns[1].speaker: ...`. */
export function formatImportIssue(i: ImportIssue): string {
  const where: string[] = [];
  if (i.line !== null) where.push(`line ${i.line}`);
  else if (i.record !== null) where.push(`record ${i.record}`);
  if (i.field !== null) where.push(`field ${i.field}`);
  return where.length > 0 ? `${where.join(', ')}: ${i.message}` : i.message;
}

/**
 * Reads a dataset file (JSON array, JSON lines or CSV) and validates every record against the
 * schema of `options.kind`. Pure: it only looks at `content`.
 */
export function parseDatasetFile(content: string, options: ImportOptions): ImportResult {
  const text = stripBom(content);
  const issues = new Issues(options.maxErrors ?? 50);
  if (text.trim() === '') {
    issues.add(null, null, null, NO_RECORDS);
    // Nothing to sniff: only the file name can tell the format.
    return issues.result(formatOfName(options.filename));
  }
  const format = detectFormat(options.filename, text);
  let records: RawRecord[] | null;
  if (format === 'json') records = readJson(text, issues);
  else if (format === 'jsonl') records = readJsonLines(text, issues);
  else records = readCsv(text, options, issues);
  if (records === null) return issues.result(format);
  if (records.length === 0) {
    if (issues.count === 0) issues.add(null, null, null, NO_RECORDS);
    return issues.result(format);
  }
  if (format !== 'csv' && wrongKind(options.kind, records, issues)) return issues.result(format);

  const keyField = KEY_FIELD[options.kind];
  const seen = new Map<string, { line: number | null; record: number }>();
  const items: ParsedItem[] = [];
  records.forEach((raw, index) => {
    if (raw.invalid) return;
    const record = index + 1;
    const parsed = parseItem(options.kind, raw.value);
    if (!parsed.success) {
      for (const e of parsed.errors) {
        if (raw.reported?.some((field) => isUnder(e.path, field))) continue;
        issues.add(raw.lineOf?.(e.path) ?? raw.line, record, e.path || null, e.message);
      }
      return;
    }
    const data = parsed.output as ItemData;
    const key = itemKey(options.kind, data, index);
    const earlier = seen.get(key);
    if (earlier !== undefined && keyField !== null) {
      const where = earlier.line !== null ? `line ${earlier.line}` : `record ${earlier.record}`;
      issues.add(
        raw.line,
        record,
        keyField,
        `duplicate ${keyField} "${key}", first used on ${where}`,
      );
      return;
    }
    seen.set(key, { line: raw.line, record });
    items.push({ key, data, columns: itemColumns(options.kind, data) });
  });
  if (issues.count > 0) return issues.result(format);
  return { ok: true, format, items };
}

// ---------------------------------------------------------------------------------------------
// Shared plumbing

/** A record as read from the file, before schema validation. */
interface RawRecord {
  value: unknown;
  /** Line where the record starts, when known. */
  line: number | null;
  /** True when reading the record already failed (and was reported); it still holds its position. */
  invalid?: boolean;
  /** Fields whose cells could not be read (already reported); schema errors on them are dropped. */
  reported?: readonly string[];
  /** Finer line mapping for records assembled from several lines (long-format time series). */
  lineOf?: (path: string) => number | null;
}

const KEY_FIELD: Record<DatasetKind, string | null> = {
  conversations: 'conversation_id',
  timeseries: 'series_id',
  utterances: null,
};

const KIND_NOUN: Record<DatasetKind, string> = {
  conversations: 'a conversation',
  timeseries: 'a time series',
  utterances: 'an utterance',
};

/** Collects issues up to a cap but counts all of them. */
class Issues {
  readonly list: ImportIssue[] = [];
  count = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  add(line: number | null, record: number | null, field: string | null, message: string): void {
    this.count++;
    if (this.list.length < this.#max) this.list.push({ line, record, field, message });
  }

  result(format: ImportFormat | null): ImportResult {
    return { ok: false, format, errors: this.list, errorCount: this.count };
  }
}

/** True when `path` is `field` or inside it (`turns[1].speaker` is under `turns`). */
function isUnder(path: string, field: string): boolean {
  return path === field || path.startsWith(`${field}[`) || path.startsWith(`${field}.`);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Offsets where lines start, so an offset maps to its 1-based line. CRLF, LF and CR all end lines.
 * Works on text (offsets in characters) and on bytes (offsets in bytes).
 */
class LineIndex {
  readonly #starts: number[] = [0];

  constructor(data: string | Buffer) {
    // indexOf is native and fast; a lone CR (old Mac files) is rare, so it gets a second pass.
    for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) {
      this.#starts.push(i + 1);
    }
    let loneCr = false;
    for (let i = data.indexOf('\r'); i !== -1; i = data.indexOf('\r', i + 1)) {
      const next = typeof data === 'string' ? data.charCodeAt(i + 1) : data[i + 1];
      if (next !== 0x0a) {
        this.#starts.push(i + 1);
        loneCr = true;
      }
    }
    if (loneCr) this.#starts.sort((x, y) => x - y);
  }

  /** The 1-based numbers of the lines that are not empty. */
  nonEmptyLines(data: Buffer): number[] {
    const found: number[] = [];
    this.#starts.forEach((start, i) => {
      const c = data[start];
      if (c !== undefined && c !== 0x0a && c !== 0x0d) found.push(i + 1);
    });
    return found;
  }

  /** Offset of the first character of 1-based `line`. */
  lineStart(line: number): number {
    return this.#starts[line - 1] ?? 0;
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** Which kind a record looks like, from the fields only that kind has. */
function guessKind(value: unknown): DatasetKind | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if ('turns' in value || 'conversation_id' in value) return 'conversations';
  if ('target' in value || 'series_id' in value) return 'timeseries';
  if ('text' in value) return 'utterances';
  return null;
}

/**
 * Reports a file of another kind as one clear issue instead of a field error on every record.
 * The first readable record decides: a file mixes kinds only by mistake.
 */
function wrongKind(kind: DatasetKind, records: RawRecord[], issues: Issues): boolean {
  const index = records.findIndex((r) => !r.invalid);
  const first = records[index];
  if (first === undefined) return false;
  const guess = guessKind(first.value);
  if (guess === null || guess === kind) return false;
  issues.add(
    first.line,
    index + 1,
    null,
    `this record looks like ${KIND_NOUN[guess]}, not ${KIND_NOUN[kind]}; import the file as ${guess}`,
  );
  return true;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Where a JSON.parse error is and what it says. V8 names a character offset ("at position 12"),
 * which means nothing to people, so it becomes a line and a column.
 */
function jsonError(error: unknown, text: string): { line: number | null; message: string } {
  const raw = errorMessage(error);
  const match = / (?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?/.exec(raw);
  if (match === null) return { line: null, message: raw };
  const offset = Number(match[1]);
  const lines = new LineIndex(text);
  const line = lines.lineAt(offset);
  const column = offset - lines.lineStart(line) + 1;
  return { line, message: `${raw.replace(match[0], '')} (column ${column})` };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// JSON and JSON lines

/** A JSON array of records. */
function readJson(text: string, issues: Issues): RawRecord[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { line, message } = jsonError(error, text);
    issues.add(line, null, null, `the file is not valid JSON: ${message}`);
    return null;
  }
  if (!Array.isArray(value)) {
    issues.add(
      1,
      null,
      null,
      `a JSON file must hold an array of records; found ${describeJson(value)}`,
    );
    return null;
  }
  const offsets = arrayElementOffsets(text);
  const lines = new LineIndex(text);
  return value.map((record: unknown, i) => {
    const offset = offsets[i];
    return { value: record, line: offset === undefined ? null : lines.lineAt(offset) };
  });
}

/**
 * Where each element of the top-level array starts, in one pass over text that JSON.parse has
 * already accepted (so it only has to track strings and nesting, not check syntax).
 */
function arrayElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (depth === 1 && expectElement && c !== 0x5d) {
      offsets.push(i);
      expectElement = false;
    }
    if (c === 0x22) {
      // Skip the string, including escaped quotes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x2c && depth === 1) {
      expectElement = true;
    }
  }
  return offsets;
}

/** One JSON value per non-blank line. */
function readJsonLines(text: string, issues: Issues): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((source, i) => {
    if (source.trim() === '') return;
    const line = i + 1;
    try {
      records.push({ value: JSON.parse(source), line });
    } catch (error) {
      issues.add(
        line,
        records.length + 1,
        null,
        `not valid JSON: ${jsonError(error, source).message}`,
      );
      records.push({ value: undefined, line, invalid: true });
    }
  });
  return records;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** A data row of a CSV file: its fields in header order and the line where it starts. */
interface CsvRow {
  fields: string[];
  line: number;
}

interface CsvTable {
  header: string[];
  /** Line of the header, for issues about columns. */
  headerLine: number;
  rows: CsvRow[];
}

/** A row's fields by column name. */
function cellsOf(table: CsvTable, row: CsvRow): Record<string, string> {
  const cells: Record<string, string> = {};
  table.header.forEach((name, i) => {
    cells[name] = row.fields[i] ?? '';
  });
  return cells;
}

/**
 * Parses the CSV into rows that know their starting line (the header is the first row). Rows stay
 * arrays: building an object per row costs a third of the parse on large files.
 */
function readCsvTable(text: string, issues: Issues): CsvTable | null {
  const bytes = Buffer.from(text, 'utf8');
  const lines = new LineIndex(bytes);
  const rows: CsvRow[] = [];
  const errors: { line: number; error: CsvError }[] = [];
  const ok = bytes.includes(0x22)
    ? readQuotedCsv(bytes, lines, rows, errors)
    : readPlainCsv(bytes, lines, rows, errors);
  const [first, ...data] = rows;
  const header = first?.fields.map((name) => name.trim()) ?? [];
  for (const { line, error } of errors)
    issues.add(line, null, null, csvErrorMessage(error, header.length));
  if (!ok) return null;
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) {
    issues.add(first?.line ?? 1, null, duplicate, `column ${duplicate} appears twice`);
    return null;
  }
  return { header, headerLine: first?.line ?? 1, rows: data };
}

const CSV_OPTIONS = {
  skip_empty_lines: true,
  relax_column_count: false,
  skip_records_with_error: true,
} as const;

/**
 * Without quotes no row spans lines, so the n-th row read or rejected is the n-th non-empty line.
 * This is the fast path: csv-parse's per-record info (used for quoted files) triples its time.
 */
function readPlainCsv(
  bytes: Buffer,
  lines: LineIndex,
  rows: CsvRow[],
  errors: { line: number; error: CsvError }[],
): boolean {
  const nonEmpty = lines.nonEmptyLines(bytes);
  // csv-parse tells a rejected row's position as the count of rows read before it.
  const rejected: { before: number; error: CsvError }[] = [];
  let records: string[][];
  try {
    records = parseCsv(bytes, {
      ...CSV_OPTIONS,
      on_skip: (error) => {
        if (error !== undefined) rejected.push({ before: Number(error.records), error });
        return undefined;
      },
    });
  } catch (error) {
    errors.push({ line: Number((error as CsvError).lines) || 1, error: error as CsvError });
    return false;
  }
  let position = 0;
  let next = 0;
  records.forEach((fields, index) => {
    for (; rejected[next] !== undefined && (rejected[next]?.before ?? 0) <= index; next++) {
      errors.push({
        line: nonEmpty[position++] ?? 0,
        error: (rejected[next] as { error: CsvError }).error,
      });
    }
    rows.push({ fields, line: nonEmpty[position++] ?? 0 });
  });
  for (; next < rejected.length; next++) {
    errors.push({
      line: nonEmpty[position++] ?? 0,
      error: (rejected[next] as { error: CsvError }).error,
    });
  }
  return true;
}

/**
 * Quoted fields may hold line breaks, and csv-parse counts a CRLF inside quotes as two lines, so
 * lines come from byte offsets: each row starts where the previous one ended (csv-parse reports
 * that offset), after any blank lines.
 */
function readQuotedCsv(
  bytes: Buffer,
  lines: LineIndex,
  rows: CsvRow[],
  errors: { line: number; error: CsvError }[],
): boolean {
  const skipBlank = (offset: number): number => {
    let i = offset;
    while (bytes[i] === 0x0a || bytes[i] === 0x0d) i++;
    return i;
  };
  let previousEnd = 0;
  let broken = false;
  try {
    parseCsv(bytes, {
      ...CSV_OPTIONS,
      on_record: (record: string[], context) => {
        if (!broken) rows.push({ fields: record, line: lines.lineAt(skipBlank(previousEnd)) });
        previousEnd = context.bytes;
        // Rows are kept above; returning null spares csv-parse building a second array.
        return null;
      },
      on_skip: (error) => {
        if (error === undefined || broken) return undefined;
        errors.push({ line: lines.lineAt(skipBlank(previousEnd)), error });
        // After a quoting error the parser's position is no longer a row boundary, so later rows
        // would be misread; one issue about the first broken quote is what helps.
        if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
          previousEnd = Math.max(previousEnd, Number(error.bytes));
        } else {
          broken = true;
        }
        return undefined;
      },
    });
  } catch (error) {
    errors.push({ line: lines.lineAt(skipBlank(previousEnd)), error: error as CsvError });
    return false;
  }
  return true;
}

function csvErrorMessage(error: unknown, headerLength: number): string {
  const code = (error as Partial<CsvError>).code;
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const found = (error as { record?: unknown }).record;
      const count = Array.isArray(found) ? found.length : '?';
      return `the row has ${count} fields but the header has ${headerLength}`;
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by other characters (write a quote inside a quoted field as "")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote appears inside an unquoted field (quote the whole field and write the quote as "")';
    default:
      // csv-parse's own line numbers miscount CRLF inside quotes; the issue carries the right one.
      return `invalid CSV: ${errorMessage(error).replace(/,? (on|at) line \d+/g, '')}`;
  }
}

/** The columns each kind's CSV has; `label` is one of several names for the same column. */
interface CsvLayout {
  required: readonly (readonly string[])[];
  optional: readonly string[];
}

const CSV_LAYOUTS: Record<DatasetKind, CsvLayout> = {
  utterances: { required: [['text'], ['intent', 'category']], optional: ['language'] },
  conversations: {
    required: [
      ['conversation_id'],
      ['intent'],
      ['category'],
      ['sentiment'],
      ['complexity'],
      ['language'],
      ['turn_count'],
      ['resolution_status'],
      ['turns'],
    ],
    optional: ['emotion_arc', 'generation'],
  },
  timeseries: {
    required: [['series_id'], ['timestamp'], ['value']],
    optional: ['domain', 'series_type', 'unit', 'frequency'],
  },
};

/** Which kind a CSV header belongs to, from the columns only that kind has. */
function guessKindFromColumns(header: readonly string[]): DatasetKind | null {
  if (header.includes('turns') || header.includes('conversation_id')) return 'conversations';
  if (header.includes('series_id') || (header.includes('timestamp') && header.includes('value'))) {
    return 'timeseries';
  }
  if (header.includes('text')) return 'utterances';
  return null;
}

/** One issue naming the missing columns, the ones found and the ones expected; false if any. */
function checkColumns(kind: DatasetKind, table: CsvTable, issues: Issues): boolean {
  const layout = CSV_LAYOUTS[kind];
  const missing = layout.required.filter((names) => !names.some((n) => table.header.includes(n)));
  if (missing.length === 0) return true;
  const expected = [
    ...layout.required.map((names) => names.join(' or ')),
    ...layout.optional.map((name) => `${name} (optional)`),
  ].join(', ');
  const found = table.header.length > 0 ? table.header.join(', ') : 'none';
  let message =
    `missing column ${missing.map((names) => names.join(' or ')).join(', ')}; ` +
    `found ${found}; expected ${expected}`;
  const guess = guessKindFromColumns(table.header);
  if (guess !== null && guess !== kind) {
    message += `. The columns look like ${guess}: import the file as ${guess}`;
  }
  issues.add(table.headerLine, null, null, message);
  return false;
}

/** The columns of the kind, and for time series where the series type comes from. */
function checkHeader(table: CsvTable, options: ImportOptions, issues: Issues): boolean {
  if (!checkColumns(options.kind, table, issues)) return false;
  if (options.kind !== 'timeseries') return true;
  if (!table.header.includes('series_type') && options.seriesType === undefined) {
    issues.add(table.headerLine, null, 'series_type', SERIES_TYPE_MISSING);
    return false;
  }
  if (options.seriesType !== undefined && getSeriesType(options.seriesType) === undefined) {
    issues.add(null, null, 'series_type', `unknown series type "${options.seriesType}"`);
    return false;
  }
  return true;
}

function readCsv(text: string, options: ImportOptions, issues: Issues): RawRecord[] | null {
  // A file of the wrong kind or without series_type fails on its header: check that before parsing
  // a large file whole. A quote could open a header spanning lines; then the full parse decides.
  const blank = /^[\r\n]*/.exec(text)?.[0] ?? '';
  const firstLine = /^[^\r\n]*/.exec(text.slice(blank.length))?.[0] ?? '';
  if (!firstLine.includes('"')) {
    const headerLine = new LineIndex(blank).lineAt(blank.length);
    const peek = { header: firstLine.split(',').map((name) => name.trim()), headerLine, rows: [] };
    if (!checkHeader(peek, options, issues)) return null;
  }
  const table = readCsvTable(text, issues);
  if (table === null) return null;
  if (!checkHeader(table, options, issues)) return null;
  switch (options.kind) {
    case 'utterances':
      return utteranceRows(table, options.language ?? 'en');
    case 'conversations':
      return conversationRows(table, issues);
    default:
      return seriesRows(table, options, issues);
  }
}

function utteranceRows(table: CsvTable, language: Language): RawRecord[] {
  // Banking77 ships `text,category` with the intent id in `category`; prefer a real `intent` column.
  const label = table.header.includes('intent') ? 'intent' : 'category';
  const text = table.header.indexOf('text');
  const intent = table.header.indexOf(label);
  const lang = table.header.indexOf('language');
  return table.rows.map(({ fields, line }) => ({
    value: { text: fields[text], intent: fields[intent], language: fields[lang] || language },
    line,
  }));
}

function conversationRows(table: CsvTable, issues: Issues): RawRecord[] {
  return table.rows.map((row, index) => {
    const { line } = row;
    const cells = cellsOf(table, row);
    const reported: string[] = [];
    const fail = (field: string, message: string) => {
      issues.add(line, index + 1, field, message);
      reported.push(field);
    };
    const value: Record<string, unknown> = {
      conversation_id: cells.conversation_id,
      intent: cells.intent,
      category: cells.category,
      sentiment: cells.sentiment,
      complexity: cells.complexity,
      language: cells.language,
      resolution_status: cells.resolution_status,
    };
    const turnCount = (cells.turn_count ?? '').trim();
    if (/^[+-]?\d+$/.test(turnCount)) value.turn_count = Number(turnCount);
    else fail('turn_count', `turn_count must be a whole number; got "${cells.turn_count ?? ''}"`);
    // Empty optional cells mean "absent", as the exporter writes them.
    if (cells.emotion_arc) value.emotion_arc = cells.emotion_arc;
    const turns = cells.turns ?? '';
    if (turns.trim() === '') fail('turns', 'turns is empty; it must be a JSON array of turns');
    else value.turns = parseJsonCell(turns, 'turns', fail);
    if (cells.generation) value.generation = parseJsonCell(cells.generation, 'generation', fail);
    return { value, line, reported };
  });
}

/** A CSV cell holding JSON (turns, generation); a syntax error is reported on its field. */
function parseJsonCell(
  cell: string,
  field: string,
  fail: (field: string, message: string) => void,
): unknown {
  try {
    return JSON.parse(cell);
  } catch (error) {
    fail(field, `${field} must be JSON; ${jsonError(error, cell).message}`);
    return undefined;
  }
}

/** The rows of one series in a long-format CSV. */
interface SeriesGroup {
  id: string;
  ordinal: number;
  lines: number[];
  ms: number[];
  values: number[];
  cells: Record<string, string>;
  /** A row of the series was unreadable (and reported). */
  bad: boolean;
}

const SERIES_TYPE_MISSING =
  'column series_type is missing; pass seriesType (e.g. residential_consumption)';

/**
 * Long format `series_id,timestamp,value[,domain,series_type,unit,frequency]`: rows are grouped by
 * series in file order and each group becomes one series; the metadata a CSV cannot carry comes
 * from the catalog entry of the series type.
 */
function seriesRows(table: CsvTable, options: ImportOptions, issues: Issues): RawRecord[] {
  const column = (name: string) => table.header.indexOf(name);
  const [idAt, timeAt, valueAt] = [column('series_id'), column('timestamp'), column('value')];
  // Series of one file usually share their timestamps, so each distinct text is parsed once.
  const parsedTimes = new Map<string, number | null>();
  const groups = new Map<string, SeriesGroup>();
  for (const row of table.rows) {
    const { fields, line } = row;
    const id = fields[idAt] ?? '';
    let group = groups.get(id);
    if (group === undefined) {
      const cells = cellsOf(table, row);
      group = { id, ordinal: groups.size + 1, lines: [], ms: [], values: [], cells, bad: false };
      groups.set(id, group);
    }
    const stamp = fields[timeAt] ?? '';
    let ms = parsedTimes.get(stamp);
    if (ms === undefined) {
      ms = parseTimestamp(stamp);
      parsedTimes.set(stamp, ms);
    }
    const value = parseNumber(fields[valueAt] ?? '');
    if (ms === null) {
      issues.add(
        line,
        group.ordinal,
        'timestamp',
        `timestamp "${stamp}" is not a date-time; write it like 2016-07-01 02:00:00 (UTC) or ` +
          '2016-07-01T02:00:00+01:00',
      );
      group.bad = true;
    }
    if (value === null) {
      issues.add(line, group.ordinal, 'value', `value "${fields[valueAt]}" is not a number`);
      group.bad = true;
    }
    if (ms === null || value === null) continue;
    const previous = group.ms.at(-1);
    if (previous !== undefined && ms <= previous) {
      const previousLine = group.lines.at(-1) ?? 0;
      issues.add(
        line,
        group.ordinal,
        'timestamp',
        ms === previous
          ? `timestamp ${stamp} repeats the one on line ${previousLine}`
          : `timestamp ${stamp} is before the one on line ${previousLine}; the rows of a series must ` +
              'be in increasing time order',
      );
      group.bad = true;
      continue;
    }
    group.lines.push(line);
    group.ms.push(ms);
    group.values.push(value);
  }

  const isoTimes = new Map<number, string>();
  const isoOf = (ms: number): string => {
    let iso = isoTimes.get(ms);
    if (iso === undefined) {
      iso = isoString(ms);
      isoTimes.set(ms, iso);
    }
    return iso;
  };
  const records: RawRecord[] = [];
  for (const group of groups.values()) {
    const firstLine = group.lines[0] ?? null;
    if (group.bad || firstLine === null) {
      records.push({ value: undefined, line: firstLine, invalid: true });
      continue;
    }
    records.push(buildSeries(group, firstLine, options, issues, isoOf));
  }
  return records;
}

function buildSeries(
  group: SeriesGroup,
  line: number,
  options: ImportOptions,
  issues: Issues,
  isoOf: (ms: number) => string,
): RawRecord {
  const { cells } = group;
  const invalid = (field: string, message: string): RawRecord => {
    issues.add(line, group.ordinal, field, message);
    return { value: undefined, line, invalid: true };
  };
  const typeId = cells.series_type || options.seriesType;
  if (!typeId) {
    return invalid('series_type', `series ${group.id} has no series_type; ${SERIES_TYPE_MISSING}`);
  }
  const type = getSeriesType(typeId);
  let frequency = cells.frequency || inferFrequency(group.ms);
  if (frequency === undefined) {
    if (group.ms.length > 1) return irregular(group, issues);
    // One point has no spacing to infer from; the type's usual frequency is the honest guess.
    frequency = type?.frequency;
  }
  const value: Record<string, unknown> = {
    series_id: group.id,
    domain: cells.domain || type?.domain,
    series_type: typeId,
    frequency,
    start: isoString(group.ms[0] ?? 0),
    length: group.values.length,
    target: group.values,
    timestamps: group.ms.map(isoOf),
    unit: cells.unit || type?.unit,
    seasonality_types: [...(type?.seasonality ?? [])],
    trend_type: 'none',
    noise_level: 0,
    anomalies: [],
  };
  // An unknown series type is reported on series_type; the fields it would have supplied would only
  // repeat that.
  const reported = type === undefined ? ['domain', 'unit', 'frequency'] : [];
  const lineOf = (path: string): number | null => {
    const index = /^(?:target|timestamps)\[(\d+)\]/.exec(path)?.[1];
    return index === undefined ? line : (group.lines[Number(index)] ?? line);
  };
  return { value, line, reported, lineOf };
}

/** The issue for a series whose timestamps are not evenly spaced by a supported frequency. */
function irregular(group: SeriesGroup, issues: Issues): RawRecord {
  const { ms, lines } = group;
  const step = (ms[1] ?? 0) - (ms[0] ?? 0);
  const bad = ms.findIndex((t, i) => i > 1 && t - (ms[i - 1] ?? 0) !== step);
  if (bad === -1) {
    issues.add(
      lines[1] ?? null,
      group.ordinal,
      'timestamp',
      `series ${group.id} steps by ${describeStep(step)}, which is not a supported frequency ` +
        `(${FREQUENCIES.join(', ')})`,
    );
  } else {
    issues.add(
      lines[bad] ?? null,
      group.ordinal,
      'timestamp',
      `irregular spacing: ${isoString(ms[bad] ?? 0)} comes ${describeStep((ms[bad] ?? 0) - (ms[bad - 1] ?? 0))} ` +
        `after the row on line ${lines[bad - 1]}, but series ${group.id} steps by ${describeStep(step)}`,
    );
  }
  return { value: undefined, line: lines[0] ?? null, invalid: true };
}

/** `1 hour`, `15 minutes`, `2 days`: a step for people. */
function describeStep(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms % size === 0 && ms !== 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number; null for text, blanks, hex, Infinity and the like. */
function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}
