import type { OutgoingInstrumentationOptions } from '../config/types';
import { outgoingTracer } from './client-span';
import { instrumentHttpClient } from './http-client';
import { instrumentUndici } from './undici';

// One process, one set of subscriptions, even when several bundles (dualtrace, dualtrace/lambda…) each carry a copy
// of this module: the state lives on globalThis under a registered Symbol.
const STATE = Symbol.for('dualtrace.outgoing');
interface State {
  fetch?: () => void;
  http?: () => void;
}
type Slot = { [STATE]?: State };

/**
 * Traces outgoing HTTP calls as CLIENT spans (stable HTTP semantic conventions) and adds the trace headers
 * (`traceparent`, `tracestate`, `baggage`, `X-Amzn-Trace-Id`) so the callee continues the trace, in Honeycomb and in
 * X-Ray. fetch uses undici's diagnostics channels (no patching); node:http uses its diagnostics channel on Node ≥ 22.12
 * and reversible wrappers of `http(s).request`/`get` on older Node. dualtrace's own export traffic is never traced.
 *
 * Idempotent: a second call only turns on what is still off. The returned function turns everything off again
 * (unsubscribes, restores the wrapped functions; fetch calls in flight are not exported); calling it twice is harmless.
 *
 * @param {OutgoingInstrumentationOptions} [options={ fetch: true, http: true, requireParent: true }]
 * @returns a function that disables the outgoing instrumentation
 * @example
 * import { initTracing, enableOutgoingInstrumentation } from 'dualtrace';
 * initTracing({ service: 'web' });
 * const disable = enableOutgoingInstrumentation({ http: false }); // fetch only
 * // … later, e.g. in tests:
 * disable();
 * @see docs/outgoing.md
 */
export function enableOutgoingInstrumentation(options: OutgoingInstrumentationOptions = {}): () => void {
  const slot = globalThis as Slot;
  const state = (slot[STATE] ??= {});
  const spanOptions = { requireParent: options.requireParent ?? true, tracer: outgoingTracer() };
  if ((options.fetch ?? true) && state.fetch === undefined) state.fetch = instrumentUndici(spanOptions);
  if ((options.http ?? true) && state.http === undefined) state.http = instrumentHttpClient(spanOptions);
  return disableOutgoingInstrumentation;
}

/**
 * Turns off everything {@link enableOutgoingInstrumentation} turned on. Safe to call when nothing is on.
 *
 * @example
 * import { disableOutgoingInstrumentation } from 'dualtrace';
 * disableOutgoingInstrumentation();
 * @see docs/outgoing.md
 */
export function disableOutgoingInstrumentation(): void {
  const slot = globalThis as Slot;
  const state = slot[STATE];
  if (state === undefined) return;
  delete slot[STATE];
  state.fetch?.();
  state.http?.();
}
