import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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

const SAFE_NEXT_BASE = 'http://genesis.invalid';

/**
 * A relative path on this server to go back to after signing in (never another site); anything else is `/`.
 *
 * Browsers read `\` as `/` and drop tabs and newlines in URLs, so `/\evil.example` or `/<tab>/evil.example`
 * would be `//evil.example`, another host. Only a path of printable characters without backslashes is kept,
 * and only when, decoded once too (in case something on the way decodes it), it does not start with `//`
 * and resolves on this server.
 */
export function safeNext(value: string | null | undefined): string {
  // Printable ASCII only (no spaces, tabs or newlines), starting with one slash and no backslash anywhere.
  if (!value || !/^\/[\x21-\x7e]*$/.test(value) || value.includes('\\')) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return '/';
  }
  // A second slash, a backslash or a blank (control characters included) right after the first one, as sent
  // or decoded once.
  for (const second of [value.charAt(1), decoded.charAt(1)]) {
    const code = second.charCodeAt(0);
    if (second === '/' || second === '\\' || code <= 0x20 || code === 0x7f) return '/';
  }
  const url = new URL(value, SAFE_NEXT_BASE);
  return url.origin === SAFE_NEXT_BASE ? `${url.pathname}${url.search}${url.hash}` : '/';
}

/** How many failed sign-ins a client address may make per window (10 per minute by default). */
export interface LoginLimit {
  attempts: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { attempts: 10, windowSeconds: 60 };

/**
 * Failed sign-ins per client address, in fixed windows (rate-limiter-flexible, in memory: one process).
 *
 * Every try takes a point before the token is compared, and a right token gives it back, so parallel guesses
 * cannot all pass the check before the first failure is counted, and successful sign-ins are never limited.
 * Once an address is over the limit, every try is refused (429) until its window ends, the right token
 * included: otherwise a guess would still be checked. The address is the socket's: behind a proxy all clients
 * share the proxy's.
 */
export class LoginLimiter {
  private readonly limiter: RateLimiterMemory;
  constructor(readonly limit: LoginLimit = DEFAULT_LOGIN_LIMIT) {
    this.limiter = new RateLimiterMemory({
      points: limit.attempts,
      duration: limit.windowSeconds,
    });
  }

  /** Takes a try; resolves with 0 when it may go on, else the milliseconds until the address may try again. */
  async take(address: string): Promise<number> {
    try {
      await this.limiter.consume(address);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
      throw rejection;
    }
  }

  /** A right token: the address starts afresh. */
  async succeeded(address: string): Promise<void> {
    await this.limiter.delete(address);
  }
}

function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Handles POST /login: sets the session cookie when the token is right, shows the form again when not. */
export async function handleLogin(
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
  limiter: LoginLimiter,
): Promise<void> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) return void res.writeHead(413).end();
  }
  const form = new URLSearchParams(body);
  const next = safeNext(form.get('next'));
  const address = clientAddress(req);
  const waitMs = await limiter.take(address);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    res.setHeader('retry-after', String(seconds));
    return sendLoginPage(
      res,
      next,
      `Too many wrong tokens from this address. Try again in ${seconds} s.`,
      429,
    );
  }
  if (!equal(form.get('token') ?? '', token))
    return sendLoginPage(res, next, 'That token is not right.', 401);
  await limiter.succeeded(address);
  const secure = (req.socket as { encrypted?: boolean }).encrypted ? '; Secure' : '';
  res.writeHead(303, {
    location: next,
    'set-cookie': `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000${secure}`,
  });
  res.end();
}
