import type { GraphQLClient } from '../graphql/client.ts';
import { errorMessage } from '../graphql/client.ts';
import { errorOf, type FieldMessage } from '../i18n/api-messages.ts';
import { ReadIntentExamplesQuery } from './documents.ts';

/**
 * The Generate page's examples per intent (docs/generation.md, "Seeds"): real customer messages per intent, read
 * from a JSON or `intent,text` CSV file by the server's reader (`readIntentExamples`, the reader `genesis generate
 * --intent-examples` uses) and sent as the job's `intentExamples`.
 */
export type IntentExamples = Record<string, string[]>;

/** The name of the posted file input, and of the hidden input holding examples already read (JSON). */
export const EXAMPLES_FILE_FIELD = 'intentExamplesFile';
export const EXAMPLES_JSON_FIELD = 'intentExamples';

/** How many intents and examples a set holds, as the page reports what it read. */
export function examplesCount(examples: IntentExamples): { intents: number; examples: number } {
  const lists = Object.values(examples);
  return { intents: lists.length, examples: lists.reduce((n, list) => n + list.length, 0) };
}

/** The set in the API's spelling: one `{ intent, examples }` per intent. */
export function examplesList(examples: IntentExamples): { intent: string; examples: string[] }[] {
  return Object.entries(examples).map(([intent, list]) => ({ intent, examples: [...list] }));
}

/**
 * The examples a posted hidden input holds (JSON of intent -> texts, as the page wrote it); null when it is
 * empty or not that shape. The values are checked again by the generation schema before anything is sent.
 */
export function examplesFromJson(value: FormDataEntryValue | null): IntentExamples | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const entries = Object.entries(json as Record<string, unknown>);
  if (!entries.every(([, list]) => Array.isArray(list) && list.every((t) => typeof t === 'string')))
    return null;
  return Object.fromEntries(entries) as IntentExamples;
}

/** What reading an examples file gave: the examples, or the message that says what is wrong and where. */
export type ExamplesRead =
  | { ok: true; examples: IntentExamples }
  | { ok: false; message: FieldMessage };

/** Reads an examples file's text with the server's reader; a refusal is a located, coded message. */
export async function readExamples(
  client: Pick<GraphQLClient, 'request'>,
  fileName: string,
  text: string,
): Promise<ExamplesRead> {
  try {
    const { readIntentExamples: r } = await client.request(ReadIntentExamplesQuery, {
      fileName,
      text,
    });
    if (r.__typename === 'QueryReadIntentExamplesSuccess') {
      return {
        ok: true,
        examples: Object.fromEntries(r.data.map((e) => [e.intent, [...e.examples]])),
      };
    }
    return { ok: false, message: errorOf(r) };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}
