import { Readable } from 'node:stream';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { type FetchAPI, isAsyncIterable, type Plugin } from 'graphql-yoga';
import { sharedJson } from './shared-execution.ts';

/**
 * Server-sent events for subscriptions with one chunk per event, the bytes of a shared result encoded once for
 * every subscriber (see docs/architecture.md, "Live progress at scale").
 *
 * Yoga's own SSE processor (`getSSEProcessor`) encodes and enqueues two chunks per event and subscriber
 * (`event: next\n`, then `data: <json>\n\n`): each becomes its own socket write, and with 1,000 subscribers on one
 * job the text of the same event is encoded 1,000 times. It has no option for either, so this processor replaces
 * it for subscription streams only (queries keep yoga's processors). Its wire format is yoga's, unchanged: a
 * `:` ping first and every 12 s, `event: next` + `data: <result JSON>` per result, `event: complete` at the end,
 * so graphql-sse and EventSource clients read it as before. Results `shared-execution.ts` shares are encoded
 * once (cached against the result object); any other result (a subscriber's first event, a result with errors)
 * is serialised as yoga does, with its internal error extensions left out.
 */

const encoder = new TextEncoder();
const PING = encoder.encode(':\n\n');
const COMPLETE = encoder.encode('event: complete\ndata:\n\n');
const PING_MS = 12_000;

/** Chunks already encoded, per shared result. */
const encoded = new WeakMap<object, Uint8Array>();

/** Events sent from a shared encoding (what the fan-out tests count). */
export const sharedSseStats = { encoded: 0, reused: 0 };

function chunkOf(result: ExecutionResult): Uint8Array {
  const known = encoded.get(result);
  if (known) {
    sharedSseStats.reused++;
    return known;
  }
  const json = sharedJson(result);
  if (json === undefined) return encoder.encode(`event: next\ndata: ${stringify(result)}\n\n`);
  sharedSseStats.encoded++;
  const chunk = encoder.encode(`event: next\ndata: ${json}\n\n`);
  encoded.set(result, chunk);
  return chunk;
}

/** Chunks with the opening ping in front, per result (a stream's first write: see sse-start.ts). */
const opening = new WeakMap<object, Uint8Array>();

/**
 * The ping and a result's chunk in one piece, for a stream's first write: subscribers arriving together share
 * their first event (progress-stream.ts, `sharedCurrentState`), and so this piece.
 */
function openingChunkOf(result: ExecutionResult): Uint8Array {
  const known = opening.get(result);
  if (known) return known;
  const chunk = chunkOf(result);
  const piece = new Uint8Array(PING.length + chunk.length);
  piece.set(PING);
  piece.set(chunk, PING.length);
  opening.set(result, piece);
  return piece;
}

/**
 * A result as yoga's SSE processor writes it: errors as their JSON without the `http` and `unexpected`
 * extensions yoga keeps for itself, and no `extensions.http`.
 */
function stringify(result: ExecutionResult): string {
  const extensions = result.extensions as Record<string, unknown> | undefined;
  if (!result.errors?.length && !extensions?.http) {
    const own = (result as { stringify?: (value: unknown) => string }).stringify;
    return own ? own(result) : JSON.stringify(result);
  }
  const { http: _http, ...rest } = extensions ?? {};
  return JSON.stringify({
    ...result,
    errors: result.errors?.map(formatError),
    extensions: Object.keys(rest).length ? rest : undefined,
  });
}

function formatError(err: unknown): GraphQLFormattedError {
  const json: GraphQLFormattedError =
    err instanceof GraphQLError ? err.toJSON() : { message: String((err as Error)?.message) };
  if (!json.extensions) return json;
  const { http: _http, unexpected: _unexpected, ...extensions } = json.extensions;
  return { ...json, extensions: Object.keys(extensions).length ? extensions : undefined };
}

/**
 * A subscription's event stream as a plain Node `Readable` of encoded chunks. The server adapter pipes a Node
 * stream body straight into the HTTP response (`body.pipe(res)`); a WHATWG `ReadableStream` body went through
 * the fetch ponyfill's controller, a Node stream it wraps and their promise chains for every event and
 * subscriber: with 1,000 subscribers the server spent 46 µs of CPU per delivery that way, 38 µs with this
 * (docs/architecture.md, "Live progress at scale").
 */
class SseBody extends Readable {
  readonly #iterator: AsyncIterator<ExecutionResult>;
  readonly #ping: ReturnType<typeof setInterval>;
  #reading = false;

  constructor(result: AsyncIterable<ExecutionResult>) {
    // No read-ahead: the next event is asked for only once the last one went to the socket, so a slow client's
    // mailbox coalesces (pubsub.ts) instead of a queue growing here.
    super({ highWaterMark: 0 });
    this.#iterator = result[Symbol.asyncIterator]();
    // A first byte at once: some browsers do not hand a response over until something is streamed.
    this.push(PING);
    this.#ping = setInterval(() => {
      if (!this.destroyed && this.readableLength === 0) this.push(PING);
    }, PING_MS);
  }

  override _read(): void {
    if (this.#reading) return;
    this.#reading = true;
    this.#iterator.next().then(
      (next) => {
        this.#reading = false;
        if (this.destroyed) return;
        if (next.value != null) this.push(chunkOf(next.value));
        if (next.done) {
          clearInterval(this.#ping);
          this.push(COMPLETE);
          this.push(null);
        }
      },
      (err: unknown) => this.destroy(err as Error),
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    clearInterval(this.#ping);
    // Ends the subscription (its listener leaves the pubsub) when the client goes away.
    const returned = this.#iterator.return?.();
    if (returned) returned.then(() => callback(err), callback);
    else callback(err);
  }
}

function sseResponse(result: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI): Response {
  // Yoga's fetch API on Node is the `@whatwg-node/node-fetch` ponyfill, whose Response takes a Node stream as
  // its body (the platform's own Response would not).
  return new fetchAPI.Response(new SseBody(result) as unknown as BodyInit, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
      'Cache-Control': 'no-cache',
      'Content-Encoding': 'none',
    },
  });
}

/** Serves subscription streams asked for as `text/event-stream` with {@link sseResponse}. */
export function useSharedSse(): Plugin {
  return {
    onResultProcess({ request, result, setResultProcessor }) {
      if (!isAsyncIterable(result)) return;
      if (!(request.headers.get('accept') ?? '').includes('text/event-stream')) return;
      setResultProcessor(
        (res, fetchAPI) => sseResponse(res as AsyncIterable<ExecutionResult>, fetchAPI),
        'text/event-stream',
      );
    },
  };
}

/** The pieces of the wire format, for the SSE start path that writes to the socket itself (sse-start.ts). */
export {
  COMPLETE as sseComplete,
  chunkOf as sseChunk,
  openingChunkOf as sseOpening,
  PING as ssePing,
};
