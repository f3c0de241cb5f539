import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { Span } from '@opentelemetry/api';
import { recordNetworkError, setResponseBodySize, setResponseStatus } from './client-attributes';
import { startClientSpan, type OutgoingSpanOptions } from './client-span';

/**
 * Outgoing `node:http` / `node:https` requests.
 *
 * Start (and inject `traceparent`, `tracestate`, `baggage`, `X-Amzn-Trace-Id`):
 * - Node ≥ 22.12 / ≥ 23.2: the `http.client.request.created` diagnostics channel, published from the ClientRequest
 *   constructor while its headers are still mutable (nodejs/node#55586) — nothing is patched;
 * - older Node (20.x): `http.request`, `http.get`, `https.request`, `https.get` are replaced by wrappers that call the
 *   original and then add the headers to the returned request (before it is flushed; `get` is re-implemented as
 *   Node does: `request(...)` then `end()`). The wrappers are reversible (the disable function restores the originals
 *   when nobody wrapped over them, else turns ours into pass-throughs), and `syncBuiltinESMExports()` makes ESM named
 *   imports (`import { request } from 'node:http'`) see them. Code that copied `http.request` before enabling is not
 *   traced.
 *
 * Response and error: the `http.client.response.finish` channel (Node ≥ 18.6; published when the response headers
 * arrive) records the status; the span ends when the response body ends (or closes). `http.client.request.error`
 * records a network error; the request's `close` event ends the span in every other case (aborts). Listening to
 * `end`/`close` does not change how the app's streams flow; no `error` or `response` listener is ever added (either
 * would change Node's behaviour: unhandled-error throwing, automatic dumping of unread responses).
 *
 * undici (global `fetch`) does not use node:http, so a fetch is never traced twice.
 */

const CREATED = 'http.client.request.created';
const RESPONSE = 'http.client.response.finish';
const ERROR = 'http.client.request.error';

/** Whether this Node publishes `http.client.request.created` (v22.12.0+, v23.2.0+). */
export function hasRequestCreatedChannel(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 2) || (major === 22 && minor >= 12);
}

type RequestFn = typeof http.request;
type Target = { request: RequestFn; get: RequestFn };

type Spans = WeakMap<ClientRequest, Span>;

export function instrumentHttpClient(options: OutgoingSpanOptions, useChannel = hasRequestCreatedChannel()): () => void {
  const spans: Spans = new WeakMap();
  const onRequest = (request: ClientRequest): void => startSpan(spans, options, request);
  const onCreated = (message: unknown): void => onRequest((message as { request: ClientRequest }).request);
  const onResponse = (message: unknown): void => recordResponse(spans, message);
  const onError = (message: unknown): void => recordRequestError(spans, message);

  subscribe(RESPONSE, onResponse);
  subscribe(ERROR, onError);
  let unwrap: (() => void) | undefined;
  if (useChannel) subscribe(CREATED, onCreated);
  else unwrap = wrapModules([http as unknown as Target, https as unknown as Target], onRequest);

  return () => {
    if (useChannel) unsubscribe(CREATED, onCreated);
    unwrap?.();
    unsubscribe(RESPONSE, onResponse);
    unsubscribe(ERROR, onError);
  };
}

/** A new request (from the channel or a wrapper): starts its span, sets the trace headers, ends it on `close`. */
function startSpan(spans: Spans, options: OutgoingSpanOptions, request: ClientRequest): void {
  if (spans.has(request)) return;
  const started = startClientSpan(describe(request), options);
  if (started === undefined) return;
  spans.set(request, started.span);
  for (const [name, value] of Object.entries(started.headers)) {
    try {
      request.setHeader(name, value);
    } catch {
      // Headers already flushed (e.g. given as a raw array): trace without propagation.
    }
  }
  request.once('close', () => endSpan(spans, request));
}

/** `http.client.response.finish`: the status; the span ends with the response body. */
function recordResponse(spans: Spans, message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const span = spans.get(request);
  if (span === undefined) return;
  if (typeof response.statusCode === 'number') setResponseStatus(span, response.statusCode);
  setResponseBodySize(span, response.headers?.['content-length']);
  const done = (): void => endSpan(spans, request);
  response.once('end', done);
  response.once('close', done);
}

/** `http.client.request.error`: a network error ends the span. */
function recordRequestError(spans: Spans, message: unknown): void {
  const { request, error } = message as { request: ClientRequest; error: unknown };
  const span = spans.get(request);
  if (span === undefined) return;
  recordNetworkError(span, error);
  endSpan(spans, request);
}

/** Ends the request's span, once. */
function endSpan(spans: Spans, request: ClientRequest): void {
  const span = spans.get(request);
  if (span === undefined) return;
  spans.delete(request);
  span.end();
}

/** Method, scheme, host, port and path as the request will send them (port from the Host header it computed). */
function describe(request: ClientRequest): { method: string; protocol: string; host: string; port: number | undefined; path: string } {
  const hostHeader = request.getHeader('host');
  const authority = typeof hostHeader === 'string' ? hostHeader : '';
  const portMatch = /:(\d+)$/.exec(authority);
  return {
    method: request.method,
    protocol: request.protocol,
    host: request.host,
    port: portMatch ? Number(portMatch[1]) : undefined,
    path: request.path,
  };
}

const WRAPPED = Symbol.for('dualtrace.http-client.wrapped');
type Wrapped = RequestFn & { [WRAPPED]?: true };

/** Replaces `request`/`get` on each module with wrappers that call `onRequest`; returns the undo function. */
function wrapModules(targets: readonly Target[], onRequest: (request: ClientRequest) => void): () => void {
  let active = true;
  const undo: Array<() => void> = [];
  for (const target of targets) {
    const originalRequest = target.request;
    const originalGet = target.get;
    const request = function (this: unknown, ...args: unknown[]): ClientRequest {
      const req = (originalRequest as (...a: unknown[]) => ClientRequest).apply(this, args);
      if (active) {
        try {
          onRequest(req);
        } catch {
          // Never break the app's request.
        }
      }
      return req;
    } as Wrapped;
    const get = function (this: unknown, ...args: unknown[]): ClientRequest {
      if (!active) return (originalGet as (...a: unknown[]) => ClientRequest).apply(this, args);
      const req = (request as (...a: unknown[]) => ClientRequest).apply(this, args);
      req.end(); // What Node's own `get` does after `request`.
      return req;
    } as Wrapped;
    request[WRAPPED] = true;
    get[WRAPPED] = true;
    target.request = request;
    target.get = get;
    undo.push(() => {
      if (target.request === request) target.request = originalRequest;
      if (target.get === get) target.get = originalGet;
    });
  }
  syncBuiltinESMExports();
  return () => {
    active = false;
    for (const fn of undo) fn();
    syncBuiltinESMExports();
  };
}
