/**
 * Test-only helpers for the OTLP encoder tests: hand-built ReadableSpans that can hold any field value, and the check
 * that our bytes are OpenTelemetry's. Not imported by production code.
 */
import { type HrTime, type Link, type SpanContext, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';
import { decodeTraceRequestMessage } from './otlp-proto';
import type { TraceRequestEncoder } from '../../src/exporters/otlp/trace-request';

export const TRACE_ID = '6743a1b2c3d4e5f60718293a4b5c6d7e';
export const SPAN_ID = '0123456789abcdef';
export const PARENT_ID = 'fedcba9876543210';

export const RESOURCE = resourceFromAttributes({ 'service.name': 'activities', 'telemetry.sdk.language': 'nodejs' });
export const SCOPE: InstrumentationScope = { name: 'dualtrace', version: '0.1.0' };

export interface SpanFields {
  name?: string;
  kind?: SpanKind;
  context?: SpanContext;
  parent?: SpanContext;
  start?: HrTime;
  end?: HrTime;
  attributes?: Attributes;
  events?: TimedEvent[];
  links?: Link[];
  status?: ReadableSpan['status'];
  dropped?: [attributes: number, events: number, links: number];
  resource?: Resource;
  scope?: InstrumentationScope;
}

/** A ReadableSpan built by hand, so a test can put in what a real span would refuse (NaN, Uint8Array, 10,000 keys). */
export function makeSpan(fields: SpanFields = {}): ReadableSpan {
  const context = fields.context ?? { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 };
  const start = fields.start ?? [1_764_400_000, 123_456_789];
  const end = fields.end ?? [1_764_400_000, 987_654_321];
  const [droppedAttributes, droppedEvents, droppedLinks] = fields.dropped ?? [0, 0, 0];
  return {
    name: fields.name ?? 'GET /api/activities/home',
    kind: fields.kind ?? SpanKind.SERVER,
    spanContext: () => context,
    parentSpanContext: fields.parent,
    startTime: start,
    endTime: end,
    duration: [0, 1],
    ended: true,
    status: fields.status ?? { code: SpanStatusCode.UNSET },
    attributes: fields.attributes ?? {},
    links: fields.links ?? [],
    events: fields.events ?? [],
    resource: fields.resource ?? RESOURCE,
    instrumentationScope: fields.scope ?? SCOPE,
    droppedAttributesCount: droppedAttributes,
    droppedEventsCount: droppedEvents,
    droppedLinksCount: droppedLinks,
  };
}

/** What OpenTelemetry's own protobuf serializer sends for `spans`. */
export function openTelemetryBytes(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

/**
 * Encodes `spans` with `encoder` and with OpenTelemetry's serializer, and asserts that both decode to the same
 * message (a readable diff when not) and that the bytes are identical. Returns our bytes.
 */
export function expectSameAsOpenTelemetry(encoder: TraceRequestEncoder, spans: ReadableSpan[]): Buffer {
  const theirs = openTelemetryBytes(spans);
  const ours = encoder.encode(spans);
  expect(decodeTraceRequestMessage(ours)).toEqual(decodeTraceRequestMessage(theirs));
  expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  return ours;
}
