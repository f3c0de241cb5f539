/**
 * Test-only helpers for the translator tests: a real BasicTracerProvider with an InMemorySpanExporter, so every test
 * translates genuine exported ReadableSpans. Not imported by production code.
 */
import type { Attributes, Link, Span, SpanKind, SpanStatus } from '@opentelemetry/api';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export const NODE_RESOURCE: Attributes = {
  'service.name': 'backend-flask',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.version': '2.12.1',
};

export interface TestSpanSpec {
  name?: string;
  kind?: SpanKind;
  attributes?: Attributes;
  status?: SpanStatus;
  links?: Link[];
  /** Runs against the live span before it ends (record exceptions, add events…). */
  body?: (span: Span) => void;
  /** Make it a child of this (already ended or live) span context. */
  parent?: { traceId: string; spanId: string; isRemote?: boolean };
  startTime?: [number, number];
  endTime?: [number, number];
}

/** A provider whose spans end up in `exporter`. One per resource. */
export function createTestTracing(resourceAttributes: Attributes = NODE_RESOURCE): {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  span: (spec?: TestSpanSpec) => ReadableSpan;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('dualtrace-translator-test');
  const span = (spec: TestSpanSpec = {}): ReadableSpan => {
    const ctx =
      spec.parent === undefined
        ? ROOT_CONTEXT
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId: spec.parent.traceId,
            spanId: spec.parent.spanId,
            traceFlags: 1,
            isRemote: spec.parent.isRemote ?? false,
          });
    const live = tracer.startSpan(
      spec.name ?? 'test-span',
      {
        kind: spec.kind,
        attributes: spec.attributes,
        links: spec.links,
        ...(spec.startTime === undefined ? {} : { startTime: spec.startTime }),
      },
      ctx,
    );
    if (spec.status !== undefined) live.setStatus(spec.status);
    spec.body?.(live);
    live.end(spec.endTime);
    const finished = exporter.getFinishedSpans();
    const last = finished[finished.length - 1];
    if (last === undefined) throw new Error('span was not exported');
    return last;
  };
  return { provider, exporter, span };
}

export const PARENT = { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8' };
