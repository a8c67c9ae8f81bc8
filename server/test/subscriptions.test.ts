import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, useTestServer } from './helpers/app.ts';

const SUBSCRIPTION =
  'subscription { registryChanged { type datasetId dataset { name itemCount } } }';
const IMPORT =
  'mutation($file: File!, $name: String) { importDataset(file: $file, kind: UTTERANCES, name: $name) { ... on MutationImportDatasetSuccess { data { id } } } }';
const CSV = 'text,intent\nwhere is my card,card_arrival\n';

/** Reads server-sent events from a fetch response body until `count` events have arrived. */
async function readSse(res: Response, count: number): Promise<unknown[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: unknown[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let idx = buffer.indexOf('\n\n');
    while (idx >= 0) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('');
      if (block.includes('event: next') && data) events.push(JSON.parse(data));
      idx = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

/** Waits until the server has a live subscriber (an event published earlier would be missed). */
async function waitForSubscribers(s: TestServer) {
  await expect.poll(() => s.app.pubsub.subscriberCount('registry:changed')).toBeGreaterThan(0);
}

describe('registryChanged subscription', () => {
  const s = useTestServer('sqlite');

  it('delivers created, updated and deleted events in order to a graphql-ws client', async () => {
    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const events: any[] = [];
    const iterator = client.iterate({ query: SUBSCRIPTION });
    const collecting = (async () => {
      for await (const e of iterator) {
        events.push(e.data?.registryChanged);
        if (events.length === 3) break;
      }
    })();
    await waitForSubscribers(s);
    const created = await s.upload<any>(IMPORT, { name: 'first' }, { name: 'a.csv', content: CSV });
    const id = created.body.data.importDataset.data.id;
    await s.gql('mutation($id: ID!) { renameDataset(id: $id, name: "second") { __typename } }', {
      id,
    });
    await s.gql('mutation($id: ID!) { deleteDataset(id: $id) { __typename } }', { id });
    await collecting;
    await client.dispose();
    expect(events).toEqual([
      { type: 'CREATED', datasetId: id, dataset: { name: 'first', itemCount: 1 } },
      { type: 'UPDATED', datasetId: id, dataset: { name: 'second', itemCount: 1 } },
      { type: 'DELETED', datasetId: id, dataset: null },
    ]);
  });

  it('delivers events over server-sent events too', async () => {
    // POST with a JSON body (graphql-sse's distinct-connections mode): not a "simple" request, so CSRF-safe.
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reading = readSse(res, 1);
    await waitForSubscribers(s);
    const created = await s.upload<any>(IMPORT, { name: 'sse' }, { name: 'b.csv', content: CSV });
    const events = await reading;
    expect(events).toEqual([
      {
        data: {
          registryChanged: {
            type: 'CREATED',
            datasetId: created.body.data.importDataset.data.id,
            dataset: { name: 'sse', itemCount: 1 },
          },
        },
      },
    ]);
  });

  it('answers a bad subscription document with a validation error, not a dropped socket', async () => {
    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const iterator = client.iterate({ query: 'subscription { registryChanged { nope } }' });
    await expect(iterator.next()).rejects.toSatisfy(
      (errors: any) => Array.isArray(errors) && /Cannot query field "nope"/.test(errors[0].message),
    );
    await client.dispose();
  });
});
