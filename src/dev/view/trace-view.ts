import type { StoredSpan, TraceEntry } from '../store/trace-store';
import type { Problem } from '../xray/problem';
import { toHoneycomb, type HoneycombSpanView } from './honeycomb';
import { hopsOf, type Hop } from './hops';
import { summarize, type TraceSummary } from './summary';
import { nanosToMillis } from './values';
import { buildXRayTree, flatten, type XRayNode } from './xray-tree';

export interface SpanRow {
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly service: string;
  readonly kind: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly depth: number;
  readonly statusCode: number;
  readonly honeycomb: HoneycombSpanView;
  /** The X-Ray (sub)segment with the same id, if one arrived. */
  readonly inXRay: boolean;
}

/** A difference between what the two backends received, or something the viewer itself did not keep. */
export interface Gap {
  readonly kind: 'only-honeycomb' | 'only-xray' | 'rejected' | 'not-kept';
  readonly message: string;
  readonly ids: readonly string[];
}

export interface TraceView {
  readonly summary: TraceSummary;
  /** Honeycomb's waterfall: spans depth first, by start time. */
  readonly spans: SpanRow[];
  readonly xray: { readonly roots: XRayNode[]; readonly problems: Problem[] };
  readonly hops: Hop[];
  readonly gaps: Gap[];
}

export function traceView(entry: TraceEntry): TraceView {
  const tree = buildXRayTree(entry.datagrams);
  const nodes = flatten(tree.roots);
  const xrayIds = new Set(nodes.map((n) => n.id));
  const spans = waterfall(entry.spans, xrayIds);
  const gaps: Gap[] = [];
  const onlyHoneycomb = spans.filter((s) => !s.inXRay).map((s) => s.spanId);
  if (onlyHoneycomb.length > 0) {
    gaps.push({ kind: 'only-honeycomb', ids: onlyHoneycomb, message: `${onlyHoneycomb.length} span(s) reached Honeycomb but no X-Ray document with that id arrived: X-Ray export is off in that service, the exporter dropped them (dualtrace logs drops with counts), or they are still on their way.` });
  }
  const onlyXRay = nodes.filter((n) => !entry.spans.has(n.id)).map((n) => n.id);
  if (onlyXRay.length > 0 && entry.spans.size > 0) {
    gaps.push({ kind: 'only-xray', ids: onlyXRay, message: `${onlyXRay.length} (sub)segment(s) arrived over UDP with no matching span in Honeycomb (an app using the X-Ray SDK, Honeycomb export off, or spans still on their way).` });
  }
  const rejected = entry.datagrams.filter((d) => d.datagram.rejectedByDaemon || d.problems.some((p) => p.severity === 'error'));
  if (rejected.length > 0) {
    gaps.push({ kind: 'rejected', ids: rejected.map((d) => (typeof d.datagram.document?.id === 'string' ? d.datagram.document.id : `#${d.seq}`)), message: `${rejected.length} datagram(s) break X-Ray's rules: the daemon or X-Ray drops them, or the fields marked below.` });
  }
  if (entry.droppedSpans + entry.droppedDatagrams > 0) {
    gaps.push({ kind: 'not-kept', ids: [], message: `This viewer kept the first spans and datagrams of this trace only: ${entry.droppedSpans} span(s) and ${entry.droppedDatagrams} datagram(s) more were not kept (--max-spans).` });
  }
  return { summary: summarize(entry), spans, xray: tree, hops: hopsOf(entry.spans), gaps };
}

function waterfall(spans: ReadonlyMap<string, StoredSpan>, xrayIds: ReadonlySet<string>): SpanRow[] {
  const children = new Map<string | undefined, StoredSpan[]>();
  for (const s of spans.values()) {
    const parent = s.span.parentSpanId !== undefined && spans.has(s.span.parentSpanId) ? s.span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  const rows: SpanRow[] = [];
  const visit = (parent: string | undefined, depth: number): void => {
    const list = (children.get(parent) ?? []).sort((a, b) => (BigInt(a.span.startTimeUnixNano) < BigInt(b.span.startTimeUnixNano) ? -1 : 1));
    for (const s of list) {
      if (seen.has(s.span.spanId)) continue;
      seen.add(s.span.spanId);
      const service = s.resource.attributes.find((a) => a.key === 'service.name');
      rows.push({
        spanId: s.span.spanId,
        ...(s.span.parentSpanId !== undefined ? { parentSpanId: s.span.parentSpanId } : {}),
        name: s.span.name,
        service: service && 'stringValue' in service.value ? service.value.stringValue : 'unknown_service',
        kind: s.span.kind,
        startMs: nanosToMillis(s.span.startTimeUnixNano),
        endMs: nanosToMillis(s.span.endTimeUnixNano),
        depth,
        statusCode: s.span.status.code,
        honeycomb: toHoneycomb(s),
        inXRay: xrayIds.has(s.span.spanId),
      });
      visit(s.span.spanId, depth + 1);
    }
  };
  const seen = new Set<string>();
  visit(undefined, 0);
  // Spans whose parents form a loop (a broken sender) are reached from no root: list them at the top level.
  if (rows.length < spans.size) {
    for (const s of spans.values()) {
      if (seen.has(s.span.spanId)) continue;
      children.set(`loop:${s.span.spanId}`, [s]);
      visit(`loop:${s.span.spanId}`, 0);
    }
  }
  return rows;
}
