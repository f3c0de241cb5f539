/**
 * The trace headers each hop between services carried, as far as they can be known here. A header is `recorded` when
 * the span captured it (`http.request.header.<name>`, e.g. with `captureRequestHeaders`), and `reconstructed` when it
 * is rebuilt from the ids and flags both backends received (what dualtrace's propagator writes: W3C `traceparent` and
 * `tracestate`, and `X-Amzn-Trace-Id` with Root, Parent and Sampled). Baggage is never on a span unless captured.
 */
import { TraceState } from '@opentelemetry/core';
import { xrayDecision } from '../../trace/sampling-decision';
import type { StoredSpan } from '../store/trace-store';
import { toXRayTraceId } from '../store/trace-store';
import { stringAttribute } from './values';

export interface HopHeader {
  readonly name: 'traceparent' | 'tracestate' | 'baggage' | 'x-amzn-trace-id';
  readonly value?: string;
  readonly source: 'recorded' | 'reconstructed' | 'unknown';
  readonly note?: string;
}

export interface Hop {
  /** `in`: the headers a SERVER/CONSUMER span was called with; `out`: those a CLIENT/PRODUCER span sent. */
  readonly direction: 'in' | 'out';
  readonly spanId: string;
  /** The other side, when its spans reached this viewer: "users-service: GET /users/:handle". */
  readonly peer?: string;
  readonly headers: HopHeader[];
}

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
/** trace.proto SpanFlags: the parent of this span is remote. */
const PARENT_IS_REMOTE = 0x200;

export function hopsOf(spans: ReadonlyMap<string, StoredSpan>): Hop[] {
  const hops: Hop[] = [];
  const children = new Map<string, StoredSpan[]>();
  for (const s of spans.values()) {
    if (s.span.parentSpanId === undefined) continue;
    const list = children.get(s.span.parentSpanId) ?? [];
    list.push(s);
    children.set(s.span.parentSpanId, list);
  }
  for (const stored of spans.values()) {
    const { span } = stored;
    if ((span.kind === SERVER || span.kind === CONSUMER) && span.parentSpanId !== undefined) {
      const parent = spans.get(span.parentSpanId);
      const remote = parent === undefined || (span.flags & PARENT_IS_REMOTE) !== 0 || serviceOf(parent) !== serviceOf(stored);
      if (!remote) continue;
      hops.push({
        direction: 'in',
        spanId: span.spanId,
        ...(parent ? { peer: `${serviceOf(parent)}: ${parent.span.name}` } : {}),
        headers: headersFor(stored, span.parentSpanId, 'in'),
      });
    } else if (span.kind === CLIENT || span.kind === PRODUCER) {
      const callee = (children.get(span.spanId) ?? []).find((c) => c.span.kind === SERVER || c.span.kind === CONSUMER);
      hops.push({
        direction: 'out',
        spanId: span.spanId,
        ...(callee ? { peer: `${serviceOf(callee)}: ${callee.span.name}` } : {}),
        headers: headersFor(stored, span.spanId, 'out'),
      });
    }
  }
  return hops;
}

/** The headers whose parent id is `parentId`: the caller's span for an incoming hop, the client span itself for an outgoing one. */
function headersFor(stored: StoredSpan, parentId: string, direction: 'in' | 'out'): HopHeader[] {
  const { span } = stored;
  const flags = span.flags & 0xff;
  const recorded = (name: string): string | undefined => stringAttribute(span.attributes, `http.request.header.${name}`);
  const pick = (name: HopHeader['name'], rebuilt: string | undefined, note: string): HopHeader => {
    const value = recorded(name);
    if (value !== undefined) return { name, value, source: 'recorded' };
    return rebuilt === undefined ? { name, source: 'unknown', note } : { name, value: rebuilt, source: 'reconstructed', note };
  };
  const side = direction === 'in' ? 'the caller sent it' : 'dualtrace injects it';
  return [
    pick('traceparent', `00-${span.traceId}-${parentId}-${flags.toString(16).padStart(2, '0')}`, `from the trace id, parent id and flags; ${side}`),
    pick('tracestate', span.traceState, span.traceState === undefined ? 'none on the span' : 'the span keeps the trace state it was given'),
    pick('baggage', undefined, 'baggage is not recorded on spans; capture the header (captureRequestHeaders: [\'baggage\']) to see it'),
    pick('x-amzn-trace-id', `Root=${toXRayTraceId(span.traceId)};Parent=${parentId}${xraySampledPart(span, flags)}`, `from the same ids; ${side}`),
  ];
}

/**
 * `;Sampled=` as the propagator writes it, by the same rule (`xrayDecision`): X-Ray's decision in the `dt` entry, none
 * when it leaves X-Ray undecided, else the flag.
 */
function xraySampledPart(span: StoredSpan['span'], flags: number): string {
  const traceState = span.traceState === undefined ? undefined : new TraceState(span.traceState);
  const x = xrayDecision({ traceId: span.traceId, spanId: span.spanId, traceFlags: flags, traceState });
  return x < 0 ? '' : `;Sampled=${x}`;
}

function serviceOf(stored: StoredSpan): string {
  const kv = stored.resource.attributes.find((a) => a.key === 'service.name');
  return kv !== undefined && 'stringValue' in kv.value ? kv.value.stringValue : 'unknown_service';
}
