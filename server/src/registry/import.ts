import { isUtf8 } from 'node:buffer';
import { getSeriesType } from '@genesis/schema/catalog/series';
import type { DatasetKind, Language } from '@genesis/schema/common';
import { parseItem } from '@genesis/schema/dataset';
import {
  type CodedMessage,
  codedMessage,
  type MessageCode,
  type MessageParams,
} from '@genesis/schema/messages';
import { FREQUENCIES, inferFrequency } from '@genesis/schema/timeseries';
import { type CsvError, Parser as CsvParser } from 'csv-parse';
import { type ItemColumns, type ItemData, itemColumns, itemKey } from './columns.ts';
import { isParquetHead, PARQUET_MAGIC, ParquetBody } from './import-parquet.ts';
import { isoString, parseTimestamp } from './timestamps.ts';

/** The file formats a dataset can be imported from. */
export type ImportFormat = 'json' | 'jsonl' | 'csv' | 'parquet';

/**
 * One problem found in an imported file. `line` is the file's 1-based line where the offending
 * record (or CSV row) starts, `record` the 1-based position of the item in the file, `field` the
 * schema path of the bad value (`turns[1].speaker`); each is null when it does not apply. `code` and
 * `params` say the message as data when it has a code (`@genesis/schema/messages`).
 */
export interface ImportIssue {
  line: number | null;
  record: number | null;
  field: string | null;
  message: string;
  code?: MessageCode;
  params?: MessageParams;
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

export type ImportFailure = Extract<ImportResult, { ok: false }>;

/** How to read a file. */
export interface ImportOptions {
  /** The kind of dataset the file is imported into. */
  kind: DatasetKind;
  /** The uploaded file's name; its extension picks the format. */
  filename?: string;
  /** Series type for long-format time-series CSVs without a `series_type` column. */
  seriesType?: string;
  /**
   * Language of utterances that do not give one (no `language` column in a CSV, no `language` field
   * or an empty one in JSON); default `en`.
   */
  language?: Language;
  /** Issues to keep (all are counted); default 50. */
  maxErrors?: number;
  /** Parquet: the names of integer labels, in order (else the names the file embeds, if any). */
  labels?: readonly string[];
}

/** A file's bytes as the importer takes them: the whole content, or a stream of chunks. */
export type ImportSource =
  | string
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | { getReader(): ReadableStreamDefaultReader<Uint8Array> };

const NO_RECORDS = codedMessage('import.noRecords');

/**
 * The format of a file: by its extension (`.json`, `.jsonl`/`.ndjson`, `.csv`), else by its first
 * character (`[` → json, `{` → jsonl, anything else → csv).
 */
export function detectFormat(filename: string | undefined, content: string): ImportFormat {
  const byName = formatOfName(filename);
  if (byName !== null) return byName;
  return formatOfFirst(/\S/.exec(stripBom(content))?.[0]);
}

function formatOfFirst(first: string | undefined): ImportFormat {
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  return 'csv';
}

function formatOfName(filename: string | undefined): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'parquet') return 'parquet';
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
 * Reads a whole dataset file (JSON array, JSON lines or CSV) and validates every record against the
 * schema of `options.kind`. Pure: it only looks at `content`. Bytes are checked to be UTF-8; a string
 * is text already. Imports go through {@link DatasetReader} chunk by chunk instead, which this wraps.
 */
export function parseDatasetFile(
  content: string | Uint8Array,
  options: ImportOptions,
): ImportResult {
  const reader = new DatasetReader(options);
  const items: ParsedItem[] = [];
  const collect = () => {
    for (const item of reader.take()) items.push(item);
  };
  for (const chunk of contentChunks(content)) {
    reader.write(chunk);
    collect();
  }
  for (const _ of reader.finish()) collect();
  collect();
  const format = reader.format;
  if (reader.failed || format === null) return reader.failure();
  return { ok: true, format, items };
}

/** A whole content in chunks of about a megabyte, so reading it costs no second full copy. */
function* contentChunks(content: string | Uint8Array, size = 1 << 20): Generator<Uint8Array> {
  if (typeof content !== 'string') {
    yield content;
    return;
  }
  for (let start = 0; start < content.length; ) {
    let end = Math.min(start + size, content.length);
    // Never split a surrogate pair: each half alone would be encoded as U+FFFD.
    const last = content.charCodeAt(end - 1);
    if (end < content.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield Buffer.from(content.slice(start, end), 'utf8');
    start = end;
  }
}

/**
 * The chunks of an {@link ImportSource}: a string is encoded piece by piece, a web ReadableStream (an
 * upload's `file.stream()`) read and cancelled if the reader stops early.
 */
export async function* sourceChunks(source: ImportSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield* contentChunks(source);
    return;
  }
  if (Symbol.asyncIterator in source) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

// ---------------------------------------------------------------------------------------------
// The reader

/**
 * Reads a dataset file chunk by chunk with bounded memory, validating every record as it comes:
 * `write` each chunk, `take` the items ready to store after each, then run `finish` to the end
 * (taking items after each step: a long-format time-series CSV builds its series there, one at a
 * time). All or nothing stays the caller's rule: once `failed`, nothing more is handed out, but the
 * whole file is still read, so every problem is counted and the first `maxErrors` kept, in the same
 * order as if the file had been read whole (problems reading the file first, then unreadable cells,
 * then problems building series, then schema problems; each in file order).
 *
 * What it holds: the current chunk and the record being read; the ids of conversations and series
 * seen so far (to name a duplicate's first line, a few dozen bytes each); and for long-format
 * time-series CSVs the points of every series as numbers until the end of the file (about 24 bytes
 * a row), because the rows of one series may be spread over the whole file.
 */
export class DatasetReader {
  readonly #options: ImportOptions;
  readonly #issues: Issues;
  #format: ImportFormat | null = null;
  #body: FormatReader | null = null;
  /** Bytes before the format is known: a BOM, leading white space, the first character. */
  #head: Buffer = EMPTY;
  #bomChecked = false;
  #sawContent = false;
  #bytesRead = 0;
  #finished = false;
  /** Records read so far, unreadable ones included: the next record's 0-based index. */
  #records = 0;
  #kindChecked = false;
  /** The records are of another kind: reported once, none is checked further. */
  #otherKind = false;
  /** Key → line (or -record when the line is unknown) of every keyed record so far. */
  readonly #seen: Map<string, number> | null;
  #ready: ParsedItem[] = [];

  constructor(options: ImportOptions) {
    this.#options = options;
    this.#issues = new Issues(options.maxErrors ?? 50);
    this.#seen = KEY_FIELD[options.kind] === null ? null : new Map();
  }

  /** The file's format, once its first character has been read (null before, and for a blank file). */
  get format(): ImportFormat | null {
    return this.#format;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** True once any problem was found: the file will not be imported. */
  get failed(): boolean {
    return this.#issues.count > 0;
  }

  /** Feeds the next bytes of the file. */
  write(chunk: Uint8Array): void {
    if (this.#finished) throw new Error('DatasetReader: write after finish');
    this.#bytesRead += chunk.length;
    if (chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#body !== null) {
      if (!this.#sawContent) this.#sawContent = hasContent(bytes);
      this.#body.write(bytes);
      return;
    }
    this.#head = this.#head.length === 0 ? bytes : Buffer.concat([this.#head, bytes]);
    this.#sniff(false);
  }

  /**
   * Ends the file. A generator: it pauses after each series of a long-format CSV so the caller can
   * `take` (and store) the items built so far; run it to its end.
   */
  *finish(): Generator<void> {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#body === null) this.#sniff(true);
    if (this.#body !== null) yield* this.#body.end();
    if (!this.#sawContent) {
      // Nothing but white space: whatever the format reader made of it, the file is empty.
      this.#issues.clear();
      this.#issues.add(READ, null, null, null, NO_RECORDS);
      this.#format = formatOfName(this.#options.filename);
    } else if (this.#records === 0 && this.#issues.count === 0) {
      this.#issues.add(READ, null, null, null, NO_RECORDS);
    }
  }

  /**
   * Readies the file's end: a Parquet file is decoded here, once all of it is written (its index is at the
   * end, and decoding is asynchronous). Await it before {@link finish}; other formats need nothing.
   */
  async prepare(): Promise<void> {
    if (this.#body === null && this.#head.length > 0) this.#sniff(true);
    if (this.#body instanceof ParquetBody) await this.#body.prepare();
  }

  /** The items validated since the last call (none once the file has failed). */
  take(): ParsedItem[] {
    const items = this.#ready;
    this.#ready = [];
    return this.#issues.count > 0 ? [] : items;
  }

  /** The problems found, for a failed file. */
  failure(): ImportFailure {
    return this.#issues.result(this.#format);
  }

  /** Decides the format from the head once its first character is in, then hands the head on. */
  #sniff(end: boolean): void {
    let head = this.#head;
    // Parquet: its magic bytes (or the .parquet extension) decide before any text sniffing.
    if (
      !this.#bomChecked &&
      head.length < 4 &&
      !end &&
      PARQUET_MAGIC.subarray(0, head.length).equals(head)
    )
      return;
    if (isParquetHead(head) || formatOfName(this.#options.filename) === 'parquet') {
      this.#bomChecked = true;
      this.#sawContent = true;
      this.#format = 'parquet';
      this.#head = EMPTY;
      this.#body = this.#makeBody('parquet');
      this.#body.write(head);
      return;
    }
    if (!this.#bomChecked) {
      if (head.length < 3 && !end && UTF8_BOM.subarray(0, head.length).equals(head)) return;
      this.#bomChecked = true;
      if (head.subarray(0, 3).equals(UTF8_BOM)) head = head.subarray(3);
    }
    let first: string | undefined;
    for (let i = 0; i < head.length; ) {
      const c = head[i] as number;
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        i++;
        continue;
      }
      if (c < 0x80) {
        first = String.fromCharCode(c);
        break;
      }
      // A non-ASCII character: white space only if it is one of Unicode's spaces (NBSP, U+2028...).
      const size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      if (i + size > head.length && !end) {
        this.#head = head;
        return;
      }
      const char = head.subarray(i, i + size).toString('utf8');
      if (/^\s$/.test(char)) {
        i += size;
        continue;
      }
      first = char;
      break;
    }
    // A megabyte of nothing but white space: read on without sniffing rather than hold it all.
    if (first === undefined && !end && head.length < 1 << 20) {
      this.#head = head;
      return;
    }
    this.#sawContent = first !== undefined;
    this.#format = formatOfName(this.#options.filename) ?? formatOfFirst(first);
    this.#head = EMPTY;
    this.#body = this.#makeBody(this.#format);
    if (head.length > 0) this.#body.write(head);
  }

  #makeBody(format: ImportFormat): FormatReader {
    const sink: RecordSink = {
      issues: this.#issues,
      options: this.#options,
      nextRecord: () => this.#records + 1,
      record: (raw) => this.#record(raw),
    };
    if (format === 'parquet') {
      const issues = this.#issues;
      return new ParquetBody({
        options: sink.options,
        nextRecord: sink.nextRecord,
        record: sink.record,
        problem: (tier, record, column, message) =>
          issues.add(tier === 'read' ? READ : CELL, null, record, column, message),
      });
    }
    if (format === 'json') return new JsonArrayReader(sink);
    if (format === 'jsonl') return new JsonLinesReader(sink);
    return new CsvReader(sink);
  }

  /** Validates one record and, while the file has no problem, keeps its item ready to store. */
  #record(raw: RawRecord): void {
    const index = this.#records++;
    const record = index + 1;
    if (raw.invalid || this.#otherKind) return;
    const { kind } = this.#options;
    let value = raw.value;
    if (this.#format !== 'csv') {
      if (!this.#kindChecked) {
        // The first readable record decides: a file mixes kinds only by mistake, and one clear issue
        // helps more than a field error on every record.
        this.#kindChecked = true;
        const guess = guessKind(value);
        const other = guess === null ? null : OTHER_KIND[guess][kind];
        if (other !== null) {
          this.#issues.add(CHECK, raw.line, record, null, codedMessage(other));
          this.#otherKind = true;
          return;
        }
      }
      if (kind === 'utterances') value = withLanguage(value, this.#options.language ?? 'en');
    }
    const parsed = parseItem(kind, value, { codes: true });
    if (!parsed.success) {
      for (const e of parsed.errors) {
        if (raw.reported?.some((field) => isUnder(e.path, field))) continue;
        this.#issues.add(
          CHECK,
          raw.lineOf?.(e.path) ?? raw.line,
          record,
          e.path || null,
          e.code ? { code: e.code, params: e.params ?? {}, message: e.message } : e.message,
        );
      }
      return;
    }
    const data = parsed.output as ItemData;
    const key = itemKey(kind, data, index);
    if (this.#seen !== null) {
      const earlier = this.#seen.get(key);
      if (earlier !== undefined) {
        const keyField = KEY_FIELD[kind] as string;

        this.#issues.add(
          CHECK,
          raw.line,
          record,
          keyField,
          earlier > 0
            ? codedMessage('import.duplicateKeyLine', { field: keyField, key, line: earlier })
            : codedMessage('import.duplicateKeyRecord', {
                field: keyField,
                key,
                record: -earlier,
              }),
        );
        return;
      }
      this.#seen.set(key, raw.line ?? -record);
    }
    if (this.#issues.count === 0) this.#ready.push({ key, data, columns: itemColumns(kind, data) });
  }
}

/**
 * An utterance read from JSON without a language (no field, null or empty) takes the import's
 * language, as a CSV row without a language column or cell does.
 */
function withLanguage(value: unknown, language: Language): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const given = (value as { language?: unknown }).language;
  if (given !== undefined && given !== null && given !== '') return value;
  return { ...value, language };
}

// ---------------------------------------------------------------------------------------------
// Shared plumbing

const EMPTY = Buffer.alloc(0);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Issue tiers, in the order they are listed: reading the file (JSON syntax, CSV structure, bytes that are not
 * text), reading cells (a CSV cell that is not a number, a date or JSON), building series, checking records.
 */
const READ = 0;
const CELL = 1;
const BUILD = 2;
const CHECK = 3;
type Tier = typeof READ | typeof CELL | typeof BUILD | typeof CHECK;

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

/** What a format reader hands its records and problems to. */
interface RecordSink {
  readonly issues: Issues;
  readonly options: ImportOptions;
  /** The 1-based position the next record will have. */
  nextRecord(): number;
  record(raw: RawRecord): void;
}

/** Reads one format: takes the file's bytes (after any BOM) in order, then its end. */
interface FormatReader {
  write(chunk: Buffer): void;
  /**
   * Reads what is left. The records built only at the end (series) come as the returned iterable is
   * run, one step each.
   */
  end(): Iterable<void>;
}

const KEY_FIELD: Record<DatasetKind, string | null> = {
  conversations: 'conversation_id',
  timeseries: 'series_id',
  utterances: null,
};

/** The code of "this record looks like {guess}, not {kind}": one per pair, as the nouns differ. */
const OTHER_KIND: Record<DatasetKind, Record<DatasetKind, MessageCode | null>> = {
  utterances: {
    utterances: null,
    conversations: 'import.recordIsUtteranceNotConversation',
    timeseries: 'import.recordIsUtteranceNotSeries',
  },
  conversations: {
    utterances: 'import.recordIsConversationNotUtterance',
    conversations: null,
    timeseries: 'import.recordIsConversationNotSeries',
  },
  timeseries: {
    utterances: 'import.recordIsSeriesNotUtterance',
    conversations: 'import.recordIsSeriesNotConversation',
    timeseries: null,
  },
};

/**
 * Collects issues up to a cap but counts all of them. Issues are listed by tier (see READ, CELL,
 * BUILD, CHECK) and in file order within a tier, as a whole-file read finds them: each tier keeps the cap,
 * so the list is the first `max` of that order whatever order the stream found them in.
 */
class Issues {
  #tiers: ImportIssue[][] = [[], [], [], []];
  count = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  add(
    tier: Tier,
    line: number | null,
    record: number | null,
    field: string | null,
    message: string | CodedMessage,
  ): void {
    this.count++;
    const list = this.#tiers[tier] as ImportIssue[];
    if (list.length < this.#max) {
      list.push(
        typeof message === 'string'
          ? { line, record, field, message }
          : { line, record, field, ...message },
      );
    }
  }

  /** Forgets everything: a file that is not JSON at all gets that one issue. */
  clear(): void {
    this.#tiers = [[], [], [], []];
    this.count = 0;
  }

  result(format: ImportFormat | null): ImportFailure {
    const errors = this.#tiers.flat().slice(0, this.#max);
    return { ok: false, format, errors, errorCount: this.count };
  }
}

/** True when `path` is `field` or inside it (`turns[1].speaker` is under `turns`). */
function isUnder(path: string, field: string): boolean {
  return path === field || path.startsWith(`${field}[`) || path.startsWith(`${field}.`);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** True when the bytes hold anything but ASCII white space (a cheap check, used only until true). */
function hasContent(bytes: Buffer): boolean {
  for (const c of bytes) if (!(c === 0x20 || (c >= 0x09 && c <= 0x0d))) return true;
  return false;
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
 * The code of "a JSON file must hold an array of records; found ..." for what a file's JSON value is.
 * An array never gets here: a file that starts with `[` is read as one.
 */
function notArrayCode(value: unknown): MessageCode {
  if (value === null) return 'import.notArrayNull';
  if (typeof value === 'string') return 'import.notArrayString';
  if (typeof value === 'number') return 'import.notArrayNumber';
  if (typeof value === 'boolean') return 'import.notArrayBoolean';
  return 'import.notArrayObject';
}

/**
 * Where a JSON.parse error is and what it says. V8 names a character offset ("at position 12"),
 * which means nothing to people, so it becomes a line and a column of `text`; `at` places text's
 * first character in the file (its line, and its column on that line).
 */
function jsonError(
  error: unknown,
  text: string,
  at: { line: number; column: number } = { line: 1, column: 1 },
): JsonSyntaxError {
  const raw = errorMessage(error);
  const match = / (?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?/.exec(raw);
  if (match === null) return { line: null, column: null, detail: raw };
  const offset = Number(match[1]);
  const lines = new LineIndex(text);
  const line = lines.lineAt(offset);
  const column = offset - lines.lineStart(line) + 1 + (line === 1 ? at.column - 1 : 0);
  return { line: at.line + line - 1, column, detail: raw.replace(match[0], '') };
}

/**
 * A JSON syntax error: the parser's own words (`detail`, all there is to say what is wrong) and, when
 * known, where: the file's line and the column on it.
 */
interface JsonSyntaxError {
  line: number | null;
  column: number | null;
  detail: string;
}

/** The message of a JSON syntax error, with its column when known: `code`, or `code`+`Column`. */
function jsonMessage(
  code: 'import.notJson' | 'import.lineNotJson',
  { column, detail }: JsonSyntaxError,
): CodedMessage {
  return column === null
    ? codedMessage(code, { detail })
    : codedMessage(`${code}Column`, { detail, column });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Text a dataset cannot hold: bytes that are not UTF-8, NUL characters, unpaired surrogates

const NOT_UTF8 = codedMessage('import.notUtf8');
const HAS_NUL = codedMessage('import.hasNul');
const LONE_SURROGATE = codedMessage('import.loneSurrogate');

/** A JSON escape that decodes to a NUL or to half of a surrogate pair. */
const RISKY_ESCAPE = /\\u(?:0000|d[89a-f])/i;
const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The paths of the strings (values, or keys) in `value` that `bad` accepts, at most `limit`: the
 * fields to name in an issue. `''` is the value itself.
 */
function badFields(value: unknown, bad: (s: string) => boolean, limit = 10): string[] {
  const found: string[] = [];
  const visit = (v: unknown, path: string): void => {
    if (found.length >= limit) return;
    if (typeof v === 'string') {
      if (bad(v)) found.push(path);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i], `${path}[${i}]`);
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        const at = path === '' ? key : `${path}.${key}`;
        if (bad(key) && found.length < limit) found.push(at);
        visit(item, at);
      }
    }
  };
  visit(value, '');
  return found;
}

/**
 * Reports the strings of a record read from JSON that a dataset cannot hold, each on its field;
 * true if there were any (the record is then not checked further). `utf8` tells that the record's
 * bytes were not UTF-8 (their bad bytes became U+FFFD); `escapes` that its text has an escape that
 * may decode to a NUL or a lone surrogate.
 */
function reportBadText(
  sink: RecordSink,
  value: unknown,
  line: number,
  checks: { utf8: boolean; escapes: boolean },
): boolean {
  const record = sink.nextRecord();
  let found = false;
  const report = (bad: (s: string) => boolean, message: CodedMessage, always: boolean) => {
    const fields = badFields(value, bad);
    for (const field of fields) sink.issues.add(READ, line, record, field || null, message);
    if (fields.length === 0 && always) sink.issues.add(READ, line, record, null, message);
    found ||= fields.length > 0 || always;
  };
  if (checks.utf8) report((s) => s.includes('\ufffd'), NOT_UTF8, true);
  if (checks.escapes) {
    report((s) => s.includes('\0'), HAS_NUL, false);
    report((s) => UNPAIRED.test(s), LONE_SURROGATE, false);
  }
  return found;
}

/**
 * Decodes and parses one JSON record's bytes (a JSON line, or an element of a JSON array), checking
 * its text first. Returns the value, or reports why not and returns undefined with `syntax` set
 * when the record is not valid JSON (the caller decides what that means for the file).
 */
function readJsonRecord(
  sink: RecordSink,
  bytes: Buffer,
  line: number,
  onSyntaxError: (error: unknown, text: string) => void,
): void {
  const utf8 = !isUtf8(bytes);
  const nul = bytes.includes(0);
  let text = bytes.toString('utf8');
  // A NUL inside a string becomes its escape, so the record can still be read and the field named.
  if (nul) text = text.replaceAll('\0', '\\u0000');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (utf8 || nul) {
      // The bad bytes are the cause worth naming (outside a string they also break the syntax).
      const record = sink.nextRecord();
      if (utf8) sink.issues.add(READ, line, record, null, NOT_UTF8);
      if (nul) sink.issues.add(READ, line, record, null, HAS_NUL);
      sink.record({ value: undefined, line, invalid: true });
    } else {
      onSyntaxError(error, text);
    }
    return;
  }
  const escapes = RISKY_ESCAPE.test(text);
  if ((utf8 || escapes) && reportBadText(sink, value, line, { utf8, escapes })) {
    sink.record({ value: undefined, line, invalid: true });
    return;
  }
  sink.record({ value, line });
}

// ---------------------------------------------------------------------------------------------
// JSON lines

/** One JSON value per non-blank line; a line that is not JSON is reported and reading goes on. */
class JsonLinesReader implements FormatReader {
  readonly #sink: RecordSink;
  #buf: Buffer = EMPTY;
  #pos = 0;
  #line = 1;
  /** Where the next LF and CR are at or after #pos (buf.length: none); -1 when not looked for yet. */
  #lf = -1;
  #cr = -1;

  constructor(sink: RecordSink) {
    this.#sink = sink;
  }

  write(chunk: Buffer): void {
    const rest = this.#buf.subarray(this.#pos);
    this.#buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.#pos = 0;
    this.#lf = -1;
    this.#cr = -1;
    this.#scan(false);
  }

  end(): Iterable<void> {
    this.#scan(true);
    return [];
  }

  #scan(end: boolean): void {
    const buf = this.#buf;
    const len = buf.length;
    while (this.#pos < len) {
      const pos = this.#pos;
      // Each search runs once per break found, not once per line: a file without CRs is scanned for
      // one only once per chunk.
      if (this.#lf < pos) this.#lf = indexOrEnd(buf, 0x0a, pos);
      if (this.#cr < pos) this.#cr = indexOrEnd(buf, 0x0d, pos);
      const stop = Math.min(this.#lf, this.#cr);
      let next: number;
      if (stop === len) {
        if (!end) return; // the line goes on in the next chunk
        next = len;
      } else if (stop === this.#cr) {
        if (stop + 1 === len && !end) return; // CR LF may be split between chunks
        next = buf[stop + 1] === 0x0a ? stop + 2 : stop + 1;
      } else {
        next = stop + 1;
      }
      this.#readLine(buf.subarray(pos, stop), this.#line);
      this.#line++;
      this.#pos = next;
    }
  }

  #readLine(bytes: Buffer, line: number): void {
    const first = bytes[0];
    const surelyContent =
      first !== undefined && first < 0x80 && first !== 0x20 && !(first >= 0x09 && first <= 0x0d);
    if (!surelyContent && bytes.toString('utf8').trim() === '') return;
    const sink = this.#sink;
    readJsonRecord(sink, bytes, line, (error, text) => {
      sink.issues.add(
        READ,
        line,
        sink.nextRecord(),
        null,
        jsonMessage('import.lineNotJson', jsonError(error, text)),
      );
      sink.record({ value: undefined, line, invalid: true });
    });
  }
}

function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const i = buf.indexOf(byte, from);
  return i === -1 ? buf.length : i;
}

// ---------------------------------------------------------------------------------------------
// JSON arrays

/** How much of a JSON file that is not an array is kept to say what it holds instead. */
const NOT_ARRAY_LIMIT = 16 << 20;

type ArrayState =
  /** before the opening bracket */
  | 'open'
  /** after `[`: an element or `]` */
  | 'first'
  /** after `,`: an element */
  | 'next'
  | 'element'
  /** after an element: `,` or `]` */
  | 'after'
  /** after `]`: only white space */
  | 'done'
  /** the file does not start with `[` */
  | 'other'
  | 'failed';

/**
 * A JSON array read element by element: a scanner over the bytes finds where each top-level
 * element starts and ends (tracking strings and nesting only), and each element is parsed on its
 * own. The structure between elements is checked here; a syntax error anywhere makes the file
 * "not valid JSON", reported alone, as a whole-file JSON.parse would.
 */
class JsonArrayReader implements FormatReader {
  readonly #sink: RecordSink;
  #buf: Buffer = EMPTY;
  /** File offset of buf[0]. */
  #base = 0;
  #pos = 0;
  #line = 1;
  /** File offset where the current line starts. */
  #lineStart = 0;
  /** The last byte read was a CR: whether it ended a line depends on the next byte. */
  #pendingCr = false;
  #state: ArrayState = 'open';
  /** The element (or, in state `other`, the content) being read: where it starts in buf. */
  #start = 0;
  #startLine = 1;
  #startColumn = 1;
  #type: 'nested' | 'string' | 'primitive' = 'nested';
  #depth = 0;
  #inString = false;
  /** In state `other`: false once the content outgrew NOT_ARRAY_LIMIT (only its start is kept). */
  #otherWhole = true;

  constructor(sink: RecordSink) {
    this.#sink = sink;
  }

  write(chunk: Buffer): void {
    if (this.#state === 'failed') return;
    if (this.#state === 'other' && !this.#otherWhole) return;
    const keep = this.#state === 'element' || this.#state === 'other' ? this.#start : this.#pos;
    const rest = this.#buf.subarray(keep);
    this.#base += keep;
    this.#buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.#pos -= keep;
    this.#start -= keep;
    if (this.#state === 'other') {
      if (this.#buf.length > NOT_ARRAY_LIMIT) {
        this.#buf = this.#buf.subarray(0, 1);
        this.#otherWhole = false;
      }
      return;
    }
    this.#scan(false);
  }

  end(): Iterable<void> {
    this.#end();
    return [];
  }

  #end(): void {
    if (this.#state !== 'failed' && this.#state !== 'other') this.#scan(true);
    switch (this.#state) {
      case 'element': {
        if (this.#type === 'primitive') {
          this.#element(this.#buf.length);
          if (!this.#isFailed()) this.#fail(this.#buf.length, 'import.jsonSeparator');
          return;
        }
        // An element cut short: JSON.parse of what there is says what is missing, and where.
        const text = this.#buf.subarray(this.#start).toString('utf8');
        try {
          JSON.parse(text);
          this.#failWith(null, codedMessage('import.jsonEnd'));
        } catch (error) {
          this.#failAt(
            jsonError(error, text, { line: this.#startLine, column: this.#startColumn }),
          );
        }
        return;
      }
      case 'after':
        this.#fail(this.#buf.length, 'import.jsonSeparator');
        return;
      case 'first':
      case 'next':
        this.#failWith(null, codedMessage('import.jsonEnd'));
        return;
      case 'other':
        this.#notAnArray();
        return;
      default:
        return;
    }
  }

  #scan(end: boolean): void {
    const buf = this.#buf;
    const len = buf.length;
    let i = this.#pos;
    if (this.#pendingCr && i < len) {
      this.#pendingCr = false;
      if (buf[i] !== 0x0a) this.#newLine(i);
    }
    while (i < len) {
      if (this.#state === 'failed') return;
      if (this.#state === 'element') {
        i = this.#scanElement(i, end);
        continue;
      }
      const c = buf[i] as number;
      if (c === 0x20 || c === 0x09) {
        i++;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        i = this.#lineBreak(i, end);
        continue;
      }
      switch (this.#state) {
        case 'open':
          if (c === 0x5b) {
            this.#state = 'first';
            i++;
          } else {
            this.#state = 'other';
            this.#start = i;
            this.#startLine = this.#line;
            this.#startColumn = this.#column(i);
            this.#pos = i;
            return;
          }
          break;
        case 'first':
        case 'next':
          if (c === 0x5d && this.#state === 'first') {
            this.#state = 'done';
            i++;
          } else if (c === 0x5d || c === 0x2c) {
            this.#fail(i, 'import.jsonElement', { token: String.fromCharCode(c) });
          } else {
            this.#begin(i);
          }
          break;
        case 'after':
          if (c === 0x2c) {
            this.#state = 'next';
            i++;
          } else if (c === 0x5d) {
            this.#state = 'done';
            i++;
          } else {
            this.#fail(i, 'import.jsonSeparator');
          }
          break;
        case 'done':
          this.#fail(i, 'import.jsonAfterEnd');
          break;
        default:
          // failed
          this.#pos = len;
          return;
      }
      if (this.#isFailed()) return;
    }
    this.#pos = i;
  }

  /** A method, so TypeScript does not narrow the state across the calls that change it. */
  #isFailed(): boolean {
    return this.#state === 'failed';
  }

  /** Handles the line break at i (outside strings); returns where to go on. */
  #lineBreak(i: number, end: boolean): number {
    const buf = this.#buf;
    if (buf[i] === 0x0a) {
      this.#newLine(i + 1);
    } else if (i + 1 < buf.length) {
      if (buf[i + 1] !== 0x0a) this.#newLine(i + 1);
    } else if (!end) {
      this.#pendingCr = true;
    }
    return i + 1;
  }

  #newLine(at: number): void {
    this.#line++;
    this.#lineStart = this.#base + at;
  }

  /** Column of buf[i] on its line, counted in bytes (characters for ASCII text). */
  #column(i: number): number {
    return this.#base + i - this.#lineStart + 1;
  }

  #begin(i: number): void {
    const c = this.#buf[i];
    this.#state = 'element';
    this.#start = i;
    this.#startLine = this.#line;
    this.#startColumn = this.#column(i);
    this.#depth = 0;
    this.#inString = false;
    this.#type = c === 0x7b || c === 0x5b ? 'nested' : c === 0x22 ? 'string' : 'primitive';
  }

  /** Scans the current element from i; returns where to go on (after the element if it ended). */
  #scanElement(from: number, end: boolean): number {
    const buf = this.#buf;
    const len = buf.length;
    if (this.#type === 'primitive') {
      for (let i = from; i < len; i++) {
        const c = buf[i];
        if (c === 0x2c || c === 0x5d || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
          this.#element(i);
          return i;
        }
      }
      return len;
    }
    for (let i = from; i < len; i++) {
      if (this.#inString) {
        // Jump to the next quote; one preceded by an odd run of backslashes is escaped.
        const q = buf.indexOf(0x22, i);
        if (q === -1) return len;
        let k = q - 1;
        while (buf[k] === 0x5c) k--;
        i = q;
        if ((q - 1 - k) % 2 === 1) continue;
        this.#inString = false;
        if (this.#type === 'string') {
          this.#element(q + 1);
          return q + 1;
        }
        continue;
      }
      const c = buf[i];
      if (c === 0x22) {
        this.#inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.#depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--this.#depth === 0) {
          this.#element(i + 1);
          return i + 1;
        }
      } else if (c === 0x0a || c === 0x0d) {
        i = this.#lineBreak(i, end) - 1;
      }
    }
    return len;
  }

  /** The element ends just before buf[endAt]: parse it and hand it on. */
  #element(endAt: number): void {
    const sink = this.#sink;
    const at = { line: this.#startLine, column: this.#startColumn };
    this.#state = 'after';
    readJsonRecord(sink, this.#buf.subarray(this.#start, endAt), at.line, (error, text) => {
      this.#failAt(jsonError(error, text, at));
    });
  }

  /** A syntax error the scanner finds between elements, at buf[i] on the current line. */
  #fail(
    i: number,
    code: 'import.jsonSeparator' | 'import.jsonElement' | 'import.jsonAfterEnd',
    params: MessageParams = {},
  ): void {
    this.#failWith(this.#line, codedMessage(code, { ...params, column: this.#column(i) }));
  }

  /** A syntax error JSON.parse found in an element (or in a file that is not an array). */
  #failAt(error: JsonSyntaxError): void {
    this.#failWith(error.line, jsonMessage('import.notJson', error));
  }

  /** The file is not valid JSON: that is the one issue, whatever was found before. */
  #failWith(line: number | null, message: CodedMessage): void {
    this.#state = 'failed';
    this.#sink.issues.clear();
    this.#sink.issues.add(READ, line, null, null, message);
  }

  /** A `.json` file that does not hold an array: say what it holds (when it is JSON at all). */
  #notAnArray(): void {
    const bytes = this.#buf.subarray(this.#start);
    let found: MessageCode;
    if (this.#otherWhole) {
      const text = bytes.toString('utf8');
      try {
        found = notArrayCode(JSON.parse(text));
      } catch (error) {
        const at = { line: this.#startLine, column: this.#startColumn };
        this.#failAt(jsonError(error, text, at));
        return;
      }
    } else {
      const first = String.fromCharCode(bytes[0] ?? 0x20);
      found =
        first === '{'
          ? 'import.notArrayObject'
          : first === '"'
            ? 'import.notArrayString'
            : first === 't' || first === 'f'
              ? 'import.notArrayBoolean'
              : first === 'n'
                ? 'import.notArrayNull'
                : 'import.notArrayNumber';
    }
    this.#sink.issues.add(READ, 1, null, null, codedMessage(found));
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

const CSV_OPTIONS = {
  skip_empty_lines: true,
  relax_column_count: false,
  skip_records_with_error: true,
} as const;

/** A CSV header: its trimmed column names and the line it is on. */
interface CsvHeader {
  header: string[];
  headerLine: number;
}

/** What a data row becomes; `bad` when its text could not be stored (already reported). */
type RowReader = (fields: string[], line: number, bad: boolean) => void;

/**
 * A CSV file through csv-parse's stream parser, row by row. The parser is written to chunk by chunk
 * and calls back synchronously for each row (`on_record`) and each rejected one (`on_skip`); rows
 * are not queued on the stream. A row's line comes from byte offsets, because quoted fields may hold
 * line breaks and csv-parse counts a CRLF inside quotes as two lines: each row starts where the
 * previous one ended (`info.bytes`), after any blank lines. The bytes from there on are kept (the
 * current chunk and the row it ends in) to map offsets to lines and check a row's text.
 */
class CsvReader implements FormatReader {
  readonly #sink: RecordSink;
  readonly #parser: CsvParser;
  #window: Buffer = EMPTY;
  /** File offset of window[0], and its line. */
  #windowStart = 0;
  #windowLine = 1;
  #lines = new LineIndex(EMPTY);
  /** File offset where the last row read or rejected ended. */
  #prevEnd = 0;
  /** The window holds bytes that are not UTF-8, or NULs: its rows are checked one by one. */
  #suspect = false;
  /** A quoting error: later rows cannot be told apart, so nothing more is reported. */
  #stopped = false;
  #header: CsvHeader | null = null;
  #row: RowReader = () => undefined;
  #series: SeriesRows | null = null;

  constructor(sink: RecordSink) {
    this.#sink = sink;
    this.#parser = new CsvParser({
      ...CSV_OPTIONS,
      on_record: (fields: string[]) => {
        this.#onRow(fields);
        // Rows are handled above; returning null keeps them off the stream's queue.
        return null;
      },
      on_skip: (error) => {
        if (error !== undefined) this.#onSkip(error);
        return undefined;
      },
    });
    // A failure that stops the parser is read from `errored` right after each call.
    this.#parser.on('error', () => undefined);
  }

  write(chunk: Buffer): void {
    if (this.#stopped) return;
    const keep = this.#prevEnd - this.#windowStart;
    this.#windowLine += this.#lines.lineAt(keep) - 1;
    const rest = this.#window.subarray(keep);
    this.#window = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    this.#windowStart = this.#prevEnd;
    this.#lines = new LineIndex(this.#window);
    this.#suspect = suspectBytes(this.#window, false);
    this.#parser.write(chunk);
    this.#checkStopped();
  }

  end(): Iterable<void> {
    if (!this.#stopped) {
      this.#suspect = suspectBytes(this.#window, true);
      this.#parser.end();
      this.#checkStopped();
    }
    return this.#series?.finish() ?? [];
  }

  #checkStopped(): void {
    const error = this.#parser.errored;
    if (error === null || this.#stopped) return;
    this.#report(this.#lineAt(this.#skipBlank(this.#prevEnd)), error);
    this.#stopped = true;
  }

  #onRow(fields: string[]): void {
    const start = this.#skipBlank(this.#prevEnd);
    const end = this.#parser.info.bytes;
    this.#prevEnd = end;
    if (this.#stopped) return;
    const line = this.#lineAt(start);
    const bad = this.#suspect && this.#badRow(fields, start, end, line);
    if (this.#header === null) this.#readHeader(fields, line);
    else this.#row(fields, line, bad);
  }

  #onSkip(error: CsvError): void {
    if (this.#stopped) return;
    this.#report(this.#lineAt(this.#skipBlank(this.#prevEnd)), error);
    if (
      error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ||
      error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
    ) {
      this.#prevEnd = Math.max(this.#prevEnd, Number(error.bytes));
    } else {
      // After a quoting error the parser's position is no longer a row boundary, so later rows
      // would be misread; one issue about the first broken quote is what helps.
      this.#stopped = true;
    }
  }

  #report(line: number, error: unknown): void {
    const header = this.#header?.header ?? null;
    const message = csvErrorMessage(error, header?.length ?? 0);
    this.#sink.issues.add(READ, line, null, quoteField(error, header), message);
  }

  #skipBlank(offset: number): number {
    let i = offset - this.#windowStart;
    while (this.#window[i] === 0x0a || this.#window[i] === 0x0d) i++;
    return this.#windowStart + i;
  }

  #lineAt(offset: number): number {
    return this.#windowLine + this.#lines.lineAt(offset - this.#windowStart) - 1;
  }

  /**
   * Checks the bytes of a row in a suspect window: invalid UTF-8 (csv-parse decoded it as U+FFFD)
   * or NULs are reported on the columns holding them; true if any.
   */
  #badRow(fields: string[], start: number, end: number, line: number): boolean {
    const bytes = this.#window.subarray(start - this.#windowStart, end - this.#windowStart);
    const utf8 = !isUtf8(bytes);
    const nul = bytes.includes(0);
    if (!utf8 && !nul) return false;
    const header = this.#header?.header ?? null;
    // A series row's record is its series, numbered later; its line says where it is.
    const record = header === null || this.#series !== null ? null : this.#sink.nextRecord();
    const issues = this.#sink.issues;
    let named = false;
    fields.forEach((cell, i) => {
      const field = header === null ? null : (header[i] ?? null);
      if (utf8 && cell.includes('\ufffd')) {
        issues.add(READ, line, record, field, NOT_UTF8);
        named = true;
      }
      if (nul && cell.includes('\0')) {
        issues.add(READ, line, record, field, HAS_NUL);
        named = true;
      }
    });
    if (!named) {
      if (utf8) issues.add(READ, line, record, null, NOT_UTF8);
      if (nul) issues.add(READ, line, record, null, HAS_NUL);
    }
    return true;
  }

  /** The first row: the columns. A file whose columns are wrong is read no further. */
  #readHeader(fields: string[], line: number): void {
    const header = fields.map((name) => name.trim());
    const table: CsvHeader = { header, headerLine: line };
    this.#header = table;
    const issues = this.#sink.issues;
    const { options } = this.#sink;
    if (!checkHeader(table, options, issues)) {
      this.#stopped = true;
      return;
    }
    const duplicate = header.find((name, i) => header.indexOf(name) !== i);
    if (duplicate !== undefined) {
      issues.add(
        READ,
        line,
        null,
        duplicate,
        codedMessage('import.duplicateColumn', { column: duplicate }),
      );
      this.#stopped = true;
      return;
    }
    const sink = this.#sink;
    switch (options.kind) {
      case 'utterances':
        this.#row = utteranceRows(sink, header, options.language ?? 'en');
        break;
      case 'conversations':
        this.#row = (row, at, bad) => conversationRow(sink, header, row, at, bad);
        break;
      default: {
        const series = new SeriesRows(sink, header);
        this.#series = series;
        this.#row = (row, at, bad) => series.row(row, at, bad);
      }
    }
  }
}

/**
 * True when `bytes` hold a NUL or are not UTF-8. Unless at the end of the file, a character cut
 * off at the end of the bytes (it goes on in the next chunk) does not count.
 */
function suspectBytes(bytes: Buffer, end: boolean): boolean {
  if (bytes.includes(0)) return true;
  return !isUtf8(end ? bytes : bytes.subarray(0, utf8Boundary(bytes)));
}

/** Where the last whole UTF-8 character of `bytes` ends. */
function utf8Boundary(bytes: Buffer): number {
  let i = bytes.length;
  let continuation = 0;
  while (continuation < 3 && i > 0 && ((bytes[i - 1] as number) & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  const lead = bytes[i - 1];
  if (lead === undefined || lead < 0xc0) return bytes.length;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return continuation + 1 < size ? i - 1 : bytes.length;
}

function csvErrorMessage(error: unknown, headerLength: number): CodedMessage {
  const code = (error as Partial<CsvError>).code;
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const found = (error as { record?: unknown }).record;
      const count = Array.isArray(found) ? found.length : '?';
      return codedMessage('import.csvFieldCount', { count, header: headerLength });
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return codedMessage('import.csvUnclosedQuote');
    case 'CSV_INVALID_CLOSING_QUOTE':
      return codedMessage('import.csvClosingQuote');
    case 'INVALID_OPENING_QUOTE':
      return codedMessage('import.csvOpeningQuote');
    default:
      // Not reached with the parser's options here; csv-parse's words are all there is to say.
      // Its own line numbers miscount CRLF inside quotes; the issue carries the right one.
      return codedMessage('import.csvInvalid', {
        detail: errorMessage(error).replace(/,? (on|at) line \d+/g, ''),
      });
  }
}

/** The column of a data row where a quoting error is (csv-parse's `index`: the field's position), if known. */
function quoteField(error: unknown, header: readonly string[] | null): string | null {
  const { code, index } = error as Partial<CsvError> & { index?: unknown };
  if (header === null || typeof index !== 'number') return null;
  const quoting =
    code === 'CSV_QUOTE_NOT_CLOSED' ||
    code === 'CSV_INVALID_CLOSING_QUOTE' ||
    code === 'INVALID_OPENING_QUOTE';
  return quoting ? (header[index] ?? null) : null;
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
function checkColumns(kind: DatasetKind, table: CsvHeader, issues: Issues): boolean {
  const layout = CSV_LAYOUTS[kind];
  const missing = layout.required.filter((names) => !names.some((n) => table.header.includes(n)));
  if (missing.length === 0) return true;
  const expected = [
    ...layout.required.map((names) => names.join(' or ')),
    ...layout.optional.map((name) => `${name} (optional)`),
  ].join(', ');
  const found = table.header.length > 0 ? table.header.join(', ') : 'none';
  const params = {
    missing: missing.map((names) => names.join(' or ')).join(', '),
    found,
    expected,
  };
  const guess = guessKindFromColumns(table.header);
  issues.add(
    READ,
    table.headerLine,
    null,
    null,
    guess !== null && guess !== kind
      ? codedMessage('import.missingColumnOtherKind', { ...params, guess })
      : codedMessage('import.missingColumn', params),
  );
  return false;
}

/** The columns of the kind, and for time series where the series type comes from. */
function checkHeader(table: CsvHeader, options: ImportOptions, issues: Issues): boolean {
  if (!checkColumns(options.kind, table, issues)) return false;
  if (options.kind !== 'timeseries') return true;
  if (!table.header.includes('series_type') && options.seriesType === undefined) {
    issues.add(READ, table.headerLine, null, 'series_type', SERIES_TYPE_MISSING);
    return false;
  }
  if (options.seriesType !== undefined && getSeriesType(options.seriesType) === undefined) {
    issues.add(
      READ,
      null,
      null,
      'series_type',
      codedMessage('import.unknownSeriesType', { type: options.seriesType }),
    );
    return false;
  }
  return true;
}

/** A row's fields by column name. */
function cellsOf(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const cells: Record<string, string> = {};
  header.forEach((name, i) => {
    cells[name] = fields[i] ?? '';
  });
  return cells;
}

function utteranceRows(sink: RecordSink, header: readonly string[], language: Language): RowReader {
  // Banking77 ships `text,category` with the intent id in `category`; prefer a real `intent` column.
  const label = header.includes('intent') ? 'intent' : 'category';
  const text = header.indexOf('text');
  const intent = header.indexOf(label);
  const lang = header.indexOf('language');
  return (fields, line, bad) => {
    if (bad) {
      sink.record({ value: undefined, line, invalid: true });
      return;
    }
    sink.record({
      value: { text: fields[text], intent: fields[intent], language: fields[lang] || language },
      line,
    });
  };
}

function conversationRow(
  sink: RecordSink,
  header: readonly string[],
  fields: string[],
  line: number,
  bad: boolean,
): void {
  if (bad) {
    sink.record({ value: undefined, line, invalid: true });
    return;
  }
  const record = sink.nextRecord();
  const cells = cellsOf(header, fields);
  const reported: string[] = [];
  const fail = (field: string, message: CodedMessage) => {
    sink.issues.add(CELL, line, record, field, message);
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
  else
    fail(
      'turn_count',
      codedMessage('import.cellNotWholeNumber', {
        field: 'turn_count',
        received: cells.turn_count ?? '',
      }),
    );
  // Empty optional cells mean "absent", as the exporter writes them.
  if (cells.emotion_arc) value.emotion_arc = cells.emotion_arc;
  const turns = cells.turns ?? '';
  if (turns.trim() === '') fail('turns', codedMessage('import.turnsEmpty'));
  else value.turns = parseJsonCell(turns, 'turns', fail);
  if (cells.generation) value.generation = parseJsonCell(cells.generation, 'generation', fail);
  const escapes = RISKY_ESCAPE.test(turns) || RISKY_ESCAPE.test(cells.generation ?? '');
  if (escapes && reportBadText(sink, value, line, { utf8: false, escapes })) {
    sink.record({ value: undefined, line, invalid: true });
    return;
  }
  sink.record({ value, line, reported });
}

/** A CSV cell holding JSON (turns, generation); a syntax error is reported on its field. */
function parseJsonCell(
  cell: string,
  field: string,
  fail: (field: string, message: CodedMessage) => void,
): unknown {
  try {
    return JSON.parse(cell);
  } catch (error) {
    const { column, detail } = jsonError(error, cell);
    fail(
      field,
      column === null
        ? codedMessage('import.cellNotJson', { field, detail })
        : codedMessage('import.cellNotJsonColumn', { field, detail, column }),
    );
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

const SERIES_TYPE_MISSING = codedMessage('import.seriesTypeMissing');

/** Entries a timestamp cache holds before it starts over (files of one time grid need far fewer). */
const TIME_CACHE_LIMIT = 100_000;

/**
 * Long format `series_id,timestamp,value[,domain,series_type,unit,frequency]`: rows are grouped by
 * series in file order and each group becomes one series at the end of the file; the metadata a
 * CSV cannot carry comes from the catalog entry of the series type. The rows of one series may be
 * anywhere in the file (a file sorted by time interleaves them), so every group is held until the
 * end, as numbers: a line, a time and a value per row.
 */
class SeriesRows {
  readonly #sink: RecordSink;
  readonly #header: readonly string[];
  readonly #idAt: number;
  readonly #timeAt: number;
  readonly #valueAt: number;
  readonly #groups = new Map<string, SeriesGroup>();
  // Series of one file usually share their timestamps, so each distinct text is parsed once.
  readonly #times = new Map<string, number | null>();

  constructor(sink: RecordSink, header: readonly string[]) {
    this.#sink = sink;
    this.#header = header;
    this.#idAt = header.indexOf('series_id');
    this.#timeAt = header.indexOf('timestamp');
    this.#valueAt = header.indexOf('value');
  }

  row(fields: string[], line: number, bad: boolean): void {
    const issues = this.#sink.issues;
    const id = fields[this.#idAt] ?? '';
    let group = this.#groups.get(id);
    if (group === undefined) {
      const cells = cellsOf(this.#header, fields);
      const ordinal = this.#groups.size + 1;
      group = { id, ordinal, lines: [], ms: [], values: [], cells, bad: false };
      this.#groups.set(id, group);
    }
    if (bad) {
      group.bad = true;
      return;
    }
    const stamp = fields[this.#timeAt] ?? '';
    let ms = this.#times.get(stamp);
    if (ms === undefined) {
      ms = parseTimestamp(stamp);
      if (this.#times.size >= TIME_CACHE_LIMIT) this.#times.clear();
      this.#times.set(stamp, ms);
    }
    const value = parseNumber(fields[this.#valueAt] ?? '');
    if (ms === null) {
      issues.add(
        CELL,
        line,
        group.ordinal,
        'timestamp',
        codedMessage('import.timestampFormat', { received: stamp }),
      );
      group.bad = true;
    }
    if (value === null) {
      issues.add(
        CELL,
        line,
        group.ordinal,
        'value',
        codedMessage('import.valueNotNumber', { received: String(fields[this.#valueAt]) }),
      );
      group.bad = true;
    }
    if (ms === null || value === null) return;
    const previous = group.ms.at(-1);
    if (previous !== undefined && ms <= previous) {
      const previousLine = group.lines.at(-1) ?? 0;
      issues.add(
        CELL,
        line,
        group.ordinal,
        'timestamp',
        codedMessage(ms === previous ? 'import.timestampRepeats' : 'import.timestampBefore', {
          timestamp: stamp,
          line: previousLine,
        }),
      );
      group.bad = true;
      return;
    }
    group.lines.push(line);
    group.ms.push(ms);
    group.values.push(value);
  }

  /** Builds the series one at a time, letting each go before the next, and pauses after each. */
  *finish(): Generator<void> {
    this.#times.clear();
    const isoTimes = new Map<number, string>();
    const isoOf = (ms: number): string => {
      let iso = isoTimes.get(ms);
      if (iso === undefined) {
        iso = isoString(ms);
        if (isoTimes.size >= TIME_CACHE_LIMIT) isoTimes.clear();
        isoTimes.set(ms, iso);
      }
      return iso;
    };
    const sink = this.#sink;
    for (const group of this.#groups.values()) {
      this.#groups.delete(group.id);
      const firstLine = group.lines[0] ?? null;
      if (group.bad || firstLine === null) {
        sink.record({ value: undefined, line: firstLine, invalid: true });
      } else {
        sink.record(buildSeries(group, firstLine, sink.options, sink.issues, isoOf));
      }
      yield;
    }
  }
}

function buildSeries(
  group: SeriesGroup,
  line: number,
  options: ImportOptions,
  issues: Issues,
  isoOf: (ms: number) => string,
): RawRecord {
  const { cells } = group;
  const invalid = (field: string, message: CodedMessage): RawRecord => {
    issues.add(BUILD, line, group.ordinal, field, message);
    return { value: undefined, line, invalid: true };
  };
  const typeId = cells.series_type || options.seriesType;
  if (!typeId) {
    return invalid('series_type', codedMessage('import.seriesNoType', { id: group.id }));
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
      BUILD,
      lines[1] ?? null,
      group.ordinal,
      'timestamp',
      codedMessage('import.stepUnsupported', {
        id: group.id,
        step: describeStep(step),
        frequencies: FREQUENCIES.join(', '),
      }),
    );
  } else {
    issues.add(
      BUILD,
      lines[bad] ?? null,
      group.ordinal,
      'timestamp',
      codedMessage('import.stepIrregular', {
        timestamp: isoString(ms[bad] ?? 0),
        gap: describeStep((ms[bad] ?? 0) - (ms[bad - 1] ?? 0)),
        line: lines[bad - 1] ?? 0,
        id: group.id,
        step: describeStep(step),
      }),
    );
  }
  return { value: undefined, line: lines[0] ?? null, invalid: true };
}

/**
 * `1 h`, `15 min`, `2 d`: a step for people, in the largest unit that divides it. Unit symbols (SI's
 * d, h, min, s, ms), not words, so the step is a message parameter any language reads as it is.
 */
function describeStep(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, symbol] of units) {
    if (ms % size === 0 && ms !== 0) return `${ms / size} ${symbol}`;
  }
  return `${ms} ms`;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number; null for text, blanks, hex, Infinity and the like. */
function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}
