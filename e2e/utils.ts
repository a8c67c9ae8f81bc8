import { join } from 'node:path';
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
  mutation Import($file: File!, $kind: DatasetKind!, $name: String, $allowDuplicate: Boolean) {
    importDataset(file: $file, kind: $kind, name: $name, allowDuplicate: $allowDuplicate) {
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

/** What {@link uploadFile} imports: a file made in the spec (no file on disk) as a dataset of `kind`. */
export interface Upload {
  kind: 'CONVERSATIONS' | 'UTTERANCES' | 'TIMESERIES';
  name: string;
  file: { name: string; mimeType: string; buffer: Buffer };
  /** Import a copy even when the same bytes were imported before (specs seed the same rows many times). */
  allowDuplicate?: boolean;
}

/**
 * Imports a file as a dataset through the API, the way a script would: a GraphQL multipart upload
 * (no UI clicks). Every spec that seeds a dataset from a file goes through here.
 */
export async function uploadFile(
  request: APIRequestContext,
  { kind, name, file, allowDuplicate = false }: Upload,
): Promise<SeededDataset> {
  const response = await request.post('/graphql', {
    // Yoga's CSRF prevention asks non-browser multipart clients for this header.
    headers: { 'x-graphql-yoga-csrf': '1' },
    multipart: {
      operations: JSON.stringify({
        query: IMPORT,
        variables: { file: null, kind, name, allowDuplicate },
      }),
      map: JSON.stringify({ 0: ['variables.file'] }),
      0: file,
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

/** Seeds an utterances dataset from a CSV made here ({@link uploadFile}), a new copy each time. */
export function importUtterances(
  request: APIRequestContext,
  name: string,
  rows: readonly UtteranceRow[] = SAMPLE_UTTERANCES,
): Promise<SeededDataset> {
  return uploadFile(request, {
    kind: 'UTTERANCES',
    name,
    file: {
      name: 'utterances.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(utterancesCsv(rows)),
    },
    allowDuplicate: true,
  });
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

/**
 * Where page screenshots are kept. Playwright empties its `outputDir` (test-results/) at the start
 * of every run, so screenshots meant to outlive the run go to a folder of their own (git-ignored).
 */
export const SCREENSHOT_DIR = join(import.meta.dirname, 'artifacts', 'screenshots');

/**
 * Saves a screenshot of the page as `artifacts/screenshots/<name>.png`, replacing the one an
 * earlier run saved under that name. Full page unless told otherwise.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: options.fullPage ?? true,
  });
}

interface StartedJob {
  startGeneration: { __typename: string; data?: { id: string }; message?: string };
}

/**
 * Starts a generation job with the local provider (unless the input names another) through the API, a
 * precondition rather than the behaviour under test. Returns the job id.
 */
export async function startGenerationJob(
  request: APIRequestContext,
  input: Record<string, unknown>,
): Promise<string> {
  const started = await gql<StartedJob>(
    request,
    `mutation($input: GenerationInput!) {
      startGeneration(input: $input) {
        __typename
        ... on MutationStartGenerationSuccess { data { id } }
        ... on Error { message }
      }
    }`,
    { input: { kind: 'CONVERSATIONS', provider: 'LOCAL', ...input } },
  );
  const jobId = started.startGeneration.data?.id;
  if (!jobId) throw new Error(`startGeneration failed: ${started.startGeneration.message}`);
  return jobId;
}

/**
 * Generates a dataset with the local provider through the API (a precondition, not the behaviour
 * under test) and waits until the job has stored it. Returns the job and the dataset.
 */
export async function generateDataset(
  request: APIRequestContext,
  input: Record<string, unknown> & { kind: 'CONVERSATIONS' | 'TIMESERIES'; count: number },
): Promise<{ jobId: string; id: string; name: string }> {
  const name = typeof input.name === 'string' ? input.name : uniqueName('E2E generated');
  const jobId = await startGenerationJob(request, { ...input, name });
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const { generationJob } = await gql<{
          generationJob: { status: string; dataset: { id: string } | null };
        }>(request, 'query($id: ID!) { generationJob(id: $id) { status dataset { id } } }', {
          id: jobId,
        });
        id = generationJob.dataset?.id;
        return generationJob.status;
      },
      { timeout: 60_000 },
    )
    .toBe('COMPLETED');
  if (!id) throw new Error(`job ${jobId} completed without a dataset`);
  return { jobId, id, name };
}

/** Validates a dataset against a shipped reference profile through the API; returns the version. */
export async function validateDataset(
  request: APIRequestContext,
  datasetId: string,
  profile: string,
): Promise<number> {
  const { validateDataset: result } = await gql<{
    validateDataset: { __typename: string; data?: { version: number }; message?: string };
  }>(
    request,
    `mutation($input: ValidateInput!) {
      validateDataset(input: $input) {
        __typename
        ... on MutationValidateDatasetSuccess { data { version } }
        ... on Error { message }
      }
    }`,
    { input: { datasetId, profile } },
  );
  if (!result.data)
    throw new Error(`validateDataset failed: ${result.message ?? result.__typename}`);
  return result.data.version;
}

/**
 * Three intents, eight English texts each, worded so that a 3-fold cross-validated run has something to learn
 * and something to improve (the augmentation specs).
 */
export function threeIntentRows(): UtteranceRow[] {
  const phrases: Record<string, string[]> = {
    card_arrival: ['where is my card', 'my card has not arrived', 'when will my new card come'],
    exchange_rate: ['what is the exchange rate', 'how much is a dollar in euros', 'rate today'],
    lost_or_stolen_phone: ['i lost my phone', 'my phone was stolen', 'someone took my mobile'],
  };
  const out: UtteranceRow[] = [];
  for (const [intent, list] of Object.entries(phrases)) {
    for (let i = 0; i < 8; i++) {
      out.push({
        text: `${['', 'hi, ', 'please '][i % 3]}${list[i % 3]} ${i}`,
        intent,
        language: 'en',
      });
    }
  }
  return out;
}

/**
 * Trains a classifier on a dataset through the API (`more`: other TrainingInput fields, e.g. cvFolds) and waits
 * until the run completes.
 */
export async function trainModel(
  request: APIRequestContext,
  datasetId: string,
  preset: 'QUICK_TEST' | 'FAST' | 'CROSS_VALIDATION' = 'QUICK_TEST',
  more: Record<string, unknown> = {},
): Promise<string> {
  const { startTraining: result } = await gql<{
    startTraining: { __typename: string; data?: { id: string }; message?: string };
  }>(
    request,
    `mutation($input: TrainingInput!) {
      startTraining(input: $input) {
        __typename
        ... on MutationStartTrainingSuccess { data { id } }
        ... on Error { message }
      }
    }`,
    { input: { datasetId, preset, ...more } },
  );
  const runId = result.data?.id;
  if (!runId) throw new Error(`startTraining failed: ${result.message ?? result.__typename}`);
  await expect
    .poll(
      async () => {
        const { trainingRun } = await gql<{ trainingRun: { status: string } | null }>(
          request,
          'query($id: ID!) { trainingRun(id: $id) { status } }',
          { id: runId },
        );
        return trainingRun?.status;
      },
      { timeout: 60_000 },
    )
    .toBe('COMPLETED');
  return runId;
}
