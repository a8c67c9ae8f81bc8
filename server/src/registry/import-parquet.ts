import { getIntent } from '@genesis/schema/catalog/intents';
import type { DatasetKind, Language } from '@genesis/schema/common';
import { type CodedMessage, codedMessage, issueMessage } from '@genesis/schema/messages';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import * as v from 'valibot';

/**
 * Parquet import: a Parquet file (our own export, or a Hugging Face dataset file downloaded by the user) read into
 * the same records the JSON and CSV readers hand to the schema check, with its columns mapped for common layouts:
 *
 * - utterances: `text` (or `utterance`, `sentence`) and `intent` (or `label`, `label_text`); an integer label is
 *   named from `labels` (`genesis import --labels FILE`) or from the label names the file embeds (the
 *   `huggingface` key-value metadata the `datasets` library writes: `info.features.<column>.names`);
 * - conversations: our own columns (`turns` as a nested list or a JSON string), or a chat `messages` column
 *   (`role` user/assistant → customer/agent, system messages dropped) with the other fields as columns;
 * - time series: our own columns.
 *
 * Parquet is read whole (its index is at the end), so the reader buffers the file up to the upload limit and
 * decodes it once all of it is in ({@link ParquetBody.prepare}, awaited before the file's end is read). A problem
 * is located by its record (row) and column.
 */
export interface ParquetSink {
  readonly options: {
    kind: DatasetKind;
    language?: Language;
    labels?: readonly string[];
  };
  /** The 1-based position the next record will have. */
  nextRecord(): number;
  record(raw: {
    value: unknown;
    line: null;
    invalid?: boolean;
    reported?: readonly string[];
  }): void;
  /** A problem reading the file (`read`) or one cell (`cell`), located by record and column. */
  problem(
    tier: 'read' | 'cell',
    record: number | null,
    column: string | null,
    message: CodedMessage,
  ): void;
}

/** `PAR1`: the first and last four bytes of every Parquet file. */
export const PARQUET_MAGIC = Buffer.from('PAR1');

/** Whether a file's first bytes are Parquet's magic. */
export function isParquetHead(head: Uint8Array): boolean {
  return head.length >= 4 && PARQUET_MAGIC.equals(Buffer.from(head.subarray(0, 4)));
}

/** Records handed on per step of the file's end, so the caller stores them in batches. */
const STEP = 1000;

type Row = Record<string, unknown>;

/** Most label names a label list may hold (Banking77 has 77; a generous ceiling against a runaway list). */
const MAX_LABELS = 10_000;

/**
 * A label list as the API takes it (`importDataset(labels:)`): names in label order, each non-empty, at most 200
 * characters, no repeats. Issues are located by index (`labels[3]`).
 */
export const LabelListSchema = v.pipe(
  v.array(v.unknown(), issueMessage('labels.notArray')),
  v.minLength(1, issueMessage('labels.none')),
  v.maxLength(
    MAX_LABELS,
    issueMessage<v.MaxLengthIssue<unknown[], number>>('labels.tooMany', (i) => ({
      max: MAX_LABELS,
      count: i.input.length,
    })),
  ),
  v.array(
    v.pipe(
      v.string(issueMessage('labels.notString')),
      v.trim(),
      v.nonEmpty(issueMessage('labels.empty')),
      v.maxLength(200, issueMessage('labels.tooLong', { max: 200 })),
    ),
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Map<string, number>();
    dataset.value.forEach((name, index) => {
      const first = seen.get(name);
      if (first !== undefined)
        addIssue({
          message: issueMessage('labels.repeated', { name, index: first }),
          path: [{ type: 'array', origin: 'value', input: dataset.value, key: index, value: name }],
        });
      else seen.set(name, index);
    });
  }),
);

/** Reads label names: one per line, or a JSON array (what `--labels FILE` takes). */
export function parseLabelList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string'))
      throw new Error('a JSON label list must be an array of strings');
    return parsed;
  }
  return trimmed
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The label names a `datasets`-written file embeds for a ClassLabel column, if any. */
export function embeddedLabelNames(
  metadata: { key?: string; value?: string }[] | undefined,
  column: string,
): string[] | null {
  const entry = metadata?.find((kv) => kv.key === 'huggingface');
  if (!entry?.value) return null;
  try {
    const hf = JSON.parse(entry.value) as {
      info?: { features?: Record<string, { names?: unknown }> };
    };
    const names = hf.info?.features?.[column]?.names;
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : null;
  } catch {
    return null;
  }
}

/** Plain JSON values: int64 as numbers, bytes as text, dates as ISO strings, nested lists and structs too. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const first = (row: Row, names: readonly string[]): [string, unknown] | null => {
  for (const n of names) if (row[n] !== undefined && row[n] !== null) return [n, row[n]];
  return null;
};

const SPEAKER: Record<string, 'customer' | 'agent' | null> = {
  user: 'customer',
  human: 'customer',
  customer: 'customer',
  assistant: 'agent',
  gpt: 'agent',
  agent: 'agent',
  system: null,
  developer: null,
  tool: null,
};

/** The buffered file and, once prepared, its rows. */
export class ParquetBody {
  readonly #sink: ParquetSink;
  #chunks: Buffer[] = [];
  #rows: Row[] | null = null;
  #labels: readonly string[] | null = null;
  #labelColumn: string | null = null;

  constructor(sink: ParquetSink) {
    this.#sink = sink;
  }

  write(chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  /** Decodes the whole file: call once every byte is written, before {@link end}. */
  async prepare(): Promise<void> {
    if (this.#rows !== null) return;
    const bytes = Buffer.concat(this.#chunks);
    this.#chunks = [];
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    try {
      const metadata = parquetMetadata(file);
      const rows = (await parquetReadObjects({ file, metadata })) as Row[];
      const columns = metadata.schema.slice(1).map((s) => s.name);
      this.#labelColumn =
        ['intent', 'label', 'label_text'].find((c) => columns.includes(c)) ?? null;
      this.#labels =
        this.#sink.options.labels ??
        (this.#labelColumn
          ? embeddedLabelNames(metadata.key_value_metadata, this.#labelColumn)
          : null);
      this.#rows = rows;
    } catch (error) {
      this.#rows = [];
      // hyparquet's own words are all there is to say what is wrong inside the file.
      this.#sink.problem(
        'read',
        null,
        null,
        codedMessage('import.parquetUnreadable', {
          detail: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }

  *end(): Generator<void> {
    if (this.#rows === null) {
      this.#sink.problem('read', null, null, codedMessage('import.parquetNotStreamed'));
      return;
    }
    const rows = this.#rows;
    this.#rows = [];
    for (let i = 0; i < rows.length; i++) {
      this.#row(plain(rows[i]) as Row);
      if ((i + 1) % STEP === 0) yield;
    }
  }

  #row(row: Row): void {
    const record = this.#sink.nextRecord();
    const problems: string[] = [];
    const problem = (column: string, message: CodedMessage) => {
      problems.push(column);
      this.#sink.problem('cell', record, column, message);
    };
    const { kind } = this.#sink.options;
    let value: Row;
    if (kind === 'utterances') value = this.#utterance(row, problem);
    else if (kind === 'conversations') value = this.#conversation(row, record, problem);
    else value = row;
    this.#sink.record({ value, line: null, invalid: problems.length > 0, reported: problems });
  }

  /** A label cell as an intent id: a name as it is, an integer through the label list. */
  #intent(column: string, label: unknown, problem: (c: string, m: CodedMessage) => void): unknown {
    if (typeof label !== 'number') return label;
    const names = this.#labels;
    if (!names) {
      problem(column, codedMessage('import.labelNoNames', { label }));
      return undefined;
    }
    const name = Number.isInteger(label) ? names[label] : undefined;
    if (name === undefined) {
      problem(column, codedMessage('import.labelNotListed', { label, count: names.length }));
      return undefined;
    }
    return name;
  }

  #utterance(row: Row, problem: (c: string, m: CodedMessage) => void): Row {
    const text = first(row, ['text', 'utterance', 'sentence']);
    const label = first(row, ['intent', 'label', 'label_text']);
    const language = first(row, ['language', 'lang']);
    return {
      ...(text ? { text: text[1] } : {}),
      ...(label ? { intent: this.#intent(label[0], label[1], problem) } : {}),
      ...(language ? { language: language[1] } : {}),
    };
  }

  #conversation(row: Row, record: number, problem: (c: string, m: CodedMessage) => void): Row {
    const value: Row = { ...row };
    if (typeof value.turns === 'string') {
      try {
        value.turns = JSON.parse(value.turns);
      } catch {
        problem('turns', codedMessage('import.turnsCellNotJson'));
      }
    }
    if (value.turns === undefined && Array.isArray(row.messages)) {
      const turns: { speaker: string; text: unknown }[] = [];
      for (const [i, m] of (row.messages as Row[]).entries()) {
        const role = String(m?.role ?? m?.from ?? '');
        const speaker = SPEAKER[role];
        if (speaker === undefined) {
          problem(`messages[${i}].role`, codedMessage('import.unknownRole', { role }));
          continue;
        }
        if (speaker === null) continue;
        const content = m.content ?? m.value;
        const text = Array.isArray(content)
          ? content.map((p) => (p as Row)?.text ?? '').join('')
          : content;
        turns.push({ speaker, text });
      }
      value.turns = turns;
      delete value.messages;
    }
    if (value.conversation_id === undefined)
      value.conversation_id = value.id !== undefined ? String(value.id) : `row-${record}`;
    delete value.id;
    const label = first(value, ['intent', 'label', 'label_text']);
    if (label) {
      const intent = this.#intent(label[0], label[1], problem);
      delete value.label;
      delete value.label_text;
      value.intent = intent;
      if (value.category === undefined && typeof intent === 'string') {
        const known = getIntent(intent);
        if (known) value.category = known.category;
      }
    }
    if (value.turn_count === undefined && Array.isArray(value.turns))
      value.turn_count = value.turns.length;
    for (const [k, v] of Object.entries(value)) if (v === null) delete value[k];
    return value;
  }
}
