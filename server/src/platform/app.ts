import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { EntityManager } from '@mikro-orm/knex';
import compression from 'compression';
import type { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import {
  createGraphQLError,
  createYoga,
  type FetchAPI,
  maskError,
  type Plugin,
} from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { AugmentationManager } from '../augmentation/service.ts';
import { judgeManagerFor } from '../curation/judge.ts';
import { GenerationManager, type ProviderFactory } from '../generation/service.ts';
import { datasetCard } from '../registry/card.ts';
import { type ExportFormat, exportContentType, exportRecords } from '../registry/export.ts';
import { exportParquet } from '../registry/parquet.ts';
import { openDatasetRead } from '../registry/service.ts';
import { exportZip } from '../registry/zip.ts';
import { TrainingManager } from '../training/service.ts';
import { ValidationManager } from '../validation/service.ts';
import {
  bearerMatches,
  cookieMatches,
  handleLogin,
  isAuthorized,
  type LoginLimit,
  LoginLimiter,
  sendLoginPage,
  wantsPage,
} from './auth.ts';
import { type Config, REPO_ROOT } from './config.ts';
import { initORM, type Services } from './db/orm.ts';
import { DatasetChangedError, DomainError, InputError, NotFoundError } from './errors.ts';
import type { Context } from './graphql/builder.ts';
import { schema } from './graphql/schema.ts';
import { useSharedSubscriptionExecution } from './graphql/shared-execution.ts';
import { SharedFrameSocket, shareNextPayload } from './graphql/shared-frames.ts';
import { useSharedSse } from './graphql/shared-sse.ts';
import {
  drainedOrClosed,
  type SseStartOptions,
  serveSseStart,
  sseStartCandidate,
} from './graphql/sse-start.ts';
import { StartGate } from './graphql/start-gate.ts';
import { createLogger, type Logger, yogaLogger } from './logger.ts';
import { createOriginGuard } from './origin.ts';
import { type AppPubSub, createAppPubSub } from './pubsub.ts';

export const GRAPHQL_PATH = '/graphql';
/** Clients that are not browsers must send this header with multipart uploads (CSRF prevention). */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface App {
  /** Listens on `port` (0 picks a free one) and resolves with the URL. */
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  server: Server;
  services: Services;
  pubsub: AppPubSub;
  generation: GenerationManager;
  training: TrainingManager;
  augmentation: AugmentationManager;
  yoga: ReturnType<typeof createYoga<{ req: IncomingMessage; res: ServerResponse }, Context>>;
}

export interface BuildAppOptions {
  /** Reuse open services (tests); by default the app opens the configured database and owns it. */
  services?: Services;
  /** Serve the built web app from this folder when it has a handler.js (default web/build). */
  webBuildDir?: string | null;
  /** Model providers for generation jobs (tests inject fakes or point at the emulator). */
  providers?: ProviderFactory;
  /**
   * Resume generation jobs a previous process left running, and mark its training runs failed as interrupted
   * (what `serve` does on start).
   */
  resumeInterruptedJobs?: boolean;
  /** Base delay of the runner's exponential backoff in ms (tests shorten it). */
  backoffBaseMs?: number;
  logger?: Logger;
  /** Failed sign-ins allowed per client address and window (default 10 per minute; tests shorten the window). */
  loginLimit?: LoginLimit;
}

/**
 * Compresses responses (gzip, or Brotli when the client accepts it; the `compression` middleware, which also
 * leaves responses already encoded alone, like the web app's precompressed assets): pages, GraphQL responses,
 * GraphiQL. Never an event stream (SSE subscriptions must reach the client event by event, and a compressor
 * buffers) nor a dataset export (it streams as written, and Parquet and zip are compressed already). Nor a
 * response under 8 KiB: it fits a TCP connection's first round trip (ten segments) compressed or not, and a
 * compression stream per small response was a tenth of the server's CPU at 200 items pages per second
 * (docs/benchmarks.md, "bench:load").
 */
const compress = compression({
  threshold: 8192,
  filter: (req, res) => {
    const type = String(res.getHeader('content-type') ?? '');
    if (type.startsWith('text/event-stream')) return false;
    if (/^\/datasets\/[^/]+\/export(?:\?|$)/.test(req.url ?? '')) return false;
    return compression.filter(req, res);
  },
}) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Rejects oversized request bodies before yoga buffers them (uploads are capped by GENESIS_MAX_UPLOAD_MB): by their
 * Content-Length, before reading them (Node's parser then reads exactly that many bytes, so the declared length is
 * the body's length); a body without one (chunked: a proxy, a streamed upload) is counted as it is read and refused
 * once over the limit. Yoga's own limit (off, see `createYoga`) counted every body through a stream of its own, a
 * tenth of an SSE subscription's start; here only bodies without a length pay for it.
 */
function useBodyLimit(maxBytes: number): Plugin {
  const limitText = `the limit is ${maxBytes / 1048576} MB (GENESIS_MAX_UPLOAD_MB)`;
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: `Request body is ${(length / 1048576).toFixed(1)} MB; ${limitText}`,
                  extensions: { code: 'PAYLOAD_TOO_LARGE' },
                },
              ],
            }),
            { status: 413, headers: { 'content-type': 'application/json' } },
          ),
        );
      }
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.headers.has('content-length') || !request.body || !requestParser) return;
      const parse = requestParser;
      setRequestParser((req) => parse(countedBody(req, maxBytes, limitText, fetchAPI)));
    },
  };
}

/**
 * The request with its body counted as it is read: over `maxBytes`, the read fails with a 413 error. Written here
 * because yoga keeps its own counting stream internal; the same construction (a TransformStream of the body's own
 * kind, native or ponyfill).
 */
function countedBody(request: Request, maxBytes: number, limitText: string, fetchAPI: FetchAPI) {
  const body = request.body!;
  const Transform =
    body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const counted = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) {
          controller.error(
            createGraphQLError(
              `Request body is over ${(maxBytes / 1048576).toFixed(1)} MB; ${limitText}`,
              {
                extensions: { http: { status: 413 }, code: 'PAYLOAD_TOO_LARGE' },
              },
            ),
          );
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: counted,
    duplex: 'half',
  } as RequestInit);
}

/**
 * How the API masks an error (yoga's `maskedErrors.maskError`, and the SSE start path's): a domain error keeps its
 * message and gets a code (BAD_USER_INPUT with its issues, NOT_FOUND, DOMAIN_ERROR); anything else is masked.
 */
function maskApiError(error: unknown, message: string, isDev?: boolean): Error {
  // Duck-typed: under vitest graphql's CJS and ESM builds can both be loaded, breaking instanceof.
  const located = error as Partial<GraphQLError>;
  const original = located.originalError ?? error;
  if (original instanceof DomainError) {
    const code =
      original instanceof InputError
        ? 'BAD_USER_INPUT'
        : original instanceof NotFoundError
          ? 'NOT_FOUND'
          : 'DOMAIN_ERROR';
    return createGraphQLError(original.message, {
      ...(located.nodes ? { nodes: located.nodes } : {}),
      ...(located.path ? { path: located.path } : {}),
      extensions: {
        code,
        ...(original instanceof InputError ? { issues: original.issues } : {}),
      },
    });
  }
  return maskError(error, message, isDev);
}

/**
 * Gives a request's context its own EntityManager, forked when a resolver first reads `ctx.em`: a subscription's
 * start never queries (its first event is the job's state in memory), and a thousand starts at once spent 4-5% of
 * the burst in `em.fork()`. Envelop builds the context by `Object.assign` of what the context function returns onto
 * the initial context object, which would read a getter on the returned object at once (and fork): the getter is
 * defined on that initial object instead, and the context function returns everything but `em`.
 */
function defineLazyFork(initial: object, services: Services): void {
  let em: EntityManager | undefined;
  Object.defineProperty(initial, 'em', {
    configurable: true,
    enumerable: true,
    get: () => {
      em ??= services.em.fork();
      return em;
    },
  });
}

/** A request for an event stream: over /graphql, a subscription by SSE. */
function wantsEventStream(req: IncomingMessage): boolean {
  return req.headers.accept?.includes('text/event-stream') ?? false;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function loadWebHandler(
  dir: string | null | undefined,
  maxBodyBytes: number,
): Promise<NodeHandler | null> {
  if (dir === null) return null;
  // adapter-node reads BODY_SIZE_LIMIT when its handler loads; form posts (an upload without JavaScript) may be as
  // large as the API's own upload limit.
  process.env.BODY_SIZE_LIMIT ??= String(maxBodyBytes);
  const file = resolve(dir ?? resolve(REPO_ROOT, 'web/build'), 'handler.js');
  if (!existsSync(file)) return null;
  const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
  return mod.handler;
}

/**
 * Builds the whole server: GraphQL over HTTP (and SSE) and graphql-ws on one path, the export endpoint, health
 * checks, and the web app when it is built. Nothing listens until `start()`.
 */
export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<App> {
  const services = options.services ?? (await initORM(config.db));
  const ownsServices = !options.services;
  const logger = options.logger ?? createLogger(config);
  const pubsub = createAppPubSub({
    redisUrl: config.redisUrl,
    // Once per 30 s at most: ioredis reports every reconnect attempt.
    onError: (() => {
      let last = 0;
      return (err: Error) => {
        if (Date.now() - last < 30_000) return;
        last = Date.now();
        logger.warn({ err: err.message }, 'Redis event bus unavailable; retrying');
      };
    })(),
  });
  const generation = new GenerationManager(services, pubsub, config, options.providers, {
    ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
    logger,
  });
  if (options.resumeInterruptedJobs) {
    await generation.resumeInterrupted();
    generation.startTakeover();
  }
  const training = new TrainingManager(services, pubsub, {
    leaseSeconds: config.leaseSeconds,
    logger,
  });
  if (options.resumeInterruptedJobs) {
    // Training runs can't resume mid-fit: those of a dead process are marked failed, to be started again.
    await training.recoverInterrupted();
    training.startRecovery();
  }
  // LLM-judge runs (docs/curation.md, "LLM judge"): the resolvers share this manager; `serve` resumes the runs a
  // dead process left.
  const judges = judgeManagerFor(services, pubsub, config);
  if (options.resumeInterruptedJobs) await judges.resumeInterrupted();
  const validation = new ValidationManager(services);
  const augmentation = new AugmentationManager(services, pubsub, config, generation, training, {
    logger,
  });
  if (options.resumeInterruptedJobs) {
    await augmentation.resumeInterrupted();
    augmentation.startTakeover();
  }
  const webHandler = await loadWebHandler(options.webBuildDir, config.maxUploadBytes);

  // The addresses `start` bound, for the Host check (every interface address when bound to 0.0.0.0 or ::).
  let boundHosts: string[] = [config.host];
  const guard = createOriginGuard({
    allowedOrigins: config.allowedOrigins,
    publicHosts: config.publicHosts,
    boundHosts: () => boundHosts,
  });
  const loginLimiter = new LoginLimiter(options.loginLimit);
  // Subscription starts over SSE and graphql-ws, and WebSocket handshakes, spread over event-loop turns (a burst
  // must not stall a running job).
  const subscriptionStarts = new StartGate();

  const yoga = createYoga<{ req: IncomingMessage; res: ServerResponse }, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // Yoga caps request bodies (multipart uploads included) at 25,000,000 bytes by default, whatever
    // GENESIS_MAX_UPLOAD_MB says, by counting each body's bytes through a stream of its own. useBodyLimit below
    // enforces GENESIS_MAX_UPLOAD_MB (by the declared length, and by counting only bodies without one): yoga's is off.
    maxRequestBodySize: false,
    renderGraphiQL,
    graphiql: {
      title: 'GENESIS-LAB API',
      subscriptionsProtocol: 'WS',
      ...(config.apiToken ? { headers: JSON.stringify({ authorization: 'Bearer <token>' }) } : {}),
    },
    landingPage: false,
    // Never reflects an arbitrary origin: CORS headers go only to GENESIS_ALLOWED_ORIGINS, with that exact
    // origin. Other cross-origin requests are refused before yoga (see `handle`); same-origin ones need none.
    cors: (request) => {
      const origin = guard.corsOrigin(request.headers.get('origin'));
      return origin ? { origin, credentials: true } : false;
    },
    // Expected failures on fields that have no result union (queries, connection arguments) keep their message and
    // get a code; everything else stays masked.
    maskedErrors: { maskError: maskApiError },
    logging: config.logLevel === 'silent' ? false : yogaLogger(logger),
    context: (initial) => {
      // `em` is on the initial context itself, forked when first read (see `defineLazyFork`).
      defineLazyFork(initial, services);
      const rest: Omit<Context, 'em'> = {
        services,
        pubsub,
        config,
        generation,
        training,
        validation,
        augmentation,
      };
      return rest as Context;
    },
    plugins: [
      useBodyLimit(config.maxUploadBytes),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      // Progress events: one execution per event and selection, shared by every subscriber (both transports).
      useSharedSubscriptionExecution(['generationProgress', 'trainingProgress']),
      // Subscriptions over SSE: one chunk per event, a shared result's bytes encoded once.
      useSharedSse(),
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        maxAliases: { n: 15 },
        // Armor multiplies by page sizes: a 20x20 nested page costs about 23k, a 500x500 one 22M.
        costLimit: { maxCost: 200_000 },
        maxTokens: { n: 2000 },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: true },
      }),
    ],
  });

  const sseStarts: SseStartOptions = {
    yoga,
    maskError: maskApiError,
    needsCors: (req) => guard.corsOrigin(req.headers.origin ?? null) !== null,
  };

  const server = createServer((req, res) => {
    const run = () => {
      handle(req, res).catch((err: unknown) => {
        logger.error({ err, url: req.url }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
        else res.destroy();
      });
    };
    // An event stream is never compressed (see `compress`): such a request skips the middleware's wrapping of the
    // response, a cost per subscription start.
    if (wantsEventStream(req)) run();
    else compress(req, res, run);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Liveness is the one open path; readiness tells about the database, so it needs the token like the rest.
    // Liveness answers to any Host too: load balancers probe by address, and it tells nothing.
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (refuseCrossSite(req, url, res)) return;
    if (config.apiToken && url.pathname === '/login') {
      if (req.method === 'POST') return handleLogin(config.apiToken, req, res, loginLimiter);
      return sendLoginPage(res, url.searchParams.get('next') ?? '/', null, 200);
    }
    if (config.apiToken && !isAuthorized(config.apiToken, req)) {
      if (wantsPage(req)) return sendLoginPage(res, `${url.pathname}${url.search}`, null);
      return sendJson(
        res,
        401,
        {
          errors: [
            {
              message:
                'Missing or wrong API token: send "Authorization: Bearer <GENESIS_API_TOKEN>"',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        },
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (url.pathname === '/readyz') return sendJson(res, ...(await readiness()));
    if (url.pathname === GRAPHQL_PATH || url.pathname.startsWith(`${GRAPHQL_PATH}/`)) {
      if (wantsEventStream(req)) {
        // An event stream is a subscription (over SSE): its start waits for a turn of its own, and skips yoga's
        // HTTP layer when it can (graphql/sse-start.ts).
        await subscriptionStarts.turn();
        if (sseStartCandidate(req, url.pathname, GRAPHQL_PATH))
          return serveSseStart(sseStarts, req, res);
      }
      return yoga.handle(req, res);
    }
    const exportMatch = /^\/datasets\/([^/]+)\/export$/.exec(url.pathname);
    if (exportMatch && (req.method === 'GET' || req.method === 'HEAD')) {
      return exportDataset(exportMatch[1]!, url.searchParams.get('format'), res);
    }
    if (webHandler) return webHandler(req, res, () => sendJson(res, 404, { error: 'Not found' }));
    if (url.pathname === '/') {
      res.writeHead(302, { location: GRAPHQL_PATH });
      return void res.end();
    }
    return sendJson(res, 404, { error: `Not found: ${url.pathname}` });
  }

  /**
   * Refuses (and answers) a request for a Host this server does not answer for (421), or a cross-origin one
   * (403): for the API (/graphql, SSE included, and exports) whatever the method, for everything else
   * (sign-in, the web app's form actions) when it is not a GET or HEAD. Answers an allow-listed origin's CORS
   * preflight itself, before the token check (preflights carry no credentials). Returns true when it
   * answered. The rules are in origin.ts; WebSocket upgrades go through the same guard.
   */
  function refuseCrossSite(req: IncomingMessage, url: URL, res: ServerResponse): boolean {
    const wrongHost = guard.checkHost(req.headers);
    if (wrongHost) {
      sendJson(res, 421, { errors: [{ message: wrongHost, extensions: { code: 'MISDIRECTED' } }] });
      return true;
    }
    const graphql = url.pathname === GRAPHQL_PATH || url.pathname.startsWith(`${GRAPHQL_PATH}/`);
    const api = graphql || /^\/datasets\/[^/]+\/export$/.test(url.pathname);
    if (api) res.setHeader('vary', 'Origin');
    if (!api && (req.method === 'GET' || req.method === 'HEAD')) return false;
    const refused = guard.checkOrigin(req.headers);
    if (refused) {
      sendJson(res, 403, { errors: [{ message: refused, extensions: { code: 'FORBIDDEN' } }] });
      return true;
    }
    const cors = api ? guard.corsOrigin(req.headers.origin) : null;
    if (!cors) return false;
    // Yoga adds these to its own answers (its `cors` option); the export endpoint and preflights get them here.
    const corsHeaders = {
      'access-control-allow-origin': cors,
      'access-control-allow-credentials': 'true',
    };
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204, {
        ...corsHeaders,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers':
          req.headers['access-control-request-headers'] ?? 'content-type, authorization',
        'access-control-max-age': '600',
        'content-length': '0',
      });
      res.end();
      return true;
    }
    if (!graphql) {
      for (const [name, value] of Object.entries(corsHeaders)) res.setHeader(name, value);
    }
    return false;
  }

  /** Ready when the database answers and every committed migration is applied. */
  async function readiness(): Promise<[number, Record<string, unknown>]> {
    try {
      await services.em.getConnection().execute('select 1');
      const pending = await services.orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) {
        return [503, { status: 'not ready', reason: `${pending.length} migration(s) not applied` }];
      }
      return [200, { status: 'ready', database: services.db.type }];
    } catch {
      return [503, { status: 'not ready', reason: 'database unreachable' }];
    }
  }

  async function exportDataset(rawId: string, rawFormat: string | null, res: ServerResponse) {
    const format = rawFormat ?? 'jsonl';
    if (!['jsonl', 'csv', 'parquet', 'card', 'zip'].includes(format)) {
      return sendJson(res, 400, {
        error: `format must be jsonl, csv, parquet, card or zip, got "${rawFormat}"`,
      });
    }
    const id = /^\d+$/.test(rawId) ? Number(rawId) : Number.NaN;
    if (!Number.isSafeInteger(id)) {
      return sendJson(res, 404, { error: `Dataset ${rawId} does not exist` });
    }
    // Registered before the first read: a delete meanwhile is refused, or (forced) aborts this export.
    const use = services.usage.begin(id, 'export');
    try {
      // One snapshot of the items for the whole file; fewer found than it counted fails the export.
      const read = await openDatasetRead(services, id, use.signal);
      if (!read) return sendJson(res, 404, { error: `Dataset ${rawId} does not exist` });
      const { dataset, snapshot } = read;
      const base = dataset.name.replace(/[^\w.-]+/g, '_');
      const items = () => read.items() as never;
      const attachment = (name: string, type: string, extra: Record<string, string> = {}) =>
        res.writeHead(200, {
          'content-type': type,
          'content-disposition': `attachment; filename="${name}"`,
          'x-item-count': String(snapshot.count),
          ...extra,
        });
      if (format === 'parquet' || format === 'card' || format === 'zip') {
        // Built whole before anything is sent: a failure is still an ordinary error response.
        let bytes: Uint8Array | string;
        try {
          bytes =
            format === 'parquet'
              ? await exportParquet(dataset.kind, items())
              : format === 'zip'
                ? await exportZip(services, dataset.id, dataset.kind, base, items)
                : await datasetCard(services, dataset.id);
        } catch (err) {
          if (err instanceof NotFoundError || err instanceof DatasetChangedError) {
            return sendJson(res, err instanceof NotFoundError ? 404 : 409, { error: err.message });
          }
          throw err;
        }
        if (format === 'card') attachment('README.md', 'text/markdown; charset=utf-8');
        else {
          attachment(
            `${base}.${format}`,
            format === 'zip' ? 'application/zip' : 'application/vnd.apache.parquet',
            { 'content-length': String(bytes.length) },
          );
        }
        return void res.end(bytes);
      }
      attachment(`${base}.${format}`, exportContentType(format as ExportFormat));
      // A forced delete stops the export at once, even while it waits for a slow client.
      const onAbort = () => res.destroy();
      use.signal.addEventListener('abort', onAbort, { once: true });
      try {
        for await (const chunk of exportRecords(dataset.kind, items(), format as ExportFormat)) {
          if (res.destroyed) return;
          if (!res.write(chunk)) await drainedOrClosed(res);
        }
        if (!res.destroyed) res.end();
      } catch (err) {
        // The headers and part of the file are out: only a connection closed before the terminating chunk tells
        // the client the file is incomplete (fetch and curl report it), never a short file that looks whole.
        logger.warn(
          { err: err instanceof Error ? err.message : String(err), datasetId: id },
          'export stopped before the end; connection closed',
        );
        res.destroy();
      } finally {
        use.signal.removeEventListener('abort', onAbort);
      }
    } finally {
      use.end();
    }
  }

  // Sockets that send a shared progress event's JSON, made once, to every subscriber (graphql/shared-frames.ts).
  const wss = new WebSocketServer({ noServer: true, WebSocket: SharedFrameSocket });
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== GRAPHQL_PATH) return void socket.destroy();
    // Browsers send Origin on every WebSocket and no CORS applies to them: the same Host and Origin rules as
    // HTTP, checked before the upgrade (a session cookie from another origin never gets a socket).
    const wrongHost = guard.checkHost(req.headers);
    const refused = wrongHost ?? guard.checkOrigin(req.headers);
    if (refused) {
      const status = wrongHost ? '421 Misdirected Request' : '403 Forbidden';
      // A client that resets the connection meanwhile must not become an unhandled socket error.
      socket.on('error', () => undefined);
      socket.end(
        `HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(refused)}\r\n\r\n${refused}`,
      );
      return;
    }
    // The handshake waits for a turn too (a thousand connections at once, see subscriptionStarts).
    socket.on('error', () => undefined);
    void subscriptionStarts.turn().then(() => {
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
  });

  useServer(
    {
      // Auth happens in connection_init: browsers cannot set headers on a WebSocket.
      onConnect: (ctx) => {
        if (!config.apiToken) return true;
        const auth = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (bearerMatches(config.apiToken, typeof auth === 'string' ? auth : null)) return true;
        // The web app's WebSocket carries the session cookie of a signed-in browser.
        if (cookieMatches(config.apiToken, ctx.extra.request.headers.cookie)) return true;
        ctx.extra.socket.close(4401, 'Unauthorized');
        return false;
      },
      // biome-ignore lint/suspicious/noExplicitAny: yoga's enveloped execute/subscribe travel through rootValue (yoga's graphql-ws recipe)
      execute: (args: any) => args.rootValue.execute(args),
      // biome-ignore lint/suspicious/noExplicitAny: see above
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onNext: shareNextPayload,
      onSubscribe: async (ctx, _id, params) => {
        await subscriptionStarts.turn();
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
  );

  return {
    server,
    services,
    pubsub,
    generation,
    training,
    augmentation,
    yoga,
    start: (port = config.port, host = config.host) =>
      new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        // Node's default accept queue (511) overflows when hundreds of clients connect at once (1,000 live
        // subscribers reconnecting after a restart): the kernel drops their SYNs and they retry after 1, 3, 7 s...
        // The kernel caps this at net.core.somaxconn (docs/benchmarks.md, "bench:load").
        server.listen({ port, host, backlog: 4096 }, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          boundHosts = [host, addr.address];
          const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          resolvePromise(`http://${shownHost}:${addr.port}`);
        });
      }),
    stop: async () => {
      // Running jobs stop where they are; their state stays resumable (and `serve` resumes them on start).
      // Augmentations first: they wait on jobs and runs, and must not take their stop for a failure.
      await augmentation.stopAll();
      await Promise.all([generation.stopAll(), training.stopAll(), judges.stopAll()]);
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await new Promise<void>((r) => wss.close(() => r()));
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Open SSE streams and keep-alive sockets would otherwise hold close() until they time out.
      server.closeAllConnections();
      await closed;
      await pubsub.close();
      if (ownsServices) await services.close();
    },
  };
}
