/**
 * A traced request's own events, and its response's, run with the request's span active.
 *
 * Node emits them from the socket, not from the code that handles the request: a body that arrives after the headers,
 * `'end'`, the response's `'finish'` once the client took it. Callbacks registered on them (callback-style body readers
 * such as busboy and multer, `req.on('end', …)` in a plain handler, response loggers) would otherwise run outside the
 * span, so their spans and outgoing calls would start traces of their own, or not be traced at all (outgoing calls
 * need a parent by default). Readers that `await` keep the context by themselves.
 *
 * The request and the response each get an own, non-enumerable `emit` that runs the listeners with the span active,
 * as OpenTelemetry's http instrumentation does by binding both emitters
 * (https://github.com/open-telemetry/opentelemetry-js/tree/main/experimental/packages/opentelemetry-instrumentation-http).
 * One static function each, reading the span from the request: no closure per request, and an event emitted where
 * the span is already active costs one comparison.
 */
import { context, type Context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { TracedRequest } from './node-response';
import { SERVER_SPAN } from './symbols';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
const plainEmit = EventEmitter.prototype.emit as Emit;

/** From now on, listeners of `req`'s and `res`'s events run inside `req`'s span (call after setting SERVER_SPAN). */
export function runEventsInSpan(req: TracedRequest, res: ServerResponse): void {
  ownEmit(req, emitRequestEvent);
  ownEmit(res, emitResponseEvent);
}

function ownEmit(target: object, emit: (this: never) => boolean): void {
  // Only Node's own emit is replaced: an emitter someone else wrapped (or a stand-in object) is left as it is.
  if ((target as { emit?: unknown }).emit !== plainEmit || Object.prototype.hasOwnProperty.call(target, 'emit')) return;
  Object.defineProperty(target, 'emit', { value: emit, writable: true, configurable: true, enumerable: false });
}

/* eslint-disable prefer-rest-params -- `arguments` passes events through without copying them into an array */
function emitRequestEvent(this: TracedRequest): boolean {
  return emitIn(this[SERVER_SPAN]?.context, this, arguments);
}

function emitResponseEvent(this: ServerResponse): boolean {
  return emitIn((this.req as TracedRequest | undefined)?.[SERVER_SPAN]?.context, this, arguments);
}
/* eslint-enable prefer-rest-params */

function emitIn(spanContext: Context | undefined, target: unknown, args: IArguments): boolean {
  if (spanContext === undefined || context.active() === spanContext) return Reflect.apply(plainEmit, target, args) as boolean;
  return context.with(spanContext, Reflect.apply, undefined, plainEmit, target, args) as boolean;
}
