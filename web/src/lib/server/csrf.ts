const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * True for a cross-site form submission, which must be refused: a browser form post (the content
 * types a page on another site can send without CORS) whose Origin is missing or names another
 * host than the one the request was sent to.
 *
 * This replaces SvelteKit's check (see svelte.config.js): it compares hosts, not the whole origin,
 * because behind adapter-node without ORIGIN the app cannot know its own scheme. A page on another
 * site cannot forge the Origin header, so host equality is what makes a post same-site.
 */
export function isCrossSiteFormPost(request: Request): boolean {
  if (SAFE_METHODS.includes(request.method)) return false;
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (!type || !FORM_TYPES.includes(type)) return false;
  const origin = request.headers.get('origin');
  const host = request.headers.get('host') ?? new URL(request.url).host;
  if (!origin) return true;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
