import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';

/**
 * `readIntentExamples(fileName, text)`: the Generate page's examples file read by the same reader as `genesis
 * generate --intent-examples` (generation/intent-examples.ts; docs/generation.md, "Seeds"), its refusals located
 * and coded so the page shows them in its reader's language.
 */

const READ = /* GraphQL */ `
  query($fileName: String!, $text: String!) {
    readIntentExamples(fileName: $fileName, text: $text) {
      __typename
      ... on QueryReadIntentExamplesSuccess { data { intent examples } }
      ... on ValidationError { issues { path message code params { name value } } }
    }
  }
`;

describe('readIntentExamples', { timeout: 60_000 }, () => {
  const s = useTestServer('sqlite');

  const read = async (fileName: string, text: string) => {
    const r = await s.gql<any>(READ, { fileName, text });
    expect(r.errors).toBeUndefined();
    return r.data.readIntentExamples;
  };

  it('reads JSON (object or list) and CSV (header optional, blank lines skipped) alike', async () => {
    const expected = [
      { intent: 'card_arrival', examples: ['where is my card', 'card, not here'] },
      { intent: 'exchange_rate', examples: ['rate?'] },
    ];
    const object = Object.fromEntries(expected.map((e) => [e.intent, e.examples]));
    for (const [name, text] of [
      ['a.json', JSON.stringify(object)],
      ['b.json', JSON.stringify(expected)],
      [
        'c.csv',
        'intent,text\ncard_arrival,where is my card\n\ncard_arrival,"card, not here"\nexchange_rate,rate?\n',
      ],
      [
        'd.csv',
        '\uFEFFcard_arrival,where is my card\ncard_arrival,"card, not here"\nexchange_rate,rate?',
      ],
    ] as const) {
      const r = await read(name, text);
      expect(r.__typename, name).toBe('QueryReadIntentExamplesSuccess');
      expect(r.data, name).toEqual(expected);
    }
  });

  it('refuses a bad file with a coded message naming the file line, entry or key', async () => {
    const refused = async (name: string, text: string) => {
      const r = await read(name, text);
      expect(r.__typename).toBe('ValidationError');
      expect(r.issues).toHaveLength(1);
      const [issue] = r.issues;
      return {
        path: issue.path,
        message: issue.message,
        code: issue.code,
        params: Object.fromEntries(
          issue.params.map((p: { name: string; value: string }) => [p.name, p.value]),
        ),
      };
    };
    // The line is the file's own, blank lines included.
    expect(await refused('seeds.csv', 'intent,text\ncard_arrival,hi\n\ncard_arrival,  \n')).toEqual(
      {
        path: 'text',
        message: 'line 4 (card_arrival) has an empty text',
        code: 'examplesFile.lineEmpty',
        params: { line: '4', intent: 'card_arrival' },
      },
    );
    expect(await refused('seeds.csv', 'card_arrival,hi,extra\n')).toMatchObject({
      message: 'line 1 of seeds.csv has 3 columns; expected intent,text',
      code: 'examplesFile.columns',
    });
    expect(
      await refused(
        'seeds.json',
        JSON.stringify([{ intent: 'card_arrival', examples: ['a', ''] }]),
      ),
    ).toMatchObject({
      message: 'entry 1, example 2 (card_arrival) has an empty text',
      code: 'examplesFile.entryEmpty',
    });
    expect(
      await refused('seeds.json', JSON.stringify({ card_arrival: ['a'], exchange_rate: 'rate' })),
    ).toMatchObject({
      message: '"exchange_rate" of seeds.json needs a list of texts',
      code: 'examplesFile.keyNotList',
    });
    const many = Array.from({ length: 21 }, (_, i) => `card_arrival,text ${i}`).join('\n');
    expect(await refused('many.csv', many)).toMatchObject({
      code: 'examplesFile.lineTooMany',
      params: { line: '21', intent: 'card_arrival', max: '20' },
    });
    expect(await refused('bad.json', '{"card_arrival": [')).toMatchObject({
      code: 'examplesFile.notJson',
    });
    expect(await refused('empty.csv', '\n\n')).toMatchObject({
      message: 'empty.csv holds no examples',
      code: 'examplesFile.empty',
    });
  });
});
