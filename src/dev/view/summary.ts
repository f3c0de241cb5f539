import type { TraceEntry } from '../store/trace-store';
import { toXRayTraceId } from '../store/trace-store';
import { nanosToMillis } from './values';

/** One row of the trace list. */
export interface TraceSummary {
  readonly traceId: string;
  readonly xrayTraceId: string;
  readonly service: string;
  readonly rootName: string;
  /** Epoch ms of the earliest start either side reported. */
  readonly start: number;
  readonly durationMs: number;
  readonly spans: number;
  readonly segments: number;
  /** A span with status ERROR (Honeycomb's `error` field). */
  readonly error: boolean;
  /** X-Ray's flags on any (sub)segment. */
  readonly xray: { readonly fault: boolean; readonly error: boolean; readonly throttle: boolean };
  readonly problems: { readonly errors: number; readonly warnings: number };
  readonly lastUpdate: number;
}

export function summarize(entry: TraceEntry): TraceSummary {
  let start = Infinity;
  let end = -Infinity;
  let root: { name: string; service: string; start: number } | undefined;
  let error = false;
  for (const { span, resource } of entry.spans.values()) {
    const s = nanosToMillis(span.startTimeUnixNano);
    start = Math.min(start, s);
    end = Math.max(end, nanosToMillis(span.endTimeUnixNano));
    if (span.status.code === 2) error = true;
    const isRoot = span.parentSpanId === undefined || !entry.spans.has(span.parentSpanId);
    if (isRoot && (root === undefined || s < root.start)) {
      const service = resource.attributes.find((a) => a.key === 'service.name');
      root = { name: span.name, service: service && 'stringValue' in service.value ? service.value.stringValue : 'unknown_service', start: s };
    }
  }
  const xray = { fault: false, error: false, throttle: false };
  let segments = 0;
  let errors = 0;
  let warnings = 0;
  let xrayRoot: { name: string; start: number } | undefined;
  for (const d of entry.datagrams) {
    for (const p of d.problems) {
      if (p.severity === 'error') errors++;
      else if (p.severity === 'warning') warnings++;
    }
    const doc = d.datagram.document;
    if (doc === undefined) continue;
    walk(doc, (node) => {
      segments++;
      if (node.fault === true) xray.fault = true;
      if (node.error === true) xray.error = true;
      if (node.throttle === true) xray.throttle = true;
      if (typeof node.start_time === 'number') start = Math.min(start, node.start_time * 1000);
      if (typeof node.end_time === 'number') end = Math.max(end, node.end_time * 1000);
    });
    if (doc.type === undefined && typeof doc.name === 'string' && typeof doc.start_time === 'number' && (xrayRoot === undefined || doc.start_time * 1000 < xrayRoot.start)) {
      xrayRoot = { name: doc.name, start: doc.start_time * 1000 };
    }
  }
  return {
    traceId: entry.traceId,
    xrayTraceId: toXRayTraceId(entry.traceId),
    service: root?.service ?? xrayRoot?.name ?? '(unknown)',
    rootName: root?.name ?? xrayRoot?.name ?? '(no root yet)',
    start: Number.isFinite(start) ? start : entry.firstSeen,
    durationMs: Number.isFinite(end - start) ? Math.max(0, end - start) : 0,
    spans: entry.spans.size,
    segments,
    error,
    xray,
    problems: { errors, warnings },
    lastUpdate: entry.lastUpdate,
  };
}

function walk(doc: Record<string, unknown>, visit: (doc: Record<string, unknown>) => void): void {
  visit(doc);
  if (!Array.isArray(doc.subsegments)) return;
  for (const child of doc.subsegments) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) walk(child as Record<string, unknown>, visit);
  }
}
