/**
 * Zero-code SERVER spans for every `node:http` / `node:https` server, with no framework code.
 *
 * Node publishes `http.server.request.start` for each request, but a diagnostics channel cannot make the span active
 * for the listeners that run next. So the server's request emission is wrapped instead (as Sentry's Node SDK does): an
 * own `emit` on `http.Server.prototype` and `https.Server.prototype` runs `'request'` listeners inside
 * `context.with(span)`, which every framework's routing, middleware and handlers run under; the request's and the
 * response's own events (a body read in callbacks, `'finish'`) run in it too (see ../shared/event-context). Every
 * other event of the server goes straight to the original `emit`. Reversible: the disable function restores the
 * original when nobody wrapped over ours, and otherwise turns ours into a pass-through.
 *
 * The span is the adapters' (`createServerSpans`): same attributes, naming, status and error policy. It is put on the
 * request under `SERVER_SPAN`, where an adapter added on top finds it and enriches it (one span per request). It ends
 * when the response finishes or the connection closes, named after the route Express exposes on the request
 * (`req.baseUrl` + `req.route.path`) or what the Fastify hooks recorded (see ./fastify-hooks).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { runPendingStart } from '../../handle';
import { runLaterEventsInSpan } from '../shared/event-context';
import { endFromResponse, type TracedRequest } from '../shared/node-response';
import { expressRoute, type ExpressRouteFields } from '../shared/routes';
import { isIgnoredByAnyAdapter } from '../shared/handoff';
import { XRAY_HEADER } from '../shared/headers';
import { createServerSpans, type ServerSpans } from '../shared/server-span';
import { SERVER_SPAN, UNTRACED_SERVER } from '../shared/symbols';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
interface Prototype {
  emit: Emit;
}
interface UntracedServer {
  [UNTRACED_SERVER]?: boolean;
}

/** Wraps the request emission of both server classes; returns the undo function. */
export function hookServers(): () => void {
  // Built here, not at module load: the tracer comes from the global provider, which dualtrace registers later.
  const spans = createServerSpans('server', { ignorePaths: isIgnoredByAnyAdapter }, false);
  const undo = [wrapEmit(http.Server.prototype as unknown as Prototype, spans), wrapEmit(https.Server.prototype as unknown as Prototype, spans)];
  return () => {
    for (const fn of undo) fn();
  };
}

function wrapEmit(proto: Prototype, spans: ServerSpans): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(proto, 'emit');
  const original = proto.emit;
  let active = true;
  // `arguments` rather than a rest parameter: every event of every server passes through here, most of them not
  // requests, and they should cost one comparison.
  /* eslint-disable prefer-rest-params */
  const emit = function emit(this: unknown, event: string | symbol): boolean {
    if (event !== 'request' || !active) return Reflect.apply(original, this, arguments) as boolean;
    return emitRequest(this, original, spans, arguments[1] as IncomingMessage, arguments[2] as ServerResponse);
  };
  /* eslint-enable prefer-rest-params */
  proto.emit = emit;
  return () => {
    active = false;
    if (proto.emit !== emit) return; // Someone wrapped over ours: leave theirs in place, ours passes through.
    if (hadOwn) proto.emit = original;
    else delete (proto as Partial<Prototype>).emit;
  };
}

function emitRequest(server: unknown, original: Emit, spans: ServerSpans, req: IncomingMessage, res: ServerResponse): boolean {
  const traced = req as TracedRequest;
  // Only Node's request and response (or look-alikes with their events) can be traced, and only on a server that did
  // not opt out (UNTRACED_SERVER: `dualtrace dev`'s own); anything else goes to the listeners as it came.
  if (
    traced === undefined ||
    traced === null ||
    traced[SERVER_SPAN] !== undefined ||
    typeof (res as Partial<ServerResponse> | undefined)?.on !== 'function' ||
    (server as UntracedServer | null | undefined)?.[UNTRACED_SERVER] === true
  ) {
    return original.call(server, 'request', req, res);
  }
  runPendingStart('a request'); // dualtrace/register: start before the propagator reads this request's headers
  const span = spans.startNode(req);
  if (span === undefined) return original.call(server, 'request', req, res);
  span.markAdoptable();
  traced[SERVER_SPAN] = span;
  // As every adapter does: a request that asked this service to decide (Sampled=?, a Root-only header from a load
  // balancer) gets the decision back. An adapter added on top finds the header already set.
  if (span.xrayAnswer !== undefined) answerXRay(res, span.xrayAnswer);
  // Static listener (reads the span from `res.req`): no closure per request. 'close' covers aborted clients.
  res.on('finish', onResponseDone);
  res.on('close', onResponseDone);
  runLaterEventsInSpan(traced, res);
  try {
    return span.run(original, server, 'request', req, res);
  } catch (error) {
    // A listener threw synchronously (a plain node:http handler): on the span, then on to Node as before.
    span.recordError(error);
    throw error;
  }
}

function answerXRay(res: ServerResponse, answer: string): void {
  try {
    res.setHeader(XRAY_HEADER, answer);
  } catch {
    // A response object that is not Node's (a request emitted by hand): the answer is left out, the request served.
  }
}

function onResponseDone(this: ServerResponse): void {
  const req = this.req as (TracedRequest & ExpressRouteFields) | undefined;
  const span = req?.[SERVER_SPAN];
  if (req === undefined || span === undefined || span.isEnded) return;
  span.setRoute(expressRoute(req));
  endFromResponse(span, this);
}
