import type { HandleFetch, HandleServerError } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';

/**
 * Where server-side rendering sends `/graphql`.
 *
 * The API and this app run in ONE process on one origin, so universal `load`s fetch the relative
 * `/graphql`. On the server SvelteKit resolves that against the request's public origin, which
 * adapter-node takes to be https:// unless ORIGIN is set, and which may sit behind a proxy. So SSR
 * talks to the API directly instead: GENESIS_API_ORIGIN when set, otherwise the very socket this
 * request arrived on (adapter-node passes the Node request as `platform.req`). In `vite dev` there
 * is no `platform` and the dev server's proxy forwards `/graphql`.
 */
function apiOrigin(platform: App.Platform | undefined): string | undefined {
  if (env.GENESIS_API_ORIGIN) return env.GENESIS_API_ORIGIN.replace(/\/$/, '');
  const socket = platform?.req?.socket;
  if (!socket?.localAddress || !socket.localPort) return undefined;
  const host = socket.localAddress.includes(':') ? `[${socket.localAddress}]` : socket.localAddress;
  const scheme = 'encrypted' in socket && socket.encrypted ? 'https' : 'http';
  return `${scheme}://${host}:${socket.localPort}`;
}

export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin !== event.url.origin || url.pathname !== '/graphql') return fetch(request);

  const origin = apiOrigin(event.platform);
  const target = origin ? new Request(`${origin}${url.pathname}${url.search}`, request) : request;
  // The server's own token authorises SSR requests; browsers send the user's (see token.ts).
  if (env.GENESIS_API_TOKEN && !target.headers.has('authorization')) {
    target.headers.set('authorization', `Bearer ${env.GENESIS_API_TOKEN}`);
  }
  return fetch(target);
};

export const handleError: HandleServerError = ({ error, status }) => {
  // Unexpected errors stay masked for the visitor; the details go to the server log.
  if (status !== 404) console.error(error);
  return { message: status === 404 ? 'Page not found.' : 'Something went wrong on our side.' };
};
