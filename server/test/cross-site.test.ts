import { type IncomingHttpHeaders, request } from 'node:http';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CSRF_HEADER } from '../src/platform/app.ts';
import { ConfigError, loadConfig } from '../src/platform/config.ts';
import { createOriginGuard } from '../src/platform/origin.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';

const TOKEN = 'test-token-0123456789abcdef';
const EVIL = 'http://evil.example';
const FRONT = 'https://front.example.org:8443';
const IMPORT =
  'mutation($file: File!, $name: String) { importDataset(file: $file, kind: UTTERANCES, name: $name) { ... on MutationImportDatasetSuccess { data { id } } } }';
const CSV = 'text,category\nWhere is my card?,card_arrival\n';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain node:http request, so the Host header can be set (fetch does not send a custom Host). */
function raw(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: init.method ?? 'GET', headers: init.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          // An SSE stream that was let through would never end: its first bytes are enough.
          if (res.headers['content-type']?.includes('text/event-stream')) res.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Opens a WebSocket with the given headers; resolves with the upgrade's refusal status or 'open'. */
function upgrade(base: string, headers: Record<string, string>) {
  return new Promise<number | 'open'>((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
      headers,
    });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', reject);
  });
}

/** Runs one graphql-ws operation with the given upgrade headers; resolves with its data or how it failed. */
function wsRun(
  base: string,
  headers: Record<string, string>,
  query: string,
  connectionParams?: Record<string, unknown>,
) {
  class HeaderWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return new Promise<{ data?: unknown; failed?: true }>((resolve) => {
    const client = createClient({
      url: `${base.replace('http', 'ws')}/graphql`,
      webSocketImpl: HeaderWebSocket,
      retryAttempts: 0,
      ...(connectionParams ? { connectionParams } : {}),
    });
    client.subscribe(
      { query },
      {
        next: (v) => resolve({ data: v.data }),
        error: () => resolve({ failed: true }),
        complete: () => void client.dispose(),
      },
    );
  });
}

function preflight(base: string, origin: string, path = '/graphql') {
  return raw(base, path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
}

function jsonPost(
  base: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
) {
  return raw(base, '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

async function multipart(
  base: string,
  headers: Record<string, string>,
): Promise<{ status: number; allowOrigin: string | null }> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: IMPORT, variables: { file: null, name: 'x' } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([CSV], { type: 'text/csv' }), 'x.csv');
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { [CSRF_HEADER]: '1', ...headers },
    body: form,
  });
  await res.arrayBuffer();
  return { status: res.status, allowOrigin: res.headers.get('access-control-allow-origin') };
}

const RENAME =
  'mutation($id: ID!, $name: String!) { renameDataset(id: $id, name: $name) { __typename } }';

describe.each([
  {
    mode: 'without a token',
    env: {} as Record<string, string>,
    auth: {} as Record<string, string>,
  },
  {
    mode: 'with GENESIS_API_TOKEN',
    env: { GENESIS_API_TOKEN: TOKEN },
    auth: { authorization: `Bearer ${TOKEN}` },
  },
])('cross-site requests $mode', ({ env, auth }) => {
  let s: TestServer;
  let id: string;
  let self: string;
  const nameOf = async () =>
    ((await s.gql<any>('query($id: ID!) { dataset(id: $id) { name } }', { id })).data as any)
      .dataset.name as string;

  beforeAll(async () => {
    s = await startTestServer('sqlite', {
      ...env,
      GENESIS_ALLOWED_ORIGINS: `${FRONT}, http://localhost:5173`,
      GENESIS_PUBLIC_HOSTS: 'lab.example.org',
    });
    self = s.url;
    const created = await s.upload<any>(
      IMPORT,
      { name: 'original' },
      { name: 'a.csv', content: CSV },
    );
    id = created.body.data.importDataset.data.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a CORS preflight from another site, with no allow-origin', async () => {
    const res = await preflight(s.url, EVIL);
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    // Another port of this very machine is another origin too.
    const port = await preflight(s.url, 'http://127.0.0.1:1');
    expect(port.status).toBe(403);
    expect(port.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a JSON POST from another site, and changes nothing', async () => {
    const res = await jsonPost(s.url, RENAME, { id, name: 'pwned' }, { ...auth, origin: EVIL });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body).toMatch(/Cross-origin request refused/);
    // Fetch Metadata alone is enough, and so is an opaque origin.
    const fm = await jsonPost(
      s.url,
      RENAME,
      { id, name: 'pwned' },
      {
        ...auth,
        'sec-fetch-site': 'cross-site',
      },
    );
    expect(fm.status).toBe(403);
    const opaque = await jsonPost(
      s.url,
      RENAME,
      { id, name: 'pwned' },
      { ...auth, origin: 'null' },
    );
    expect(opaque.status).toBe(403);
    expect(await nameOf()).toBe('original');
  });

  it('refuses a multipart upload from another site, and stores nothing', async () => {
    const before = (await s.gql<any>('{ stats { datasetCount } }')).data!.stats.datasetCount;
    const res = await multipart(s.url, { ...auth, origin: EVIL });
    expect(res.status).toBe(403);
    expect(res.allowOrigin).toBeNull();
    expect((await s.gql<any>('{ stats { datasetCount } }')).data!.stats.datasetCount).toBe(before);
  });

  it('refuses server-sent events from another site', async () => {
    const subscription = 'subscription { registryChanged { type } }';
    const post = await raw(s.url, '/graphql', {
      method: 'POST',
      headers: {
        ...auth,
        origin: EVIL,
        accept: 'text/event-stream',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: subscription }),
    });
    expect(post.status).toBe(403);
    expect(post.headers['content-type']).not.toMatch(/event-stream/);
    const get = await raw(s.url, `/graphql?query=${encodeURIComponent(subscription)}`, {
      headers: { ...auth, origin: EVIL, accept: 'text/event-stream' },
    });
    expect(get.status).toBe(403);
  });

  it('refuses exports and form posts to the web app from another site', async () => {
    const exp = await raw(s.url, `/datasets/${id}/export?format=csv`, {
      headers: { ...auth, origin: EVIL },
    });
    expect(exp.status).toBe(403);
    const linked = await raw(s.url, `/datasets/${id}/export?format=csv`, {
      headers: { ...auth, 'sec-fetch-site': 'cross-site' },
    });
    expect(linked.status).toBe(403);
    const own = await raw(s.url, `/datasets/${id}/export?format=csv`, {
      headers: { ...auth, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatch(/Where is my card/);
    const form = await raw(s.url, `/datasets/${id}?/rename`, {
      method: 'POST',
      headers: { ...auth, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=pwned',
    });
    expect(form.status).toBe(403);
  });

  it('serves requests from its own origin, and from none (scripts)', async () => {
    const own = await jsonPost(s.url, RENAME, { id, name: 'renamed' }, { ...auth, origin: self });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(own.body).data.renameDataset.__typename).toBe('MutationRenameDatasetSuccess');
    // The same server under another of its names, as a browser on http://localhost:<port> sends it.
    const port = new URL(s.url).port;
    const local = await jsonPost(
      s.url,
      RENAME,
      { id, name: 'renamed' },
      {
        ...auth,
        host: `localhost:${port}`,
        origin: `http://localhost:${port}`,
        'sec-fetch-site': 'same-origin',
      },
    );
    expect(local.status).toBe(200);
    const script = await jsonPost(s.url, '{ stats { datasetCount } }', {}, auth);
    expect(script.status).toBe(200);
    expect((await multipart(s.url, { ...auth, origin: self })).status).toBe(200);
    expect(await nameOf()).toBe('renamed');
  });

  it('answers an allow-listed origin with exactly that origin', async () => {
    const pre = await preflight(s.url, FRONT);
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(FRONT);
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(pre.headers.vary).toMatch(/Origin/);
    const res = await jsonPost(
      s.url,
      '{ stats { datasetCount } }',
      {},
      {
        ...auth,
        origin: FRONT,
        'sec-fetch-site': 'cross-site',
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(FRONT);
    const up = await multipart(s.url, { ...auth, origin: 'http://localhost:5173' });
    expect(up).toEqual({ status: 200, allowOrigin: 'http://localhost:5173' });
    const exp = await raw(s.url, `/datasets/${id}/export?format=csv`, {
      headers: { ...auth, origin: FRONT },
    });
    expect(exp.status).toBe(200);
    expect(exp.headers['access-control-allow-origin']).toBe(FRONT);
  });

  it('refuses a WebSocket from another site, and serves its own', async () => {
    const params = auth.authorization ? { authorization: auth.authorization } : undefined;
    expect(await upgrade(s.url, { origin: EVIL })).toBe(403);
    expect(await upgrade(s.url, { origin: 'http://localhost:5555' })).toBe(403);
    const rename = `mutation { renameDataset(id: "${id}", name: "pwned") { __typename } }`;
    expect(await wsRun(s.url, { origin: EVIL }, rename, params)).toEqual({ failed: true });
    expect(await nameOf()).not.toBe('pwned');
    expect(await wsRun(s.url, { origin: self }, '{ stats { datasetCount } }', params)).toEqual({
      data: { stats: { datasetCount: expect.any(Number) } },
    });
    expect(await wsRun(s.url, { origin: FRONT }, '{ stats { datasetCount } }', params)).toEqual({
      data: { stats: { datasetCount: expect.any(Number) } },
    });
  });

  it('refuses a wrong Host on HTTP and WebSocket, and serves its own names', async () => {
    const port = new URL(s.url).port;
    const wrong = await raw(s.url, '/graphql', {
      method: 'POST',
      headers: { ...auth, host: `evil.example:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { datasetCount } }' }),
    });
    expect(wrong.status).toBe(421);
    expect(wrong.body).toMatch(/does not answer for host/);
    expect((await raw(s.url, '/', { headers: { host: 'evil.example' } })).status).toBe(421);
    expect(await upgrade(s.url, { host: `evil.example:${port}` })).toBe(421);
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      'lab.example.org',
    ]) {
      const ok = await raw(s.url, '/graphql', {
        method: 'POST',
        headers: { ...auth, host, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ stats { datasetCount } }' }),
      });
      expect(ok.status, host).toBe(200);
    }
    expect(await upgrade(s.url, { host: `localhost:${port}` })).toBe('open');
    // Liveness stays open to any name, for load balancers that probe by address.
    expect((await raw(s.url, '/healthz', { headers: { host: 'probe.internal' } })).status).toBe(
      200,
    );
  });
});

describe('a signed-in browser (token mode, session cookie)', () => {
  let s: TestServer;
  let session: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite', { GENESIS_API_TOKEN: TOKEN });
    const login = await fetch(`${s.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: new URLSearchParams({ token: TOKEN, next: '/' }).toString(),
    });
    session = login.headers.get('set-cookie')!.split(';')[0]!;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses the cookie on a WebSocket from another localhost port', async () => {
    expect(await upgrade(s.url, { cookie: session, origin: 'http://localhost:3000' })).toBe(403);
    expect(
      await wsRun(
        s.url,
        { cookie: session, origin: 'http://127.0.0.1:3000' },
        '{ stats { datasetCount } }',
      ),
    ).toEqual({ failed: true });
    expect(
      await wsRun(s.url, { cookie: session, origin: s.url }, '{ stats { datasetCount } }'),
    ).toEqual({ data: { stats: { datasetCount: 0 } } });
  });

  it('refuses the cookie on HTTP from another site, and a sign-in posted from one', async () => {
    const res = await jsonPost(
      s.url,
      '{ stats { datasetCount } }',
      {},
      {
        cookie: session,
        origin: 'http://localhost:3000',
      },
    );
    expect(res.status).toBe(403);
    const login = await raw(s.url, '/login', {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN, next: '/' }).toString(),
    });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });
});

describe('origin and host configuration', () => {
  it('reads GENESIS_ALLOWED_ORIGINS and GENESIS_PUBLIC_HOSTS as lists', () => {
    const c = loadConfig({
      GENESIS_ALLOWED_ORIGINS: 'https://Front.Example.org , http://localhost:5173/',
      GENESIS_PUBLIC_HOSTS: 'Lab.Example.org,10.0.0.7',
    });
    expect(c.allowedOrigins).toEqual(['https://front.example.org', 'http://localhost:5173']);
    expect(c.publicHosts).toEqual(['lab.example.org', '10.0.0.7']);
    expect(loadConfig({})).toMatchObject({ allowedOrigins: [], publicHosts: [] });
  });

  it('refuses values that are not origins or host names, naming the bad entry', () => {
    for (const bad of [
      '*',
      'front.example.org',
      'https://front.example.org/app',
      'ftp://x',
      'null',
    ]) {
      expect(
        () => loadConfig({ GENESIS_ALLOWED_ORIGINS: `http://ok.example,${bad}` }),
        bad,
      ).toThrow(ConfigError);
    }
    expect(() => loadConfig({ GENESIS_ALLOWED_ORIGINS: '*' })).toThrow(
      /GENESIS_ALLOWED_ORIGINS="\*": "\*" is not an origin/,
    );
    for (const bad of ['https://lab.example.org', 'lab.example.org:443', 'a b', '*.example.org']) {
      expect(() => loadConfig({ GENESIS_PUBLIC_HOSTS: bad }), bad).toThrow(
        /GENESIS_PUBLIC_HOSTS=.*is not a host name/,
      );
    }
  });

  it("answers for the machine's interface addresses only when bound to every interface", () => {
    const guard = (bound: string) =>
      createOriginGuard({
        allowedOrigins: [],
        publicHosts: [],
        boundHosts: () => [bound],
        interfaceAddresses: () => ['127.0.0.1', '192.168.1.20', 'fe80::1'],
      });
    expect(guard('0.0.0.0').checkHost({ host: '192.168.1.20:4000' })).toBeNull();
    expect(guard('::').checkHost({ host: '[fe80::1]:4000' })).toBeNull();
    expect(guard('127.0.0.1').checkHost({ host: '192.168.1.20:4000' })).not.toBeNull();
    expect(guard('10.1.1.1').checkHost({ host: '10.1.1.1:4000' })).toBeNull();
    expect(guard('0.0.0.0').checkHost({ host: 'rebind.evil.example:4000' })).not.toBeNull();
    expect(guard('0.0.0.0').checkHost({ host: 'LOCALHOST.:4000' })).toBeNull();
    // A dual-stack socket's address of an IPv4 client, as server-side rendering dials it.
    expect(guard('::').checkHost({ host: '[::ffff:127.0.0.1]:4000' })).toBeNull();
    expect(guard('::').checkHost({ host: '[::ffff:192.168.1.20]:4000' })).toBeNull();
  });
});
