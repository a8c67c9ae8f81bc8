import { type Handle, type HandleFetch, type HandleServerError, text } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { LOCALE_COOKIE, parseLocale, translate } from '$lib/i18n/messages.ts';
import { apiOrigin, routeApiRequest } from '$lib/server/api.ts';
import { isCrossSiteFormPost } from '$lib/server/csrf.ts';

/**
 * Form actions answer only posts from this site's own pages. The UI language comes from the
 * cookie (or, before a choice, the browser's first language), so the server renders the page in
 * it and `<html lang>` says so.
 */
export const handle: Handle = async ({ event, resolve }) => {
  if (isCrossSiteFormPost(event.request)) {
    return text('Cross-site form submissions are forbidden', { status: 403 });
  }
  const cookie = event.cookies.get(LOCALE_COOKIE);
  const locale = parseLocale(cookie ?? event.request.headers.get('accept-language')?.split(',')[0]);
  event.locals.locale = locale;
  return resolve(event, {
    // app.html says lang="en"; the first chunk carries the <html> tag.
    transformPageChunk: ({ html }) => html.replace('<html lang="en">', `<html lang="${locale}">`),
  });
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

export const handleError: HandleServerError = ({ error, event, status }) => {
  // Unexpected errors stay masked for the visitor; the details go to the server log.
  if (status !== 404) console.error(error);
  const locale = event.locals.locale ?? 'en';
  return { message: translate(locale, status === 404 ? 'error.notFoundText' : 'error.ourSide') };
};
