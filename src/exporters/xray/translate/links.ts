import type { Link } from '@opentelemetry/api';
import { toJsonSafe } from './annotations';
import { toXRaySpanId, toXRayTraceId } from './trace-id';
import type { LinkData } from './types';

/**
 * Span links → `links: [{trace_id, id, attributes?}]` (collector `span_links.go`). A link whose ids are invalid is left
 * out, so nothing invalid is sent; the collector drops the whole span for it, which loses far more.
 */
export function makeLinks(links: readonly Link[]): LinkData[] | undefined {
  if (links.length === 0) return undefined;
  let out: LinkData[] | undefined;
  for (const link of links) {
    const traceId = toXRayTraceId(link.context.traceId);
    const id = toXRaySpanId(link.context.spanId);
    if (traceId === undefined || id === undefined) continue;
    const data: LinkData = { trace_id: traceId, id };
    if (link.attributes !== undefined) {
      let attributes: Record<string, unknown> | undefined;
      for (const key in link.attributes) {
        const value = toJsonSafe(link.attributes[key]);
        if (value !== undefined) (attributes ??= {})[key] = value;
      }
      if (attributes !== undefined) data.attributes = attributes;
    }
    (out ??= []).push(data);
  }
  return out;
}
