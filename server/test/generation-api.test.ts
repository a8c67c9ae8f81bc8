import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { FakeProvider } from './helpers/fake-provider.ts';

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) {
    __typename
    ... on MutationStartGenerationSuccess { data { id status requested dataset { id kind origin } } }
    ... on ValidationError { issues { path message } }
  }
}`;
const PROGRESS = `subscription($id: ID!) {
  generationProgress(jobId: $id) { sequence status requested accepted rejected retries throttles costUsd perLabel { label count } latest { key } }
}`;

describe('generation over GraphQL', () => {
  let s: TestServer;
  let provider: FakeProvider;
  beforeAll(async () => {
    provider = new FakeProvider(MODEL, ['throttle', 'server'], 'ok', 15);
    s = await startTestServer('sqlite', {}, { providers: () => provider, backoffBaseMs: 5 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('estimates a job without calling the model', async () => {
    const r = await s.gql<any>(
      `query($input: GenerationInput!) { estimateGeneration(input: $input) {
        __typename ... on QueryEstimateGenerationSuccess { data { calls costUsd seconds limitedBy ceilingItemsPerMinute } } } }`,
      {
        input: {
          kind: 'CONVERSATIONS',
          count: 500,
          provider: 'BEDROCK',
          model: MODEL,
          rpm: 60,
          tpm: 60000,
        },
      },
    );
    expect(r.errors).toBeUndefined();
    const e = r.data.estimateGeneration.data;
    expect(e.calls).toBe(132);
    expect(e.costUsd).toBeGreaterThan(0);
    expect(e.limitedBy).toMatch(/quota/);
    expect(provider.calls).toBe(0);
  });

  it('streams ordered progress to a graphql-ws client until the job completes', async () => {
    const started = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 24,
        provider: 'BEDROCK',
        model: MODEL,
        slotsPerCall: 3,
        concurrency: 2,
        seed: 5,
      },
    });
    expect(started.errors).toBeUndefined();
    const job = started.data.startGeneration.data;
    expect(job).toMatchObject({
      status: expect.stringMatching(/QUEUED|RUNNING/),
      requested: 24,
      dataset: { kind: 'CONVERSATIONS', origin: 'GENERATED' },
    });

    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const events: any[] = [];
    for await (const e of client.iterate({ query: PROGRESS, variables: { id: job.id } })) {
      events.push(e.data?.generationProgress);
    }
    await client.dispose();
    const last = events.at(-1);
    expect(last).toMatchObject({ status: 'COMPLETED', requested: 24, accepted: 24, rejected: 0 });
    expect(last.throttles).toBe(1);
    expect(last.retries).toBe(2);
    expect(last.perLabel.reduce((n: number, l: any) => n + l.count, 0)).toBe(24);
    const seq = events.map((e) => e.sequence);
    expect(seq).toEqual([...seq].sort((a, b) => a - b));
    const accepted = events.map((e) => e.accepted);
    expect(accepted).toEqual([...accepted].sort((a, b) => a - b));

    const ds = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { itemCount labelCounts { language { label count } } } }',
      {
        id: job.dataset.id,
      },
    );
    expect(ds.data.dataset.itemCount).toBe(24);
    expect(ds.data.dataset.labelCounts.language).toEqual([
      { label: 'en', count: 12 },
      { label: 'es', count: 12 },
    ]);

    // A finished job's subscription sends its final state once and completes.
    const again = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const replay: any[] = [];
    for await (const e of again.iterate({ query: PROGRESS, variables: { id: job.id } }))
      replay.push(e.data?.generationProgress);
    await again.dispose();
    expect(replay).toHaveLength(1);
    expect(replay[0]).toMatchObject({ status: 'COMPLETED', accepted: 24 });

    const listed = await s.gql<any>(
      '{ generationJobs(first: 5) { totalCount edges { node { id status costUsd } } } }',
    );
    expect(listed.data.generationJobs.edges[0].node).toMatchObject({
      id: job.id,
      status: 'COMPLETED',
    });
  });

  it('streams progress over SSE as well', async () => {
    const started = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 6,
        provider: 'BEDROCK',
        model: MODEL,
        slotsPerCall: 3,
        seed: 9,
      },
    });
    const id = started.data.startGeneration.data.id;
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: PROGRESS, variables: { id } }),
    });
    const body = await res.text(); // the stream completes when the job does
    const events = body
      .split('\n\n')
      .filter((b) => b.includes('event: next'))
      .map(
        (b) =>
          JSON.parse(
            b
              .split('\n')
              .find((l) => l.startsWith('data:'))!
              .slice(5),
          ).data.generationProgress,
      );
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', accepted: 6 });
    expect(body).toMatch(/event: complete/);
  });

  it('cancels and resumes through the API', async () => {
    const slow = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 60,
        provider: 'BEDROCK',
        model: MODEL,
        slotsPerCall: 1,
        concurrency: 1,
        seed: 2,
      },
    });
    const id = slow.data.startGeneration.data.id;
    await expect
      .poll(
        async () =>
          (await s.gql<any>('query($id: ID!) { generationJob(id: $id) { accepted } }', { id })).data
            .generationJob.accepted,
      )
      .toBeGreaterThan(2);
    const cancelled = await s.gql<any>(
      'mutation($id: ID!) { cancelGeneration(id: $id) { __typename ... on MutationCancelGenerationSuccess { data { status accepted } } } }',
      { id },
    );
    expect(cancelled.data.cancelGeneration.data.status).toBe('CANCELLED');
    const resumed = await s.gql<any>(
      'mutation($id: ID!) { resumeGeneration(id: $id) { __typename ... on MutationResumeGenerationSuccess { data { id } } } }',
      { id },
    );
    expect(resumed.data.resumeGeneration.__typename).toBe('MutationResumeGenerationSuccess');
    await expect
      .poll(
        async () =>
          (
            await s.gql<any>('query($id: ID!) { generationJob(id: $id) { status accepted } }', {
              id,
            })
          ).data.generationJob,
        {
          timeout: 20_000,
        },
      )
      .toEqual({ status: 'COMPLETED', accepted: 60 });
  });

  it('answers bad input with a ValidationError naming the field', async () => {
    const r = await s.gql<any>(START, { input: { kind: 'CONVERSATIONS', count: 200000 } });
    expect(r.data.startGeneration.__typename).toBe('ValidationError');
    expect(r.data.startGeneration.issues[0]).toEqual({
      path: 'input.count',
      message: 'count must be at most 100000',
    });
    const w = await s.gql<any>(START, {
      input: {
        kind: 'CONVERSATIONS',
        count: 5,
        targets: { intents: [{ key: 'not_an_intent', weight: 1 }] },
      },
    });
    expect(w.data.startGeneration.issues[0].path).toBe('input.targets.intents');
    expect(w.data.startGeneration.issues[0].message).toMatch(/not_an_intent/);
    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const missing = client.iterate({
      query: 'subscription { generationProgress(jobId: "99999") { status } }',
    });
    await expect(missing.next()).rejects.toSatisfy((errors: any) =>
      /GenerationJob 99999 does not exist/.test(errors[0].message),
    );
    await client.dispose();
  });
});
