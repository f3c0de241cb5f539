import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { VERSION } from '../version';
import { clientStartAttributes, spanNameFor, type ClientRequestInfo } from './client-attributes';

/**
 * The tracer outgoing calls are recorded with, taken once per `enableOutgoingInstrumentation` (initTracing enables
 * after registering its provider and disables on shutdown, so a later initTracing gets a fresh one).
 */
export function outgoingTracer(): Tracer {
  return trace.getTracer('dualtrace/outgoing', VERSION);
}

export interface OutgoingSpanOptions {
  readonly tracer: Tracer;
  /**
   * Only trace calls made while a span is active (the default, `true`), as the X-Ray SDK traces outgoing calls inside
   * a segment only: background traffic (credential refreshes, polling) does not become one-span root traces.
   */
  readonly requireParent: boolean;
}

export interface StartedClientSpan {
  readonly span: Span;
  /** The headers to add to the request: `traceparent`, `tracestate`, `baggage`, `x-amzn-trace-id`. */
  readonly headers: Record<string, string>;
}

/**
 * Starts a CLIENT span for an outgoing request under the active context, or returns `undefined` when tracing is
 * suppressed (dualtrace's exporters run inside `suppressTracing`, so their own traffic is never traced) or when a
 * parent is required and there is none. Never throws.
 */
export function startClientSpan(info: ClientRequestInfo, options: OutgoingSpanOptions): StartedClientSpan | undefined {
  try {
    const active = context.active();
    if (isTracingSuppressed(active)) return undefined;
    if (options.requireParent) {
      const parent = trace.getSpanContext(active);
      if (parent === undefined || !isSpanContextValid(parent)) return undefined;
    }
    const span = options.tracer.startSpan(
      spanNameFor(info.method),
      { kind: SpanKind.CLIENT, attributes: clientStartAttributes(info) },
      active,
    );
    return { span, headers: injectHeaders(trace.setSpan(active, span)) };
  } catch {
    return undefined;
  }
}

/** The propagation headers for `ctx` from the global propagator (dualtrace's: W3C + baggage + X-Ray). */
function injectHeaders(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}
