import type { Datagram } from '../xray/datagram';
import type { Problem } from '../xray/problem';
import { validateDocument } from '../xray/validate';
import type { OtlpResource, OtlpScope, OtlpSpan, TraceRequest } from '../otlp/types';

/** How a span reached the OTLP receiver: what decides the Honeycomb dataset, never the key itself. */
export interface Delivery {
  readonly keyKind: 'classic' | 'environment' | 'none';
  /** `x-honeycomb-dataset`, which Honeycomb reads for Classic keys only. */
  readonly dataset?: string;
  readonly encoding: 'protobuf' | 'json';
}

export interface StoredSpan {
  readonly span: OtlpSpan;
  readonly resource: OtlpResource;
  readonly scope: OtlpScope;
  readonly receivedAt: number;
  readonly delivery: Delivery;
}

export interface StoredDatagram {
  readonly seq: number;
  readonly receivedAt: number;
  readonly datagram: Datagram;
  /** The datagram's problems and those of the document in it. */
  readonly problems: readonly Problem[];
}

export interface TraceEntry {
  /** 32 lowercase hex digits (W3C form); the X-Ray form is `1-{first 8}-{last 24}`. */
  readonly traceId: string;
  readonly firstSeen: number;
  lastUpdate: number;
  readonly spans: Map<string, StoredSpan>;
  readonly datagrams: StoredDatagram[];
  /** Spans and datagrams not kept because the trace was already at `maxSpansPerTrace`. */
  droppedSpans: number;
  droppedDatagrams: number;
}

export interface StoreLimits {
  readonly maxTraces: number;
  readonly maxSpansPerTrace: number;
}

export interface StoreStats {
  otlpRequests: number;
  spans: number;
  datagrams: number;
  /** Spans without a valid trace or span id (not kept: they cannot be filed under a trace). */
  spansWithoutIds: number;
  evictedTraces: number;
}

/** Datagrams that name no usable trace id are kept apart, this many at most. */
export const MAX_UNATTRIBUTED = 50;
const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);

/**
 * The last `maxTraces` traces in memory, as received from both sides, nothing else: every view is computed from
 * this on demand. The least recently updated trace goes first; a trace keeps at most `maxSpansPerTrace` spans and as
 * many datagrams, and counts the rest. Listeners hear the trace id of each change.
 */
export class TraceStore {
  readonly stats: StoreStats = { otlpRequests: 0, spans: 0, datagrams: 0, spansWithoutIds: 0, evictedTraces: 0 };
  readonly unattributed: StoredDatagram[] = [];
  private readonly traces = new Map<string, TraceEntry>();
  private readonly listeners = new Set<(traceId: string | undefined) => void>();
  private seq = 0;

  constructor(readonly limits: StoreLimits) {}

  onChange(listener: (traceId: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.traces.size;
  }

  get(traceId: string): TraceEntry | undefined {
    return this.traces.get(traceId.toLowerCase());
  }

  /** Most recently updated first. */
  entries(): TraceEntry[] {
    return [...this.traces.values()].reverse();
  }

  addRequest(request: TraceRequest, delivery: Delivery, receivedAt = Date.now()): void {
    this.stats.otlpRequests++;
    const touched = new Set<string>();
    for (const rs of request.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          if (!TRACE_ID_RE.test(span.traceId) || span.traceId === ZERO_TRACE_ID || !SPAN_ID_RE.test(span.spanId)) {
            this.stats.spansWithoutIds++;
            continue;
          }
          this.stats.spans++;
          const entry = this.touch(span.traceId, receivedAt);
          // A retried export sends the same span again: it replaces the copy, it is not a second span.
          if (!entry.spans.has(span.spanId) && entry.spans.size >= this.limits.maxSpansPerTrace) entry.droppedSpans++;
          else entry.spans.set(span.spanId, { span, resource: rs.resource, scope: ss.scope, receivedAt, delivery });
          touched.add(span.traceId);
        }
      }
    }
    this.evict();
    for (const id of touched) this.emit(id);
  }

  addDatagram(datagram: Datagram, receivedAt = Date.now()): void {
    this.stats.datagrams++;
    const problems = datagram.document ? [...datagram.problems, ...validateDocument(datagram.document)] : datagram.problems;
    const stored: StoredDatagram = { seq: ++this.seq, receivedAt, datagram, problems };
    const traceId = toW3CTraceId(datagram.traceId);
    if (traceId === undefined) {
      this.unattributed.unshift(stored);
      if (this.unattributed.length > MAX_UNATTRIBUTED) this.unattributed.length = MAX_UNATTRIBUTED;
      this.emit(undefined);
      return;
    }
    const entry = this.touch(traceId, receivedAt);
    if (entry.datagrams.length >= this.limits.maxSpansPerTrace) entry.droppedDatagrams++;
    else entry.datagrams.push(stored);
    this.evict();
    this.emit(traceId);
  }

  private touch(traceId: string, at: number): TraceEntry {
    let entry = this.traces.get(traceId);
    if (entry === undefined) {
      entry = { traceId, firstSeen: at, lastUpdate: at, spans: new Map(), datagrams: [], droppedSpans: 0, droppedDatagrams: 0 };
    } else {
      this.traces.delete(traceId); // re-inserted below: Map order is the eviction order
    }
    entry.lastUpdate = Math.max(entry.lastUpdate, at);
    this.traces.set(traceId, entry);
    return entry;
  }

  private evict(): void {
    while (this.traces.size > this.limits.maxTraces) {
      const oldest = this.traces.keys().next().value as string;
      this.traces.delete(oldest);
      this.stats.evictedTraces++;
    }
  }

  private emit(traceId: string | undefined): void {
    for (const listener of this.listeners) listener(traceId);
  }
}

/** `1-5759e988-bd862e3fe1be46a994272793` → `5759e988bd862e3fe1be46a994272793`; `undefined` when it is not that form. */
export function toW3CTraceId(xrayTraceId: string | undefined): string | undefined {
  if (xrayTraceId === undefined) return undefined;
  const match = /^1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})$/.exec(xrayTraceId);
  if (!match) return undefined;
  const id = (match[1]! + match[2]!).toLowerCase();
  return id === ZERO_TRACE_ID ? undefined : id;
}

export function toXRayTraceId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}
