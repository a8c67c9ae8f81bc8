import { JOB_MESSAGES, jobText } from '@genesis/schema/job-messages';
import { MESSAGES } from '@genesis/schema/messages';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelCall, ModelProvider } from '../src/llm/provider.ts';
import { ProviderError } from '../src/llm/provider.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { TEST_DATABASES } from './helpers/databases.ts';
import { FakeProvider } from './helpers/fake-provider.ts';

/**
 * A job's status text (why it paused, stopped or ended short) comes with a message code and parameters beside
 * the English sentence, stored with the job and exposed over GraphQL, so the web app can say it in the reader's
 * language (docs/generation.md, "Job status text").
 */
const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const CREDENTIALS = 'CredentialsProviderError: Could not load credentials from any providers';

const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) {
    __typename
    ... on MutationStartGenerationSuccess { data { id } }
  }
}`;
const JOB = `query($id: ID!) {
  generationJob(id: $id) {
    status error errorMessage { code params text }
    progress { status message statusMessage { code params text } }
  }
}`;

/** Polls the job until its status is `status`. */
async function until(s: TestServer, id: string, status: string) {
  for (let i = 0; i < 400; i++) {
    const r = await s.gql<any>(JOB, { id });
    expect(r.errors).toBeUndefined();
    if (r.data.generationJob.status === status) return r.data.generationJob;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${id} never became ${status}`);
}

describe.each(TEST_DATABASES)('a paused job’s status text as a message (%s)', (kind) => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('stores and exposes the code and parameters of a mid-job configuration pause', async () => {
    // The credentials go away after two calls: every later call fails as a configuration problem.
    const fake = new FakeProvider(MODEL);
    let calls = 0;
    const provider: ModelProvider = {
      name: 'bedrock',
      model: MODEL,
      call: (request: ModelCall) => {
        if (++calls > 2) return Promise.reject(new ProviderError(CREDENTIALS, 'config'));
        return fake.call(request);
      },
    };
    s = await startTestServer(kind, {}, { providers: () => provider, backoffBaseMs: 5 });
    const started = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 12,
        provider: 'BEDROCK',
        model: MODEL,
        slotsPerCall: 2,
        concurrency: 1,
        seed: 3,
      },
    });
    const id = started.data.startGeneration.data.id as string;
    const job = await until(s, id, 'PAUSED');

    const expected = {
      code: 'paused.config',
      params: {
        provider: { code: 'provider.bedrock' },
        error: CREDENTIALS,
        hint: { code: 'check.bedrock.noCredentials' },
      },
    };
    // The English sentence is the one the job always stored, the hint the doctor's own words.
    const hint = MESSAGES['check.bedrock.noCredentials'].replace('{subject}: {error} (', '');
    expect(job.error).toBe(
      `Paused: Bedrock cannot be used as configured (${CREDENTIALS}): ${hint.slice(0, -1)}. Fix it and resume the job.`,
    );
    expect(job.errorMessage).toEqual({ ...expected, text: job.error });
    expect(job.progress).toMatchObject({ status: 'PAUSED', message: job.error });
    expect(job.progress.statusMessage).toEqual({ ...expected, text: job.error });
  });

  it('says a run of failed calls and a cancel with their codes too', async () => {
    // The first three calls fail (the first job pauses on them); later ones answer after 40 ms.
    const fake = new FakeProvider(MODEL, Array(3).fill('server'), 'ok', 40);
    s = await startTestServer(kind, {}, { providers: () => fake, backoffBaseMs: 5 });
    const start = async (count: number, more: Record<string, unknown> = {}) => {
      const started = await s!.gql<any>(START, {
        input: {
          kind: 'CONVERSATIONS',
          count,
          provider: 'BEDROCK',
          model: MODEL,
          concurrency: 1,
          ...more,
        },
      });
      return started.data.startGeneration.data.id as string;
    };
    const first = await start(4, { maxConsecutiveFailures: 3 });
    const paused = await until(s, first, 'PAUSED');
    expect(paused.errorMessage).toEqual({
      code: 'paused.failures',
      params: { n: 3, error: 'InternalServerException: oops' },
      text: 'Paused after 3 failed calls in a row (last: InternalServerException: oops). Check the provider and resume.',
    });

    const second = await start(60, { slotsPerCall: 1 });
    await until(s, second, 'RUNNING');
    const cancelled = await s.gql<any>(
      `mutation($id: ID!) { cancelGeneration(id: $id) { __typename } }`,
      { id: second },
    );
    expect(cancelled.errors).toBeUndefined();
    const after = await until(s, second, 'CANCELLED');
    expect(after.errorMessage).toEqual({
      code: 'cancelled',
      params: {},
      text: 'Cancelled; the items generated so far are kept.',
    });
    expect(after.error).toBe(after.errorMessage.text);
  });
});

describe('job status templates', () => {
  it('say the English the runner has always written', () => {
    expect(jobText('paused.budget', { budget: 1, spent: 0.98765, next: 0.0512 }).text).toBe(
      'Stopped before exceeding the budget of $1.00: $0.9877 spent, the next call would cost about $0.0512. Raise the budget and resume.',
    );
    const short = jobText('completed_short.line', {
      accepted: 1200,
      requested: 1500,
      missing: 300,
      rejected: 1,
      slots: { code: 'completed_short.slot' },
      reasons: {
        items: [
          { code: 'completed_short.reason', params: { n: 1, reason: 'missing field intent' } },
        ],
        separator: '; ',
      },
      them: { code: 'completed_short.them' },
    });
    expect(short.text).toBe(
      'Completed short: 1,200 of 1,500 items (300 missing); 1 slot was rejected after every attempt (1x missing field intent). Resume the job to ask for them again with fresh attempts.',
    );
    expect(Object.keys(JOB_MESSAGES).length).toBeGreaterThan(10);
  });
});
