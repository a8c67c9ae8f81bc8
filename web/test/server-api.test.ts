import { describe, expect, it } from 'vitest';
import { graphql } from '../src/lib/graphql/graphql.ts';
import { apiOrigin, routeApiRequest, serverClient } from '../src/lib/server/api.ts';
import { isCrossSiteFormPost } from '../src/lib/server/csrf.ts';

const APP = 'https://lab.example.org';
const API = 'http://127.0.0.1:4000';
const TOKEN = 'secret-token';
const route = { appOrigin: APP, apiOrigin: API, token: TOKEN };

const post = (url: string, headers: Record<string, string> = {}) =>
  new Request(url, { method: 'POST', headers, body: '{}' });

describe('routeApiRequest (the same-origin token rule)', () => {
  it("sends this app's own /graphql to the API with the server's token", () => {
    const out = routeApiRequest(post(`${APP}/graphql`), route);
    expect(out.url).toBe(`${API}/graphql`);
    expect(out.method).toBe('POST');
    expect(out.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    // Same-origin for the API, which refuses other origins (SvelteKit would send this app's).
    expect(out.headers.get('origin')).toBe(API);
  });

  it('never attaches the token to another origin', () => {
    for (const url of [
      'https://elsewhere.example.com/graphql',
      'https://lab.example.org.evil.com/graphql',
      'http://lab.example.org/graphql', // another scheme is another origin
      'https://lab.example.org:8443/graphql', // and so is another port
    ]) {
      const request = post(url);
      const out = routeApiRequest(request, route);
      expect(out, url).toBe(request);
      expect(out.headers.has('authorization'), url).toBe(false);
    }
  });

  it('leaves other paths of this origin alone', () => {
    const request = new Request(`${APP}/datasets/1/export`);
    const out = routeApiRequest(request, route);
    expect(out).toBe(request);
    expect(out.headers.has('authorization')).toBe(false);
  });

  it('keeps credentials the request already has', () => {
    const out = routeApiRequest(post(`${APP}/graphql`, { authorization: 'Bearer user' }), route);
    expect(out.headers.get('authorization')).toBe('Bearer user');
  });

  it('adds no header when the API is not protected, and keeps the URL without an API origin', () => {
    const out = routeApiRequest(post(`${APP}/graphql?x=1`), { appOrigin: APP });
    expect(out.url).toBe(`${APP}/graphql?x=1`);
    expect(out.headers.has('authorization')).toBe(false);
  });
});

describe('apiOrigin', () => {
  it('prefers the configured origin, without a trailing slash', () => {
    expect(apiOrigin('http://api:4000/', { localAddress: '10.0.0.1', localPort: 80 })).toBe(
      'http://api:4000',
    );
  });
  it("is the socket the request arrived on, brackets for IPv6, https when it's TLS", () => {
    expect(apiOrigin(undefined, { localAddress: '127.0.0.1', localPort: 4000 })).toBe(API);
    expect(apiOrigin(undefined, { localAddress: '::1', localPort: 4000, encrypted: true })).toBe(
      'https://[::1]:4000',
    );
  });
  it('is undefined without either (vite dev)', () => {
    expect(apiOrigin(undefined, undefined)).toBeUndefined();
  });
});

describe('serverClient', () => {
  it("posts to this app's relative /graphql through the given fetch, with no token of its own", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ data: { stats: { datasetCount: 3 } } }), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof globalThis.fetch;
    const Stats = graphql(`
      query ServerStats {
        stats {
          datasetCount
        }
      }
    `);
    const data = await serverClient({ fetch }).request(Stats);
    expect(data.stats.datasetCount).toBe(3);
    expect(calls[0]?.url).toBe('/graphql');
    expect(new Headers(calls[0]?.init.headers).has('authorization')).toBe(false);
  });
});

describe('isCrossSiteFormPost', () => {
  const form = (origin: string | null, host = 'lab.example.org:3000', method = 'POST') =>
    new Request('https://lab.example.org:3000/generate', {
      method,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        host,
        ...(origin ? { origin } : {}),
      },
      ...(method === 'GET' ? {} : { body: 'count=1' }),
    });

  it('lets a post from a page of this host through, whatever the scheme', () => {
    expect(isCrossSiteFormPost(form('http://lab.example.org:3000'))).toBe(false);
    expect(isCrossSiteFormPost(form('https://lab.example.org:3000'))).toBe(false);
  });
  it('refuses a post from another site, or without an Origin', () => {
    expect(isCrossSiteFormPost(form('https://evil.example.com'))).toBe(true);
    expect(isCrossSiteFormPost(form('http://lab.example.org:3001'))).toBe(true);
    expect(isCrossSiteFormPost(form(null))).toBe(true);
    expect(isCrossSiteFormPost(form('null'))).toBe(true);
  });
  it('leaves reads and non-form bodies to other checks', () => {
    expect(isCrossSiteFormPost(form('https://evil.example.com', undefined, 'GET'))).toBe(false);
    const json = new Request('https://lab.example.org/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example.com' },
      body: '{}',
    });
    expect(isCrossSiteFormPost(json)).toBe(false);
  });
});
