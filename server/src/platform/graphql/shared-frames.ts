import type { ExecutionResult } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import WebSocket from 'ws';
import { sharedJson } from './shared-execution.ts';

/**
 * graphql-ws frames for shared subscription results, serialised once per event and selection instead of once
 * per subscriber (see docs/architecture.md, "Live progress at scale").
 *
 * graphql-ws builds every `next` message itself: `JSON.stringify({ id, type: 'next', payload })`, the payload
 * being the result (or what its `onNext` hook returns) and the id the subscriber's own. With 1,000 subscribers
 * on one job that is 1,000 serialisations of the same progress event. Its hooks cannot hand it JSON text, so:
 * `onNext` ({@link shareNextPayload}) gives it a small placeholder payload for a result `shared-execution.ts`
 * shares and holds the result's JSON (made once for all subscribers) on the subscriber's socket; the socket
 * ({@link SharedFrameSocket}, the class the WebSocket server creates) then sends, in place of the placeholder
 * frame, `{"id":<the id graphql-ws wrote>,"type":"next","payload":<the shared JSON>}`. graphql-ws awaits
 * `onNext` and then sends that subscription's message before it takes its next event, so one held JSON per
 * subscription id and socket is enough.
 */

/** A payload no GraphQL result has (results have only data, errors and extensions). */
const PLACEHOLDER = Object.freeze({ 'genesis:shared': true });
const HEAD = '{"id":';
const TAIL = `,"type":"next","payload":${JSON.stringify(PLACEHOLDER)}}`;

/** Frames sent with a shared payload spliced in (what the fan-out tests count). */
export const sharedFrameStats = { spliced: 0 };

export class SharedFrameSocket extends WebSocket {
  /** Per subscription id: the JSON of the payload its next `next` message carries. */
  readonly #held = new Map<string, string>();

  hold(id: string, json: string): void {
    this.#held.set(id, json);
  }

  // biome-ignore lint/suspicious/noExplicitAny: ws's own overloads (data, [options], [callback]) pass through
  override send(data: any, ...rest: any[]): void {
    if (typeof data === 'string' && data.endsWith(TAIL) && data.startsWith(HEAD)) {
      // The id as graphql-ws wrote it (a JSON string, escapes and all).
      const idJson = data.slice(HEAD.length, data.length - TAIL.length);
      const id = JSON.parse(idJson) as string;
      const json = this.#held.get(id);
      if (json !== undefined) {
        this.#held.delete(id);
        sharedFrameStats.spliced++;
        data = `${HEAD}${idJson},"type":"next","payload":${json}}`;
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    (super.send as (...args: any[]) => void)(data, ...rest);
  }
}

/**
 * graphql-ws's `onNext` hook: for a shared result on a {@link SharedFrameSocket}, holds its JSON for the frame and
 * returns the placeholder; otherwise nothing (graphql-ws serialises the result as usual).
 */
export function shareNextPayload(
  ctx: WsContext<Record<string, unknown> | undefined, { socket: unknown }>,
  id: string,
  _payload: unknown,
  _args: unknown,
  result: ExecutionResult,
): object | undefined {
  const socket = ctx.extra.socket;
  if (!(socket instanceof SharedFrameSocket)) return undefined;
  const json = sharedJson(result);
  if (json === undefined) return undefined;
  socket.hold(id, json);
  return PLACEHOLDER;
}
