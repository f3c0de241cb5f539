import type { Attributes, Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';

/**
 * Stable HTTP client semantic conventions shared by the fetch (undici) and node:http instrumentations, so both record
 * exactly the same keys: https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client
 */

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/**
 * Query parameters whose values are replaced by `REDACTED` in `url.full`: the semconv default list (AWSAccessKeyId,
 * Signature, sig, X-Goog-Signature) plus the SigV4 pre-signed URL keys and common bearer-style names. Compared
 * case-insensitively.
 */
export const SENSITIVE_QUERY_KEYS: ReadonlySet<string> = new Set(
  [
    'AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential',
    'X-Amz-Security-Token', 'access_token', 'token', 'api_key', 'apikey', 'password', 'secret', 'client_secret',
  ].map((k) => k.toLowerCase()),
);

export interface ClientRequestInfo {
  /** As sent, e.g. `GET`, `get`, `PURGE`. */
  readonly method: string;
  /** `http:` or `https:` (with or without the colon). */
  readonly protocol: string;
  readonly host: string;
  readonly port: number | undefined;
  /** Path with query, as sent (`/a?b=1`). */
  readonly path: string;
}

/** The span name: the method, or `HTTP` for one outside the known set (semconv `_OTHER`). */
export function spanNameFor(method: string): string {
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'HTTP';
}

/** Start attributes: method (+ original when normalised), url.full (redacted), server.address/port, url.scheme. */
export function clientStartAttributes(info: ClientRequestInfo): Attributes {
  const upper = info.method.toUpperCase();
  const known = KNOWN_METHODS.has(upper);
  const scheme = info.protocol.endsWith(':') ? info.protocol.slice(0, -1) : info.protocol;
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = info.port ?? defaultPort;
  const host = info.host.includes(':') && !info.host.startsWith('[') ? `[${info.host}]` : info.host;
  const authority = port === defaultPort ? host : `${host}:${port}`;
  const attrs: Attributes = {
    'http.request.method': known ? upper : '_OTHER',
    'url.full': `${scheme}://${authority}${redactQuery(info.path.startsWith('/') ? info.path : `/${info.path}`)}`,
    'url.scheme': scheme,
    'server.address': info.host.startsWith('[') ? info.host.slice(1, -1) : info.host,
    'server.port': port,
  };
  if (!known || upper !== info.method) attrs['http.request.method_original'] = info.method;
  return attrs;
}

/** Replaces the values of {@link SENSITIVE_QUERY_KEYS} with `REDACTED`; the rest of the path is kept byte for byte. */
export function redactQuery(pathWithQuery: string): string {
  const q = pathWithQuery.indexOf('?');
  if (q < 0) return pathWithQuery;
  const hash = pathWithQuery.indexOf('#', q);
  const query = pathWithQuery.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    let key: string;
    try {
      key = decodeURIComponent(part.slice(0, eq));
    } catch {
      key = part.slice(0, eq);
    }
    if (!SENSITIVE_QUERY_KEYS.has(key.toLowerCase())) return part;
    changed = true;
    return `${part.slice(0, eq)}=REDACTED`;
  });
  if (!changed) return pathWithQuery;
  return `${pathWithQuery.slice(0, q + 1)}${parts.join('&')}${hash < 0 ? '' : pathWithQuery.slice(hash)}`;
}

/**
 * Records the response status: `http.response.status_code`; `error.type` (the status as a string) from 400, as the
 * semconv says for clients; span status ERROR only from 500, so a 404 the app expected is not drawn as a failure.
 */
export function setResponseStatus(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 400) span.setAttribute('error.type', String(status));
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
}

/** A network error (no response): the exception, `error.type` (its code or name) and status ERROR. Never throws. */
export function recordNetworkError(span: Span, error: unknown): void {
  try {
    const err = error instanceof Error ? error : new Error(String(error));
    const code = (err as { code?: unknown }).code;
    const cause = (err as { cause?: { code?: unknown } }).cause?.code;
    span.recordException(err);
    span.setAttribute('error.type', typeof code === 'string' ? code : typeof cause === 'string' ? cause : err.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  } catch {
    // Telemetry must never throw into the request path.
  }
}
