/**
 * `dualtrace/express`: one SERVER span per request for Express 4 and 5.
 *
 * @example
 * import express from 'express';
 * import { tracing, errorTracing } from 'dualtrace/express';
 * const app = express();
 * app.use(tracing());            // first, before routes
 * // … routes …
 * app.use(errorTracing());       // after routes, before your own error handlers
 * @see docs/adapters.md
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runEventsInSpan } from './shared/event-context';
import { endFromResponse, errorStatus, type TracedRequest } from './shared/node-response';
import { expressRoute, type ExpressRouteFields } from './shared/routes';
import { createServerSpans, type ServerTracingOptions } from './shared/server-span';
import { SERVER_SPAN } from './shared/symbols';
import { XRAY_HEADER } from './shared/headers';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/**
 * Express's `next`, as the middleware calls it.
 *
 * @example
 * const passOn: NextFunction = (error) => { if (error !== undefined) console.error(error); };
 * @see docs/adapters.md
 */
export type NextFunction = (error?: unknown) => void;
/**
 * What {@link tracing} returns: the middleware shape Express accepts (typed structurally: no dependency on Express's
 * types, so it fits Express 4 and 5).
 *
 * @example
 * const middleware: TracingMiddleware = tracing();
 * app.use(middleware);
 * @see docs/adapters.md
 */
export type TracingMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;
/**
 * What {@link errorTracing} returns: the error-middleware shape (four parameters) Express accepts.
 *
 * @example
 * const onError: ErrorTracingMiddleware = errorTracing();
 * app.use(onError); // after the routes
 * @see docs/adapters.md
 */
export type ErrorTracingMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

type ExpressRequest = TracedRequest & ExpressRouteFields;

/**
 * Middleware that starts a SERVER span per request, keeps it active for the handlers, names it after the matched
 * route (`GET /users/:id`, from `req.baseUrl` + `req.route.path`) and ends it when the response finishes or the
 * connection closes.
 *
 * @param {ServerTracingOptions} [options={}] span name, ignored paths, header allow-lists, tracer provider
 * @example
 * app.use(tracing({ ignorePaths: ['/healthz'], captureRequestHeaders: ['x-request-id'] }));
 * @see docs/adapters.md
 */
export function tracing(options?: ServerTracingOptions): TracingMiddleware {
  const spans = createServerSpans('express', options);
  return function dualtraceTracing(req, res, next) {
    const traced = req as ExpressRequest;
    // One span per request: zero-code tracing's (this adapter's options then apply to it), or the outer `tracing()`'s
    // for a mounted sub-app with its own.
    const existing = traced[SERVER_SPAN];
    if (existing !== undefined) {
      spans.adoptNode(existing, req);
      return next();
    }
    const span = spans.startNode(req);
    if (span === undefined) return next();
    traced[SERVER_SPAN] = span;
    if (span.xrayAnswer !== undefined) res.setHeader(XRAY_HEADER, span.xrayAnswer);
    // Static listener (reads the span from `res.req`): no closure per request. 'close' covers aborted clients.
    res.on('finish', onResponseDone);
    res.on('close', onResponseDone);
    runEventsInSpan(span, traced, res);
    span.run(next);
  };
}

/**
 * Error middleware: records the error on the request's span (exception event, ERROR status, `error.type`) unless it
 * asks for a 4xx status, then passes it on with `next(error)`. Add it after your routes.
 *
 * @example
 * app.use(errorTracing());
 * app.use((err, req, res, next) => res.status(500).json({ error: 'internal' }));
 * @see docs/adapters.md
 */
export function errorTracing(): ErrorTracingMiddleware {
  return function dualtraceErrorTracing(error, req, _res, next) {
    (req as ExpressRequest)[SERVER_SPAN]?.recordError(error, errorStatus(error));
    next(error);
  };
}

function onResponseDone(this: ServerResponse): void {
  const req = this.req as ExpressRequest | undefined;
  const span = req?.[SERVER_SPAN];
  if (req === undefined || span === undefined || span.isEnded) return;
  span.setRoute(expressRoute(req));
  endFromResponse(span, this);
}
