/**
 * X-Ray batches far beyond the usual: a 50,001-span trace in one export, a 6,000-deep parent→child chain, and two
 * large exports at once. Whatever the size or shape, every span arrives (paced out, never dropped for being many), the
 * tree is kept, nothing is nested deeper than the packer's limit, and nothing throws.
 */
import { DiagLogLevel, context, trace, type Span } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../../src/exporters/xray/pack/packer';
import { XRayDaemonExporter } from '../../src/exporters/xray/xray-daemon-exporter';
import { startUdpSink, type ReceivedDocument, type UdpSink } from '../helpers/udp-sink';
import { captureDiag, recordUnhandled, type CapturedLog } from './support';

let sink: UdpSink;
let exporter: XRayDaemonExporter;
let log: CapturedLog;
let unhandled: ReturnType<typeof recordUnhandled>;

beforeEach(async () => {
  log = captureDiag(DiagLogLevel.WARN);
  unhandled = recordUnhandled();
  sink = await startUdpSink();
  exporter = new XRayDaemonExporter({ daemonAddress: sink.daemonAddress });
});

afterEach(async () => {
  await exporter.shutdown();
  await sink.close();
  unhandled.stop();
  log.restore();
});

/** Spans made by a real tracer: `build` gets the tracer and a helper to start a span under a parent. */
function spansOf(build: (start: (name: string, parent?: Span) => Span) => void): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ idGenerator: new AWSXRayIdGenerator(), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('large');
  build((name, parent) => tracer.startSpan(name, {}, parent ? trace.setSpan(context.active(), parent) : undefined));
  return memory.getFinishedSpans().slice();
}

function exportAll(spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Waits for every datagram the exporter handed to the socket, then returns every document, nested ones lifted out. */
async function received(): Promise<Map<string, { parentId: string | undefined; depth: number }>> {
  await sink.waitFor(exporter.getStats().datagramsSent, 30_000);
  const flat = new Map<string, { parentId: string | undefined; depth: number }>();
  const pending: { doc: ReceivedDocument; parentId: string | undefined; depth: number }[] = sink.documents.map((doc) => ({
    doc, parentId: doc.parent_id as string | undefined, depth: 0,
  }));
  while (pending.length > 0) {
    const { doc, parentId, depth } = pending.pop()!;
    flat.set(doc.id as string, { parentId, depth });
    for (const child of (doc.subsegments as ReceivedDocument[] | undefined) ?? []) pending.push({ doc: child, parentId: doc.id as string, depth: depth + 1 });
  }
  return flat;
}

describe('large X-Ray batches', () => {
  it('should deliver a 50,001-span trace exported at once, whole, paced out', async () => {
    const spans = spansOf((start) => {
      const root = start('GET /bulk');
      for (let i = 0; i < 50_000; i++) start(`child ${i}`, root).end();
      root.end();
    });
    expect((await exportAll(spans)).code).toBe(ExportResultCode.SUCCESS);
    const flat = await received();
    expect(flat.size).toBe(50_001);
    const rootId = spans.at(-1)!.spanContext().spanId;
    for (const span of spans.slice(0, -1)) expect(flat.get(span.spanContext().spanId)?.parentId).toBe(rootId);
    expect(exporter.getStats().lost).toEqual({});
    expect(sink.rejected).toEqual([]);
    expect(unhandled.errors).toEqual([]);
  }, 60_000);

  it('should deliver a 6,000-deep parent→child chain, nesting no deeper than the limit', async () => {
    const spans = spansOf((start) => {
      const chain = [start('GET /deep')];
      for (let i = 1; i < 6_000; i++) chain.push(start(`level ${i}`, chain.at(-1)));
      for (const span of chain.reverse()) span.end();
    });
    expect((await exportAll(spans)).code).toBe(ExportResultCode.SUCCESS);
    const flat = await received();
    expect(flat.size).toBe(6_000);
    for (const span of spans) expect(flat.get(span.spanContext().spanId)?.parentId).toBe(span.parentSpanContext?.spanId);
    expect(Math.max(...[...flat.values()].map((d) => d.depth))).toBe(MAX_NESTING_DEPTH);
    expect(exporter.getStats().lost).toEqual({});
    expect(log.lines).toEqual([]);
    expect(unhandled.errors).toEqual([]);
  }, 30_000);

  it('should deliver two 20,000-span exports made at once, pacing the second behind the first', async () => {
    const lone = (): ReadableSpan[] => spansOf((start) => {
      for (let i = 0; i < 20_000; i++) start(`GET /item/${i}`).end();
    });
    const results = await Promise.all([exportAll(lone()), exportAll(lone())]);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    const flat = await received();
    expect(flat.size).toBe(40_000);
    expect(exporter.getStats().lost).toEqual({});
    expect(unhandled.errors).toEqual([]);
  }, 60_000);
});
