import { type Handle, type HandleFetch, type HandleServerError, text } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { apiOrigin, routeApiRequest } from '$lib/server/api.ts';
import { isCrossSiteFormPost } from '$lib/server/csrf.ts';

/** Form actions answer only posts from this site's own pages. */
export const handle: Handle = async ({ event, resolve }) => {
  if (isCrossSiteFormPost(event.request)) {
    return text('Cross-site form submissions are forbidden', { status: 403 });
  }
  return resolve(event);
};

/**
 * Every server-side fetch (universal `load`s during SSR, form actions) passes here: requests to this
 * app's own `/graphql` go straight to the API with the server's token; the rest go out unchanged.
 * Browsers send the user's own credentials instead (see token.ts).
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) =>
  fetch(
    routeApiRequest(request, {
      appOrigin: event.url.origin,
      apiOrigin: apiOrigin(env.GENESIS_API_ORIGIN, event.platform?.req?.socket),
      token: env.GENESIS_API_TOKEN,
    }),
  );

export const handleError: HandleServerError = ({ error, status }) => {
  // Unexpected errors stay masked for the visitor; the details go to the server log.
  if (status !== 404) console.error(error);
  return { message: status === 404 ? 'Page not found.' : 'Something went wrong on our side.' };
};
