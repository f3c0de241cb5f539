/**
 * Honeycomb hot path: OpenTelemetry's protobuf trace serializer against dualtrace's own encoder, on the same 512-span
 * batches. Run: npx vitest bench --run bench/otlp.bench.ts
 * Targets (docs/benchmarks.md, "Targets"): ≤ 20 µs extra CPU per request with both exporters, 150k spans/s/core; the
 * serializer was ≈ 48 % of the OTLP export cost in the profiles (bench/notes.md).
 *
 * On a shared machine, quote minima (means are noisy) and keep figures in commit messages or bench/notes.md.
 */
import { bench, describe } from 'vitest';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TraceRequestEncoder } from '../src/exporters/otlp';

const BATCH = 512;
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  idGenerator: new AWSXRayIdGenerator(),
  resource: resourceFromAttributes({ 'service.name': 'activities', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '2.12.1', 'host.name': 'ip-10-0-0-1', 'process.pid': 4242 }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer: Tracer = provider.getTracer('dualtrace', '0.1.0');

/** A typical HTTP SERVER span: what every traced request makes. */
function serverSpans(): ReadableSpan[] {
  memory.reset();
  for (let i = 0; i < BATCH; i++) {
    tracer.startSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: {
      'http.request.method': 'GET', 'url.path': '/api/activities/home', 'url.scheme': 'http', 'server.address': 'localhost',
      'http.route': '/api/activities/home', 'http.response.status_code': 200 } }).end();
  }
  return memory.getFinishedSpans().slice();
}

/** Child spans with two events (one an exception) and a link each, under a remote parent. */
function richSpans(): ReadableSpan[] {
  memory.reset();
  const remote = trace.setSpanContext(context.active(), { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7e', spanId: '0123456789abcdef', traceFlags: 1, isRemote: true });
  const link = { context: { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7f', spanId: 'fedcba9876543210', traceFlags: 1 }, attributes: { 'messaging.message.id': 'm-1' } };
  for (let i = 0; i < BATCH; i++) {
    const span = tracer.startSpan('process order', { kind: SpanKind.CONSUMER, links: [link], attributes: {
      'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders', 'messaging.batch.message_count': 1, 'retry.count': i % 3 } }, remote);
    span.addEvent('order.loaded', { 'order.id': `o-${i}`, 'order.items': 3 });
    span.recordException(new Error('validation failed'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'validation failed' });
    span.end();
  }
  return memory.getFinishedSpans().slice();
}

/** Longer than vitest's 500 ms default: the machine is shared, and minima need samples. */
const OPTIONS = { time: 2_000 };
const server = serverSpans();
const rich = richSpans();
const encoder = new TraceRequestEncoder();
console.log(`bytes per 512-span batch: SERVER ${encoder.encode(server).length}, rich ${encoder.encode(rich).length}`);

const batches: [title: string, spans: ReadableSpan[]][] = [
  [`${BATCH} SERVER spans, 6 attributes each`, server],
  [`${BATCH} CONSUMER spans with 2 events (1 exception) and 1 link`, rich],
];
for (const [title, spans] of batches) {
  describe(title, () => {
    bench('OpenTelemetry ProtobufTraceSerializer', () => {
      ProtobufTraceSerializer.serializeRequest(spans);
    }, OPTIONS);
    bench('dualtrace TraceRequestEncoder', () => {
      encoder.encode(spans);
    }, OPTIONS);
    if (spans !== server) return;
    bench('dualtrace TraceRequestEncoder, new encoder per batch (cold scratch and resource cache)', () => {
      new TraceRequestEncoder().encode(spans);
    }, OPTIONS);
  });
}
