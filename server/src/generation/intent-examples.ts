import { MAX_INTENT_EXAMPLES } from '@genesis/schema/generation';
import { type CodedMessage, codedMessage, type MessageCode } from '@genesis/schema/messages';
import { parse as parseCsv } from 'csv-parse/sync';

/**
 * The one reader of a file of real examples per intent (docs/generation.md, "Seeds"), used by `genesis generate
 * --intent-examples FILE` and by the API's `readIntentExamples` (the Generate page's examples file). A file is JSON
 * (`{ "card_arrival": ["where is my card?"] }` or `[{ "intent": "card_arrival", "examples": [...] }]`) or CSV rows
 * of `intent,text` (a header row naming those columns is optional). Empty texts and more than MAX_INTENT_EXAMPLES
 * per intent are refused here with their line, entry or key; the generation input's schema checks the rest (known
 * intent ids, length, conversations only).
 */

/** A refused examples file: a coded message (`examplesFile.*`) that names the file and the line, entry or key. */
export class IntentExamplesFileError extends Error {
  override name = 'IntentExamplesFileError';
  readonly coded: CodedMessage;
  constructor(code: MessageCode, params: Record<string, string | number>) {
    const coded = codedMessage(code, params);
    super(coded.message);
    this.coded = coded;
  }
}

/** Where a value was read: a CSV line, an entry of a JSON list, or a key of a JSON object (1-based numbers). */
type Place =
  | { kind: 'line'; line: number }
  | { kind: 'entry'; entry: number; example: number }
  | { kind: 'key'; key: string; example: number };

const placeParams = (p: Place): Record<string, string | number> =>
  p.kind === 'line'
    ? { line: p.line }
    : p.kind === 'entry'
      ? { entry: p.entry, example: p.example }
      : { key: p.key, example: p.example };

const placed = (
  p: Place,
  codes: Record<Place['kind'], MessageCode>,
  more: Record<string, string | number>,
) => new IntentExamplesFileError(codes[p.kind], { ...placeParams(p), ...more });

/**
 * The examples per intent of a file's text; `file` is its name, as the messages give it. Throws
 * {@link IntentExamplesFileError}.
 */
export function readIntentExamples(text: string, file: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (intent: unknown, value: unknown, place: Place) => {
    if (typeof intent !== 'string' || !intent.trim()) {
      throw placed(
        place,
        {
          line: 'examplesFile.lineNoIntent',
          entry: 'examplesFile.entryNoIntent',
          key: 'examplesFile.keyNoIntent',
        },
        { file },
      );
    }
    const id = intent.trim();
    if (typeof value !== 'string' || !value.trim()) {
      throw placed(
        place,
        {
          line: 'examplesFile.lineEmpty',
          entry: 'examplesFile.entryEmpty',
          key: 'examplesFile.keyEmpty',
        },
        { intent: id },
      );
    }
    const list = out[id] ?? [];
    out[id] = list;
    list.push(value.trim());
    if (list.length > MAX_INTENT_EXAMPLES) {
      throw placed(
        place,
        {
          line: 'examplesFile.lineTooMany',
          entry: 'examplesFile.entryTooMany',
          key: 'examplesFile.keyTooMany',
        },
        { intent: id, max: MAX_INTENT_EXAMPLES },
      );
    }
  };
  const body = text.replace(/^\uFEFF/, '').trim();
  if (/\.json$/i.test(file) || body.startsWith('{') || body.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      throw new IntentExamplesFileError('examplesFile.notJson', {
        file,
        reason: (err as Error).message,
      });
    }
    if (!json || typeof json !== 'object') {
      throw new IntentExamplesFileError('examplesFile.notObject', { file });
    }
    const seen = new Set<string>();
    const entries: [unknown, unknown, (example: number) => Place][] = Array.isArray(json)
      ? json.map((e, i) => [
          (e as { intent?: unknown } | null)?.intent,
          (e as { examples?: unknown } | null)?.examples,
          (example) => ({ kind: 'entry', entry: i + 1, example }),
        ])
      : Object.entries(json).map(([key, list]) => [
          key,
          list,
          (example) => ({ kind: 'key', key, example }),
        ]);
    for (const [intent, list, at] of entries) {
      const place = at(1);
      if (!Array.isArray(list)) {
        throw place.kind === 'entry'
          ? new IntentExamplesFileError('examplesFile.entryNotList', { entry: place.entry, file })
          : new IntentExamplesFileError('examplesFile.keyNotList', {
              key: (place as { key: string }).key,
              file,
            });
      }
      if (typeof intent === 'string' && seen.has(intent.trim())) {
        throw place.kind === 'entry'
          ? new IntentExamplesFileError('examplesFile.entryTwice', {
              intent: intent.trim(),
              entry: place.entry,
            })
          : new IntentExamplesFileError('examplesFile.keyTwice', {
              intent: intent.trim(),
              key: (place as { key: string }).key,
            });
      }
      if (typeof intent === 'string') seen.add(intent.trim());
      for (const [j, value] of list.entries()) add(intent, value, at(j + 1));
    }
  } else {
    // Parsed untrimmed so that the line numbers are the file's (`info.lines`: the line a record ends on).
    let rows: { record: string[]; info: { lines: number } }[];
    try {
      rows = parseCsv(text.replace(/^\uFEFF/, ''), {
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
      }) as unknown as { record: string[]; info: { lines: number } }[];
    } catch (err) {
      throw new IntentExamplesFileError('examplesFile.notCsv', {
        file,
        reason: (err as Error).message,
      });
    }
    const first = rows[0]?.record;
    const header =
      first?.length === 2 &&
      first[0]!.trim().toLowerCase() === 'intent' &&
      first[1]!.trim().toLowerCase() === 'text';
    rows.forEach(({ record: row, info }, i) => {
      if (i === 0 && header) return;
      if (row.length !== 2) {
        throw new IntentExamplesFileError('examplesFile.columns', {
          line: info.lines,
          file,
          count: row.length,
        });
      }
      add(row[0], row[1], { kind: 'line', line: info.lines });
    });
  }
  if (Object.keys(out).length === 0) {
    throw new IntentExamplesFileError('examplesFile.empty', { file });
  }
  return out;
}
