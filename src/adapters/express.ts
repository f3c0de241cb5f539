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
import { endFromResponse, errorStatus, type TracedRequest } from './shared/node-response';
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

type ExpressRequest = TracedRequest & { route?: { path?: unknown }; baseUrl?: string };

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
    // Mounted sub-apps with their own `tracing()`: one span per request, the outer one.
    if (traced[SERVER_SPAN] !== undefined) return next();
    const span = spans.startNode(req);
    if (span === undefined) return next();
    traced[SERVER_SPAN] = span;
    if (span.xrayAnswer !== undefined) res.setHeader(XRAY_HEADER, span.xrayAnswer);
    // Static listener (reads the span from `res.req`): no closure per request. 'close' covers aborted clients.
    res.on('finish', onResponseDone);
    res.on('close', onResponseDone);
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

/**
 * `req.baseUrl` + `req.route.path` once a route matched (string paths only; arrays and RegExps are left out). When an
 * error left a router, Express has already restored `req.baseUrl` to the parent's: the mount prefix is then what the
 * URL has before the route's own segments (the same actual prefix `baseUrl` would have held).
 */
function expressRoute(req: ExpressRequest): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  let base = req.baseUrl ?? '';
  if (base === '' && !MULTI_SEGMENT_RE.test(path)) base = mountPrefix((req as { originalUrl?: string }).originalUrl, path);
  if (base === '') return path;
  return path === '/' ? base : base + path;
}

// Route syntax that can match more or fewer segments than it has (wildcards, optional parts, regex groups).
const MULTI_SEGMENT_RE = /[*?(){}+]/;

function mountPrefix(originalUrl: string | undefined, routePath: string): string {
  if (originalUrl === undefined) return '';
  const q = originalUrl.indexOf('?');
  const urlSegments = (q < 0 ? originalUrl : originalUrl.slice(0, q)).split('/').filter((x) => x !== '');
  const routeSegments = routePath.split('/').filter((x) => x !== '').length;
  if (urlSegments.length <= routeSegments) return '';
  return '/' + urlSegments.slice(0, urlSegments.length - routeSegments).join('/');
}
