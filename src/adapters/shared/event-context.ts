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
 *
 * Zero-code tracing starts the span before any of the app's code runs, so it defines the two only once a listener is
 * added to either (`runLaterEventsInSpan`): most handlers add none, and then no event switches context.
 */
import { context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerSpan } from './server-span';
import { SERVER_SPAN } from './symbols';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
const plainEmit = EventEmitter.prototype.emit as Emit;

/** From now on, listeners of `req`'s and `res`'s events run inside `span`. */
export function runEventsInSpan(span: ServerSpan, req: IncomingMessage, res: ServerResponse): void {
  const ownReq = ownable(req);
  const ownRes = ownable(res);
  if (!ownReq && !ownRes) return;
  const emit = emitInSpan(span);
  if (ownReq) defineEmit(req, emit);
  if (ownRes) defineEmit(res, emit);
}

/**
 * The same for listeners added from now on, for a span started before the app's code ran (zero-code tracing): each of
 * `req` and `res` gets its own `emit` when a listener is first added to it (Node's `'newListener'`, emitted before the
 * listener is added). Until then, events pass through Node's `emit` untouched. `req` must carry the span under
 * `SERVER_SPAN`.
 */
export function runLaterEventsInSpan(req: IncomingMessage, res: ServerResponse): void {
  // Measured (bench:ir, see bench/notes.md "Request thread, round 3"): two listeners per request cost less than two
  // own emits and the context switch of every event.
  if (ownable(req)) req.on('newListener', onNewListener);
  if (ownable(res)) res.on('newListener', onNewListener);
}

function onNewListener(this: IncomingMessage | ServerResponse, event: string | symbol, listener: unknown): void {
  // Node's own `clearIncoming` (added to 'end' when the response finished before the body was read) only releases
  // the parser: it needs no span, and waiting for it would define the request's emit on most requests.
  if (event === 'end' && typeof listener === 'function' && listener.name === 'clearIncoming') return;
  this.removeListener('newListener', onNewListener);
  const req = ((this as Partial<ServerResponse>).req ?? this) as IncomingMessage & { [SERVER_SPAN]?: ServerSpan };
  const span = req[SERVER_SPAN];
  if (span !== undefined && ownable(this)) defineEmit(this, emitInSpan(span));
}

/** One function per request (and only where needed), holding the span. */
function emitInSpan(span: ServerSpan): Emit {
  /* eslint-disable prefer-rest-params -- `arguments` passes events through without copying them into an array */
  return function emit(this: unknown): boolean {
    const spanContext = span.context;
    if (context.active() === spanContext) return Reflect.apply(plainEmit, this, arguments) as boolean;
    return context.with(spanContext, Reflect.apply, undefined, plainEmit, this, arguments) as boolean;
  };
  /* eslint-enable prefer-rest-params */
}

/** Only Node's own emit is replaced: an emitter someone else wrapped (or a stand-in object) is left as it is. */
function ownable(target: object): boolean {
  return (target as { emit?: unknown }).emit === plainEmit && !Object.prototype.hasOwnProperty.call(target, 'emit');
}

function defineEmit(target: object, emit: Emit): void {
  Object.defineProperty(target, 'emit', { value: emit, writable: true, configurable: true, enumerable: false });
}
