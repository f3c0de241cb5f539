import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, isTracingSuppressed, type ExportResult } from '@opentelemetry/core';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import {
  BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '../../src/errors';
import { XRayDaemonExporter } from '../../src/exporters/xray';
import type { XRayDaemonExporterOptions } from '../../src/config/types';
import { startUdpSink, udp6Unsupported, type UdpSink } from '../helpers/udp-sink';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function sink(family: 4 | 6 = 4): Promise<UdpSink> {
  const s = await startUdpSink({ family });
  cleanup.push(() => s.close());
  return s;
}
function exporter(options: XRayDaemonExporterOptions): XRayDaemonExporter {
  const e = new XRayDaemonExporter(options);
  cleanup.push(() => e.shutdown());
  return e;
}
function tracerWith(processor: SpanProcessor): { tracer: Tracer; provider: BasicTracerProvider } {
  const provider = new BasicTracerProvider({ idGenerator: new AWSXRayIdGenerator(), spanProcessors: [processor] });
  cleanup.push(() => provider.shutdown());
  return { tracer: provider.getTracer('test'), provider };
}
/** A typical request: one SERVER span with an HTTP client call, a DynamoDB call and a SQL query. */
function request(tracer: Tracer, extraChildren = 0): string {
  return tracer.startActiveSpan('GET /activities', { kind: SpanKind.SERVER, attributes: {
    'http.request.method': 'GET', 'url.path': '/activities', 'http.response.status_code': 200 } }, (root) => {
    const parent = trace.setSpan(context.active(), root); // no global context manager in these tests
    tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET',
      'url.full': 'https://api.example.com/users/1', 'server.address': 'api.example.com', 'http.response.status_code': 200 } }, parent).end();
    tracer.startSpan('DynamoDB.GetItem', { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'cloud.region': 'eu-west-1', 'aws.dynamodb.table_names': ['activities'] } }, parent).end();
    tracer.startSpan('SELECT shop', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql',
      'db.namespace': 'shop', 'server.address': 'db.internal', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' } }, parent).end();
    for (let i = 0; i < extraChildren; i++) tracer.startSpan(`child ${i}`, {}, parent).end();
    root.end();
    return root.spanContext().spanId;
  });
}
async function finishedSpans(build: (tracer: Tracer) => void): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const { tracer, provider } = tracerWith(new SimpleSpanProcessor(memory));
  build(tracer);
  await provider.forceFlush();
  return memory.getFinishedSpans();
}
function exportOnce(e: XRayDaemonExporter, spans: ReadableSpan[]): Promise<{ results: ExportResult[] }> {
  const results: ExportResult[] = [];
  return new Promise((resolve) => {
    e.export(spans, (result) => {
      results.push(result);
      // Let any duplicate call show up before resolving.
      setTimeout(() => resolve({ results }), 20);
    });
  });
}

describe('XRayDaemonExporter', () => {
  it('should nest a whole request trace exported in one batch into one datagram', async () => {
    const s = await sink();
    const { tracer, provider } = tracerWith(new BatchSpanProcessor(exporter({ daemonAddress: s.daemonAddress })));
    const rootId = request(tracer);
    await provider.forceFlush();
    await s.waitFor(1);
    expect(s.rejected).toEqual([]);
    expect(s.documents).toHaveLength(1);
    const flat = s.segmentsFlat();
    expect(flat).toHaveLength(4);
    expect(flat[0]).toMatchObject({ id: rootId, nested: false });
    expect(flat[0]!.traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    for (const child of flat.slice(1)) {
      expect(child).toMatchObject({ parentId: rootId, nested: true });
      expect(child.doc.trace_id).toBeUndefined();
      expect(child.doc.type).toBeUndefined();
    }
  });

  it('should send spans exported one by one as independent subsegments plus the segment', async () => {
    const s = await sink();
    const { tracer, provider } = tracerWith(new SimpleSpanProcessor(exporter({ daemonAddress: s.daemonAddress })));
    const rootId = request(tracer);
    await provider.forceFlush();
    await s.waitFor(4);
    const subsegments = s.documents.filter((d) => d.type === 'subsegment');
    expect(subsegments).toHaveLength(3);
    for (const doc of subsegments) expect(doc).toMatchObject({ parent_id: rootId, trace_id: s.documents[3]!.trace_id });
    expect(s.documents.find((d) => d.id === rootId)?.type).toBeUndefined();
  });

  it('should deliver over IPv6', async (ctx) => {
    const reason = await udp6Unsupported();
    if (reason) return ctx.skip(reason);
    const s = await sink(6);
    const { tracer, provider } = tracerWith(new BatchSpanProcessor(exporter({ daemonAddress: s.daemonAddress })));
    request(tracer);
    await provider.forceFlush();
    await s.waitFor(1);
  });

  it('should keep a 500-child trace and a 200 kB span within the limit, every datagram parsable', async () => {
    const s = await sink();
    const e = exporter({ daemonAddress: s.daemonAddress });
    const { tracer, provider } = tracerWith(new BatchSpanProcessor(e, { maxExportBatchSize: 1_000, maxQueueSize: 2_000 }));
    const rootId = request(tracer, 497);
    tracer.startActiveSpan('big', (span) => {
      for (let i = 0; i < 200; i++) span.setAttribute(`payload.${i}`, 'x'.repeat(1_000));
      span.end();
    });
    await provider.forceFlush();
    await s.waitFor((docs) => s.segmentsFlat().length >= 501 && docs.length > 0 && s.segmentsFlat().some((f) => f.doc.name === 'big'), 5_000);
    expect(s.rejected).toEqual([]);
    for (const size of s.sizes) expect(size).toBeLessThanOrEqual(64_000);
    const flat = s.segmentsFlat();
    expect(flat.filter((f) => f.parentId === rootId)).toHaveLength(500);
    expect(e.getStats()).toMatchObject({ spans: 502, dropped: 0, truncated: 1, datagramsFailed: 0 });
  });

  it('should call the callback exactly once with SUCCESS, even when the daemon is unreachable', async () => {
    const closed = createSocket('udp4');
    await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', resolve));
    const port = closed.address().port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = exporter({ daemonAddress: `127.0.0.1:${port}` });
    const spans = await finishedSpans((tracer) => request(tracer));
    for (let i = 0; i < 5; i++) {
      const { results } = await exportOnce(e, spans.slice(i % 4, i % 4 + 1));
      expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    }
    const stats = e.getStats();
    expect(stats.errors.ECONNREFUSED).toBeGreaterThanOrEqual(1);
    expect(stats.datagramsSent + stats.datagramsFailed).toBeGreaterThanOrEqual(5);
  });

  it('should answer FAILED once after shutdown, shut down idempotently and leave no UDP handle', async () => {
    const handles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = handles();
    const s = await sink();
    const e = new XRayDaemonExporter({ daemonAddress: s.daemonAddress });
    const spans = await finishedSpans((tracer) => request(tracer));
    expect((await exportOnce(e, spans)).results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    await Promise.all([e.shutdown(), e.shutdown()]);
    await e.shutdown();
    const { results } = await exportOnce(e, spans);
    expect(results).toHaveLength(1);
    expect(results[0]!.code).toBe(ExportResultCode.FAILED);
    await s.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handles()).toBe(before);
  });

  it('should run the export with tracing suppressed', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    cleanup.push(async () => context.disable());
    const s = await sink();
    const e = exporter({ daemonAddress: s.daemonAddress });
    const spans = await finishedSpans((tracer) => request(tracer));
    const suppressed = await new Promise<boolean>((resolve) =>
      e.export(spans, () => resolve(isTracingSuppressed(context.active()))));
    expect(suppressed).toBe(true);
    expect(isTracingSuppressed(context.active())).toBe(false);
  });

  it('should wait for in-flight sends on forceFlush', async () => {
    const s = await sink();
    const e = exporter({ daemonAddress: s.daemonAddress });
    const spans = await finishedSpans((tracer) => { for (let i = 0; i < 128; i++) tracer.startSpan(`root ${i}`).end(); });
    e.export(spans, () => undefined);
    await e.forceFlush();
    expect(e.getStats().datagramsSent).toBe(128);
  });

  it.each([
    [{ daemonAddress: 'udp:127.0.0.1:2000' }, 'DT_CONFIG_BAD_DAEMON_ADDRESS', 'xray.daemonAddress'],
    [{ daemonAddress: '[::1]2000' }, 'DT_CONFIG_BAD_DAEMON_ADDRESS', 'xray.daemonAddress'],
    [{ daemonAddress: { udp: { host: '', port: 1 } } as never }, 'DT_CONFIG_INVALID_TYPE', 'xray.daemonAddress'],
    [{ maxDocumentBytes: 100 }, 'DT_CONFIG_BAD_NUMBER', 'xray.maxDocumentBytes'],
    [{ maxDocumentBytes: 65_508 }, 'DT_CONFIG_BAD_NUMBER', 'xray.maxDocumentBytes'],
    [{ indexedAttributes: 'http.route' as never }, 'DT_CONFIG_INVALID_TYPE', 'xray.indexedAttributes'],
    [{ tracingName: 42 as never }, 'DT_CONFIG_INVALID_TYPE', 'xray.tracingName'],
  ])('should throw a ConfigError for %j', (options, code, option) => {
    expect(() => new XRayDaemonExporter(options)).toThrow(ConfigError);
    expect(() => new XRayDaemonExporter(options)).toThrow(expect.objectContaining({ code, option }));
  });
});
