import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * API token checks. Scripts send `Authorization: Bearer <GENESIS_API_TOKEN>`; people using the web app sign in
 * once at /login and get an HttpOnly, SameSite=Strict session cookie that proves they know the token (an HMAC
 * of it, so the token itself never sits in the browser). SameSite=Strict keeps the cookie off cross-site
 * requests, so it adds no CSRF exposure.
 */
export const SESSION_COOKIE = 'genesis_session';

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearerMatches(token: string, header: string | null | undefined): boolean {
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return !!m && equal(m[1]!, token);
}

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('genesis-lab web session v1').digest('base64url');
}

export function cookieMatches(token: string, cookieHeader: string | undefined): boolean {
  if (!cookieHeader) return false;
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE && equal(rest.join('='), sessionValue(token))) return true;
  }
  return false;
}

/** True when the request carries the token as a bearer header or a valid session cookie. */
export function isAuthorized(token: string, req: IncomingMessage): boolean {
  return (
    bearerMatches(token, req.headers.authorization) || cookieMatches(token, req.headers.cookie)
  );
}

/** Whether a request comes from a browser navigating to a page (it gets the sign-in page instead of a 401). */
export function wantsPage(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendLoginPage(
  res: ServerResponse,
  next: string,
  error: string | null,
  status = 401,
) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · GENESIS-LAB</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { display: grid; gap: .75rem; width: min(22rem, 90vw); }
  input, button { font: inherit; padding: .6rem .75rem; border-radius: .4rem; border: 1px solid #8888; }
  button { cursor: pointer; }
  .error { color: #c0392b; }
</style></head>
<body><main><form method="post" action="/login">
  <h1>GENESIS-LAB</h1>
  <p>This server is protected by an API token (GENESIS_API_TOKEN).</p>
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus
    ${error ? 'aria-invalid="true" aria-describedby="error"' : ''}>
  ${error ? `<p id="error" class="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <button type="submit">Sign in</button>
</form></main></body></html>`);
}

/** A relative path on this server to go back to after signing in (never another site). */
export function safeNext(value: string | null | undefined): string {
  return value && /^\/(?!\/)[^\s]*$/.test(value) ? value : '/';
}

/** Handles POST /login: sets the session cookie when the token is right, shows the form again when not. */
export async function handleLogin(
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) return void res.writeHead(413).end();
  }
  const form = new URLSearchParams(body);
  const next = safeNext(form.get('next'));
  if (!equal(form.get('token') ?? '', token))
    return sendLoginPage(res, next, 'That token is not right.', 401);
  const secure = (req.socket as { encrypted?: boolean }).encrypted ? '; Secure' : '';
  res.writeHead(303, {
    location: next,
    'set-cookie': `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000${secure}`,
  });
  res.end();
}
