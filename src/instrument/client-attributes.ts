import type { Attributes, Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { recordError } from '../trace/record-error';
import { redactQuery } from '../http/redact';
import { isKnownMethod } from '../http/url';

/**
 * Stable HTTP client semantic conventions shared by the fetch (undici) and node:http instrumentations, so both record
 * exactly the same keys: https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client
 */

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
  return isKnownMethod(upper) ? upper : 'HTTP';
}

/** Start attributes: method (+ original when normalised), url.full (redacted), server.address/port, url.scheme. */
export function clientStartAttributes(info: ClientRequestInfo): Attributes {
  const upper = info.method.toUpperCase();
  const known = isKnownMethod(upper);
  const scheme = info.protocol.endsWith(':') ? info.protocol.slice(0, -1) : info.protocol;
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = info.port ?? defaultPort;
  const host = info.host.includes(':') && !info.host.startsWith('[') ? `[${info.host}]` : info.host;
  const authority = port === defaultPort ? host : `${host}:${port}`;
  const attrs: Attributes = {
    'http.request.method': known ? upper : '_OTHER',
    'url.full': `${scheme}://${authority}${redactPath(info.path.startsWith('/') ? info.path : `/${info.path}`)}`,
    'url.scheme': scheme,
    'server.address': info.host.startsWith('[') ? info.host.slice(1, -1) : info.host,
    'server.port': port,
  };
  if (!known || upper !== info.method) attrs['http.request.method_original'] = info.method;
  return attrs;
}

/**
 * The path with the values of secret-looking query parameters replaced by `REDACTED`, by the same rule as the server
 * adapters (`http/redact.ts`: tokens, keys, signatures, SigV4 pre-signed URL parameters…); fragment dropped.
 */
export function redactPath(pathWithQuery: string): string {
  const hash = pathWithQuery.indexOf('#');
  const target = hash < 0 ? pathWithQuery : pathWithQuery.slice(0, hash);
  const q = target.indexOf('?');
  return q < 0 ? target : `${target.slice(0, q + 1)}${redactQuery(target.slice(q + 1))}`;
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

/**
 * `http.response.body.size` from the response's `Content-Length` (semconv: "often, but not always, present as the
 * Content-Length header"), as the X-Ray SDK's subsegments record `content_length` from it; nothing for a chunked or
 * malformed one.
 */
export function setResponseBodySize(span: Span, contentLength: unknown): void {
  const text = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  const value = typeof text === 'string' ? text : Buffer.isBuffer(text) ? text.toString('latin1') : undefined;
  if (value === undefined || !/^\s*\d{1,15}\s*$/.test(value)) return;
  span.setAttribute('http.response.body.size', Number(value));
}

/** A network error (no response): status ERROR, `error.type` (its code, e.g. ECONNREFUSED, or name), the exception. */
export function recordNetworkError(span: Span, error: unknown): void {
  let type: string | undefined;
  try {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    type = typeof code === 'string' ? code : typeof cause === 'string' ? cause : undefined;
  } catch {
    type = undefined;
  }
  recordError(span, error, type);
}
