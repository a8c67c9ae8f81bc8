import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../src/platform/db/orm.ts';
import { initORM } from '../src/platform/db/orm.ts';
import { createTempSqlite, type TempDatabase } from '../src/platform/db/temp-database.ts';
import { DatasetItemSchema } from '../src/registry/dataset-item.entity.ts';
import { importDataset } from '../src/registry/service.ts';

/** Parquet import in each common layout, with files this test writes (hyparquet-writer). */
const BANKING77_NAMES = ['activate_my_card', 'age_limit', 'apple_pay_or_google_pay', 'atm_support'];
const hfMetadata = (names: string[]) => [
  {
    key: 'huggingface',
    value: JSON.stringify({
      info: {
        features: {
          text: { dtype: 'string', _type: 'Value' },
          label: { names, _type: 'ClassLabel' },
        },
      },
    }),
  },
];

const textLabel = (labels: number[], kv?: { key: string; value: string }[]) =>
  new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'text', data: labels.map((l, i) => `I need help number ${i} with ${l}`) },
        { name: 'label', data: BigInt64Array.from(labels, (l) => BigInt(l)), type: 'INT64' },
      ],
      ...(kv ? { kvMetadata: kv } : {}),
    }),
  );

describe('Parquet import', () => {
  let temp: TempDatabase;
  let services: Services;
  beforeAll(async () => {
    temp = await createTempSqlite();
    services = await initORM(temp.db);
  });
  afterAll(async () => {
    await services?.close();
    await temp?.drop();
  });
  const run = (bytes: Uint8Array, kind: 'utterances' | 'conversations', extra = {}) =>
    importDataset(services.datasets(services.em.fork()), {
      source: bytes,
      fileName: 'train-00000-of-00001.parquet',
      kind,
      ...extra,
    });
  const items = async (datasetId: number) =>
    (
      await services.em
        .fork()
        .find(DatasetItemSchema, { dataset: datasetId }, { orderBy: { id: 'asc' } })
    ).map((r) => ({ data: r.data as unknown as string }));

  it('imports text,label with the label names the file embeds (Banking77 from the Hub)', async () => {
    const out = await run(textLabel([0, 3, 1, 2], hfMetadata(BANKING77_NAMES)), 'utterances');
    expect(out.ok, JSON.stringify(out)).toBe(true);
    if (!out.ok) return;
    expect(out.format).toBe('parquet');
    expect(out.dataset.itemCount).toBe(4);
    const rows = (await items(out.dataset.id)).map((r) =>
      typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    );
    expect(rows.map((r) => r.intent)).toEqual([
      'activate_my_card',
      'atm_support',
      'age_limit',
      'apple_pay_or_google_pay',
    ]);
    expect(rows[0].language).toBe('en');
  });

  it('takes a label list (--labels) for integer labels, and refuses the file without one', async () => {
    const withList = await run(textLabel([1, 0]), 'utterances', { labels: BANKING77_NAMES });
    expect(withList.ok).toBe(true);
    const without = await run(textLabel([1, 0, 9]), 'utterances');
    expect(without.ok).toBe(false);
    if (without.ok) return;
    expect(without.errors[0]).toMatchObject({
      record: 1,
      field: 'label',
      code: 'import.labelNoNames',
      params: { label: 1 },
    });
    expect(without.errors[0]!.message).toMatch(/--labels/);
    const outOfRange = await run(textLabel([1, 9]), 'utterances', { labels: BANKING77_NAMES });
    expect(outOfRange.ok).toBe(false);
    if (outOfRange.ok) return;
    // All or nothing: one bad row, nothing stored; located by row and column.
    expect(outOfRange.errors).toEqual([
      expect.objectContaining({
        record: 2,
        field: 'label',
        message: 'label 9 is not in the label list (4 names)',
        code: 'import.labelNotListed',
        params: { label: 9, count: 4 },
      }),
    ]);
  });

  it('maps chat messages with roles to conversation turns', async () => {
    const messages = [
      [
        { role: 'system', content: 'You are a bank agent.' },
        { role: 'user', content: 'My card has not arrived yet.' },
        { role: 'assistant', content: 'It was sent on Monday and arrives tomorrow.' },
      ],
      [
        { role: 'user', content: '¿Cuál es el tipo de cambio hoy?' },
        { role: 'assistant', content: 'Hoy es 17,2 pesos por dólar.' },
      ],
    ];
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'messages', data: messages },
          { name: 'intent', data: ['card_arrival', 'exchange_rate'] },
          { name: 'language', data: ['en', 'es'] },
          { name: 'sentiment', data: ['negative', 'neutral'] },
          { name: 'complexity', data: ['simple', 'simple'] },
          { name: 'resolution_status', data: ['resolved', 'resolved'] },
        ],
        schema: [
          { name: 'root', num_children: 6 },
          {
            name: 'messages',
            repetition_type: 'OPTIONAL',
            converted_type: 'LIST',
            num_children: 1,
          },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
          { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
          {
            name: 'content',
            type: 'BYTE_ARRAY',
            converted_type: 'UTF8',
            repetition_type: 'OPTIONAL',
          },
          ...['intent', 'language', 'sentiment', 'complexity', 'resolution_status'].map((name) => ({
            name,
            type: 'BYTE_ARRAY' as const,
            converted_type: 'UTF8' as const,
            repetition_type: 'REQUIRED' as const,
          })),
        ],
      }),
    );
    const out = await run(bytes, 'conversations');
    expect(out.ok, JSON.stringify(out)).toBe(true);
    if (!out.ok) return;
    const rows = (await items(out.dataset.id)).map((r) =>
      typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    );
    expect(rows[0]).toMatchObject({
      conversation_id: 'row-1',
      intent: 'card_arrival',
      category: 'card_management',
      turn_count: 2,
      turns: [
        { speaker: 'customer', text: 'My card has not arrived yet.' },
        { speaker: 'agent', text: 'It was sent on Monday and arrives tomorrow.' },
      ],
    });
    expect(rows[1].turns[0].speaker).toBe('customer');
  });

  it('locates a missing field by row, and a file that is not Parquet inside', async () => {
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'text', data: ['hello there', 'where is my card'] },
          { name: 'intent', data: ['card_arrival', null] },
        ],
      }),
    );
    const out = await run(bytes, 'utterances');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors[0]).toMatchObject({ record: 2, field: 'intent' });
    const broken = await run(new Uint8Array([...Buffer.from('PAR1'), 1, 2, 3]), 'utterances');
    expect(broken.ok).toBe(false);
    if (broken.ok) return;
    expect(broken.errors[0]).toMatchObject({
      line: null,
      record: null,
      field: null,
      code: 'import.parquetUnreadable',
    });
    expect(broken.errors[0]!.message).toMatch(/^the file is not readable Parquet: ./);
  });

  it('locates a turns cell that is not JSON and a chat role it does not know, by row and column', async () => {
    const str = (name: string) => ({
      name,
      type: 'BYTE_ARRAY' as const,
      converted_type: 'UTF8' as const,
      repetition_type: 'REQUIRED' as const,
    });
    const turns = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'turns', data: ['[{"speaker": "customer", "text": "hi"}]', '[oops'] },
          { name: 'intent', data: ['card_arrival', 'card_arrival'] },
        ],
        schema: [{ name: 'root', num_children: 2 }, str('turns'), str('intent')],
      }),
    );
    const badTurns = await run(turns, 'conversations');
    expect(badTurns.ok).toBe(false);
    if (badTurns.ok) return;
    expect(badTurns.errors[0]).toEqual({
      line: null,
      record: 2,
      field: 'turns',
      message: 'the turns cell is text that is not JSON',
      code: 'import.turnsCellNotJson',
      params: {},
    });
    const roles = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'messages', data: [[{ role: 'robot', content: 'hello' }]] },
          { name: 'intent', data: ['card_arrival'] },
        ],
        schema: [
          { name: 'root', num_children: 2 },
          {
            name: 'messages',
            repetition_type: 'OPTIONAL',
            converted_type: 'LIST',
            num_children: 1,
          },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
          { ...str('role'), repetition_type: 'OPTIONAL' },
          { ...str('content'), repetition_type: 'OPTIONAL' },
          str('intent'),
        ],
      }),
    );
    const badRole = await run(roles, 'conversations');
    expect(badRole.ok).toBe(false);
    if (badRole.ok) return;
    expect(badRole.errors[0]).toEqual({
      line: null,
      record: 1,
      field: 'messages[0].role',
      message: 'unknown role "robot": use user or assistant (system messages are dropped)',
      code: 'import.unknownRole',
      params: { role: 'robot' },
    });
  });
});
