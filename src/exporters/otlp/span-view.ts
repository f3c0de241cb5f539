import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A plain copy of the fields OTLP encodes, for an exporter that sends a span differently from how another backend
 * sees it (cut to a size, attributes added or left out). The span object itself stays untouched: every backend's
 * processor holds the same one.
 */
export function copySpan(span: ReadableSpan): Mutable<ReadableSpan> {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** `span` as sent with other attributes. */
export function withAttributes(span: ReadableSpan, attributes: Attributes): ReadableSpan {
  const copy = copySpan(span);
  copy.attributes = attributes;
  return copy;
}
