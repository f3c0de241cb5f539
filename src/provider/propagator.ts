import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  createContextKey,
  isSpanContextValid,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import { isTracingSuppressed, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { DT_KEY, W3C_SAMPLED, XRAY_SAMPLED, xrayDecision } from '../trace/sampling-decision';

/**
 * Set by `extract` when an `X-Amzn-Trace-Id` names a `Root` but no usable `Parent` (what an ALB sends): the next root
 * span started while this context is active takes this trace id (see `DualtraceIdGenerator`), so the request continues
 * the caller's trace instead of starting a new one.
 */
export const XRAY_ROOT_TRACE_ID = createContextKey('dualtrace.xray.root-trace-id');
export { W3C_SAMPLED, XRAY_SAMPLED };

const XRAY_HEADER = 'x-amzn-trace-id';
const MAX_HEADER_LENGTH = 512; // Far above a real header (~100 characters); longer input is ignored, not parsed.
const ROOT_RE = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;
const PARENT_RE = /^[0-9a-f]{16}$/;
const ZERO_TRACE = /^0+$/;

/**
 * Extracts W3C `traceparent`/`tracestate` or `X-Amzn-Trace-Id`, plus `baggage`; injects all three. Beyond
 * `@opentelemetry/propagator-aws-xray` (used for the common extract), it keeps the X-Ray header's `Root`-only and
 * `Sampled=?` forms instead of dropping them, and writes `Sampled=` from X-Ray's own decision (the `dt` entry of
 * `tracestate`, see docs/sampling.md; no `Sampled` when no service so far had X-Ray on) while `traceparent`'s flag says
 * whether the span is recorded at all.
 * `initTracing` registers it; use it directly with a provider of your own.
 *
 * Which parent wins when both headers are valid: the X-Ray one (`Parent`, `Sampled`, with the W3C `tracestate`) when
 * both name the same trace, because an AWS hop with X-Ray tracing (API Gateway, ALB, App Runner…) records its own
 * segment and updates only `X-Amzn-Trace-Id`; taking `traceparent` would skip that node. When they name different
 * traces, `traceparent` wins. An X-Ray header without a usable `Parent` never overrides a valid `traceparent`.
 *
 * @example
 * import { propagation } from '@opentelemetry/api';
 * import { DualtracePropagator } from 'dualtrace';
 * propagation.setGlobalPropagator(new DualtracePropagator());
 * @see docs/configuration.md
 */
export class DualtracePropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();
  private readonly baggage = new W3CBaggagePropagator();
  private readonly xray = new AWSXRayPropagator();
  private readonly allFields = [...this.w3c.fields(), ...this.baggage.fields(), ...this.xray.fields()];

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    // A state left empty by the sampler (the upstream dt entry removed: every backend keeps the trace, or none does)
    // is not sent as an empty tracestate header, which W3C Trace Context asks vendors to avoid. A state with a dt
    // entry (most that exist) is not empty: one lookup, no serialization.
    const state = span?.traceState;
    const empty = state !== undefined && state.get(DT_KEY) === undefined && state.serialize() === '';
    this.w3c.inject(empty ? trace.setSpanContext(context, { ...span!, traceState: undefined }) : context, carrier, setter);
    this.baggage.inject(context, carrier, setter);
    if (span === undefined || !isSpanContextValid(span) || isTracingSuppressed(context)) return;
    const { traceId, spanId } = span;
    // X-Ray undecided (off here and upstream): no Sampled, so the next X-Ray service (dualtrace, or an X-Ray SDK) decides
    // by its own rules, as for any request without a decision. Not `Sampled=?`: that asks for an answer nobody reads.
    const x = xrayDecision(span);
    const epoch = traceId.slice(0, 8);
    const unique = traceId.slice(8);
    setter.set(carrier, XRAY_HEADER, x < 0 ? `Root=1-${epoch}-${unique};Parent=${spanId}` : `Root=1-${epoch}-${unique};Parent=${spanId};Sampled=${x}`);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const ctx = this.baggage.extract(context, carrier, getter);
    const w3c = this.w3c.extract(ctx, carrier, getter);
    const w3cSpan = trace.getSpanContext(w3c);
    const header = firstValue(getter.get(carrier, XRAY_HEADER));
    const usable = header !== undefined && header.length <= MAX_HEADER_LENGTH;
    if (w3cSpan !== undefined && isSpanContextValid(w3cSpan)) {
      const withFlag = w3c.setValue(W3C_SAMPLED, (w3cSpan.traceFlags & TraceFlags.SAMPLED) !== 0);
      // The same trace's X-Ray header, when there is one, carries X-Ray's own decision, and its parent wins.
      const sampled = usable ? sampledFor(header, w3cSpan.traceId) : undefined;
      if (sampled === undefined) return withFlag;
      const marked = withFlag.setValue(XRAY_SAMPLED, sampled);
      const xraySpan = trace.getSpanContext(this.xray.extract(ctx, carrier, getter));
      if (xraySpan === undefined || !isSpanContextValid(xraySpan) || xraySpan.traceId !== w3cSpan.traceId) return marked;
      // The X-Ray parent, with the W3C tracestate (its dt entry carries the per-backend decisions).
      return trace.setSpanContext(marked, { ...xraySpan, traceState: w3cSpan.traceState });
    }
    if (!usable) return ctx;
    const strict = this.xray.extract(ctx, carrier, getter);
    const strictSpan = trace.getSpanContext(strict);
    if (strict !== ctx && strictSpan !== undefined) return strict.setValue(XRAY_SAMPLED, (strictSpan.traceFlags & TraceFlags.SAMPLED) !== 0 ? '1' : '0');
    return extractLenient(ctx, header);
  }

  fields(): string[] {
    return this.allFields;
  }
}

/** The forms the AWS propagator drops: Root without Parent, and Sampled missing or `?`. Anything invalid is ignored. */
function extractLenient(context: Context, header: string): Context {
  let traceId: string | undefined;
  let parent: string | undefined;
  let sampled: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'root') {
      const m = ROOT_RE.exec(value.toLowerCase());
      traceId = m && !ZERO_TRACE.test(m[1]! + m[2]!) ? m[1]! + m[2]! : undefined;
    } else if (key === 'parent') {
      parent = PARENT_RE.test(value.toLowerCase()) && !/^0+$/.test(value) ? value.toLowerCase() : undefined;
    } else if (key === 'sampled') {
      sampled = value;
    }
  }
  if (traceId === undefined) return context;
  if (parent === undefined) {
    // No parent to point at: the next root span takes this trace id (an ALB's Root-only header).
    return context.setValue(XRAY_ROOT_TRACE_ID, traceId).setValue(XRAY_SAMPLED, sampled === '1' || sampled === '0' ? sampled : '?');
  }
  // Root and Parent, but Sampled is `?` or missing: continue the trace and let our sampler decide.
  const ctx = trace.setSpanContext(context, { traceId, spanId: parent, traceFlags: TraceFlags.NONE, isRemote: true });
  return ctx.setValue(XRAY_SAMPLED, '?');
}

/** The `Sampled` value (`1`, `0`, else `?`) of an X-Ray header whose Root is `traceId`; `undefined` for another trace. */
function sampledFor(header: string, traceId: string): string | undefined {
  const root = /(?:^|;)\s*root\s*=\s*1-([0-9a-f]{8})-([0-9a-f]{24})\s*(?:;|$)/i.exec(header);
  if (root === null || (root[1]! + root[2]!).toLowerCase() !== traceId) return undefined;
  const sampled = /(?:^|;)\s*sampled\s*=\s*([^;\s]*)/i.exec(header)?.[1];
  return sampled === '1' || sampled === '0' ? sampled : '?';
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
