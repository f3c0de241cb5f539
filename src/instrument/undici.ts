import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Span } from '@opentelemetry/api';
import { recordNetworkError, setResponseBodySize, setResponseStatus, type ClientRequestInfo } from './client-attributes';
import { startClientSpan, type OutgoingSpanOptions } from './client-span';

/**
 * Outgoing global `fetch` (and any direct undici use) through undici's diagnostics channels — nothing is patched.
 * undici's `docs/docs/api/DiagnosticsChannel.md`: the same `request` object is passed to every `undici:request:*`
 * event, `undici:request:create` may add headers (`request.addHeader`), `undici:request:trailers` marks the end of the
 * response body and `undici:request:error` a failure.
 *
 * Uses the module-level `subscribe` (Node ≥ 18.19 keeps such subscribers alive; `channel(...).subscribe` could be
 * garbage-collected on older lines: nodejs/node#47520), as @opentelemetry/instrumentation-undici does.
 *
 * Limitation: the span ends when the response body has been read to the end (`trailers`); a body the app never reads
 * leaves the span open, and it is never exported.
 */

/** The fields of undici's request object we read (undici 5–7; `headers` is a raw string in 5, a flat array after). */
interface UndiciRequest {
  readonly origin: string | URL;
  readonly method: string;
  readonly path: string;
  headers: string | string[];
  addHeader?: (name: string, value: string) => unknown;
}
interface UndiciResponse {
  readonly statusCode: number;
  /** Raw headers: names and values alternating, as Buffers (strings in some versions). */
  readonly headers?: readonly (Buffer | string)[];
}

const CREATE = 'undici:request:create';
const HEADERS = 'undici:request:headers';
const TRAILERS = 'undici:request:trailers';
const ERROR = 'undici:request:error';

type Spans = WeakMap<object, Span>;

/**
 * Subscribes to undici's request channels; returns the function that unsubscribes. Spans of requests still in flight
 * at that moment are not exported. Spans are held in a WeakMap keyed by undici's request object, so a response body
 * that is never read (its span never ends) costs no memory once the request is gone.
 */
export function instrumentUndici(options: OutgoingSpanOptions): () => void {
  const spans: Spans = new WeakMap();
  const listeners: readonly (readonly [string, (message: unknown) => void])[] = [
    [CREATE, (message) => onCreate(spans, options, message)],
    [HEADERS, (message) => onHeaders(spans, message)],
    [TRAILERS, (message) => endSpan(spans, (message as { request: object }).request)],
    [ERROR, (message) => onError(spans, message)],
  ];
  for (const [name, listener] of listeners) subscribe(name, listener);
  return () => {
    for (const [name, listener] of listeners) unsubscribe(name, listener);
  };
}

/** `undici:request:create`: starts the span and puts the trace headers on the request. */
function onCreate(spans: Spans, options: OutgoingSpanOptions, message: unknown): void {
  const request = (message as { request?: UndiciRequest }).request;
  if (request === undefined || request.method === 'CONNECT') return; // CONNECT: a proxy tunnel, not a request.
  const info = requestInfo(request);
  if (info === undefined) return;
  const started = startClientSpan(info, options);
  if (started === undefined) return;
  spans.set(request, started.span);
  try {
    removeHeaders(request, new Set(Object.keys(started.headers)));
    for (const [name, value] of Object.entries(started.headers)) addHeader(request, name, value);
  } catch {
    // A frozen or unusual request object: trace it without propagation rather than break the call.
  }
}

/** Method, scheme, host and port of the request's origin, and its path; `undefined` when the origin is no URL. */
function requestInfo(request: UndiciRequest): ClientRequestInfo | undefined {
  let url: URL;
  try {
    url = new URL(String(request.origin));
  } catch {
    return undefined;
  }
  return {
    method: request.method,
    protocol: url.protocol,
    host: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: request.path,
  };
}

/** `undici:request:headers`: the response status and Content-Length. */
function onHeaders(spans: Spans, message: unknown): void {
  const { request, response } = message as { request: object; response?: UndiciResponse };
  const span = spans.get(request);
  if (span === undefined || response === undefined) return;
  if (typeof response.statusCode === 'number') setResponseStatus(span, response.statusCode);
  const headers = response.headers;
  if (!Array.isArray(headers)) return;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i];
    if (name !== undefined && name.length === 14 && name.toString().toLowerCase() === 'content-length') {
      setResponseBodySize(span, headers[i + 1]);
      return;
    }
  }
}

/** `undici:request:error`: a network error ends the span. */
function onError(spans: Spans, message: unknown): void {
  const { request, error } = message as { request: object; error: unknown };
  const span = spans.get(request);
  if (span === undefined) return;
  recordNetworkError(span, error);
  endSpan(spans, request);
}

/** Ends the request's span, once (`undici:request:trailers`: the body has been read to the end; or an error). */
function endSpan(spans: Spans, request: object): void {
  const span = spans.get(request);
  if (span === undefined) return;
  spans.delete(request);
  span.end();
}

/** `request.addHeader` where it exists; undici 6.11.0 briefly lacked it, so fall back to the raw headers. */
function addHeader(request: UndiciRequest, name: string, value: string): void {
  if (typeof request.addHeader === 'function') request.addHeader(name, value);
  else if (Array.isArray(request.headers)) request.headers.push(name, value);
  else request.headers += `${name}: ${value}\r\n`;
}

/** Drops the propagation headers the caller already set (lower-case `fields`), so ours replace them, not repeat them. */
function removeHeaders(request: UndiciRequest, fields: ReadonlySet<string>): void {
  if (Array.isArray(request.headers)) {
    for (let i = request.headers.length - 2; i >= 0; i -= 2) {
      const name = request.headers[i];
      if (typeof name === 'string' && fields.has(name.toLowerCase())) request.headers.splice(i, 2);
    }
  } else if (typeof request.headers === 'string' && request.headers !== '') {
    request.headers = request.headers
      .split('\r\n')
      .filter((line) => !fields.has(line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase()))
      .join('\r\n');
  }
}
