import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { type Client, createClient } from 'graphql-ws';
import { formatGraphQLErrors, type GraphQLErrorItem, GraphQLRequestError } from './client.ts';

/** Options for {@link createWsClient}. */
export interface WsClientOptions {
  /** Full ws:// or wss:// URL. Defaults to `/graphql` on the page's own origin. */
  url?: string;
  /** Bearer token, sent as `connectionParams.authorization` in `connection_init`. */
  token?: string | (() => string | undefined);
  /**
   * How often to reconnect. Infinity by default: a page left open should survive a server restart.
   * Tests pass 0.
   */
  retryAttempts?: number;
  /** WebSocket constructor outside the browser (e.g. the `ws` package). */
  webSocketImpl?: unknown;
  /** Called after a dropped connection is re-established, to refetch what may have been missed. */
  onReconnected?: () => void;
}

/** The ws:// URL of `/graphql` on the origin of `location` (http → ws, https → wss). */
export function graphqlWsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/graphql`;
}

/**
 * Creates a lazy graphql-ws client: it connects on the first subscription, closes after the
 * last one ends, and reconnects with randomised exponential backoff.
 */
export function createWsClient(options: WsClientOptions = {}): Client {
  const url = options.url ?? graphqlWsUrl(globalThis.location);
  return createClient({
    url,
    lazy: true,
    retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
    // The default treats a failed connect (server down, not a close event) as fatal; an open page
    // should keep trying until the server is back. A refused token (4403) will not fix itself.
    shouldRetry: (cause) => !isCloseCode(cause, 4403),
    connectionParams: () => {
      const token = typeof options.token === 'function' ? options.token() : options.token;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) options.onReconnected?.();
      },
    },
  });
}

/** Callbacks of {@link subscribe}. */
export interface SubscriptionHandlers<Result> {
  /** Each event's `data`. */
  next: (data: Result) => void;
  /** The subscription failed for good (GraphQL errors, or the socket gave up). */
  error?: (error: GraphQLRequestError) => void;
  /** The server ended the stream (e.g. the job it follows finished). */
  complete?: () => void;
}

/**
 * Starts a typed subscription and returns the function that stops it.
 * @example
 *   const stop = subscribe(client, RegistryChanged, {}, { next: () => invalidate('app:datasets') });
 */
export function subscribe<Result, Variables>(
  client: Client,
  document: TadaDocumentNode<Result, Variables>,
  variables: Variables,
  handlers: SubscriptionHandlers<Result>,
): () => void {
  return client.subscribe<Result>(
    { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (message) => {
        if (message.errors && message.errors.length > 0) {
          const errors = message.errors as readonly GraphQLErrorItem[];
          handlers.error?.(
            new GraphQLRequestError(formatGraphQLErrors(errors), 'graphql', undefined, errors),
          );
          return;
        }
        if (message.data) handlers.next(message.data);
      },
      error: (cause) => {
        handlers.error?.(toSubscriptionError(cause));
      },
      complete: () => {
        handlers.complete?.();
      },
    },
  );
}

function isCloseCode(cause: unknown, code: number): boolean {
  return typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === code;
}

function toSubscriptionError(cause: unknown): GraphQLRequestError {
  if (Array.isArray(cause)) {
    const errors = cause as GraphQLErrorItem[];
    return new GraphQLRequestError(formatGraphQLErrors(errors), 'graphql', undefined, errors);
  }
  if (cause instanceof Error) return new GraphQLRequestError(cause.message, 'network');
  // A CloseEvent-like object: the server closed the socket with a code and reason.
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const { code, reason } = cause as { code: number; reason?: string };
    const why = reason ? `: ${reason}` : '';
    return new GraphQLRequestError(
      `Live updates stopped (socket closed ${code}${why}).`,
      'network',
    );
  }
  return new GraphQLRequestError('Live updates stopped.', 'network');
}
