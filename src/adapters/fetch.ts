/**
 * `dualtrace/fetch`: one SERVER span per request for Fetch-style handlers, `(request: Request) => Response`
 * (Next.js route handlers, Bun/Deno-style servers, anything that hands you a `Request`).
 *
 * @example
 * // app/api/users/[id]/route.ts
 * import { traced } from 'dualtrace/fetch';
 * export const GET = traced(async (request) => Response.json(await load(request)), { route: '/api/users/[id]' });
 * @see docs/adapters.md
 */
import { fetchResponseHeader, XRAY_HEADER } from './shared/headers';
import { activeAdoptableSpan } from './shared/handoff';
import { createServerSpans, type ServerSpan, type ServerTracingOptions } from './shared/server-span';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/**
 * Options of {@link traced}: the common ones plus the route template the handler serves.
 *
 * @example
 * const options: FetchTracingOptions = { route: '/api/users/[id]', captureRequestHeaders: ['x-request-id'] };
 * export const GET = traced(handler, options);
 * @see docs/adapters.md#options
 */
export interface FetchTracingOptions extends ServerTracingOptions {
  /** The route template this handler serves (`/api/users/[id]`): `http.route` and the span name `GET /api/users/[id]`. */
  route?: string;
}

/**
 * Wraps a Fetch handler: each call gets a SERVER span, active while the handler runs, ended when it returns its
 * `Response` (status, ERROR on 5xx) or throws (recorded, ERROR, rethrown unchanged).
 *
 * @param handler `(request, ...rest) => Response | Promise<Response>`; extra arguments (e.g. Next.js's `{ params }`)
 *   are passed through
 * @param {FetchTracingOptions} [options={}] route, span name, ignored paths, header allow-lists, tracer provider
 * @example
 * const handler = traced((request) => new Response('ok'), { ignorePaths: ['/healthz'] });
 * @see docs/adapters.md
 */
export function traced<A extends unknown[]>(
  handler: (request: Request, ...rest: A) => Response | Promise<Response>,
  options?: FetchTracingOptions,
): (request: Request, ...rest: A) => Promise<Response> {
  const spans = createServerSpans('fetch', options);
  const route = options?.route;
  return async function dualtraceTraced(this: unknown, request: Request, ...rest: A): Promise<Response> {
    // Served by a Node server under zero-code tracing: name and mark that request's span; Node's response ends it.
    const zeroCode = activeAdoptableSpan<ServerSpan>();
    if (zeroCode !== undefined) {
      spans.adoptFetch(zeroCode, request);
      zeroCode.setRoute(route);
      try {
        return await handler.call(this, request, ...rest);
      } catch (error) {
        zeroCode.recordError(error);
        throw error;
      }
    }
    const span = spans.startFetch(request, route);
    if (span === undefined) return handler.call(this, request, ...rest);
    let response: Response;
    try {
      response = await span.run(handler, this, request, ...rest);
    } catch (error) {
      span.recordError(error);
      span.end(500);
      throw error;
    }
    span.end(response.status, response.headers, fetchResponseHeader);
    return span.xrayAnswer === undefined ? response : withHeader(response, XRAY_HEADER, span.xrayAnswer);
  };
}

/** The response with one more header; a copy when its headers are immutable (a `fetch()` response passed through). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    try {
      const copy = new Response(response.body, response);
      copy.headers.set(name, value);
      return copy;
    } catch {
      return response; // Never let the answer header break a response.
    }
  }
}
