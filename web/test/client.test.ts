import { describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError } from '../src/lib/graphql/client.ts';
import { graphql } from '../src/lib/graphql/graphql.ts';

const StatsQuery = graphql(`
  query Stats {
    stats {
      datasetCount
    }
  }
`);

const DatasetQuery = graphql(`
  query One($id: ID!) {
    dataset(id: $id) {
      name
    }
  }
`);

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: () => Response | Promise<Response>, calls: Call[] = []): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return respond();
  }) as typeof fetch;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function failure(promise: Promise<unknown>): Promise<GraphQLRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLRequestError);
  return error as GraphQLRequestError;
}

describe('createClient().request', () => {
  it('POSTs the printed document and variables to /graphql and returns data', async () => {
    const calls: Call[] = [];
    const client = createClient({
      fetch: fakeFetch(() => json({ data: { dataset: { name: 'bank' } } }), calls),
    });
    const result = await client.request(DatasetQuery, { id: '7' });
    expect(result.dataset?.name).toBe('bank');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('/graphql');
    expect(calls[0]?.init.method).toBe('POST');
    const body = JSON.parse(String(calls[0]?.init.body));
    expect(body.variables).toEqual({ id: '7' });
    expect(body.query).toMatch(/query One\(\$id: ID!\)/);
  });

  it('sends the bearer token when one is configured, read at request time', async () => {
    const calls: Call[] = [];
    let token: string | undefined;
    const client = createClient({
      fetch: fakeFetch(() => json({ data: { stats: { datasetCount: 1 } } }), calls),
      token: () => token,
    });
    await client.request(StatsQuery);
    token = 's3cret';
    await client.request(StatsQuery);
    const headers = calls.map((c) => (c.init.headers as Record<string, string>).authorization);
    expect(headers).toEqual([undefined, 'Bearer s3cret']);
  });

  it('turns GraphQL errors into one readable message with field paths', async () => {
    const client = createClient({
      fetch: fakeFetch(() =>
        json({
          data: null,
          errors: [
            { message: 'Dataset is locked', path: ['dataset', 'name'] },
            { message: 'Dataset is locked', path: ['dataset', 'name'] },
            { message: 'Unexpected error.' },
          ],
        }),
      ),
    });
    const error = await failure(client.request(DatasetQuery, { id: '1' }));
    expect(error.kind).toBe('graphql');
    expect(error.message).toBe('Dataset is locked (at dataset.name); Unexpected error.');
    expect(error.errors).toHaveLength(3);
  });

  it('reports validation errors sent with a 400 status as GraphQL errors, not HTTP ones', async () => {
    const client = createClient({
      fetch: fakeFetch(() =>
        json(
          { errors: [{ message: 'Variable "$id" of required type "ID!" was not provided.' }] },
          400,
        ),
      ),
    });
    const error = await failure(client.request(DatasetQuery, { id: '1' }));
    expect(error.kind).toBe('graphql');
    expect(error.status).toBe(400);
    expect(error.message).toBe('Variable "$id" of required type "ID!" was not provided.');
  });

  it('explains a refused token', async () => {
    const client = createClient({
      fetch: fakeFetch(() => new Response('Unauthorized', { status: 401 })),
    });
    const error = await failure(client.request(StatsQuery));
    expect(error.kind).toBe('http');
    expect(error.message).toBe('The API refused the request (401): a valid API token is required.');
  });

  it('names the status of a non-GraphQL error page', async () => {
    const client = createClient({
      fetch: fakeFetch(
        () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }),
      ),
    });
    const error = await failure(client.request(StatsQuery));
    expect(error.message).toBe('The API answered HTTP 502 Bad Gateway.');
  });

  it('says the API could not be reached when fetch itself fails', async () => {
    const client = createClient({
      endpoint: 'http://127.0.0.1:9/graphql',
      fetch: fakeFetch(() => {
        throw new TypeError('fetch failed');
      }),
    });
    const error = await failure(client.request(StatsQuery));
    expect(error.kind).toBe('network');
    expect(error.message).toBe(
      'Could not reach the API at http://127.0.0.1:9/graphql: fetch failed',
    );
  });

  it('rejects a 200 answer that is not GraphQL JSON', async () => {
    const client = createClient({ fetch: fakeFetch(() => new Response('<html></html>')) });
    const error = await failure(client.request(StatsQuery));
    expect(error.kind).toBe('response');
    expect(error.message).toBe('The API sent a response that is not GraphQL JSON.');
  });

  it('rejects a response without data or errors', async () => {
    const client = createClient({ fetch: fakeFetch(() => json({})) });
    const error = await failure(client.request(StatsQuery));
    expect(error.message).toBe('The API returned no data.');
  });
});
