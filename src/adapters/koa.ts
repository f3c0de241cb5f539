/**
 * `dualtrace/koa`: one SERVER span per request for Koa 2 and 3 (routes from @koa/router when present).
 *
 * @example
 * import Koa from 'koa';
 * import { tracing } from 'dualtrace/koa';
 * const app = new Koa();
 * app.use(tracing());            // first, before the router
 * @see docs/adapters.md
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { endWithResponse, errorStatus, type TracedRequest } from './shared/node-response';
import { createServerSpans, type ServerSpan, type ServerTracingOptions } from './shared/server-span';
import { SERVER_SPAN } from './shared/symbols';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/** The part of Koa's context the middleware uses (typed structurally: no dependency on @types/koa). */
export interface KoaContextLike {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}
/** Koa middleware. */
export type TracingMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

type Traced = KoaContextLike & { [SERVER_SPAN]?: ServerSpan; _matchedRoute?: unknown };

/**
 * Middleware that starts a SERVER span per request, keeps it active for downstream middleware, names it after the
 * @koa/router route (`ctx._matchedRoute`) and ends it when the response has been sent (a streamed `ctx.body`
 * included) or the connection closed. A thrown error with a 5xx (or no) status is recorded and rethrown.
 *
 * @param {ServerTracingOptions} [options={}] span name, ignored paths, header allow-lists, tracer provider
 * @example
 * app.use(tracing({ ignorePaths: ['/healthz'] }));
 * @see docs/adapters.md
 */
export function tracing(options?: ServerTracingOptions): TracingMiddleware {
  const spans = createServerSpans('koa', options);
  return async function dualtraceTracing(ctx, next) {
    const traced = ctx as Traced;
    const req = ctx.req as TracedRequest;
    // Already traced: by an earlier copy of this middleware, or by dualtrace/http around Koa's callback.
    if (traced[SERVER_SPAN] !== undefined || req[SERVER_SPAN] !== undefined) {
      await next();
      return;
    }
    const span = spans.startNode(req);
    if (span === undefined) {
      await next();
      return;
    }
    traced[SERVER_SPAN] = span;
    req[SERVER_SPAN] = span;
    // Koa writes the body after the middleware settles (and pipes streams), so the span ends with the response.
    endWithResponse(ctx.res);
    try {
      await span.run(next);
    } catch (error) {
      // Koa's own handler answers `status`/`statusCode` when it is 4xx/5xx, else 500: the response carries it.
      span.setRoute(routeOf(traced));
      span.recordError(error, errorStatus(error) ?? 500);
      throw error;
    }
    span.setRoute(routeOf(traced));
  };
}

function routeOf(ctx: Traced): string | undefined {
  const route = ctx._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}
