import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/app.ts';

/** One raw HTTP exchange (no client-side decoding, unlike fetch): status, headers and the body's bytes. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

const decode = (encoding: unknown, body: Buffer) =>
  (encoding === 'br'
    ? brotliDecompressSync(body)
    : encoding === 'gzip'
      ? gunzipSync(body)
      : body
  ).toString('utf8');

const WEB_BUILD = resolve(import.meta.dirname, '../../web/build');

describe('compressed responses', () => {
  // The built web app when there is one (`pnpm run build`), so its pages are checked too.
  const s = useTestServer(
    'sqlite',
    {},
    existsSync(resolve(WEB_BUILD, 'handler.js')) ? { webBuildDir: WEB_BUILD } : {},
  );

  it('serves GraphiQL compressed with Brotli or gzip, decompressing to the same page', async () => {
    const page = `${s.url}/graphql`;
    const accept = { accept: 'text/html' };
    const plain = await raw(page, { headers: { ...accept, 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toMatch(/graphiql/i);
    for (const encoding of ['br', 'gzip']) {
      const packed = await raw(page, { headers: { ...accept, 'accept-encoding': encoding } });
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.headers.vary).toMatch(/accept-encoding/i);
      expect(packed.body.length).toBeLessThan(plain.body.length / 3);
      expect(decode(encoding, packed.body)).toBe(plain.body.toString());
    }
  });

  it('compresses GraphQL responses', async () => {
    const body = JSON.stringify({ query: '{ __schema { types { name description } } }' });
    const headers = { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' };
    const packed = await raw(`${s.url}/graphql`, { method: 'POST', headers, body });
    expect(packed.status).toBe(200);
    expect(['br', 'gzip']).toContain(packed.headers['content-encoding']);
    const json = JSON.parse(decode(packed.headers['content-encoding'], packed.body));
    expect(json.data.__schema.types.some((t: { name: string }) => t.name === 'Dataset')).toBe(true);
  });

  it('leaves a response under 8 KiB uncompressed (it fits the first round trip either way)', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const headers = { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' };
    const small = await raw(`${s.url}/graphql`, { method: 'POST', headers, body });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toEqual({ data: { __typename: 'Query' } });
  });

  it.skipIf(!existsSync(resolve(WEB_BUILD, 'handler.js')))(
    'compresses the web app’s pages (skipped without a web build: pnpm run build)',
    async () => {
      const plain = await raw(`${s.url}/help`, { headers: { 'accept-encoding': 'identity' } });
      const packed = await raw(`${s.url}/help`, { headers: { 'accept-encoding': 'gzip' } });
      expect(plain.status).toBe(200);
      expect(packed.headers['content-encoding']).toBe('gzip');
      expect(decode('gzip', packed.body)).toMatch(/<html/);
    },
  );

  it('streams SSE subscriptions uncompressed, event by event', async () => {
    const first = await new Promise<{ text: string; ended: boolean; encoding: unknown }>(
      (done, fail) => {
        const req = request(
          `${s.url}/graphql`,
          {
            method: 'POST',
            headers: {
              accept: 'text/event-stream',
              'content-type': 'application/json',
              'accept-encoding': 'gzip, br',
            },
          },
          (res) => {
            let ended = false;
            res.on('end', () => {
              ended = true;
            });
            let text = '';
            res.on('data', (chunk: Buffer) => {
              text += chunk.toString('utf8');
              // The first event reaches us while the stream is still open: nothing buffered it.
              if (text.includes('event: next')) {
                done({ text, ended, encoding: res.headers['content-encoding'] });
                req.destroy();
              }
            });
            res.on('error', fail);
          },
        );
        req.on('error', (err) => {
          if (!req.destroyed) fail(err);
        });
        req.end(JSON.stringify({ query: 'subscription { registryChanged { type datasetId } }' }));
        void (async () => {
          await expect
            .poll(() => s.app.pubsub.subscriberCount('registry:changed'))
            .toBeGreaterThan(0);
          s.app.pubsub.publish('registry:changed', { type: 'DELETED', datasetId: 41 });
        })().catch(fail);
      },
    );
    // Yoga marks its event streams `content-encoding: none`, so proxies leave them alone too.
    expect([undefined, 'none']).toContain(first.encoding);
    expect(first.ended).toBe(false);
    expect(first.text).toMatch(/"datasetId":"41"/);
  });
});
