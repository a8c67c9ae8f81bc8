import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendNodeResponse } from '@whatwg-node/server';
import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
  getOperationAST,
  type OperationDefinitionNode,
} from 'graphql';
import { getSSEProcessor, isAsyncIterable, type YogaServerInstance } from 'graphql-yoga';
import { sseChunk, sseComplete, sseOpening, ssePing } from './shared-sse.ts';

/**
 * The start of a subscription over SSE without yoga's HTTP layer (see docs/architecture.md, "Live progress at
 * scale").
 *
 * Yoga serves a request through the fetch API: a `Request` made from the Node request, its body read through a
 * web stream, the parameters checked by plugins, a `Response` whose body is a stream piped into the Node
 * response. For a query that is a few microseconds among many; for a subscription it is most of a start, and a
 * thousand clients subscribing to one job at once (a team's dashboards after a deploy) pay it a thousand times:
 * on the 2-core machine the last of them got its first event after 0.8-1.35 s, against 0.6-0.7 s over graphql-ws,
 * whose starts skip that layer. This path does for SSE what the graphql-ws server does: yoga's own enveloped
 * parse, validate, context and subscribe (every envelop plugin runs: the parse and validation caches, armor,
 * masked errors, the shared subscription execution), then events written straight to the socket, the first one
 * with the response headers in a single write.
 *
 * It takes only what it can serve exactly as yoga would: a POST to the endpoint whose JSON body (with a declared
 * length) is one well-formed subscription operation, asked for as `text/event-stream`, with no CORS headers to
 * add. Anything else (a GET, a body yoga would refuse, a parse or validation error, a query or mutation) is
 * handed to yoga with the body already read, and yoga answers it as it answers any request. A subscription
 * whose start fails (an unknown job) is answered with yoga's own SSE processor. The wire format is the same as
 * `shared-sse.ts` writes (yoga's): a `:` comment first (here in the same write as the first event when that is
 * ready at once), `event: next` per result, `event: complete` at the end, pings every 12 s.
 */

/** Bodies this path reads itself: a subscription's JSON is a few hundred bytes, a large body goes to yoga. */
const MAX_BODY_BYTES = 64 * 1024;
const PING_MS = 12_000;
/** How long the first event may take before the headers and a ping go out alone. */
const FIRST_EVENT_WAIT_MS = 20;
const PARAM_KEYS = new Set(['query', 'variables', 'operationName', 'extensions']);

interface Params {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

// biome-ignore lint/suspicious/noExplicitAny: the server's context types do not matter here
type Yoga = YogaServerInstance<any, any>;

export interface SseStartOptions {
  yoga: Yoga;
  /** Errors thrown by a running subscription, masked as yoga masks them (its `maskedErrors.maskError`). */
  maskError: (error: unknown, message: string) => Error;
  /** Whether yoga would add CORS headers to this request's response (then yoga serves it). */
  needsCors: (req: IncomingMessage) => boolean;
}

/** Whether the request is one this path may take before its body is read (see the module comment). */
export function sseStartCandidate(req: IncomingMessage, pathname: string, endpoint: string) {
  if (req.method !== 'POST' || pathname !== endpoint) return false;
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length >= 0 && length <= MAX_BODY_BYTES;
}

/**
 * Serves a candidate request (see {@link sseStartCandidate}): the subscription's stream, or yoga's answer to
 * whatever else the body holds.
 */
export async function serveSseStart(
  options: SseStartOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  if (body === null) return; // the client went away while sending
  const params = options.needsCors(req) ? null : paramsOf(body);
  let result: Awaited<ReturnType<typeof startSubscription>>;
  try {
    result = params && (await startSubscription(options.yoga, req, res, params));
  } catch (err) {
    // As yoga answers an operation that throws (rather than returning errors): masked.
    result = { errors: [options.maskError(err, 'Unexpected error.') as GraphQLError] };
  }
  if (!result) return sendYoga(options.yoga, req, res, body);
  if (!isAsyncIterable(result)) {
    // The subscription did not start (its resolver failed, or its variables did not fit): yoga's answer.
    const response = await getSSEProcessor()(result, options.yoga.fetchAPI, 'text/event-stream');
    return sendNodeResponse(response, res, req, false);
  }
  streamEvents(result as AsyncIterable<ExecutionResult>, res, options.maskError);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
    req.on('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

/** The body's parameters when they are exactly what yoga's checks accept for one operation; else null. */
function paramsOf(body: Buffer): Params | null {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const p = value as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!PARAM_KEYS.has(key)) return null;
  if (typeof p.query !== 'string') return null;
  if (p.operationName != null && typeof p.operationName !== 'string') return null;
  if (!isObjectOrNull(p.variables) || !isObjectOrNull(p.extensions)) return null;
  return p as unknown as Params;
}

function isObjectOrNull(v: unknown): boolean {
  return v == null || (typeof v === 'object' && !Array.isArray(v));
}

/**
 * Parses, validates and subscribes as graphql-ws's server does with yoga (`getEnveloped`); null when the
 * operation is not a valid subscription (nothing executed: yoga then serves the request).
 */
async function startSubscription(
  yoga: Yoga,
  req: IncomingMessage,
  res: ServerResponse,
  params: Params,
): Promise<ExecutionResult | AsyncIterable<ExecutionResult> | null> {
  const { schema, parse, validate, contextFactory, subscribe } = yoga.getEnveloped({
    req,
    res,
    params,
  });
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return null;
  }
  if (validate(schema, document).length > 0) return null;
  const operation: OperationDefinitionNode | null | undefined = getOperationAST(
    document,
    params.operationName,
  );
  if (operation?.operation !== 'subscription') return null;
  return subscribe({
    schema,
    document,
    operationName: params.operationName,
    variableValues: params.variables,
    contextValue: await contextFactory(),
  });
}

/**
 * Writes the events: the headers with the first one (or with a ping when it takes longer than
 * FIRST_EVENT_WAIT_MS), then each as it comes, asking for the next one only once the last left (a slow client's
 * mailbox coalesces in the pubsub instead of a queue growing here).
 */
function streamEvents(
  results: AsyncIterable<ExecutionResult>,
  res: ServerResponse,
  maskError: SseStartOptions['maskError'],
) {
  const iterator = results[Symbol.asyncIterator]();
  let closed = false;
  let ping: ReturnType<typeof setInterval> | undefined;
  res.on('close', () => {
    closed = true;
    clearTimeout(firstWait);
    clearInterval(ping);
    void iterator.return?.();
  });
  // The stream ends with the connection (HTTP/1.1 allows a body with neither a length nor chunks to be delimited
  // by the close): Node's chunked framing wraps every event in a size line and a CRLF of its own, a write of
  // three pieces per event and subscriber that cost twice the socket time of one piece in the 1,000-subscriber
  // fan-out. A stream is one connection anyway (EventSource and graphql-sse open one per subscription).
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    Connection: 'close',
    'Cache-Control': 'no-cache',
    'Content-Encoding': 'none',
  });
  // Opened: the headers and a first piece (the ping, alone or with the first event) went out; pings follow.
  let opened = false;
  const open = () => {
    opened = true;
    clearTimeout(firstWait);
    ping = setInterval(() => {
      if (res.writableLength === 0) res.write(ssePing);
    }, PING_MS);
  };
  const firstWait = setTimeout(() => {
    open();
    res.write(ssePing);
  }, FIRST_EVENT_WAIT_MS);
  const write = (result: ExecutionResult): boolean => {
    if (opened) return res.write(sseChunk(result));
    open();
    return res.write(sseOpening(result));
  };
  const finish = (last?: ExecutionResult) => {
    if (!opened) {
      open();
      res.write(ssePing);
    }
    if (last) write(last);
    clearInterval(ping);
    res.end(sseComplete);
  };
  const pump = async () => {
    for (;;) {
      let next: IteratorResult<ExecutionResult>;
      try {
        next = await iterator.next();
      } catch (err) {
        // As yoga does: a failure in a running subscription is its last event, masked.
        void iterator.return?.();
        if (!closed) finish({ errors: [maskError(err, 'Unexpected error.') as GraphQLError] });
        return;
      }
      if (closed) return;
      if (next.done) return finish();
      if (!write(next.value)) await drainedOrClosed(res);
    }
  };
  pump().catch(() => res.destroy());
}

/** Resolves when the response can take more data, or when its connection is gone (the client left). */
export function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Hands the request, its body already read, to yoga, and sends yoga's response. */
async function sendYoga(yoga: Yoga, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const response = await yoga.fetch(
    `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`,
    { method: req.method, headers, body },
    { req, res },
  );
  // Written as yoga's own server adapter writes its answers: a subscription's stream (`SseBody`, shared-sse.ts)
  // is destroyed when the client leaves, which ends the subscription.
  await sendNodeResponse(response, res, req, false);
}
