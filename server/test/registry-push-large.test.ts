import { createClient } from 'graphql-ws';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DatasetPushSchema } from '../src/registry/dataset-push.entity.ts';
import { type PushProgress, pushDataset } from '../src/registry/push.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { generateConversations, type HubApp, READ, startHubApp, WRITE } from './helpers/hub.ts';
import { HubServer } from './support/hub-server.ts';

const DATA = 'data/train-00000-of-00001.parquet';
// The test server's thresholds, lowered so a dataset of 150 conversations takes the large-file path: every file
// over 2 KiB goes through LFS, and LFS objects of 16 KiB or more are uploaded in parts of 8 KiB.
const CHUNK = 8 * 1024;

const PUSH = `mutation($id: ID!, $repo: String!, $private: Boolean) {
  pushDataset(id: $id, repo: $repo, private: $private) {
    __typename
    ... on MutationPushDatasetSuccess {
      data { created private visibilityChanged commitOid summary record { id host commitOid private } }
    }
    ... on HubPushError { reason status message code undone { message code params { name value } } }
  }
}`;
const PUSHES = `query($id: ID!) { dataset(id: $id) { pushes {
  id at host repo revision url commitOid commitUrl private created visibilityChanged
  filesAdded filesChanged filesUnchanged filesDeleted itemCount summary files { path change }
} } }`;

const bytesOf = (b: Uint8Array) =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Imports a one-utterance dataset on `server`; returns its id. */
async function importOneUtterance(server: TestServer): Promise<string> {
  const imported = await server.upload<any>(
    'mutation($file: File!) { importDataset(file: $file, kind: UTTERANCES) { __typename ... on MutationImportDatasetSuccess { data { id } } } }',
    {},
    { name: 'u.csv', content: 'text,intent\nwhere is my card?,card_arrival\n' },
  );
  return imported.body.data!.importDataset.data.id;
}

describe('push of a large dataset through the LFS path', { timeout: 240_000 }, () => {
  let fixture: HubApp;
  let hub: HubServer;
  let s: TestServer;
  let datasetId: string;

  beforeAll(async () => {
    fixture = await startHubApp({
      hub: { lfsThreshold: 2048, multipartThreshold: 16 * 1024, chunkSize: CHUNK },
    });
    ({ hub, s } = fixture);
    datasetId = await generateConversations(s, 150, 11);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('uploads the Parquet in parts with progress, and the file the Hub recorded holds every item', async () => {
    const events: PushProgress[] = [];
    const result = await pushDataset(s.app.services, {
      datasetId: Number(datasetId),
      repo: 'alice/large',
      hub: { endpoint: hub.url, token: WRITE },
      onProgress: (p) => events.push({ ...p }),
    });
    expect(result.created).toBe(true);
    expect(result.commit?.oid).toMatch(/^[0-9a-f]{40}$/);

    const parquet = hub.file('alice/large', DATA)!;
    expect(parquet.length).toBeGreaterThan(2 * CHUNK);
    // The Parquet went up in parts (a chunk size, one URL per part, a completion), the small files inline
    // or by single PUT, and the commit refers to the LFS objects.
    const upload = hub.lfsUploads.find((u) => u.size === parquet.length)!;
    expect(upload).toMatchObject({
      transfer: 'multipart',
      parts: Math.ceil(parquet.length / CHUNK),
    });
    expect(hub.requests.filter((r) => /^PUT \/lfs\/multipart\/\w+\/\d+$/.test(r))).toHaveLength(
      upload.parts,
    );
    expect(
      hub.requests.filter((r) => /^POST \/lfs\/multipart\/\w+\/complete$/.test(r)),
    ).toHaveLength(1);
    expect(hub.commits('alice/large').at(-1)!.operations).toContainEqual({ path: DATA, op: 'lfs' });

    // Progress: bytes of the uploads as they are sent, never more than the total, ending with the commit.
    const uploading = events.filter((e) => e.phase === 'uploading');
    expect(uploading.length).toBeGreaterThan(upload.parts);
    for (let i = 1; i < uploading.length; i++)
      expect(uploading[i]!.bytesSent).toBeGreaterThanOrEqual(uploading[i - 1]!.bytesSent);
    expect(uploading.at(-1)!.bytesSent).toBeLessThanOrEqual(uploading.at(-1)!.bytesTotal);
    expect(uploading.at(-1)!.bytesSent).toBeGreaterThanOrEqual(parquet.length);
    expect(events.at(-1)).toMatchObject({ phase: 'committing' });

    // The file the server assembled from the parts, row by row against the registry's items.
    const rows = (await parquetReadObjects({ file: bytesOf(parquet) })) as Record<string, any>[];
    const items = await s.gql<any>(
      'query($id: ID!) { dataset(id: $id) { items(first: 200) { edges { node { data } } } } }',
      { id: datasetId },
    );
    const data = items.data.dataset.items.edges.map((e: { node: { data: any } }) => e.node.data);
    expect(data).toHaveLength(150);
    expect(rows).toHaveLength(150);
    const byId = new Map(rows.map((row) => [row.conversation_id, row]));
    for (const item of data) {
      const row = byId.get(item.conversation_id)!;
      expect(row, item.conversation_id).toBeDefined();
      expect(row.turns).toEqual(item.turns);
      expect(row).toMatchObject({ intent: item.intent, language: item.language });
    }
  });

  it('records every successful push, including one that changes nothing, and shows them on the dataset', async () => {
    const commits = hub.commits('alice/large').length;
    const again = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/large' });
    const same = again.data.pushDataset.data;
    expect(same.commitOid).toBeNull();
    expect(same.summary).toMatch(/nothing changed, no commit made/);
    expect(hub.commits('alice/large')).toHaveLength(commits);
    expect(same.record).toMatchObject({ commitOid: null, private: false });
    expect(same.record.host).toBe(new URL(hub.url).host);

    const pushes = (await s.gql<any>(PUSHES, { id: datasetId })).data.dataset.pushes;
    expect(pushes).toHaveLength(2);
    const [latest, first] = pushes;
    expect(latest.id).toBe(same.record.id);
    expect(latest).toMatchObject({
      repo: 'alice/large',
      revision: 'main',
      commitOid: null,
      created: false,
      filesAdded: 0,
      filesChanged: 0,
      filesUnchanged: 4,
      filesDeleted: 0,
      itemCount: 150,
    });
    expect(first).toMatchObject({
      created: true,
      filesAdded: 4,
      filesUnchanged: 0,
      commitOid: hub.commits('alice/large').at(-1)!.oid,
    });
    expect(first.commitUrl).toContain(first.commitOid);
    expect(new Date(latest.at).getTime()).toBeGreaterThanOrEqual(new Date(first.at).getTime());
    expect(first.files.map((f: { change: string }) => f.change)).toEqual([
      'ADDED',
      'ADDED',
      'ADDED',
      'ADDED',
    ]);
  });

  it('applies private and public to an existing repo through its settings, and records it', async () => {
    const made = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/large', private: true });
    expect(made.data.pushDataset.data).toMatchObject({
      private: true,
      visibilityChanged: true,
      commitOid: null,
    });
    expect(made.data.pushDataset.data.summary).toMatch(/no commit made; made private/);
    expect(hub.repos.get('alice/large')!.private).toBe(true);

    // Asking for the visibility the repo already has changes nothing.
    const kept = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/large', private: true });
    expect(kept.data.pushDataset.data).toMatchObject({ private: true, visibilityChanged: false });

    const open = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/large', private: false });
    expect(open.data.pushDataset.data).toMatchObject({ private: false, visibilityChanged: true });
    expect(hub.repos.get('alice/large')!.private).toBe(false);
    const pushes = (await s.gql<any>(PUSHES, { id: datasetId })).data.dataset.pushes;
    expect(pushes.slice(0, 3).map((p: { private: boolean }) => p.private)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('leaves nothing half-done when an upload fails: the created repo is deleted, nothing recorded', async () => {
    const before = (await s.gql<any>(PUSHES, { id: datasetId })).data.dataset.pushes.length;
    hub.failUploads(503);
    const r = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/broken' });
    expect(r.data.pushDataset).toMatchObject({ __typename: 'HubPushError', reason: 'HUB_ERROR' });
    expect(r.data.pushDataset.message).toMatch(/503/);
    expect(r.data.pushDataset.message).toMatch(/alice\/broken this push created was deleted again/);
    expect(r.data.pushDataset.undone?.code).toBe('hub.undoDeleted');
    expect(hub.repos.has('alice/broken')).toBe(false);
    expect((await s.gql<any>(PUSHES, { id: datasetId })).data.dataset.pushes).toHaveLength(before);
  });

  it('puts the visibility back when the push that changed it fails', async () => {
    hub.createRepo('alice/other');
    hub.failUploads(500);
    const r = await s.gql<any>(PUSH, { id: datasetId, repo: 'alice/other', private: true });
    expect(r.data.pushDataset).toMatchObject({ __typename: 'HubPushError', reason: 'HUB_ERROR' });
    expect(r.data.pushDataset.message).toMatch(/alice\/other is public again/);
    // The message ends with what was put back, as a code of its own (docs/conventions.md).
    expect(r.data.pushDataset.code).toBe('hub.answered');
    expect(r.data.pushDataset.undone).toEqual({
      message: 'alice/other is public again',
      code: 'hub.undoPublic',
      params: [{ name: 'repo', value: 'alice/other' }],
    });
    expect(r.data.pushDataset.message).toMatch(/; alice\/other is public again$/);
    expect(hub.repos.get('alice/other')!.private).toBe(false);
    expect(hub.commits('alice/other')).toHaveLength(1);
  });

  it('refuses clearly when the visibility cannot be changed, before committing anything', async () => {
    hub.createRepo('alice/readonly');
    const other = await startTestServer('sqlite', { HF_ENDPOINT: hub.url, HF_TOKEN: READ });
    try {
      const id = await importOneUtterance(other);
      const r = await other.gql<any>(PUSH, { id, repo: 'alice/readonly', private: true });
      expect(r.data.pushDataset).toMatchObject({
        __typename: 'HubPushError',
        reason: 'FORBIDDEN',
        status: 403,
      });
      expect(r.data.pushDataset.message).toMatch(
        /HF_TOKEN may not change the visibility of alice\/readonly \(403\)/,
      );
      expect(hub.repos.get('alice/readonly')!.private).toBe(false);
      expect(hub.commits('alice/readonly')).toHaveLength(1);
    } finally {
      await other.close();
    }

    // A Hub-compatible server without the settings endpoint: a clear error, nothing committed.
    const bare = new HubServer({ [WRITE]: { user: 'alice', write: true } }, { settings: false });
    await bare.start();
    const third = await startTestServer('sqlite', { HF_ENDPOINT: bare.url, HF_TOKEN: WRITE });
    try {
      bare.createRepo('alice/plain');
      const id = await importOneUtterance(third);
      const r = await third.gql<any>(PUSH, { id, repo: 'alice/plain', private: true });
      expect(r.data.pushDataset).toMatchObject({
        __typename: 'HubPushError',
        reason: 'VISIBILITY',
      });
      expect(r.data.pushDataset.message).toMatch(/did not make alice\/plain private \(404/);
      expect(r.data.pushDataset.message).toMatch(/nothing was committed/);
      expect(bare.commits('alice/plain')).toHaveLength(1);
      // Without --private the same push goes through.
      const ok = await third.gql<any>(PUSH, { id, repo: 'alice/plain' });
      expect(ok.data.pushDataset.__typename).toBe('MutationPushDatasetSuccess');
    } finally {
      await third.close();
      await bare.stop();
    }
  });

  it('streams the progress of a push over a subscription until it is done or failed', async () => {
    const watch = async (repo: string) => {
      const client = createClient({
        url: `${s.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      const events: any[] = [];
      const collecting = (async () => {
        for await (const e of client.iterate({
          query:
            'subscription($id: ID!) { pushProgress(datasetId: $id) { repo phase bytesSent bytesTotal message } }',
          variables: { id: datasetId },
        }))
          events.push(e.data?.pushProgress);
      })();
      // Wait for the subscription to be live (an event published before would be missed).
      await expect
        .poll(() => s.app.pubsub.subscriberCount('push:progress', Number(datasetId)))
        .toBeGreaterThan(0);
      const pushed = await s.gql<any>(PUSH, { id: datasetId, repo });
      await collecting; // the stream ends by itself after DONE or FAILED
      await client.dispose();
      return { events, pushed: pushed.data.pushDataset };
    };
    const phases = (events: { phase: string }[]) =>
      events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);

    const ok = await watch('alice/watched');
    expect(phases(ok.events)).toEqual([
      'PREPARING',
      'COMPARING',
      'UPLOADING',
      'COMMITTING',
      'DONE',
    ]);
    const done = ok.events.at(-1);
    expect(done).toMatchObject({ repo: 'alice/watched', message: ok.pushed.data.summary });
    expect(done.bytesSent).toBe(done.bytesTotal);
    expect(done.bytesTotal).toBeGreaterThan(hub.file('alice/watched', DATA)!.length);

    hub.failUploads(500);
    const failed = await watch('alice/watched-broken');
    expect(failed.pushed.__typename).toBe('HubPushError');
    expect(failed.events.at(-1)).toMatchObject({ phase: 'FAILED', message: failed.pushed.message });
  });

  it('deletes the push records with their dataset', async () => {
    const deleted = await s.gql<any>(
      'mutation($id: ID!) { deleteDataset(id: $id, force: true) { __typename } }',
      { id: datasetId },
    );
    expect(deleted.data.deleteDataset.__typename).toBe('MutationDeleteDatasetSuccess');
    const em = s.app.services.em.fork();
    expect(await em.count(DatasetPushSchema, { dataset: Number(datasetId) })).toBe(0);
  });
});
