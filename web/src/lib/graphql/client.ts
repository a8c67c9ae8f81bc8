import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import * as v from 'valibot';

/** One entry of a GraphQL response's `errors` list, as far as the client relies on it. */
export const GraphQLErrorItemSchema = v.object({
  message: v.string(),
  path: v.optional(v.array(v.union([v.string(), v.number()]))),
  extensions: v.optional(v.record(v.string(), v.unknown())),
});
export type GraphQLErrorItem = v.InferOutput<typeof GraphQLErrorItemSchema>;

/** The response envelope of a GraphQL-over-HTTP request. */
export const GraphQLResponseSchema = v.object({
  data: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  errors: v.optional(v.array(GraphQLErrorItemSchema)),
});
export type GraphQLResponse = v.InferOutput<typeof GraphQLResponseSchema>;

/** Why a request failed: the API was unreachable, answered badly, or returned GraphQL errors. */
export type GraphQLRequestErrorKind = 'network' | 'http' | 'graphql' | 'response';

/** A failed GraphQL request, with a message written for the person looking at the page. */
export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';

  /**
   * @param message - readable text, safe to show in the UI
   * @param kind - which stage failed
   * @param status - the HTTP status, when there was a response
   * @param errors - the GraphQL `errors` list, when the API sent one
   */
  constructor(
    message: string,
    readonly kind: GraphQLRequestErrorKind,
    readonly status?: number,
    readonly errors: readonly GraphQLErrorItem[] = [],
  ) {
    super(message);
  }
}

/** Options for {@link createClient}. */
export interface ClientOptions {
  /** The fetch to use: pass SvelteKit's `fetch` inside `load`. Defaults to the global one. */
  fetch?: typeof fetch;
  /** Endpoint URL; relative by default because the API and the app share one origin. */
  endpoint?: string;
  /** Bearer token (GENESIS_API_TOKEN), or a function read on every request. */
  token?: string | (() => string | undefined);
}

/** A GraphQL client bound to one fetch and endpoint. */
export interface GraphQLClient {
  /**
   * Runs one operation and returns its `data`.
   * @throws {GraphQLRequestError} when the API is unreachable, answers a non-GraphQL error, or
   *   returns any GraphQL error (partial data is not returned, so pages never show half a result).
   */
  request<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables?: Variables,
    init?: { signal?: AbortSignal },
  ): Promise<Result>;
}

function errorLocation(path: GraphQLErrorItem['path']): string {
  return path && path.length > 0 ? ` (at ${path.join('.')})` : '';
}

/** Joins GraphQL errors into one readable sentence, deduplicated, with the field path of each. */
export function formatGraphQLErrors(errors: readonly GraphQLErrorItem[]): string {
  const lines = [...new Set(errors.map((e) => `${e.message}${errorLocation(e.path)}`))];
  return lines.join('; ');
}

function httpMessage(status: number, statusText: string): string {
  if (status === 401 || status === 403) {
    return `The API refused the request (${status}): a valid API token is required.`;
  }
  const text = statusText ? ` ${statusText}` : '';
  return `The API answered HTTP ${status}${text}.`;
}

/**
 * Creates a small fetch-based GraphQL client (POST, JSON body, optional bearer token).
 * @example
 *   const client = createClient({ fetch });
 *   const { stats } = await client.request(StatsQuery);
 */
export function createClient(options: ClientOptions = {}): GraphQLClient {
  const endpoint = options.endpoint ?? '/graphql';
  return {
    async request(document, variables, init) {
      const doFetch = options.fetch ?? globalThis.fetch;
      const token = typeof options.token === 'function' ? options.token() : options.token;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      };
      if (token) headers.authorization = `Bearer ${token}`;

      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
          ...(init?.signal ? { signal: init.signal } : {}),
        });
      } catch (cause) {
        const detail = cause instanceof Error ? `: ${cause.message}` : '';
        throw new GraphQLRequestError(`Could not reach the API at ${endpoint}${detail}`, 'network');
      }

      // GraphQL-over-HTTP answers validation errors with 4xx and a JSON body, so read the body
      // before judging the status.
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const parsed = v.safeParse(GraphQLResponseSchema, body);
      if (!parsed.success) {
        if (!response.ok) {
          throw new GraphQLRequestError(
            httpMessage(response.status, response.statusText),
            'http',
            response.status,
          );
        }
        throw new GraphQLRequestError(
          'The API sent a response that is not GraphQL JSON.',
          'response',
          response.status,
        );
      }
      const { data, errors } = parsed.output;
      if (errors && errors.length > 0) {
        throw new GraphQLRequestError(
          formatGraphQLErrors(errors),
          'graphql',
          response.status,
          errors,
        );
      }
      if (!response.ok) {
        throw new GraphQLRequestError(
          httpMessage(response.status, response.statusText),
          'http',
          response.status,
        );
      }
      if (data === undefined || data === null) {
        throw new GraphQLRequestError('The API returned no data.', 'response', response.status);
      }
      // The document's type is the contract: the server validated the result against the same
      // schema the document was type-checked against.
      return data as never;
    },
  };
}

/** The readable message of any error thrown while loading data, for error states in the UI. */
export function errorMessage(error: unknown): string {
  if (error instanceof GraphQLRequestError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
