/**
 * Pure helpers for the request line and Host header: split the target into path and query, split `host[:port]`, find
 * a URL's authority, and normalise the method to the stable HTTP conventions' known set. Redaction is in redact.ts.
 */

/** Known methods (OTel semantic conventions, `http.request.method`); anything else is reported as `_OTHER`. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/** `true` when `method` is one the conventions name; `http.request.method` is then the method itself. */
export function isKnownMethod(method: string): boolean {
  return KNOWN_METHODS.has(method);
}

/** Path and query of a request target. The query is `undefined` when there is no `?` (an empty one is `''`). */
export interface Target {
  path: string;
  query: string | undefined;
}

/**
 * Splits a request target (`/a/b?x=1`) into path and query. An absolute-form target (`http://user:pw@host/a?x`) loses
 * its scheme and authority, so credentials in it are never recorded. A fragment is dropped.
 */
export function splitTarget(target: string): Target {
  let start = 0;
  if (target.charCodeAt(0) !== 47 /* '/' */) {
    const scheme = target.indexOf('://');
    if (scheme > 0) {
      const slash = target.indexOf('/', scheme + 3);
      const question = target.indexOf('?', scheme + 3);
      const end = slash < 0 ? question : question < 0 ? slash : Math.min(slash, question);
      if (end < 0) return { path: '/', query: undefined };
      start = end;
    }
  }
  let stop = target.indexOf('#', start);
  if (stop < 0) stop = target.length;
  const q = target.indexOf('?', start);
  if (q < 0 || q > stop) {
    const path = start === 0 && stop === target.length ? target : target.slice(start, stop);
    return { path: path === '' || path.charCodeAt(0) !== 47 ? `/${path}` : path, query: undefined };
  }
  const path = q === start ? '/' : target.slice(start, q);
  return { path: path.charCodeAt(0) === 47 ? path : `/${path}`, query: target.slice(q + 1, stop) };
}

/**
 * Host and port of a Host header, as received: `example.com:8080` → `['example.com', 8080]`; `[::1]:80` → `['::1', 80]`.
 * A port that is not written as its number (`:0443`, `:abc`) leaves the header whole as the host, so the host and
 * port put back together are the header as received (X-Ray dynamic naming matches that).
 */
export function splitHost(host: string): [string, number | undefined] {
  if (host.charCodeAt(0) === 91 /* '[' */) {
    const end = host.indexOf(']');
    if (end < 0) return [host, undefined];
    const rest = host.slice(end + 1);
    return [host.slice(1, end), rest.startsWith(':') ? toPort(rest.slice(1)) : undefined];
  }
  const colon = host.indexOf(':');
  if (colon < 0 || colon !== host.lastIndexOf(':')) return [host, undefined];
  const port = toPort(host.slice(colon + 1));
  return port === undefined ? [host, undefined] : [host.slice(0, colon), port];
}

function toPort(text: string): number | undefined {
  if (text.length === 0 || text.length > 5) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const port = Number(text);
  return port > 0 && port < 65536 && String(port) === text ? port : undefined;
}

/** Where the authority that starts at `from` ends: the first `/`, `?` or `#`, else the end of the URL. */
export function authorityEnd(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) return i;
  }
  return url.length;
}

/** The `host[:port]` of an absolute URL, without any `user:password@` (never recorded); `undefined` if none. */
export function urlAuthority(url: string): string | undefined {
  const scheme = url.indexOf('://');
  if (scheme < 0) return undefined;
  const authority = url.slice(scheme + 3, authorityEnd(url, scheme + 3));
  const at = authority.lastIndexOf('@');
  const host = at < 0 ? authority : authority.slice(at + 1);
  return host === '' ? undefined : host;
}
