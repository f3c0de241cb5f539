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
 * Both share one function per request that holds the span: reading the span back from the request for each event
 * (about seven per request) is a property lookup on an object whose shape Express changes per request, which on
 * Node 20 misses V8's caches every time and costs more than the one closure. An event emitted where the span is
 * already active costs one comparison.
 */
import { context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerSpan } from './server-span';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
const plainEmit = EventEmitter.prototype.emit as Emit;

/** From now on, listeners of `req`'s and `res`'s events run inside `span`. */
export function runEventsInSpan(span: ServerSpan, req: IncomingMessage, res: ServerResponse): void {
  const ownReq = ownable(req);
  const ownRes = ownable(res);
  if (!ownReq && !ownRes) return;
  /* eslint-disable prefer-rest-params -- `arguments` passes events through without copying them into an array */
  const emit = function emit(this: unknown): boolean {
    const spanContext = span.context;
    if (context.active() === spanContext) return Reflect.apply(plainEmit, this, arguments) as boolean;
    return context.with(spanContext, Reflect.apply, undefined, plainEmit, this, arguments) as boolean;
  };
  /* eslint-enable prefer-rest-params */
  if (ownReq) defineEmit(req, emit);
  if (ownRes) defineEmit(res, emit);
}

/** Only Node's own emit is replaced: an emitter someone else wrapped (or a stand-in object) is left as it is. */
function ownable(target: object): boolean {
  return (target as { emit?: unknown }).emit === plainEmit && !Object.prototype.hasOwnProperty.call(target, 'emit');
}

function defineEmit(target: object, emit: Emit): void {
  Object.defineProperty(target, 'emit', { value: emit, writable: true, configurable: true, enumerable: false });
}
