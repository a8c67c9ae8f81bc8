import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServer } from './helpers/app.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** Opens a graphql-ws connection and resolves with how it ended: the first result, or the close code. */
function tryWs(url: string, connectionParams: Record<string, unknown> | undefined) {
  return new Promise<{ data?: unknown; closeCode?: number }>((resolve) => {
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      ...(connectionParams ? { connectionParams } : {}),
      on: { closed: (e) => resolve({ closeCode: (e as { code: number }).code }) },
    });
    client.subscribe(
      { query: '{ stats { datasetCount } }' },
      {
        next: (v) => {
          resolve({ data: v.data });
          void client.dispose();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  });
}

describe('with GENESIS_API_TOKEN set', () => {
  const s = useTestServer('sqlite', { GENESIS_API_TOKEN: TOKEN });

  it('rejects HTTP requests without the token or with a wrong one (401), exports included', async () => {
    const body = JSON.stringify({ query: '{ stats { datasetCount } }' });
    const headers = { 'content-type': 'application/json' };
    const none = await fetch(`${s.url}/graphql`, { method: 'POST', headers, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.stringify(await none.json())).toMatch(/GENESIS_API_TOKEN/);
    const wrong = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${TOKEN}x` },
      body,
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${s.url}/datasets/1/export`)).status).toBe(401);
    expect((await fetch(`${s.url}/graphql`, { headers: { accept: 'text/html' } })).status).toBe(
      401,
    );
    // Liveness stays open so a load balancer can probe it.
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    // Readiness tells about the database: token required like everything but liveness.
    expect((await fetch(`${s.url}/readyz`)).status).toBe(401);
    expect(
      (await fetch(`${s.url}/readyz`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
  });

  it('accepts HTTP requests with the bearer token', async () => {
    const r = await s.gql<any>('{ stats { datasetCount } }');
    expect(r.data.stats.datasetCount).toBe(0);
  });

  it('closes a WebSocket whose connection_init lacks the token with 4401', async () => {
    expect(await tryWs(s.url, undefined)).toEqual({ closeCode: 4401 });
    expect(await tryWs(s.url, { authorization: 'Bearer nope' })).toEqual({ closeCode: 4401 });
  });

  it('serves a WebSocket whose connection_init carries the token', async () => {
    const r = await tryWs(s.url, { authorization: `Bearer ${TOKEN}` });
    expect(r).toEqual({ data: { stats: { datasetCount: 0 } } });
  });
});

describe('signing in from a browser', () => {
  const s = useTestServer('sqlite', { GENESIS_API_TOKEN: TOKEN });

  async function login(token: string, next = '/datasets') {
    return fetch(`${s.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next }).toString(),
    });
  }

  it('shows the sign-in page to a browser without a session, and rejects a wrong token', async () => {
    const page = await fetch(`${s.url}/datasets?kind=utterances`, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(401);
    const html = await page.text();
    expect(html).toMatch(/API token/);
    expect(html).toContain('value="/datasets?kind=utterances"');
    const wrong = await login('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toMatch(/That token is not right/);
  });

  it('sets an HttpOnly SameSite=Strict session cookie that authorises HTTP and WebSocket', async () => {
    const ok = await login(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/datasets');
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    const r = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session },
      body: JSON.stringify({ query: '{ stats { datasetCount } }' }),
    });
    expect(r.status).toBe(200);
    class CookieWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: session } });
      }
    }
    const client = createClient({
      url: `${s.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: CookieWebSocket,
      retryAttempts: 0,
    });
    const result = await client.iterate({ query: '{ stats { datasetCount } }' }).next();
    expect(result.value?.data).toEqual({ stats: { datasetCount: 0 } });
    await client.dispose();
  });

  it('never redirects to another site after signing in', async () => {
    expect((await login(TOKEN, '//evil.example/x')).headers.get('location')).toBe('/');
    expect((await login(TOKEN, 'https://evil.example/')).headers.get('location')).toBe('/');
  });
});

describe('without a token', () => {
  const s = useTestServer('sqlite');

  it('serves HTTP and WebSocket without credentials', async () => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { datasetCount } }' }),
    });
    expect(res.status).toBe(200);
    expect(await tryWs(s.url, undefined)).toEqual({ data: { stats: { datasetCount: 0 } } });
  });

  it('binds to 127.0.0.1 unless HOST says otherwise', () => {
    expect(s.config.host).toBe('127.0.0.1');
  });
});
