import { type APIRequestContext, expect, type Page } from '@playwright/test';

/** One labelled text of an utterances dataset. */
export interface UtteranceRow {
  text: string;
  intent: string;
  language: 'en' | 'es';
}

/** A small utterances sample with real Banking77 intents in both languages. */
export const SAMPLE_UTTERANCES: readonly UtteranceRow[] = [
  { text: 'My new card still has not arrived', intent: 'card_arrival', language: 'en' },
  { text: 'How long does the card take to arrive?', intent: 'card_arrival', language: 'en' },
  { text: 'Mi tarjeta no ha llegado todavía', intent: 'card_arrival', language: 'es' },
  { text: 'I lost my card yesterday', intent: 'lost_or_stolen_card', language: 'en' },
  { text: '¿Qué tipo de cambio aplican?', intent: 'exchange_rate', language: 'es' },
];

const csvField = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** The rows as an utterances CSV (`text,intent,language`). */
export function utterancesCsv(rows: readonly UtteranceRow[]): string {
  const lines = rows.map((r) => [r.text, r.intent, r.language].map(csvField).join(','));
  return ['text,intent,language', ...lines].join('\n');
}

interface GraphQLBody<T> {
  data?: T;
  errors?: { message: string }[];
}

async function readGraphQL<T>(
  response: Awaited<ReturnType<APIRequestContext['post']>>,
): Promise<T> {
  const body = (await response.json()) as GraphQLBody<T>;
  if (body.errors?.length || !body.data) {
    throw new Error(
      `GraphQL request failed (${response.status()}): ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`,
    );
  }
  return body.data;
}

/** Runs a GraphQL operation against the server under test and returns `data` (throws on errors). */
export async function gql<T>(
  request: APIRequestContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  return readGraphQL<T>(await request.post('/graphql', { data: { query, variables } }));
}

const IMPORT = /* GraphQL */ `
  mutation Import($file: File!, $name: String) {
    importDataset(file: $file, kind: UTTERANCES, name: $name) {
      __typename
      ... on MutationImportDatasetSuccess {
        data {
          id
          name
          itemCount
        }
      }
      ... on Error {
        message
      }
    }
  }
`;

/** A dataset the tests created. */
export interface SeededDataset {
  id: string;
  name: string;
  itemCount: number;
}

/**
 * Seeds an utterances dataset through the API, the way a script would: a GraphQL multipart
 * upload of a CSV made here (no UI clicks, no files on disk).
 */
export async function importUtterances(
  request: APIRequestContext,
  name: string,
  rows: readonly UtteranceRow[] = SAMPLE_UTTERANCES,
): Promise<SeededDataset> {
  const response = await request.post('/graphql', {
    // Yoga's CSRF prevention asks non-browser multipart clients for this header.
    headers: { 'x-graphql-yoga-csrf': '1' },
    multipart: {
      operations: JSON.stringify({ query: IMPORT, variables: { file: null, name } }),
      map: JSON.stringify({ 0: ['variables.file'] }),
      0: {
        name: 'utterances.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(utterancesCsv(rows)),
      },
    },
  });
  const data = await readGraphQL<{
    importDataset: { __typename: string; data?: SeededDataset; message?: string };
  }>(response);
  const result = data.importDataset;
  if (!result.data) {
    throw new Error(`importDataset failed: ${result.__typename}: ${result.message ?? '?'}`);
  }
  return result.data;
}

/** The registry totals, as the API reports them. */
export interface Stats {
  datasetCount: number;
  itemCount: number;
  byKind: { kind: string; datasets: number; items: number }[];
}

/** Reads the current registry totals. */
export async function stats(request: APIRequestContext): Promise<Stats> {
  const data = await gql<{ stats: Stats }>(
    request,
    'query { stats { datasetCount itemCount byKind { kind datasets items } } }',
  );
  return data.stats;
}

/** A dataset name no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Opens a page and waits until SvelteKit has hydrated it (the theme toggle renders only in the
 * browser), so typing into a form is not wiped by hydration resetting the inputs.
 */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toBeVisible();
}
