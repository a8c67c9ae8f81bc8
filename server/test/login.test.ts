import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServer } from './helpers/app.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** POST /login from a given local address (127.0.0.x), like a form of this server's sign-in page. */
function login(
  s: TestServer,
  token: string,
  next = '/',
  localAddress = '127.0.0.1',
): Promise<{ status: number; location?: string; retryAfter?: string; cookie?: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${s.url}/login`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            ...(res.headers['retry-after'] ? { retryAfter: res.headers['retry-after'] } : {}),
            ...(res.headers['set-cookie'] ? { cookie: res.headers['set-cookie'] } : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams({ token, next }).toString());
  });
}

describe('after signing in', () => {
  const s = useTestServer('sqlite', { GENESIS_API_TOKEN: TOKEN });

  it('goes back to a relative path on this server', async () => {
    for (const next of ['/datasets?kind=utterances', '/train/3#metrics', '/']) {
      expect((await login(s, TOKEN, next)).location, next).toBe(next);
    }
  });

  it('never redirects to another site', async () => {
    const offsite = [
      '/\\evil.example/x',
      '\\\\evil.example/x',
      '/\\/evil.example/x',
      '//evil.example/x',
      '///evil.example/x',
      '/%2F%2Fevil.example/x',
      '%2F%2Fevil.example/x',
      '/%2f/evil.example',
      '/%5Cevil.example/x',
      '/%5C%5Cevil.example/x',
      '%5C%5Cevil.example',
      '/\t/evil.example/x',
      '/\n/evil.example/x',
      '/\r\n/evil.example/x',
      '\t//evil.example/x',
      ' //evil.example/x',
      'https://evil.example/',
      'http:evil.example',
      'HTTPS://evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      '/javascript:alert(1)//%0a',
      'evil.example',
    ];
    for (const next of offsite) {
      const r = await login(s, TOKEN, next);
      expect(r.status, JSON.stringify(next)).toBe(303);
      const target = new URL(r.location!, s.url);
      expect(target.origin, JSON.stringify(next)).toBe(s.url);
      // Everything that is not a plain path goes home, not to a look-alike path.
      if (next !== '/javascript:alert(1)//%0a') expect(r.location, JSON.stringify(next)).toBe('/');
    }
  });
});

describe('failed sign-ins', () => {
  // The real limit is 10 per minute; a one-second window keeps the test short.
  const s = useTestServer(
    'sqlite',
    { GENESIS_API_TOKEN: TOKEN },
    { loginLimit: { attempts: 10, windowSeconds: 1 } },
  );

  it('are limited per client address: the 11th wrong try gets 429, the right token works after the window', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login(s, `wrong-token-${i}-xxxxxxxx`)).status).toBe(401);
    }
    const limited = await login(s, 'wrong-token-10-xxxxxxxx');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    // While limited, even the right token is refused: a guess must not be checked.
    const blocked = await login(s, TOKEN);
    expect(blocked.status).toBe(429);
    expect(blocked.cookie).toBeUndefined();
    // Another client address is not limited.
    expect((await login(s, TOKEN, '/', '127.0.0.2')).status).toBe(303);
    await new Promise((r) => setTimeout(r, 1100));
    const after = await login(s, TOKEN);
    expect(after.status).toBe(303);
    expect(after.cookie?.[0]).toMatch(/^genesis_session=/);
  });

  it('does not limit successful sign-ins', async () => {
    for (let i = 0; i < 15; i++) expect((await login(s, TOKEN, '/', '127.0.0.3')).status).toBe(303);
  });
});

describe('the default login limit', () => {
  const s = useTestServer('sqlite', { GENESIS_API_TOKEN: TOKEN });

  it('is 10 failed tries per minute', async () => {
    for (let i = 0; i < 10; i++) expect((await login(s, 'wrong-token-xxxxxxxx')).status).toBe(401);
    const limited = await login(s, 'wrong-token-xxxxxxxx');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(50);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
  });
});
