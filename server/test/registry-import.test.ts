import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  formatImportIssue,
  type ImportIssue,
  type ImportOptions,
  type ImportResult,
  parseDatasetFile,
} from '../src/registry/import.ts';

const BANKING77 = '/work/shared/data/banking77/train.csv';
const ELECTRICITY = '/work/shared/data/electricity/electricity_hourly.csv';

function conversation(id: string, overrides: Record<string, unknown> = {}) {
  return {
    conversation_id: id,
    intent: 'card_arrival',
    category: 'card_management',
    sentiment: 'negative',
    complexity: 'simple',
    language: 'en',
    turn_count: 2,
    resolution_status: 'resolved',
    emotion_arc: 'frustrated_to_satisfied',
    turns: [
      { speaker: 'customer', text: 'My card has not arrived.' },
      { speaker: 'agent', text: 'It was posted yesterday and arrives within 3 days.' },
    ],
    ...overrides,
  };
}

function utterance(text: string, intent = 'card_arrival', language = 'en') {
  return { text, intent, language };
}

const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');

function ok(result: ImportResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function failed(result: ImportResult) {
  if (result.ok) throw new Error('expected the import to fail');
  return result;
}

/** The only issue of a failed import. */
function onlyIssue(content: string, options: ImportOptions): ImportIssue {
  const result = failed(parseDatasetFile(content, options));
  expect(result.errors).toHaveLength(1);
  expect(result.errorCount).toBe(1);
  return result.errors[0]!;
}

describe('detectFormat', () => {
  it('goes by the file extension, in any case', () => {
    expect(detectFormat('data.JSON', 'a,b')).toBe('json');
    expect(detectFormat('data.jsonl', '[')).toBe('jsonl');
    expect(detectFormat('data.ndjson', '[')).toBe('jsonl');
    expect(detectFormat('data.csv', '[1]')).toBe('csv');
  });

  it('sniffs the first character when the name says nothing', () => {
    expect(detectFormat(undefined, '  \n[{"a":1}]')).toBe('json');
    expect(detectFormat('upload.txt', '{"a":1}\n{"a":2}')).toBe('jsonl');
    expect(detectFormat(undefined, '\ufeff[{"a":1}]')).toBe('json');
    expect(detectFormat(undefined, 'text,intent\nhi,card_arrival')).toBe('csv');
  });
});

describe('formatImportIssue', () => {
  it('says where first, then what', () => {
    const issue = { line: 12, record: 3, field: 'turns[1].speaker', message: 'bad' };
    expect(formatImportIssue(issue)).toBe('line 12, field turns[1].speaker: bad');
    expect(formatImportIssue({ ...issue, line: null })).toBe(
      'record 3, field turns[1].speaker: bad',
    );
    expect(
      formatImportIssue({
        line: null,
        record: null,
        field: null,
        message: 'the file has no records',
      }),
    ).toBe('the file has no records');
  });
});

describe('parseDatasetFile: JSON and JSON lines', () => {
  it('imports a JSON array of conversations with keys and filter columns', () => {
    const content = JSON.stringify([conversation('c-1'), conversation('c-2', { language: 'es' })]);
    const result = ok(parseDatasetFile(content, { kind: 'conversations', filename: 'a.json' }));
    expect(result.format).toBe('json');
    expect(result.items.map((i) => i.key)).toEqual(['c-1', 'c-2']);
    expect(result.items[1]?.data).toEqual(conversation('c-2', { language: 'es' }));
    expect(result.items[1]?.columns).toEqual({
      intent: 'card_arrival',
      category: 'card_management',
      language: 'es',
      sentiment: 'negative',
      complexity: 'simple',
      resolution: 'resolved',
      seriesType: null,
      domain: null,
    });
  });

  it('names the line and field of a bad record in a pretty-printed JSON array', () => {
    const bad = conversation('c-2', {
      turns: [
        { speaker: 'customer', text: 'Hello?' },
        { speaker: 'customer', text: 'Anyone there?' },
      ],
    });
    const content = JSON.stringify([conversation('c-1'), bad], null, 2);
    const lines = content.split('\n');
    // The second element's opening brace.
    const line = lines.indexOf('  {', lines.indexOf('  {') + 1) + 1;
    expect(line).toBeGreaterThan(2);
    const issue = onlyIssue(content, { kind: 'conversations', filename: 'a.json' });
    expect(issue).toEqual({
      line,
      record: 2,
      field: 'turns[1].speaker',
      message: 'turn 1 repeats speaker customer; speakers must alternate',
      code: 'conversation.alternate',
      params: { index: 1, speaker: 'customer' },
    });
  });

  it('reports a JSON syntax error with its line', () => {
    const issue = onlyIssue('[\n{"text": "hi"},\n{"text": "yo" "intent": 1}\n]', {
      kind: 'utterances',
      filename: 'a.json',
    });
    expect(issue.line).toBe(3);
    expect(issue.message).toMatch(/^the file is not valid JSON: .+ \(column \d+\)$/);
  });

  it('wants an array in a .json file', () => {
    const issue = onlyIssue('{"text":"hi"}', { kind: 'utterances', filename: 'a.json' });
    expect(issue.message).toBe('a JSON file must hold an array of records; found an object');
  });

  it('reports a JSON line that is not JSON, with its line, and keeps reading', () => {
    const content = `${JSON.stringify(utterance('one'))}\r\n\r\n{"text": nope}\r\n${JSON.stringify(
      utterance('four', 'no_such_intent'),
    )}\r\n`;
    const result = failed(parseDatasetFile(content, { kind: 'utterances', filename: 'u.jsonl' }));
    expect(result.format).toBe('jsonl');
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatchObject({ line: 3, record: 2, field: null });
    expect(result.errors[0]?.message).toMatch(/^not valid JSON: /);
    expect(result.errors[1]).toEqual({
      line: 4,
      record: 3,
      field: 'intent',
      message: "unknown intent 'no_such_intent'",
      code: 'intent.unknown',
      params: { intent: 'no_such_intent' },
    });
  });

  it('names the allowed values of a wrong enum', () => {
    const content = jsonl([conversation('c-1'), conversation('c-2', { sentiment: 'happy' })]);
    const issue = onlyIssue(content, { kind: 'conversations', filename: 'c.jsonl' });
    expect(issue).toEqual({
      line: 2,
      record: 2,
      field: 'sentiment',
      message: 'sentiment must be one of positive, neutral, negative; got "happy"',
      code: 'value.oneOf',
      params: { field: 'sentiment', options: 'positive, neutral, negative', received: '"happy"' },
    });
  });

  it('reports a duplicate id on the later line, naming the earlier one', () => {
    const content = jsonl([conversation('c-1'), conversation('c-2'), conversation('c-1')]);
    const issue = onlyIssue(content, { kind: 'conversations' });
    expect(issue).toEqual({
      line: 3,
      record: 3,
      field: 'conversation_id',
      message: 'duplicate conversation_id "c-1", first used on line 1',
      code: 'import.duplicateKeyLine',
      params: { field: 'conversation_id', key: 'c-1', line: 1 },
    });
  });

  it('keys utterances by their position in the file', () => {
    const content = jsonl([utterance('one'), utterance('two', 'lost_or_stolen_card', 'es')]);
    const result = ok(parseDatasetFile(content, { kind: 'utterances' }));
    expect(result.items.map((i) => i.key)).toEqual(['u-000001', 'u-000002']);
    expect(result.items[1]?.columns).toMatchObject({
      intent: 'lost_or_stolen_card',
      category: 'security',
      language: 'es',
      sentiment: null,
    });
  });

  it('says so when the records are of another kind', () => {
    const issue = onlyIssue(jsonl([utterance('one'), utterance('two')]), { kind: 'conversations' });
    expect(issue).toEqual({
      line: 1,
      record: 1,
      field: null,
      message:
        'this record looks like an utterance, not a conversation; import the file as utterances',
      code: 'import.recordIsUtteranceNotConversation',
      params: {},
    });
  });

  it('keeps the first maxErrors issues and counts them all', () => {
    const records = Array.from({ length: 120 }, (_, i) => utterance(`text ${i}`, 'nope'));
    const result = failed(parseDatasetFile(jsonl(records), { kind: 'utterances', maxErrors: 10 }));
    expect(result.errors).toHaveLength(10);
    expect(result.errorCount).toBe(120);
    expect(result.errors[9]?.line).toBe(10);
  });

  it('refuses a file without records', () => {
    for (const [content, filename] of [
      ['', undefined],
      ['  \r\n\n', 'a.jsonl'],
      ['[]', 'a.json'],
      ['\ufeff', 'a.csv'],
      ['text,intent\r\n', 'a.csv'],
    ] as const) {
      const issue = onlyIssue(content, { kind: 'utterances', filename });
      expect(issue).toEqual({
        line: null,
        record: null,
        field: null,
        message: 'the file has no records',
        code: 'import.noRecords',
        params: {},
      });
    }
  });
});

describe('parseDatasetFile: utterance CSV', () => {
  it('reads the Banking77 layout (text,category) with a BOM and CRLF, language defaulted', () => {
    const content =
      '\ufefftext,category\r\nWhere is my card?,card_arrival\r\n"Lost it, help",lost_or_stolen_card\r\n';
    const result = ok(parseDatasetFile(content, { kind: 'utterances', filename: 'train.csv' }));
    expect(result.items.map((i) => i.data)).toEqual([
      utterance('Where is my card?'),
      utterance('Lost it, help', 'lost_or_stolen_card'),
    ]);
    const es = ok(
      parseDatasetFile(content, { kind: 'utterances', filename: 'x.csv', language: 'es' }),
    );
    expect(es.items[0]?.data).toEqual(utterance('Where is my card?', 'card_arrival', 'es'));
  });

  it('prefers an intent column and reads a language column', () => {
    const content = 'intent,text,language\ncard_arrival,¿Dónde está mi tarjeta?,es\n';
    const result = ok(parseDatasetFile(content, { kind: 'utterances', filename: 'x.csv' }));
    expect(result.items[0]?.data).toEqual(
      utterance('¿Dónde está mi tarjeta?', 'card_arrival', 'es'),
    );
  });

  it('names a missing column, the columns found and the ones expected', () => {
    const issue = onlyIssue('sentence,label\nhi,card_arrival\n', {
      kind: 'utterances',
      filename: 'x.csv',
    });
    expect(issue).toEqual({
      line: 1,
      record: null,
      field: null,
      message:
        'missing column text, intent or category; found sentence, label; expected text, ' +
        'intent or category, language (optional)',
      code: 'import.missingColumn',
      params: {
        missing: 'text, intent or category',
        found: 'sentence, label',
        expected: 'text, intent or category, language (optional)',
      },
    });
  });

  it('tells that an utterance CSV is not a conversation CSV', () => {
    const issue = onlyIssue('text,category\nWhere is my card?,card_arrival\n', {
      kind: 'conversations',
      filename: 'x.csv',
    });
    expect(issue.line).toBe(1);
    expect(issue.message).toMatch(/^missing column conversation_id, intent, sentiment, /);
    expect(issue.message).toMatch(/found text, category;/);
    expect(issue.message).toMatch(
      /The columns look like utterances: import the file as utterances$/,
    );
  });

  it('counts lines correctly after a quoted field holding a CRLF', () => {
    const content =
      'text,category\r\n"two\r\nlines",card_arrival\r\n\r\nthird row,not_an_intent\r\nfour,five,six\r\n';
    const result = failed(parseDatasetFile(content, { kind: 'utterances', filename: 'x.csv' }));
    expect(result.errors).toEqual([
      {
        line: 6,
        record: null,
        field: null,
        message: 'the row has 3 fields but the header has 2',
        code: 'import.csvFieldCount',
        params: { count: 3, header: 2 },
      },
      {
        line: 5,
        record: 2,
        field: 'intent',
        message: "unknown intent 'not_an_intent'",
        code: 'intent.unknown',
        params: { intent: 'not_an_intent' },
      },
    ]);
  });

  it('reports rows with a wrong field count by line in unquoted files', () => {
    const content =
      'text,category\nfirst,card_arrival\n\nsecond\nthird,card_arrival,extra\nfourth,card_arrival\n';
    const result = failed(parseDatasetFile(content, { kind: 'utterances', filename: 'x.csv' }));
    expect(result.errors).toEqual([
      {
        line: 4,
        record: null,
        field: null,
        message: 'the row has 1 fields but the header has 2',
        code: 'import.csvFieldCount',
        params: { count: 1, header: 2 },
      },
      {
        line: 5,
        record: null,
        field: null,
        message: 'the row has 3 fields but the header has 2',
        code: 'import.csvFieldCount',
        params: { count: 3, header: 2 },
      },
    ]);
  });

  it('reports an unclosed quote', () => {
    const issue = onlyIssue('text,category\nok,card_arrival\n"broken,card_arrival\n', {
      kind: 'utterances',
      filename: 'x.csv',
    });
    expect(issue).toEqual({
      line: 3,
      record: null,
      field: 'text',
      message: 'a quoted field is never closed',
      code: 'import.csvUnclosedQuote',
      params: {},
    });
  });
});

describe('parseDatasetFile: conversation CSV', () => {
  const header =
    'conversation_id,intent,category,sentiment,complexity,language,turn_count,resolution_status,emotion_arc,turns';
  const row = (id: string, turnCount: string, turns: string) =>
    `${id},card_arrival,card_management,neutral,simple,en,${turnCount},resolved,,${turns}`;
  const turns = JSON.stringify([
    { speaker: 'customer', text: 'Where is my card?' },
    { speaker: 'agent', text: 'On its way, "express".' },
  ]);
  const quoted = `"${turns.replaceAll('"', '""')}"`;

  it('reads turns from a JSON cell and turn_count as an integer; an empty emotion_arc is absent', () => {
    const result = ok(
      parseDatasetFile(`${header}\n${row('c-1', '2', quoted)}\n`, {
        kind: 'conversations',
        filename: 'c.csv',
      }),
    );
    const data = result.items[0]?.data;
    expect(data).toEqual({
      conversation_id: 'c-1',
      intent: 'card_arrival',
      category: 'card_management',
      sentiment: 'neutral',
      complexity: 'simple',
      language: 'en',
      turn_count: 2,
      resolution_status: 'resolved',
      turns: JSON.parse(turns),
    });
  });

  it('names turn_count and turns when their cells cannot be read', () => {
    const content = `${header}\n${row('c-1', 'two', quoted)}\n${row('c-2', '2', '[{oops}]')}\n`;
    const result = failed(parseDatasetFile(content, { kind: 'conversations', filename: 'c.csv' }));
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toEqual({
      line: 2,
      record: 1,
      field: 'turn_count',
      message: 'turn_count must be a whole number; got "two"',
      code: 'import.cellNotWholeNumber',
      params: { field: 'turn_count', received: 'two' },
    });
    expect(result.errors[1]).toMatchObject({
      line: 3,
      record: 2,
      field: 'turns',
      code: 'import.cellNotJsonColumn',
      params: { field: 'turns', column: 3 },
    });
    expect(result.errors[1]?.message).toMatch(/^turns must be JSON; .+ \(column 3\)$/);
  });

  it('checks the conversation rules on CSV rows too', () => {
    const swapped = JSON.stringify([
      { speaker: 'agent', text: 'Hello' },
      { speaker: 'customer', text: 'Hi' },
    ]).replaceAll('"', '""');
    const issue = onlyIssue(`${header}\n${row('c-1', '2', `"${swapped}"`)}\n`, {
      kind: 'conversations',
      filename: 'c.csv',
    });
    expect(issue).toEqual({
      line: 2,
      record: 1,
      field: 'turns[0].speaker',
      message: "the first turn must be the customer's",
      code: 'conversation.customerFirst',
      params: {},
    });
  });
});

describe('parseDatasetFile: long-format time-series CSV', () => {
  const hours = (n: number, from = '2024-03-01T00:00:00Z') =>
    Array.from({ length: n }, (_, i) => new Date(Date.parse(from) + i * 3_600_000));
  const naive = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
  const csv = (rows: [string, string, string][]) =>
    `series_id,timestamp,value\n${rows.map((r) => r.join(',')).join('\n')}\n`;
  const twoSeries = () => [
    ...hours(3).map((d, i) => ['s-a', naive(d), String(10 + i)] as [string, string, string]),
    ...hours(4).map((d, i) => ['s-b', naive(d), String(i * 0.5)] as [string, string, string]),
  ];
  const options = {
    kind: 'timeseries',
    filename: 'e.csv',
    seriesType: 'residential_consumption',
  } as const;

  it('groups rows into series and fills the rest from the catalog', () => {
    const result = ok(parseDatasetFile(csv(twoSeries()), options));
    expect(result.items.map((i) => [i.key, i.columns.seriesType, i.columns.domain])).toEqual([
      ['s-a', 'residential_consumption', 'electricity'],
      ['s-b', 'residential_consumption', 'electricity'],
    ]);
    expect(result.items[0]?.data).toEqual({
      series_id: 's-a',
      domain: 'electricity',
      series_type: 'residential_consumption',
      frequency: '1H',
      start: '2024-03-01T00:00:00Z',
      length: 3,
      target: [10, 11, 12],
      timestamps: ['2024-03-01T00:00:00Z', '2024-03-01T01:00:00Z', '2024-03-01T02:00:00Z'],
      unit: 'kWh',
      seasonality_types: ['daily', 'weekly', 'yearly'],
      trend_type: 'none',
      noise_level: 0,
      anomalies: [],
    });
  });

  it('reads ISO timestamps with a zone and the optional columns', () => {
    const content =
      'series_id,timestamp,value,series_type,unit,frequency\n' +
      'g,2024-03-01T01:00:00+01:00,500,grid_demand,GW,1H\n' +
      'g,2024-03-01T02:00:00+01:00,510,grid_demand,GW,1H\n';
    const result = ok(parseDatasetFile(content, { kind: 'timeseries', filename: 'g.csv' }));
    expect(result.items[0]?.data).toMatchObject({
      series_type: 'grid_demand',
      domain: 'electricity',
      unit: 'GW',
      start: '2024-03-01T00:00:00Z',
      timestamps: ['2024-03-01T00:00:00Z', '2024-03-01T01:00:00Z'],
    });
  });

  it('asks for seriesType once when the column is missing', () => {
    const issue = onlyIssue(csv(twoSeries()), { kind: 'timeseries', filename: 'e.csv' });
    expect(formatImportIssue(issue)).toBe(
      'line 1, field series_type: column series_type is missing; pass seriesType (e.g. residential_consumption)',
    );
  });

  it('refuses an unknown seriesType once', () => {
    const issue = onlyIssue(csv(twoSeries()), { ...options, seriesType: 'moon_phase' });
    expect(issue.message).toBe('unknown series type "moon_phase"');
  });

  it('names the line of a value that is not a number', () => {
    const rows = twoSeries();
    rows[4] = ['s-b', rows[4]![1], 'n/a'];
    const issue = onlyIssue(csv(rows), options);
    expect(issue).toEqual({
      line: 6,
      record: 2,
      field: 'value',
      message: 'value "n/a" is not a number',
      code: 'import.valueNotNumber',
      params: { received: 'n/a' },
    });
  });

  it('names the line of a timestamp that goes back in time, and the line it follows', () => {
    const rows = twoSeries();
    [rows[5], rows[6]] = [rows[6]!, rows[5]!];
    const issue = onlyIssue(csv(rows), options);
    expect(issue).toMatchObject({ line: 8, record: 2, field: 'timestamp' });
    expect(issue.message).toBe(
      'timestamp 2024-03-01 02:00:00 is before the one on line 7; the rows of a series must be in increasing time order',
    );
  });

  it('names an unreadable timestamp', () => {
    const rows = twoSeries();
    rows[1] = ['s-a', '01/03/2024 01:00', '11'];
    const issue = onlyIssue(csv(rows), options);
    expect(issue).toMatchObject({ line: 3, record: 1, field: 'timestamp' });
    expect(issue.message).toMatch(/^timestamp "01\/03\/2024 01:00" is not a date-time/);
  });

  it('names the first line of irregular spacing', () => {
    const rows = hours(6)
      .filter((_, i) => i !== 3)
      .map((d) => ['s', naive(d), '1'] as [string, string, string]);
    const issue = onlyIssue(csv(rows), options);
    expect(issue).toEqual({
      line: 5,
      record: 1,
      field: 'timestamp',
      message:
        'irregular spacing: 2024-03-01T04:00:00Z comes 2 h after the row on line 4, but series s steps by 1 h',
      code: 'import.stepIrregular',
      params: { timestamp: '2024-03-01T04:00:00Z', gap: '2 h', line: 4, id: 's', step: '1 h' },
    });
  });

  it('maps a value outside the type bounds back to its line', () => {
    const rows = twoSeries();
    rows[2] = ['s-a', rows[2]![1], '-5'];
    const issue = onlyIssue(csv(rows), options);
    expect(issue).toEqual({
      line: 4,
      record: 1,
      field: 'target[2]',
      message: 'residential_consumption must be >= 0, got -5',
      code: 'series.outOfBounds',
      params: { type: 'residential_consumption', rule: '>= 0', point: -5 },
    });
  });

  it('reports a duplicate series id in JSON lines', () => {
    const result = ok(parseDatasetFile(csv(twoSeries()), options));
    const series = result.items.map((i) => i.data);
    const issue = onlyIssue(jsonl([series[0], series[1], series[0]]), { kind: 'timeseries' });
    expect(issue).toMatchObject({ line: 3, field: 'series_id' });
    expect(issue.message).toBe('duplicate series_id "s-a", first used on line 1');
  });
});

describe.skipIf(!existsSync(BANKING77) || !existsSync(ELECTRICITY))('real data', () => {
  it('imports the Banking77 training CSV as English utterances', () => {
    const result = ok(
      parseDatasetFile(readFileSync(BANKING77, 'utf8'), {
        kind: 'utterances',
        filename: 'train.csv',
      }),
    );
    expect(result.items).toHaveLength(10_003);
    expect(new Set(result.items.map((i) => i.columns.intent)).size).toBe(77);
    expect(
      result.items.every((i) => i.columns.language === 'en' && i.columns.category !== null),
    ).toBe(true);
    expect(result.items[0]).toEqual({
      key: 'u-000001',
      data: { text: 'I am still waiting on my card?', intent: 'card_arrival', language: 'en' },
      columns: expect.objectContaining({ intent: 'card_arrival', category: 'card_management' }),
    });
  });

  it('imports the electricity CSV as 203 hourly series of 1000 points', () => {
    const result = ok(
      parseDatasetFile(readFileSync(ELECTRICITY, 'utf8'), {
        kind: 'timeseries',
        filename: 'electricity_hourly.csv',
        seriesType: 'residential_consumption',
      }),
    );
    expect(result.items).toHaveLength(203);
    expect(new Set(result.items.map((i) => i.key)).size).toBe(203);
    for (const { data } of result.items) {
      expect(data).toMatchObject({ frequency: '1H', length: 1000, start: '2016-07-01T02:00:00Z' });
    }
  });
});
