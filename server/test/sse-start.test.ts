import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { FakeProvider } from './helpers/fake-provider.ts';

// Subscriptions over SSE start on a path of their own, beside yoga's HTTP layer (src/platform/graphql/sse-start.ts).
// What a client sees must not depend on which path served it: every answer here is compared with yoga's own
// answer to the same request (`app.yoga.fetch`, which never takes that path).

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const START = `mutation($input: GenerationInput!) {
  startGeneration(input: $input) { ... on MutationStartGenerationSuccess { data { id } } }
}`;
const PROGRESS = `subscription($id: ID!) {
  generationProgress(jobId: $id) { sequence status requested accepted perLabel { label count } }
}`;
/** Fresh each time: the fetch ponyfill writes the body's length into a headers object it is given. */
const sseHeaders = () => ({ accept: 'text/event-stream', 'content-type': 'application/json' });

interface Answer {
  status: number;
  type: string | null;
  /** The body without its `:` keep-alive comments (when they come is timing, not content). */
  body: string;
}

async function answerOf(res: Response): Promise<Answer> {
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.text()).replace(/^:\n\n/gm, ''),
  };
}

describe('subscriptions over SSE', () => {
  let s: TestServer;
  let finishedJob: string;
  beforeAll(async () => {
    s = await startTestServer(
      'sqlite',
      {},
      { providers: () => new FakeProvider(MODEL, [], 'ok', 5) },
    );
    const started = await s.gql<any>(START, {
      input: { kind: 'CONVERSATIONS', count: 4, provider: 'BEDROCK', model: MODEL, seed: 3 },
    });
    finishedJob = started.data.startGeneration.data.id;
    await s.app.generation.wait(Number(finishedJob));
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The same request over HTTP (the server's own routing) and straight to yoga. */
  async function both(body: string, headers: () => Record<string, string> = sseHeaders) {
    const init = () => ({ method: 'POST', headers: headers(), body });
    const served = await answerOf(await fetch(`${s.url}/graphql`, init()));
    const yoga = await answerOf(await s.app.yoga.fetch(`${s.url}/graphql`, init()));
    return { served, yoga };
  }

  it("streams a finished job's state, then completes, as yoga would, in one piece with the headers", async () => {
    const body = JSON.stringify({ query: PROGRESS, variables: { id: finishedJob } });
    const { served, yoga } = await both(body);
    expect(served).toEqual(yoga);
    expect(served.status).toBe(200);
    const events = served.body.split('\n\n').filter((b) => b.startsWith('event: next'));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.slice('event: next\ndata: '.length))).toMatchObject({
      data: { generationProgress: { status: 'COMPLETED', accepted: 4, requested: 4 } },
    });
    expect(served.body.endsWith('event: complete\ndata:\n\n')).toBe(true);

    // On the wire: the headers, the ping and the first event arrive together, and the stream is delimited by the
    // connection's close (no chunk framing).
    const raw = await new Promise<{ first: string; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = request(
          `${s.url}/graphql`,
          {
            method: 'POST',
            headers: { ...sseHeaders(), 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            res.setEncoding('utf8');
            res.once('data', (chunk: string) => {
              resolve({ first: chunk, headers: res.headers });
              res.destroy();
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );
    expect(raw.headers['transfer-encoding']).toBeUndefined();
    expect(raw.headers.connection).toBe('close');
    expect(raw.first.startsWith(':\n\nevent: next\ndata: {"data":{"generationProgress":')).toBe(
      true,
    );
  });

  // Bodies are made when the test runs (the finished job's id is known by then).
  it.each<[string, () => string]>([
    ['an unknown job', () => JSON.stringify({ query: PROGRESS, variables: { id: '987654' } })],
    [
      'a variable of the wrong type',
      () => JSON.stringify({ query: PROGRESS, variables: { id: {} } }),
    ],
    ['a missing variable', () => JSON.stringify({ query: PROGRESS })],
    ['a syntax error', () => JSON.stringify({ query: 'subscription { generationProgress(' })],
    ['an unknown field', () => JSON.stringify({ query: 'subscription { nope }' })],
    [
      'two operations and no name',
      () =>
        JSON.stringify({
          query: `${PROGRESS} subscription B { registryChanged { type } }`,
          variables: { id: finishedJob },
        }),
    ],
    [
      'an unknown operation name',
      () =>
        JSON.stringify({ query: PROGRESS, operationName: 'Nope', variables: { id: finishedJob } }),
    ],
    [
      'an unexpected parameter',
      () => JSON.stringify({ query: PROGRESS, variables: { id: finishedJob }, extra: 1 }),
    ],
    ['variables that are not an object', () => JSON.stringify({ query: PROGRESS, variables: 'x' })],
    ['a batch', () => JSON.stringify([{ query: PROGRESS, variables: { id: finishedJob } }])],
    ['malformed JSON', () => '{"query": "subscription {'],
    ['an empty body', () => ''],
  ])('answers %s with the error yoga answers', async (_case, body) => {
    const { served, yoga } = await both(body());
    expect(served).toEqual(yoga);
    expect(served.body).toContain('"errors"');
  });

  it.each<[string, string]>([
    ['a query', '{ __typename }'],
    ['a mutation', 'mutation { cancelGeneration(id: "987654") { __typename } }'],
  ])('answers %s asked for as an event stream as yoga does', async (_case, query) => {
    const { served, yoga } = await both(JSON.stringify({ query }));
    expect(served).toEqual(yoga);
    expect(served.body).toContain('"data"');
  });

  it('leaves a body too large for it to yoga, which serves the subscription', async () => {
    // 80 KiB of whitespace: over what the SSE start path reads itself (64 KiB), under the upload limit.
    const padded = `${PROGRESS}${' '.repeat(80 * 1024)}`;
    const body = JSON.stringify({ query: padded, variables: { id: finishedJob } });
    const { served, yoga } = await both(body);
    expect(served).toEqual(yoga);
    expect(served.body).toContain('"status":"COMPLETED"');
  });

  it('forks no EntityManager for a subscription start, and one for a query', async () => {
    const em = s.app.services.em;
    const fork = em.fork.bind(em);
    let forks = 0;
    em.fork = ((...args: Parameters<typeof em.fork>) => {
      forks++;
      return fork(...args);
    }) as typeof em.fork;
    try {
      const res = await fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: sseHeaders(),
        body: JSON.stringify({ query: 'subscription { registryChanged { type } }' }),
      });
      const reader = res.body!.getReader();
      await reader.read(); // the stream is open: the subscription started
      await reader.cancel();
      expect(forks).toBe(0);
      await s.gql('{ datasets(first: 1) { totalCount } }');
      expect(forks).toBe(1);
    } finally {
      em.fork = fork;
    }
  });
});

describe('a client leaving an SSE subscription', () => {
  const ORIGIN = 'https://front.example.org';
  const SUBSCRIPTION = 'subscription { registryChanged { type datasetId } }';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite', { GENESIS_ALLOWED_ORIGINS: ORIGIN });
  });
  afterAll(async () => {
    await s?.close();
  });

  // Three ways a stream is served: a POST without an origin takes the SSE start path, which writes the events
  // itself; one from an allowed origin is handed to yoga (it adds the CORS headers) and yoga's response is copied
  // onto the socket; a GET (EventSource) goes to yoga's own server adapter. Each time, the client closing its
  // connection must end the subscription: one left running holds its place in the pubsub with nobody reading.
  it.each<[string, 'GET' | 'POST', Record<string, string>]>([
    ['on the SSE start path', 'POST', {}],
    ['when yoga serves it to a cross-origin client', 'POST', { origin: ORIGIN }],
    ['when yoga serves it over GET', 'GET', {}],
  ])('ends the subscription %s', async (_case, method, extra) => {
    const body = method === 'POST' ? JSON.stringify({ query: SUBSCRIPTION }) : '';
    const url =
      method === 'POST'
        ? `${s.url}/graphql`
        : `${s.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`;
    const opened = await new Promise<{ close: () => void; cors: unknown }>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            ...sseHeaders(),
            ...extra,
            ...(method === 'POST' ? { 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          resolve({ close: () => req.destroy(), cors: res.headers['access-control-allow-origin'] });
        },
      );
      req.on('error', (err) => {
        if (!req.destroyed) reject(err);
      });
      req.end(body);
    });
    expect(opened.cors).toBe(extra.origin);
    await expect.poll(() => s.app.pubsub.subscriberCount('registry:changed')).toBe(1);
    opened.close();
    await expect.poll(() => s.app.pubsub.subscriberCount('registry:changed')).toBe(0);
  });
});
