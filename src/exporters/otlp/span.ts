/**
 * One `ReadableSpan` as an OTLP `Span` (opentelemetry/proto/trace/v1/trace.proto), field by field in number order,
 * with the presence rules of OpenTelemetry JS's `trace-serializer.js` so the bytes are identical:
 * trace_state, parent_span_id, kind and the status message only when set; the dropped counts, the status code and
 * `flags` always. `flags` is the W3C trace flags plus OTLP's "has is_remote" bit (0x100), and 0x200 when the parent
 * (for a span) or the linked context (for a link) is remote.
 */
import type { Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { writeAttributes } from './attributes';
import { PARENT_ID_SLOT, type ProtoWriter, TRACE_ID_SLOT } from './proto-writer';

/** SpanFlags masks (trace.proto `SpanFlags`). */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** ScopeSpans.spans = 2. */
const SCOPE_SPANS_SPAN = 0x12;
/** Most spans are 128 B–16 KiB long, so two bytes for the length usually need no move (see ProtoWriter.end). */
const SPAN_LENGTH_GUESS = 2;

// Span tags (field << 3 | wire type): 2 = length-delimited, 1 = fixed64, 0 = varint, 5 = fixed32.
const TRACE_ID = 0x0a; // 1
const SPAN_ID = 0x12; // 2
const TRACE_STATE = 0x1a; // 3
const PARENT_SPAN_ID = 0x22; // 4
const NAME = 0x2a; // 5
const KIND = 0x30; // 6
const START = 0x39; // 7
const END = 0x41; // 8
const ATTRIBUTES = 0x4a; // 9
const DROPPED_ATTRIBUTES = 0x50; // 10
const EVENT = 0x5a; // 11
const DROPPED_EVENTS = 0x60; // 12
const LINK = 0x6a; // 13
const DROPPED_LINKS = 0x70; // 14
const STATUS = 0x7a; // 15
const FLAGS = [0x85, 0x01] as const; // 16, fixed32: the first tag that needs two bytes

/** Writes `span` as one element of ScopeSpans.spans, tag included. */
export function writeSpan(w: ProtoWriter, span: ReadableSpan): void {
  w.byte(SCOPE_SPANS_SPAN);
  const start = w.begin(SPAN_LENGTH_GUESS);
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  writeContext(w, context);
  if (parent?.spanId) {
    w.byte(PARENT_SPAN_ID);
    w.repeatedHexId(parent.spanId, PARENT_ID_SLOT);
  }
  w.byte(NAME);
  w.string(span.name);
  // The API's SpanKind starts at INTERNAL = 0; OTLP keeps 0 for "unspecified", hence the +1.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.byte(KIND);
    w.varint(kind);
  }
  w.byte(START);
  w.hrTime(span.startTime);
  w.byte(END);
  w.hrTime(span.endTime);
  if (span.attributes) writeAttributes(w, span.attributes, ATTRIBUTES);
  w.byte(DROPPED_ATTRIBUTES);
  w.varint(span.droppedAttributesCount);
  const events = span.events;
  for (let i = 0; i < events.length; i++) writeEvent(w, events[i]!);
  w.byte(DROPPED_EVENTS);
  w.varint(span.droppedEventsCount);
  const links = span.links;
  for (let i = 0; i < links.length; i++) writeLink(w, links[i]!);
  w.byte(DROPPED_LINKS);
  w.varint(span.droppedLinksCount);
  writeStatus(w, span.status);
  w.byte(FLAGS[0]);
  w.byte(FLAGS[1]);
  w.fixed32(spanFlags(context.traceFlags, parent?.isRemote));
  w.end(start, SPAN_LENGTH_GUESS);
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

/** trace_id = 1, span_id = 2, trace_state = 3 (only when set): the same numbers in Span and in Span.Link. */
function writeContext(w: ProtoWriter, context: SpanContext): void {
  w.byte(TRACE_ID);
  w.repeatedHexId(context.traceId, TRACE_ID_SLOT);
  w.byte(SPAN_ID);
  w.hexId(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    w.byte(TRACE_STATE);
    w.string(traceState);
  }
}

/** Span.Event: time_unix_nano = 1 (fixed64), name = 2, attributes = 3, dropped_attributes_count = 4. */
function writeEvent(w: ProtoWriter, event: TimedEvent): void {
  w.byte(EVENT);
  const start = w.begin();
  w.byte(0x09);
  w.hrTime(event.time);
  w.byte(0x12);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, 0x1a);
  w.byte(0x20);
  w.varint(event.droppedAttributesCount || 0);
  w.end(start);
}

/**
 * Span.Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4, dropped_attributes_count = 5, flags = 6
 * (fixed32). A link without a context throws here, as in OpenTelemetry; the guarded exporter then drops that span.
 */
function writeLink(w: ProtoWriter, link: Link): void {
  w.byte(LINK);
  const start = w.begin();
  const context = link.context;
  writeContext(w, context);
  if (link.attributes) writeAttributes(w, link.attributes, 0x22);
  w.byte(0x28);
  w.varint(link.droppedAttributesCount || 0);
  w.byte(0x35);
  w.fixed32(spanFlags(context.traceFlags, context.isRemote));
  w.end(start);
}

/** Status: message = 2 (only when set), code = 3 (always, even UNSET = 0, as OpenTelemetry writes it). */
function writeStatus(w: ProtoWriter, status: ReadableSpan['status']): void {
  w.byte(STATUS);
  const start = w.begin();
  if (status.message) {
    w.byte(0x12);
    w.string(status.message);
  }
  w.byte(0x18);
  w.varint(status.code);
  w.end(start);
}
