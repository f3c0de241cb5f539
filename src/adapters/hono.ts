/**
 * `dualtrace/hono`: one SERVER span per request for Hono 4 (on Node through @hono/node-server, and on any runtime
 * with a Fetch `Request`).
 *
 * @example
 * import { Hono } from 'hono';
 * import { tracing } from 'dualtrace/hono';
 * const app = new Hono();
 * app.use(tracing());            // first, before routes
 * @see docs/adapters.md
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import { fetchResponseHeader, XRAY_HEADER } from './shared/headers';
import type { FetchPeer } from './shared/request-attributes';
import { activeAdoptableSpan } from './shared/handoff';
import { createServerSpans, type ServerSpan, type ServerSpans, type ServerTracingOptions } from './shared/server-span';
import { SERVER_SPAN } from './shared/symbols';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

type Traced = { [SERVER_SPAN]?: ServerSpan };

/**
 * Middleware that starts a SERVER span per request, keeps it active for handlers, names it after the matched route
 * (`c.req.routePath` of the handler that answered) and ends it once the response is ready. Errors Hono caught
 * (`c.error`) are recorded when the response is a 5xx.
 *
 * @param {ServerTracingOptions} [options={}] span name, ignored paths, header allow-lists, tracer provider
 * @example
 * app.use(tracing({ ignorePaths: ['/healthz'] }));
 * @see docs/adapters.md
 */
export function tracing(options?: ServerTracingOptions): MiddlewareHandler {
  const spans = createServerSpans('hono', options);
  return async function dualtraceTracing(c, next) {
    const traced = c as unknown as Traced;
    if (traced[SERVER_SPAN] !== undefined) return next();
    // Served by a Node server under zero-code tracing: name and mark that request's span (Node's response ends it).
    const zeroCode = activeAdoptableSpan<ServerSpan>();
    if (zeroCode !== undefined) return enrich(spans, zeroCode, c, next);
    // @hono/node-server passes `{ incoming, outgoing }` as env: the socket gives the peer address.
    const env = c.env as { incoming?: FetchPeer } | undefined;
    const span = spans.startFetch(c.req.raw, undefined, env?.incoming);
    if (span === undefined) return next();
    traced[SERVER_SPAN] = span;
    if (span.xrayAnswer !== undefined) c.header(XRAY_HEADER, span.xrayAnswer);
    const entryIndex = c.req.routeIndex;
    try {
      await span.run(next);
    } catch (error) {
      span.recordError(error);
      span.end(500);
      throw error;
    }
    // After `next`, routeIndex points at the handler that answered; unchanged means none did (404).
    if (c.req.routeIndex !== entryIndex) span.setRoute(routePath(c.req));
    const status = c.res.status;
    if (c.error !== undefined) span.recordError(c.error, status);
    span.end(status, c.res.headers, fetchResponseHeader);
  };
}

/** Names the zero-code span after the route and records what Hono caught or what was thrown; Node's response ends it. */
async function enrich(spans: ServerSpans, span: ServerSpan, c: Context, next: Next): Promise<void> {
  (c as unknown as Traced)[SERVER_SPAN] = span;
  spans.adoptFetch(span, c.req.raw);
  const entryIndex = c.req.routeIndex;
  try {
    await next();
  } catch (error) {
    span.recordError(error);
    throw error;
  }
  if (c.req.routeIndex !== entryIndex) span.setRoute(routePath(c.req));
  if (c.error !== undefined) span.recordError(c.error, c.res.status);
}

function routePath(req: { readonly routePath: string }): string | undefined {
  try {
    return req.routePath; // What `routePath(c)` from 'hono/route' returns, without importing hono at run time.
  } catch {
    return undefined;
  }
}
