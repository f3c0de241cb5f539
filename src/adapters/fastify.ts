/**
 * `dualtrace/fastify`: one SERVER span per request for Fastify 4 and 5, as a plugin that needs no `fastify-plugin`.
 *
 * @example
 * import Fastify from 'fastify';
 * import { tracing } from 'dualtrace/fastify';
 * const app = Fastify();
 * await app.register(tracing());
 * @see docs/adapters.md
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runEventsInSpan } from './shared/event-context';
import { errorStatus, type TracedRequest } from './shared/node-response';
import { fastifyRoute } from './shared/routes';
import { createServerSpans, type ServerSpan, type ServerTracingOptions } from './shared/server-span';
import { SERVER_SPAN } from './shared/symbols';
import { XRAY_HEADER } from './shared/headers';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/**
 * What {@link tracing} returns: a Fastify plugin (callback style), marked to skip encapsulation so its hooks see every
 * route.
 *
 * @example
 * const plugin: TracingPlugin = tracing({ ignorePaths: ['/healthz'] });
 * await app.register(plugin);
 * @see docs/adapters.md
 */
export interface TracingPlugin {
  /** Fastify calls the plugin with the instance to add the hooks to. */
  (instance: FastifyInstance, options: unknown, done: (error?: Error) => void): void;
  /** Fastify's plugin markers (`Symbol.for('skip-override')`, `'fastify.display-name'`, `'plugin-meta'`). */
  readonly [key: symbol]: unknown;
}

type Traced = FastifyRequest & { [SERVER_SPAN]?: ServerSpan; routerPath?: string };
type Done = (error?: Error) => void;

/**
 * A plugin that starts a SERVER span in `onRequest`, keeps it active for hooks and the handler, records errors in
 * `onError` and ends the span in `onResponse` (or `onRequestAbort`). The span is named after the route template
 * (`request.routeOptions.url`, or `routerPath` on old 4.x).
 *
 * @param {ServerTracingOptions} [options={}] span name, ignored paths, header allow-lists, tracer provider
 * @example
 * await app.register(tracing({ ignorePaths: ['/healthz'] }));
 * @see docs/adapters.md
 */
export function tracing(options?: ServerTracingOptions): TracingPlugin {
  const spans = createServerSpans('fastify', options);

  function onRequest(request: FastifyRequest, reply: FastifyReply, done: Done): void {
    const traced = request as Traced;
    // Zero-code tracing started the span (and made it active) before Fastify saw the request: take it over.
    const existing = (request.raw as TracedRequest)[SERVER_SPAN];
    if (existing !== undefined) {
      spans.adoptNode(existing, request.raw);
      existing.setRoute(fastifyRoute(traced));
      traced[SERVER_SPAN] = existing;
      return done();
    }
    const span = spans.startNode(request.raw, fastifyRoute(traced));
    if (span === undefined) return done();
    traced[SERVER_SPAN] = span;
    (request.raw as TracedRequest)[SERVER_SPAN] = span;
    if (span.xrayAnswer !== undefined) reply.header(XRAY_HEADER, span.xrayAnswer);
    // A content-type parser reading the body in callbacks, and onResponse hooks (run on the response's 'finish').
    runEventsInSpan(span, request.raw, reply.raw);
    span.run(done);
  }

  const plugin = function dualtrace(instance: FastifyInstance, _options: unknown, done: (error?: Error) => void): void {
    instance.addHook('onRequest', onRequest);
    instance.addHook('preHandler', preHandler);
    instance.addHook('onError', onError);
    instance.addHook('onResponse', onResponse);
    try {
      instance.addHook('onRequestAbort', onRequestAbort);
    } catch {
      // Early 4.x has no onRequestAbort hook (FST_ERR_HOOK_NOT_SUPPORTED); the span then ends in onResponse.
    }
    done();
  } as TracingPlugin;
  // What fastify-plugin would set: no encapsulation (hooks apply to the whole app), a name, and the versions we test.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'dualtrace',
    [Symbol.for('plugin-meta')]: { fastify: '4.x || 5.x', name: 'dualtrace' },
  });
  return plugin;
}

/**
 * The body is parsed on stream events, outside the onRequest scope: enter the span's context again right before the
 * handler so it (and its user spans) see it.
 */
function preHandler(request: FastifyRequest, _reply: FastifyReply, done: Done): void {
  const span = (request as Traced)[SERVER_SPAN];
  if (span === undefined) return done();
  span.run(done);
}

/** A thrown error, unless it asks for a 4xx status (see `ServerSpan.recordError`). */
function onError(request: FastifyRequest, _reply: FastifyReply, error: unknown, done: Done): void {
  (request as Traced)[SERVER_SPAN]?.recordError(error, errorStatus(error));
  done();
}

/** The route is known now; the status ends the span. */
function onResponse(request: FastifyRequest, reply: FastifyReply, done: Done): void {
  const span = (request as Traced)[SERVER_SPAN];
  if (span !== undefined) {
    span.setRoute(fastifyRoute(request as Traced));
    span.end(reply.statusCode, reply, replyHeader);
  }
  done();
}

/** The client went away before the response: the span ends without a status. */
function onRequestAbort(request: FastifyRequest, done: Done): void {
  (request as Traced)[SERVER_SPAN]?.end(undefined);
  done();
}

function replyHeader(reply: FastifyReply, name: string): unknown {
  return reply.getHeader(name);
}
