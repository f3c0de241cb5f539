/**
 * Route templates and thrown errors for Fastify 4 and 5 under zero-code tracing, through Fastify's public
 * `fastify.initialization` diagnostics channel (published by every new instance, Fastify ≥ 3.21; the documented way
 * for instrumentation to add hooks, https://fastify.dev/docs/latest/Reference/Hooks/#diagnostics-channel-hooks). Two
 * application hooks are added to each instance, nothing of Fastify is patched:
 * - `onRequest`: routing is done, so the span gets `request.routeOptions.url` (`routerPath` on old 4.x);
 * - `onError`: a thrown error is recorded on the span (unless it asks for a 4xx), with the exception event.
 * The span itself is the zero-code one on `request.raw`; hooks of the `dualtrace/fastify` adapter find the same span.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { errorStatus } from '../shared/node-response';
import { fastifyRoute, type FastifyRouteFields } from '../shared/routes';
import type { ServerSpan } from '../shared/server-span';
import { SERVER_SPAN } from '../shared/symbols';

const INITIALIZATION = 'fastify.initialization';

type Done = (error?: Error) => void;
type Request = FastifyRouteFields & { readonly raw: IncomingMessage & { [SERVER_SPAN]?: ServerSpan } };
interface FastifyLike {
  addHook(name: string, hook: (...args: never[]) => void): unknown;
}

/** Subscribes to new Fastify instances; returns the undo function (instances already hooked keep their hooks). */
export function hookFastify(): () => void {
  let active = true;
  const onInitialization = (message: unknown): void => {
    const fastify = (message as { fastify?: FastifyLike } | undefined)?.fastify;
    if (fastify === undefined || typeof fastify.addHook !== 'function') return;
    try {
      fastify.addHook('onRequest', (request: Request, _reply: unknown, done: Done) => {
        if (active) request.raw[SERVER_SPAN]?.setRoute(fastifyRoute(request));
        done();
      });
      fastify.addHook('onError', (request: Request, _reply: unknown, error: unknown, done: Done) => {
        if (active) request.raw[SERVER_SPAN]?.recordError(error, errorStatus(error));
        done();
      });
    } catch {
      // An instance that refuses hooks is served untouched: the span keeps its method-only name.
    }
  };
  subscribe(INITIALIZATION, onInitialization);
  return () => {
    active = false;
    unsubscribe(INITIALIZATION, onInitialization);
  };
}
