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

function sseResponse(result: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI): Response {
  const iterator = result[Symbol.asyncIterator]();
  let ping: ReturnType<typeof setInterval> | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      // A first byte at once: some browsers do not hand a response over until something is streamed.
      controller.enqueue(PING);
      ping = setInterval(() => {
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(PING);
      }, PING_MS);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.value != null) controller.enqueue(chunkOf(next.value));
        if (next.done) {
          controller.enqueue(COMPLETE);
          clearInterval(ping);
          controller.close();
        }
      } catch (err) {
        clearInterval(ping);
        controller.error(err);
      }
    },
    async cancel(reason) {
      clearInterval(ping);
      await iterator.return?.(reason);
    },
  });
  return new fetchAPI.Response(body, {
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
