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
import { runEventsInSpan } from './shared/event-context';
import { endFromResponse, errorStatus, type TracedRequest } from './shared/node-response';
import { createServerSpans, type ServerSpan, type ServerTracingOptions } from './shared/server-span';
import { SERVER_SPAN } from './shared/symbols';
import { XRAY_HEADER } from './shared/headers';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/**
 * The part of Koa's context the middleware uses (typed structurally: no dependency on @types/koa). Koa's own `ctx`
 * fits it.
 *
 * @example
 * const middleware = tracing();
 * app.use((ctx, next) => middleware(ctx satisfies KoaContextLike, next));
 * @see docs/adapters.md
 */
export interface KoaContextLike {
  /** Node's request (`ctx.req`): the span's method, URL and headers, and where the span is kept. */
  readonly req: IncomingMessage;
  /** Node's response (`ctx.res`): the span ends when it finishes or closes. */
  readonly res: ServerResponse;
}
/**
 * What {@link tracing} returns: Koa middleware.
 *
 * @example
 * const middleware: TracingMiddleware = tracing();
 * app.use(middleware); // first, before the router
 * @see docs/adapters.md
 */
export type TracingMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

/** On `req`: the Koa context, so the static response listener can read the route and whether downstream settled. */
const KOA_CONTEXT = Symbol.for('dualtrace.koa-context');
/** On the context: downstream middleware has settled / the response finished or closed before it did. */
const SETTLED = Symbol.for('dualtrace.koa-settled');
const RESPONDED = Symbol.for('dualtrace.koa-responded');

type Traced = KoaContextLike & { [SERVER_SPAN]?: ServerSpan; [SETTLED]?: boolean; [RESPONDED]?: boolean; _matchedRoute?: unknown };
type KoaRequest = TracedRequest & { [KOA_CONTEXT]?: Traced };

/**
 * Middleware that starts a SERVER span per request, keeps it active for downstream middleware, names it after the
 * @koa/router route (`ctx._matchedRoute`) and ends it once the response has been sent (a streamed `ctx.body`
 * included) or the connection closed, and downstream middleware has settled — whichever comes last, so a client that
 * hangs up early still leaves the route and a later error on the span. A thrown error with a 5xx (or no) status is
 * recorded and rethrown. Inside `dualtrace/http`'s `traced`, it names and marks that span instead of starting one.
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
    const req = ctx.req as KoaRequest;
    // Already traced (an earlier copy of this middleware, or dualtrace/http around Koa's callback): add the route and
    // a thrown error to that span. Without a response object (a hand-made context) there is nothing to end on.
    const outer = traced[SERVER_SPAN] ?? req[SERVER_SPAN];
    if (outer !== undefined) spans.adoptNode(outer, req); // a zero-code span: this adapter's options apply to it
    if (outer !== undefined || ctx.res === undefined) {
      try {
        await next();
      } catch (error) {
        outer?.recordError(error, errorStatus(error) ?? 500);
        throw error;
      } finally {
        outer?.setRoute(routeOf(traced));
      }
      return;
    }
    const span = spans.startNode(req);
    if (span === undefined) {
      await next();
      return;
    }
    traced[SERVER_SPAN] = span;
    req[SERVER_SPAN] = span;
    req[KOA_CONTEXT] = traced;
    if (span.xrayAnswer !== undefined) ctx.res.setHeader(XRAY_HEADER, span.xrayAnswer);
    // Koa writes the body after the middleware settles (and pipes streams), so the span ends with the response.
    ctx.res.on('finish', onResponseDone);
    ctx.res.on('close', onResponseDone);
    runEventsInSpan(span, req, ctx.res);
    try {
      await span.run(next);
    } catch (error) {
      // Koa's own handler answers `status`/`statusCode` when it is 4xx/5xx, else 500: the response carries it.
      span.recordError(error, errorStatus(error) ?? 500);
      throw error;
    } finally {
      traced[SETTLED] = true;
      span.setRoute(routeOf(traced));
      if (traced[RESPONDED] === true) endFromResponse(span, ctx.res); // the response was done first
    }
  };
}

/** Static listener (no closure per request): ends the span, unless downstream middleware is still running. */
function onResponseDone(this: ServerResponse): void {
  const req = this.req as KoaRequest | undefined;
  const span = req?.[SERVER_SPAN];
  const ctx = req?.[KOA_CONTEXT];
  if (span === undefined || span.isEnded) return;
  if (ctx !== undefined && ctx[SETTLED] !== true) {
    ctx[RESPONDED] = true; // the middleware ends it when it settles
    return;
  }
  endFromResponse(span, this);
}

function routeOf(ctx: Traced): string | undefined {
  const route = ctx._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}
