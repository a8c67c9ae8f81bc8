import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, type Services } from '../src/platform/db/orm.ts';
import type { TempDatabase } from '../src/platform/db/temp-database.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import {
  DatasetReader,
  type ImportOptions,
  type ImportResult,
  type ParsedItem,
  parseDatasetFile,
} from '../src/registry/import.ts';
import { type ImportRequest, importDataset } from '../src/registry/service.ts';
import { createTempDatabase, TEST_DATABASES } from './helpers/databases.ts';

function conversation(id: string, overrides: Record<string, unknown> = {}) {
  return {
    conversation_id: id,
    intent: 'card_arrival',
    category: 'card_management',
    sentiment: 'negative',
    complexity: 'simple',
    language: 'es',
    turn_count: 2,
    resolution_status: 'resolved',
    turns: [
      { speaker: 'customer', text: '¿Dónde está mi tarjeta? Pedí una nueva 💳' },
      { speaker: 'agent', text: 'Llega en 3 días, "urgente".\nGracias.' },
    ],
    ...overrides,
  };
}

const jsonl = (records: unknown[], eol = '\n') => records.map((r) => JSON.stringify(r)).join(eol);
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** Reads `content` through a DatasetReader in chunks of `size` bytes, as a stream would. */
function readChunked(content: string | Buffer, options: ImportOptions, size: number): ImportResult {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  const reader = new DatasetReader(options);
  const items: ParsedItem[] = [];
  for (let i = 0; i < data.length; i += size) {
    reader.write(data.subarray(i, i + size));
    items.push(...reader.take());
  }
  for (const _ of reader.finish()) items.push(...reader.take());
  items.push(...reader.take());
  const format = reader.format;
  return reader.failed || format === null ? reader.failure() : { ok: true, format, items };
}

function failed(result: ImportResult) {
  if (result.ok) throw new Error('expected the import to fail');
  return result;
}

function ok(result: ImportResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

/** Files in every format and shape the reader handles, to read whole and in pieces. */
const SAMPLES: [string, string, ImportOptions][] = [
  [
    'JSON lines with CRLF, blank lines and non-ASCII text',
    `\ufeff${jsonl([conversation('c-1'), conversation('c-2')], '\r\n')}\r\n\r\n${JSON.stringify(conversation('c-3'))}`,
    { kind: 'conversations', filename: 'c.jsonl' },
  ],
  [
    'JSON lines with old-Mac line ends and a bad record',
    jsonl([conversation('c-1'), conversation('c-2', { sentiment: 'happy' }), { nope: 1 }], '\r'),
    { kind: 'conversations', filename: 'c.jsonl' },
  ],
  [
    'a pretty-printed JSON array with escapes',
    JSON.stringify(
      [
        conversation('c-1'),
        conversation('c-\\"2\\"'),
        conversation('c-3', { turns: [{ speaker: 'agent', text: 'x' }] }),
      ],
      null,
      2,
    ),
    { kind: 'conversations', filename: 'c.json' },
  ],
  [
    'a one-line JSON array',
    JSON.stringify([conversation('c-1'), conversation('c-2')]),
    { kind: 'conversations' },
  ],
  [
    'a JSON array with a syntax error in its third element',
    `[\n${JSON.stringify(conversation('c-1'))},\n{"conversation_id": "c-2"},\n{"a": 1 "b": 2}\n]`,
    { kind: 'conversations', filename: 'c.json' },
  ],
  [
    'a quoted utterance CSV with CRLF inside quotes and bad rows',
    'text,category\r\n"two\r\nlines, ok",card_arrival\r\n\r\nthird row,not_an_intent\r\nfour,five,six\r\n"¿cinco? ñ",card_arrival',
    { kind: 'utterances', filename: 'u.csv', language: 'es' },
  ],
  [
    'a conversation CSV with JSON cells',
    `conversation_id,intent,category,sentiment,complexity,language,turn_count,resolution_status,emotion_arc,turns\n${[
      'c-1',
      'c-2',
    ]
      .map(
        (id) =>
          `${id},card_arrival,card_management,neutral,simple,es,2,resolved,,"${JSON.stringify(conversation(id).turns).replaceAll('"', '""')}"`,
      )
      .join('\n')}\n`,
    { kind: 'conversations', filename: 'c.csv' },
  ],
  [
    'a long-format time-series CSV sorted by time (series interleaved)',
    `series_id,timestamp,value\n${Array.from({ length: 48 }, (_, i) => {
      const hour = String(Math.floor(i / 2)).padStart(2, '0');
      return `${i % 2 === 0 ? 'a' : 'b'},2024-03-01 ${hour}:00:00,${i}`;
    }).join('\n')}\n`,
    { kind: 'timeseries', filename: 's.csv', seriesType: 'residential_consumption' },
  ],
];

describe('DatasetReader: reading in pieces', () => {
  it.each(SAMPLES)('reads %s the same in chunks of any size', (_name, content, options) => {
    const whole = parseDatasetFile(content, options);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      expect(readChunked(content, options, size), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('reads a series sorted by time as one series', () => {
    const [, content, options] = SAMPLES.at(-1)!;
    const result = ok(readChunked(content, options, 5));
    expect(result.items.map((i) => [i.key, (i.data as { length: number }).length])).toEqual([
      ['a', 24],
      ['b', 24],
    ]);
  });
});

describe('DatasetReader: errors anywhere in the file', () => {
  const utterances = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ text: `where is card ${i}`, intent: 'card_arrival' }));

  it('finds an error on the last line of a long file, with its line', () => {
    const records: unknown[] = utterances(5000);
    records.push({ text: 'last one', intent: 'no_such_intent' });
    const result = failed(readChunked(jsonl(records), { kind: 'utterances' }, 4096));
    expect(result.errors).toEqual([
      {
        line: 5001,
        record: 5001,
        field: 'intent',
        message: "unknown intent 'no_such_intent'",
        code: 'intent.unknown',
        params: { intent: 'no_such_intent' },
      },
    ]);
  });

  it('counts every error in the file, keeps the first 50, in file order', () => {
    const records: unknown[] = utterances(3000);
    for (let i = 99; i < 3000; i += 100) records[i] = { text: '', intent: 'card_arrival' };
    const lines = jsonl(records).split('\n');
    lines[1500] = '{"text": broken';
    lines[2999] = '{"text": "bad intent", "intent": "nope"}';
    const result = failed(readChunked(lines.join('\n'), { kind: 'utterances' }, 1000));
    // 29 empty texts, the bad intent that replaced the 30th, one line that is not JSON.
    expect(result.errorCount).toBe(31);
    // Problems reading records come first, then the records' own problems, each in file order.
    expect(result.errors[0]).toMatchObject({ line: 1501, field: null });
    expect(result.errors.slice(1).map((e) => e.line)).toEqual(
      Array.from({ length: 30 }, (_, i) => (i + 1) * 100),
    );

    const many = utterances(500).map((u) => ({ ...u, intent: 'nope' }));
    const capped = failed(readChunked(jsonl(many), { kind: 'utterances' }, 777));
    expect(capped.errorCount).toBe(500);
    expect(capped.errors).toHaveLength(50);
    expect(capped.errors.at(-1)?.line).toBe(50);
  });

  it('reports a JSON array broken near its end as the one issue, with its line and column', () => {
    const good = Array.from({ length: 200 }, (_, i) => conversation(`c-${i}`));
    const content = `${JSON.stringify(good, null, 1).slice(0, -2)},\n {"conversation_id": "x" "intent": 1}\n]`;
    const result = failed(readChunked(content, { kind: 'conversations', filename: 'c.json' }, 999));
    expect(result.errorCount).toBe(1);
    expect(result.errors[0]?.line).toBe(content.split('\n').length - 1);
    expect(result.errors[0]?.message).toMatch(/^the file is not valid JSON: .+ \(column 26\)$/);
  });

  it('names what is wrong between the elements of a JSON array', () => {
    const issue = (content: string) =>
      failed(parseDatasetFile(content, { kind: 'utterances', filename: 'a.json' })).errors;
    const one = JSON.stringify({ text: 'hi', intent: 'card_arrival', language: 'en' });
    expect(issue(`[${one} ${one}]`)).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringMatching(/Expected ',' or ']' after array element \(column \d+\)$/),
      }),
    ]);
    expect(issue(`[${one},]`)[0]).toMatchObject({
      line: 1,
      message: `the file is not valid JSON: Unexpected token ']', expected an array element (column ${one.length + 3})`,
      code: 'import.jsonElement',
      params: { token: ']', column: one.length + 3 },
    });
    expect(issue(`[${one}] x`)[0]).toMatchObject({
      code: 'import.jsonAfterEnd',
      params: { column: one.length + 4 },
    });
    expect(issue(`[\n${one},\n${one}`)).toEqual([
      {
        line: 3,
        record: null,
        field: null,
        message: expect.stringMatching(/Expected ',' or ']' after array element \(column \d+\)$/),
        code: 'import.jsonSeparator',
        params: { column: expect.any(Number) },
      },
    ]);
    expect(issue(`[\n${one},\n`)).toEqual([
      {
        line: null,
        record: null,
        field: null,
        message: 'the file is not valid JSON: Unexpected end of JSON input',
        code: 'import.jsonEnd',
        params: {},
      },
    ]);
    expect(issue(`[${one}]\nx`)[0]).toMatchObject({ line: 2 });
    expect(issue('{"a": 1')[0]?.message).toMatch(/^the file is not valid JSON: /);
    expect(issue('"text"')[0]).toEqual({
      line: 1,
      record: null,
      field: null,
      message: 'a JSON file must hold an array of records; found a string',
      code: 'import.notArrayString',
      params: {},
    });
    for (const [content, code] of [
      ['{"text": "hi"}', 'import.notArrayObject'],
      ['42', 'import.notArrayNumber'],
      ['true', 'import.notArrayBoolean'],
      ['null', 'import.notArrayNull'],
    ] as const) {
      expect(issue(content)[0]?.code).toBe(code);
    }
  });
});

describe('invalid UTF-8 and NUL characters', () => {
  const line = (text: string, intent = 'card_arrival') =>
    JSON.stringify({ text, intent, language: 'es' });

  it('rejects bytes that are not UTF-8 in JSON lines, by line and field', () => {
    const content = bytes(
      `${line('uno')}\n${line('dos')}\n{"text": "caf`,
      [0xe9],
      `", "intent": "card_arrival", "language": "es"}\n${line('cuatro')}\n{"text": "x", `,
      [0xff, 0xfe],
      '\n',
    );
    for (const size of [1, 5, 4096]) {
      const result = failed(readChunked(content, { kind: 'utterances' }, size));
      expect(result.errors).toEqual([
        {
          line: 3,
          record: 3,
          field: 'text',
          message: expect.stringMatching(/not valid UTF-8/),
          code: 'import.notUtf8',
          params: {},
        },
        {
          line: 5,
          record: 5,
          field: null,
          message: expect.stringMatching(/not valid UTF-8/),
          code: 'import.notUtf8',
          params: {},
        },
      ]);
    }
  });

  it('rejects bytes that are not UTF-8 in CSV, by line and column, and in JSON arrays', () => {
    const csv = bytes('text,intent\nuno,card_arrival\nna', [0xef, 0xbf], 'da,card_arrival\n');
    const notUtf8OnLine3 = [
      {
        line: 3,
        record: 2,
        field: 'text',
        message: expect.stringMatching(/not valid UTF-8/),
        code: 'import.notUtf8',
        params: {},
      },
    ];
    for (const size of [1, 3, 4096]) {
      const result = failed(readChunked(csv, { kind: 'utterances', filename: 'u.csv' }, size));
      expect(result.errors).toEqual(notUtf8OnLine3);
    }
    const json = bytes(`[\n${line('uno')},\n{"text": "`, [0xc3], '", "intent": "card_arrival"}\n]');
    const result = failed(readChunked(json, { kind: 'utterances', filename: 'u.json' }, 2));
    expect(result.errors).toEqual(notUtf8OnLine3);
  });

  it('keeps multi-byte characters split between chunks', () => {
    const content = `text,intent\n${'¿Dónde está mi tarjeta? 💳,card_arrival\n'.repeat(50)}`;
    for (const size of [1, 2, 3]) {
      const result = ok(readChunked(content, { kind: 'utterances', filename: 'u.csv' }, size));
      expect(result.items).toHaveLength(50);
      expect(result.items[49]?.data).toMatchObject({ text: '¿Dónde está mi tarjeta? 💳' });
    }
  });

  it('rejects NUL characters, raw or escaped, by line and field', () => {
    const content = [
      line('uno'),
      `{"text": "do\0s", "intent": "card_arrival", "language": "es"}`,
      `{"text": "tres", "intent": "card_arrival\\u0000", "language": "es"}`,
      `\0`,
      line('cinco'),
    ].join('\n');
    const result = failed(readChunked(content, { kind: 'utterances' }, 3));
    expect(result.errors).toEqual([
      {
        line: 2,
        record: 2,
        field: 'text',
        message: expect.stringMatching(/NUL character/),
        code: 'import.hasNul',
        params: {},
      },
      {
        line: 3,
        record: 3,
        field: 'intent',
        message: expect.stringMatching(/NUL character/),
        code: 'import.hasNul',
        params: {},
      },
      {
        line: 4,
        record: 4,
        field: null,
        message: expect.stringMatching(/NUL character/),
        code: 'import.hasNul',
        params: {},
      },
    ]);
    const csv = 'text,language,intent\nuno,es,card_arrival\ndos,e\0s,card_arrival\n';
    expect(failed(parseDatasetFile(csv, { kind: 'utterances', filename: 'u.csv' })).errors).toEqual(
      [
        {
          line: 3,
          record: 2,
          field: 'language',
          message: expect.stringMatching(/NUL character/),
          code: 'import.hasNul',
          params: {},
        },
      ],
    );
  });

  it('rejects a lone surrogate escape, which is not Unicode', () => {
    const content = `{"text": "bad \\ud83d here", "intent": "card_arrival"}\n${line('ok \\ud83d\\udcb3')}`;
    const result = failed(parseDatasetFile(content, { kind: 'utterances' }));
    expect(result.errors).toEqual([
      {
        line: 1,
        record: 1,
        field: 'text',
        message: expect.stringMatching(/unpaired surrogate/),
        code: 'import.loneSurrogate',
        params: {},
      },
    ]);
  });
});

describe('the same utterances from JSON lines and from CSV', () => {
  const texts = ['Where is my card?', 'Lost it, "help"', '¿Dónde está?'];
  const csv = `text,intent\n${texts.map((t) => `"${t.replaceAll('"', '""')}",card_arrival`).join('\n')}\n`;
  const lines = jsonl(texts.map((text) => ({ text, intent: 'card_arrival' })));
  const json = JSON.stringify(texts.map((text) => ({ text, intent: 'card_arrival' })));

  it('import the same items, the language defaulted the same way', () => {
    for (const language of [undefined, 'es'] as const) {
      const options = { kind: 'utterances', ...(language ? { language } : {}) } as const;
      const fromCsv = ok(parseDatasetFile(csv, { ...options, filename: 'u.csv' })).items;
      const fromJsonl = ok(parseDatasetFile(lines, { ...options, filename: 'u.jsonl' })).items;
      const fromJson = ok(parseDatasetFile(json, { ...options, filename: 'u.json' })).items;
      expect(fromJsonl).toEqual(fromCsv);
      expect(fromJson).toEqual(fromCsv);
      expect(fromCsv[2]).toEqual({
        key: 'u-000003',
        data: { text: '¿Dónde está?', intent: 'card_arrival', language: language ?? 'en' },
        columns: expect.objectContaining({
          language: language ?? 'en',
          category: 'card_management',
        }),
      });
    }
  });

  it('keep a language given in the record, and default an empty one', () => {
    const content = jsonl([
      { text: 'hola', intent: 'card_arrival', language: 'es' },
      { text: 'hi', intent: 'card_arrival', language: '' },
      { text: 'hey', intent: 'card_arrival', language: null },
    ]);
    const items = ok(parseDatasetFile(content, { kind: 'utterances', language: 'en' })).items;
    expect(items.map((i) => (i.data as { language: string }).language)).toEqual(['es', 'en', 'en']);
    const bad = failed(
      parseDatasetFile(jsonl([{ text: 'x', intent: 'card_arrival', language: 'fr' }]), {
        kind: 'utterances',
      }),
    );
    expect(bad.errors[0]?.field).toBe('language');
  });
});

/** A file's bytes as a stream of small chunks, as a file or an upload arrives. */
async function* streamed(content: string | Buffer, size = 16 * 1024): AsyncGenerator<Uint8Array> {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe.each(TEST_DATABASES)('streaming import on %s', (dbKind) => {
  let temp: TempDatabase;
  let services: Services;
  beforeAll(async () => {
    temp = await createTempDatabase(dbKind);
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services?.close();
    await temp?.drop();
  });

  const run = (request: Omit<ImportRequest, 'kind'> & { kind?: ImportRequest['kind'] }) =>
    importDataset(services.datasets(services.em.fork()), { kind: 'conversations', ...request });
  const counts = async () => {
    const em = services.em.fork();
    return {
      datasets: await em.count(DatasetSchema, {}),
      items: await em.count(DatasetItemSchema, {}),
    };
  };

  it('stores nothing when the last record is invalid, and names its line', async () => {
    const before = await counts();
    const records: unknown[] = Array.from({ length: 3000 }, (_, i) => conversation(`c-${i}`));
    records.push(conversation('c-last', { sentiment: 'furious' }));
    const progress: number[] = [];
    const outcome = await run({
      source: streamed(jsonl(records)),
      fileName: 'late.jsonl',
      onProgress: (p) => progress.push(p.stored),
    });
    expect(outcome).toEqual({
      ok: false,
      errorCount: 1,
      errors: [
        {
          line: 3001,
          record: 3001,
          field: 'sentiment',
          message: 'sentiment must be one of positive, neutral, negative; got "furious"',
          code: 'value.oneOf',
          params: {
            field: 'sentiment',
            options: 'positive, neutral, negative',
            received: '"furious"',
          },
        },
      ],
    });
    // Items were stored as the file was read, then rolled back with everything else.
    expect(Math.max(...progress)).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
  });

  it('stores nothing for a file with bytes that are not UTF-8 or a NUL near its end', async () => {
    const before = await counts();
    const head = jsonl(Array.from({ length: 2000 }, (_, i) => conversation(`u-${i}`)));
    const badUtf8 = bytes(head, '\n{"conversation_id": "x', [0xc0, 0xaf], '"}\n');
    const bad = await run({ source: streamed(badUtf8), fileName: 'bad.jsonl' });
    expect(bad).toMatchObject({
      ok: false,
      errorCount: 1,
      errors: [{ line: 2001, field: 'conversation_id', message: expect.stringMatching(/UTF-8/) }],
    });
    const nul = `text,intent\n${'hello,card_arrival\n'.repeat(3000)}he\0llo,card_arrival\n`;
    const withNul = await run({ source: streamed(nul), fileName: 'n.csv', kind: 'utterances' });
    expect(withNul).toMatchObject({
      ok: false,
      errors: [{ line: 3002, field: 'text', message: expect.stringMatching(/NUL/) }],
    });
    expect(await counts()).toEqual(before);
  });

  it('counts the errors of the whole file and keeps the first 50', async () => {
    const records = Array.from({ length: 400 }, (_, i) =>
      conversation(`e-${i}`, i % 4 === 3 ? { complexity: 'hard' } : {}),
    );
    const outcome = await run({ source: streamed(jsonl(records), 1000), fileName: 'e.jsonl' });
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.errorCount).toBe(100);
    expect(outcome.errors).toHaveLength(50);
    expect(outcome.errors[49]).toMatchObject({ line: 200, field: 'complexity' });
  });

  it('stores 50,000 records read as a stream, in file order', async () => {
    const n = 50_000;
    const content = `text,intent\n${Array.from({ length: n }, (_, i) => `text number ${i},card_arrival`).join('\n')}\n`;
    const outcome = await run({
      source: streamed(content, 64 * 1024),
      fileName: 'many.csv',
      kind: 'utterances',
      bytes: content.length,
    });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.dataset.itemCount).toBe(n);
    const em = services.em.fork();
    const dataset = await em.findOneOrFail(DatasetSchema, outcome.dataset.id);
    expect(dataset.itemCount).toBe(n);
    expect(dataset.source).toEqual({ file: 'many.csv', format: 'csv', bytes: content.length });
    expect(await em.count(DatasetItemSchema, { dataset: dataset.id })).toBe(n);
    const last = await em.findOneOrFail(DatasetItemSchema, {
      dataset: dataset.id,
      position: n - 1,
    });
    expect(last.key).toBe('u-050000');
    expect(last.data).toEqual({
      text: `text number ${n - 1}`,
      intent: 'card_arrival',
      language: 'en',
    });
  });

  it('reads an upload from a web ReadableStream', async () => {
    const file = new File([jsonl([conversation('w-1'), conversation('w-2')])], 'web.jsonl');
    const outcome = await run({ source: file.stream(), fileName: file.name, bytes: file.size });
    expect(outcome).toMatchObject({ ok: true, format: 'jsonl', dataset: { itemCount: 2 } });
  });

  it('stores the same utterances from JSON lines and from CSV', async () => {
    const texts = ['Where is my card?', 'I lost it, "help"'];
    const csv = `text,intent\n${texts.map((t) => `"${t.replaceAll('"', '""')}",card_arrival`).join('\n')}\n`;
    const lines = jsonl(texts.map((text) => ({ text, intent: 'card_arrival' })));
    const stored = async (source: string, fileName: string) => {
      const outcome = await run({ source, fileName, kind: 'utterances', language: 'es' });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      const items = await services.em
        .fork()
        .find(DatasetItemSchema, { dataset: outcome.dataset.id }, { orderBy: { position: 'asc' } });
      return items.map((i) => ({
        key: i.key,
        data: i.data,
        language: i.language,
        intent: i.intent,
      }));
    };
    const fromCsv = await stored(csv, 'u.csv');
    expect(await stored(lines, 'u.jsonl')).toEqual(fromCsv);
    expect(fromCsv[1]).toEqual({
      key: 'u-000002',
      data: { text: 'I lost it, "help"', intent: 'card_arrival', language: 'es' },
      language: 'es',
      intent: 'card_arrival',
    });
  });
});

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('genesis import', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genesis-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const genesis = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(SERVER_DIR, 'node_modules/.bin/tsx'),
        ['src/cli/main.ts', ...args],
        { cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1' } },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('streams a file from disk: a bad byte on its last line fails it, and nothing is stored', async () => {
    const db = join(dir, 'cli.sqlite');
    const file = join(dir, 'late.csv');
    const rows = 'where is my card?,card_arrival\n'.repeat(20_000);
    writeFileSync(file, bytes(`text,intent\n${rows}caf`, [0xe9], ',card_arrival\n'));
    const r = await genesis(['import', file, '--kind', 'utterances', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/late\.csv was not imported: 1 problem, nothing was stored/);
    expect(r.stderr).toMatch(/line 20002, field text: the text is not valid UTF-8/);
    const list = await genesis(['datasets', '--json', '--db', db]);
    expect(JSON.parse(list.stdout).totalCount).toBe(0);

    writeFileSync(file, `text,intent\n${rows}`);
    const good = await genesis(['import', file, '--kind', 'utterances', '--db', db, '--json']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, itemCount: 20_000 });
  });
});
