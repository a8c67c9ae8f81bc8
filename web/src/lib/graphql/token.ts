/** localStorage key of the API token used by the browser when GENESIS_API_TOKEN is set. */
export const TOKEN_STORAGE_KEY = 'genesis:api-token';

/**
 * The API token the browser sends, if the user stored one. Server-side rendering does not use it:
 * `hooks.server.ts` adds the server's own GENESIS_API_TOKEN to its requests instead.
 */
export function readBrowserToken(): string | undefined {
  if (typeof localStorage === 'undefined') return undefined;
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  } catch {
    // Storage can throw when disabled by privacy settings; no token then.
    return undefined;
  }
}
