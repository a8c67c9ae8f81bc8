import type { IncomingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';

/**
 * Where requests may come from: the one place that decides which `Host` names this server answers for
 * and which `Origin`s may call it. HTTP requests, SSE streams (plain HTTP on /graphql) and WebSocket
 * upgrades all go through the same {@link OriginGuard}.
 *
 * - **Host.** A browser sends the name it resolved as `Host`. A DNS-rebinding page (a name of the attacker's
 *   that now resolves to 127.0.0.1) therefore sends the attacker's name, and is refused: the server answers
 *   only for loopback names, its bind address (every interface address when bound to 0.0.0.0 or ::), and
 *   the names in GENESIS_PUBLIC_HOSTS.
 * - **Origin.** Same-origin by default: a browser request carrying an `Origin` must name this server as the
 *   request's own `Host` does, or be one of GENESIS_ALLOWED_ORIGINS. Hosts are compared, not schemes, because
 *   behind a TLS proxy the server cannot know the scheme the browser used (the web app's form check,
 *   web/src/lib/server/csrf.ts, does the same); a page of another site cannot forge `Origin`. A request
 *   without `Origin` (curl, scripts, server-side fetches, a browser's same-origin GET) is not cross-site,
 *   unless the browser says so with Fetch Metadata (`Sec-Fetch-Site: cross-site`, e.g. a cross-site
 *   `<img>` or `<script>` GET, which carries no `Origin`).
 */

/** Loopback names the server always answers for (a page elsewhere cannot make a browser send them). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** The bind addresses that mean every interface. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);

/**
 * The origin `value` names, normalised (`scheme://host[:port]`, lower-case, default port dropped), or null
 * when it is not an http(s) origin (`null`, garbage, a URL with a path, credentials, query or fragment).
 */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  if (url.pathname !== '/') return null;
  return url.origin;
}

/**
 * The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lower-case, without brackets or a
 * trailing dot; null when it is not a plain host.
 */
export function hostName(header: string): string | null {
  if (!/^[\w.\-:[\]]+$/.test(header)) return null;
  let url: URL;
  try {
    url = new URL(`http://${header}`);
  } catch {
    return null;
  }
  const name = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  // An IPv4 address as IPv6 (a dual-stack socket's `[::ffff:127.0.0.1]`, which URL writes in hex) is that IPv4.
  const mapped = /^::ffff:([\da-f]{1,4}):([\da-f]{1,4})$/.exec(name);
  if (!mapped) return name;
  const [hi, lo] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export interface OriginGuardOptions {
  /** Origins of other front ends that may call the API (GENESIS_ALLOWED_ORIGINS), normalised. */
  allowedOrigins: readonly string[];
  /** Further names this server answers for (GENESIS_PUBLIC_HOSTS). */
  publicHosts: readonly string[];
  /** The addresses or names the server listens on (the bind address); read on every check. */
  boundHosts: () => readonly string[];
  /** The machine's interface addresses (tests replace them). */
  interfaceAddresses?: () => string[];
}

export interface OriginGuard {
  /** Null when the request's `Host` is a name this server answers for; otherwise a short reason. */
  checkHost(headers: IncomingHttpHeaders): string | null;
  /** Null when the request is same-origin, allow-listed or not from a browser; otherwise a short reason. */
  checkOrigin(headers: IncomingHttpHeaders): string | null;
  /** The exact origin to answer CORS with: the request's `Origin` when it is allow-listed, else null. */
  corsOrigin(origin: string | null | undefined): string | null;
}

function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [i.address.toLowerCase()] : []));
}

export function createOriginGuard(options: OriginGuardOptions): OriginGuard {
  const allowed = new Set(options.allowedOrigins.map((o) => normalizeOrigin(o) ?? o));
  const fixedHosts = new Set([
    ...LOOPBACK_HOSTS,
    ...options.publicHosts.map((h) => hostName(h) ?? h.toLowerCase()),
  ]);
  const interfaces = options.interfaceAddresses ?? machineAddresses;
  // Interface addresses change (DHCP, VPNs), so they are read again, at most every few seconds.
  let cached: { at: number; hosts: Set<string> } | null = null;

  function answeredHosts(): Set<string> {
    if (cached && Date.now() - cached.at < 5000) return cached.hosts;
    const hosts = new Set(fixedHosts);
    for (const bound of options.boundHosts()) {
      const name = bound.replace(/^\[(.*)\]$/, '$1').toLowerCase();
      if (WILDCARD_ADDRESSES.has(name)) {
        for (const address of interfaces()) hosts.add(address);
      } else {
        hosts.add(name);
      }
    }
    cached = { at: Date.now(), hosts };
    return hosts;
  }

  function corsOrigin(origin: string | null | undefined): string | null {
    if (!origin) return null;
    const normalized = normalizeOrigin(origin);
    return normalized && allowed.has(normalized) ? normalized : null;
  }

  return {
    corsOrigin,
    checkHost(headers) {
      // HTTP/1.0 clients may omit Host; browsers never do, so a request without one is no rebinding attack.
      if (headers.host === undefined) return null;
      const name = hostName(headers.host);
      if (name !== null && answeredHosts().has(name)) return null;
      return `This server does not answer for host "${headers.host.slice(0, 100)}" (add the name to GENESIS_PUBLIC_HOSTS if it is one of this server's)`;
    },
    checkOrigin(headers) {
      const origin = headers.origin;
      const crossSite = headers['sec-fetch-site'] === 'cross-site';
      if (origin !== undefined && corsOrigin(origin)) return null;
      const refused = `Cross-origin request refused: only this server's own pages${allowed.size ? ' and GENESIS_ALLOWED_ORIGINS' : ''} may call it (set GENESIS_ALLOWED_ORIGINS to allow another front end)`;
      if (origin === undefined) return crossSite ? refused : null;
      const normalized = normalizeOrigin(origin);
      if (!normalized || crossSite || headers.host === undefined) return refused;
      const own = new URL(normalized);
      let target: URL;
      try {
        // Parsed with the origin's scheme, so a default port written out or left off compares equal.
        target = new URL(`${own.protocol}//${headers.host}`);
      } catch {
        return refused;
      }
      return own.host === target.host ? null : refused;
    },
  };
}
