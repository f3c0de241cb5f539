/**
 * `dualtrace/http`: one SERVER span per request for a plain `node:http` / `node:https` request listener.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { traced } from 'dualtrace/http';
 * createServer(traced((req, res) => res.end('ok'))).listen(3000);
 * @see docs/adapters.md
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runEventsInSpan } from './shared/event-context';
import { endFromResponse, type TracedRequest } from './shared/node-response';
import { createServerSpans, type ServerSpan, type ServerTracingOptions } from './shared/server-span';
import { SERVER_SPAN } from './shared/symbols';
import { XRAY_HEADER } from './shared/headers';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/**
 * Options of {@link traced}: the common ones plus a fixed route template for the spans' names.
 *
 * @example
 * const options: HttpTracingOptions = { route: '/api/*', ignorePaths: ['/healthz'] };
 * createServer(traced(listener, options)).listen(3000);
 * @see docs/adapters.md#options
 */
export interface HttpTracingOptions extends ServerTracingOptions {
  /** A route template to name every span after (`GET /api/*`); default: none, so spans are named `METHOD`. */
  route?: string;
}

/**
 * Wraps a request listener: each request gets a SERVER span, active while the listener (and its async work) runs,
 * ended when the response finishes or the connection closes. A thrown error (or a rejected promise from an async
 * listener) is recorded and passed on unchanged.
 *
 * @param listener the `(req, res)` listener to trace
 * @param {HttpTracingOptions} [options={}] route, span name, ignored paths, header allow-lists, tracer provider
 * @example
 * const server = createServer(traced(app, { ignorePaths: ['/healthz'] }));
 * @see docs/adapters.md
 */
export function traced<Req extends IncomingMessage, Res extends ServerResponse, R>(
  listener: (req: Req, res: Res) => R,
  options?: HttpTracingOptions,
): (req: Req, res: Res) => R {
  const spans = createServerSpans('http', options);
  const route = options?.route;
  return function dualtraceTraced(this: unknown, req: Req, res: Res): R {
    const request = req as TracedRequest;
    const existing = request[SERVER_SPAN];
    if (existing !== undefined) {
      // Zero-code tracing (or an outer `traced`) started it: name it after `route` and record what the listener throws.
      spans.adoptNode(existing, req);
      existing.setRoute(route);
      return callRecording(existing, listener, this, req, res);
    }
    const span = spans.startNode(req, route);
    if (span === undefined) return listener.call(this, req, res);
    request[SERVER_SPAN] = span;
    if (span.xrayAnswer !== undefined) res.setHeader(XRAY_HEADER, span.xrayAnswer);
    // Static listener (reads the span from `res.req`): no closure per request. 'close' covers aborted clients.
    res.on('finish', onResponseDone);
    res.on('close', onResponseDone);
    runEventsInSpan(span, request, res);
    return span.run(callRecording, undefined, span, listener, this, req, res);
  };
}

/** Calls the listener; a thrown error or a rejected promise is recorded on the span and passed on unchanged. */
function callRecording<Req, Res, R>(span: ServerSpan, listener: (req: Req, res: Res) => R, thisArg: unknown, req: Req, res: Res): R {
  let result: R;
  try {
    result = listener.call(thisArg, req, res);
  } catch (error) {
    span.recordError(error);
    throw error;
  }
  if (isThenable(result)) {
    // Same outcome for the app (the returned promise still rejects), with the error on the span.
    return result.then(undefined, (error: unknown) => {
      span.recordError(error);
      throw error;
    }) as R;
  }
  return result;
}

function onResponseDone(this: ServerResponse): void {
  const span = (this.req as TracedRequest | undefined)?.[SERVER_SPAN];
  if (span === undefined || span.isEnded) return;
  endFromResponse(span, this);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
