import type { RequestEvent } from '@sveltejs/kit';
import { createClient, type GraphQLClient } from '../graphql/client.ts';

/** The API's path on this app's origin (the server mounts the web app beside it). */
export const API_PATH = '/graphql';

/** The bits of a Node socket that tell where a request arrived. */
interface SocketAddress {
  localAddress?: string | undefined;
  localPort?: number | undefined;
  encrypted?: boolean;
}

/**
 * Where server-side code reaches the API.
 *
 * The API and this app run in ONE process on one origin, so pages and actions fetch the relative
 * `/graphql`. On the server SvelteKit resolves that against the request's public origin, which
 * adapter-node takes to be https:// unless ORIGIN is set, and which may sit behind a proxy. So
 * server-side requests go to the API directly: `configured` (GENESIS_API_ORIGIN) when set,
 * otherwise the very socket this request arrived on (adapter-node passes the Node request as
 * `platform.req`). In `vite dev` there is neither, and the dev server's proxy forwards `/graphql`.
 */
export function apiOrigin(
  configured: string | undefined,
  socket: SocketAddress | undefined,
): string | undefined {
  if (configured) return configured.replace(/\/$/, '');
  if (!socket?.localAddress || !socket.localPort) return undefined;
  const host = socket.localAddress.includes(':') ? `[${socket.localAddress}]` : socket.localAddress;
  return `${socket.encrypted ? 'https' : 'http'}://${host}:${socket.localPort}`;
}

/** Options of {@link routeApiRequest}. */
export interface ApiRoute {
  /** This app's public origin (`event.url.origin`). */
  appOrigin: string;
  /** Where the API really listens (see {@link apiOrigin}); undefined keeps the URL. */
  apiOrigin?: string | undefined;
  /** The server's API token (GENESIS_API_TOKEN), if the API is protected. */
  token?: string | undefined;
}

/** True when `url` is this app's own API endpoint: same origin (scheme, host, port) and path. */
export function isOwnApi(url: URL, appOrigin: string): boolean {
  return url.origin === appOrigin && url.pathname === API_PATH;
}

/**
 * The request a server-side fetch should really send. A request to this app's own `/graphql` is
 * sent straight to the API and carries the server's token (unless it already has credentials).
 * Any other request, above all one to another origin, is returned untouched: the token never
 * leaves for a host that is not this app's API.
 *
 * Sent straight to the API, it names the API's own origin as its `Origin`: the API refuses
 * cross-origin requests, and SvelteKit would otherwise send this app's public origin (which
 * adapter-node takes to be https://<Host>), not the address the request is sent to.
 */
export function routeApiRequest(request: Request, route: ApiRoute): Request {
  const url = new URL(request.url);
  if (!isOwnApi(url, route.appOrigin)) return request;
  const target = route.apiOrigin
    ? new Request(`${route.apiOrigin}${url.pathname}${url.search}`, request)
    : request;
  if (route.apiOrigin) target.headers.set('origin', new URL(route.apiOrigin).origin);
  if (route.token && !target.headers.has('authorization')) {
    target.headers.set('authorization', `Bearer ${route.token}`);
  }
  return target;
}

/**
 * The GraphQL client of server-side code (form actions): SvelteKit's `fetch` of this request,
 * on this app's `/graphql`. The `handleFetch` hook routes it to the API with the server's token
 * (see {@link routeApiRequest}), so no credential is handled here.
 */
export function serverClient(event: Pick<RequestEvent, 'fetch'>): GraphQLClient {
  return createClient({ fetch: event.fetch, endpoint: API_PATH });
}
