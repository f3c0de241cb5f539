import { createContextKey, TraceFlags, type Context, type SpanContext, type TraceState } from '@opentelemetry/api';

/**
 * Each backend's decision for a trace travels with it in the W3C `tracestate`, under dualtrace's key: `dt=x1h0` says
 * X-Ray keeps the trace and Honeycomb does not; `r10` adds the `SampleRate` Honeycomb's spans carry. The entry is left
 * out when both backends are decided alike at rate 1, so the common case adds nothing; a service with one backend
 * states only that one (`x1`, `h0`), leaving the other to the next service that has it on. Spans inherit it from their
 * parent, each backend's queue reads it to take only its own traces, the X-Ray header's `Sampled=` is written from
 * it, and a downstream dualtrace service honours it, even through a hop that forwards only W3C headers.
 *
 * The `traceparent` sampled flag keeps its W3C meaning: the span is recorded (for at least one backend).
 */
export const DT_KEY = 'dt';
export const WANT_XRAY = 1;
export const WANT_HONEYCOMB = 2;

const ONE = 49; // '1'

/**
 * The `dt` value for these decisions of the backends in `mask` (those decided here or upstream); `''` when the sampled
 * flag says it all: both backends decided, alike, at rate 1. A backend nobody decided (off here, and not stated
 * upstream) is not mentioned, so the next service that has it on decides for it; the entry then always states the
 * other (`x1`, `h1`), since the flag alone would read as a decision for both.
 */
export function encodeDecision(wants: number, rate: number, mask: number): string {
  const honeycombRate = (wants & mask & WANT_HONEYCOMB) !== 0 && rate > 1;
  if (mask === (WANT_XRAY | WANT_HONEYCOMB) && !honeycombRate && ((wants & mask) === mask || (wants & mask) === 0)) return '';
  let value = '';
  if ((mask & WANT_XRAY) !== 0) value += (wants & WANT_XRAY) !== 0 ? 'x1' : 'x0';
  if ((mask & WANT_HONEYCOMB) !== 0) value += (wants & WANT_HONEYCOMB) !== 0 ? 'h1' : 'h0';
  if (honeycombRate) value += `r${rate}`;
  return value;
}

/** One backend's decision in a `dt` value: 1 keep, 0 drop, -1 not stated. */
export function decisionOf(value: string, backend: 'x' | 'h'): -1 | 0 | 1 {
  const at = value.indexOf(backend);
  if (at < 0) return -1;
  return value.charCodeAt(at + 1) === ONE ? 1 : 0;
}

/** The `SampleRate` in a `dt` value (1 when none is stated). */
export function rateOf(value: string): number {
  const at = value.indexOf('r');
  if (at < 0) return 1;
  const n = Number.parseInt(value.slice(at + 1), 10);
  return Number.isSafeInteger(n) && n > 1 ? n : 1;
}

/** The `dt` value of a span context, if any. */
export function decisionValue(state: TraceState | undefined): string | undefined {
  return state === undefined ? undefined : state.get(DT_KEY);
}

/** Whether a backend keeps the span's trace: recorded, and not refused in its `dt` entry. The cheap check of the queues. */
export function wantedBy(spanContext: SpanContext, backend: 'x' | 'h'): boolean {
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return false;
  const value = decisionValue(spanContext.traceState);
  return value === undefined || decisionOf(value, backend) !== 0;
}

/**
 * X-Ray's decision for the `Sampled=` of an outgoing `X-Amzn-Trace-Id`: 1 or 0 as the `dt` entry states it; -1 when
 * the entry leaves X-Ray undecided (the trace came through services with X-Ray off only: the header then carries no
 * `Sampled`, and the next X-Ray service decides by its own rules); with no entry, whether the span is recorded (both
 * backends decided alike). A service with X-Ray off passes on the decision it received: a span it does not record
 * may still say `x1`.
 */
export function xrayDecision(spanContext: SpanContext): -1 | 0 | 1 {
  const value = decisionValue(spanContext.traceState);
  if (value !== undefined) return decisionOf(value, 'x');
  return (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0 ? 1 : 0;
}

/**
 * The incoming X-Ray header's `Sampled` value (`'1'`, `'0'` or `'?'`) when it names the extracted trace: set by the
 * propagator's extract. `'?'` (or no value) is X-Ray's "decide downstream": the sampler then decides for X-Ray, and
 * the adapters answer with the decision.
 */
export const XRAY_SAMPLED = createContextKey('dualtrace.xray.sampled');
/**
 * The sampled flag of a valid incoming `traceparent` (true/false); absent when the parent came from `X-Amzn-Trace-Id`
 * alone, whose `Sampled=` is X-Ray's decision only and does not bind Honeycomb.
 */
export const W3C_SAMPLED = createContextKey('dualtrace.w3c.sampled');

/**
 * The `X-Amzn-Trace-Id` response header with this service's X-Ray decision, when the request asked for it (`Sampled=?`
 * or a `Root`-only header, as an ALB sends): `Root=…;Sampled=1|0`, as the X-Ray SDK's middleware answers, and the
 * same `Sampled=` as the span's outgoing calls (see `xrayDecision`). Else `undefined`, also when X-Ray is off here and
 * nothing upstream decided for it: a service that made no X-Ray decision has none to answer.
 */
export function xrayAnswer(parent: Context, span: SpanContext): string | undefined {
  if (parent.getValue(XRAY_SAMPLED) !== '?') return undefined;
  const x = xrayDecision(span);
  if (x < 0) return undefined;
  const { traceId } = span;
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Sampled=${x === 1 ? '1' : '0'}`;
}
