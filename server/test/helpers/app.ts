import { request } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { type App, type BuildAppOptions, buildApp, CSRF_HEADER } from '../../src/platform/app.ts';
import { type Config, loadConfig } from '../../src/platform/config.ts';
import type { TempDatabase } from '../../src/platform/db/temp-database.ts';
import { createTempDatabase, type DbKind } from './databases.ts';

export interface TestServer {
  app: App;
  url: string;
  config: Config;
  /** POSTs a GraphQL operation as JSON and returns the parsed body. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** Uploads a file with the GraphQL multipart request spec. */
  upload<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    file: { name: string; content: string | Uint8Array; type?: string },
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string }[] } }>;
  close(): Promise<void>;
}

/**
 * A test server for the enclosing `describe`: started before its tests ({@link startTestServer}) and closed
 * after them. The handle reaches the running server from inside a test or hook; read before the server
 * started, it throws.
 */
export function useTestServer(
  kind: DbKind = 'sqlite',
  env: Record<string, string> = {},
  options: BuildAppOptions = {},
): TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(kind, env, options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return new Proxy({} as TestServer, {
    get(_target, key) {
      if (!server)
        throw new Error('the test server is not started yet: use it inside a test or hook');
      const value = server[key as keyof TestServer];
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}

/** Starts the real server (HTTP + WebSocket) on a free port with a fresh database of the given kind. */
export async function startTestServer(
  kind: DbKind = 'sqlite',
  env: Record<string, string> = {},
  options: BuildAppOptions = {},
): Promise<TestServer> {
  const temp: TempDatabase = await createTempDatabase(kind);
  const config = loadConfig({
    ...(temp.db.type === 'sqlite' ? { GENESIS_DB: temp.db.path } : { DATABASE_URL: temp.db.url }),
    GENESIS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await buildApp(config, { webBuildDir: null, ...options });
  const url = await app.start(0, '127.0.0.1');
  const auth: Record<string, string> = config.apiToken
    ? { authorization: `Bearer ${config.apiToken}` }
    : {};
  return {
    app,
    url,
    config,
    async gql(query, variables, headers) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return res.json() as never;
    },
    async upload(query, variables, file, headers) {
      const form = new FormData();
      form.set('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
      form.set('map', JSON.stringify({ 0: ['variables.file'] }));
      form.set(
        '0',
        new Blob([file.content as BlobPart], { type: file.type ?? 'text/plain' }),
        file.name,
      );
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { [CSRF_HEADER]: '1', ...auth, ...headers },
        body: form,
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    async close() {
      await app.stop();
      await temp.drop();
    },
  };
}

/**
 * POSTs `parts` to the server's /graphql as a chunked body (no Content-Length: what a proxy or a streamed upload
 * sends), each part its own write. Resolves with the status and the parsed JSON answer.
 */
export function chunkedPost(
  baseUrl: string,
  parts: readonly string[],
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/graphql', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const part of parts.slice(0, -1)) req.write(part);
    req.end(parts[parts.length - 1]);
  });
}
