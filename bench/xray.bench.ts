/**
 * X-Ray hot path: translate + serialise per span, reference path vs the packer the exporter uses, for one lone SERVER
 * span, a typical 4-span request trace and a 512-span batch of lone SERVER spans.
 * Run: npx vitest bench --run bench/xray.bench.ts. Target (docs/benchmarks.md, "Targets"): ≤ 2 µs per span for
 * translate + serialise.
 *
 * - reference: translate, then `JSON.stringify` of each document, nested by plain object copies
 *   (test/helpers/reference-packer.ts, the definition the packer is property-tested against);
 * - packer: translate, then `packDocuments` (what XRayDaemonExporter does, size checks included).
 * Every iteration moves the spans' timestamps: a fixed timestamp lets V8's number-to-string cache answer, which is
 * not what happens to real spans.
 *
 * On a shared machine, compare the minima of interleaved runs (this checkout against the base), and put the figures
 * in the commit message or bench/notes.md, not here. A hand-written serialiser of the document shape was measured and
 * dropped (bench/notes.md, "Tried and dropped").
 */
import { bench, describe } from 'vitest';
import { context, SpanKind, trace, type HrTime, type Tracer } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { packDocuments } from '../src/exporters/xray/pack/packer';
import { referencePayloads } from '../test/helpers/reference-packer';
import { createSegmentTranslator, type SegmentDocument } from '../src/exporters/xray/translate';

const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  idGenerator: new AWSXRayIdGenerator(),
  resource: resourceFromAttributes({ 'service.name': 'activities', 'telemetry.sdk.language': 'nodejs' }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer: Tracer = provider.getTracer('bench');

const SERVER_ATTRIBUTES = {
  'http.request.method': 'GET', 'url.path': '/api/activities/home', 'url.scheme': 'http', 'server.address': 'localhost',
  'server.port': 3000, 'http.route': '/api/activities/home', 'http.response.status_code': 200,
  'user_agent.original': 'autocannon', 'client.address': '127.0.0.1',
};

/** One SERVER span + an HTTP client call, a DynamoDB call and a SQL query. Children end first, as in real life. */
function requestTrace(): ReadableSpan[] {
  memory.reset();
  tracer.startActiveSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: SERVER_ATTRIBUTES }, (root) => {
    const parent = trace.setSpan(context.active(), root); // no global context manager in these tests
    tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET',
      'url.full': 'https://api.example.com/users/1', 'server.address': 'api.example.com', 'http.response.status_code': 200 } }, parent).end();
    tracer.startSpan('DynamoDB.GetItem', { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'cloud.region': 'eu-west-1',
      'aws.dynamodb.table_names': ['activities'], 'aws.request_id': 'ABCDEF0123456789' } }, parent).end();
    tracer.startSpan('SELECT shop.orders', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql',
      'db.namespace': 'shop', 'server.address': 'db.internal', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' } }, parent).end();
    root.end();
  });
  return memory.getFinishedSpans().slice();
}

function loneServerSpans(count: number): ReadableSpan[] {
  memory.reset();
  for (let i = 0; i < count; i++) {
    tracer.startSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: SERVER_ATTRIBUTES }).end();
  }
  return memory.getFinishedSpans().slice();
}

/** Moves a span's times forward by a few ms per call (the spans are ours; ReadableSpan's fields are readonly in type only). */
let micros = 1_795_961_941_000_000;
function freshTimes(span: ReadableSpan): ReadableSpan {
  micros += 7_919;
  const timed = span as { startTime: HrTime; endTime: HrTime };
  timed.startTime = [Math.floor(micros / 1e6), (micros % 1e6) * 1000];
  timed.endTime = [Math.floor(micros / 1e6), (micros % 1e6) * 1000 + 3_033_000];
  return span;
}

const translate = createSegmentTranslator();
const translateAll = (spans: readonly ReadableSpan[]): SegmentDocument[] => spans.map((s) => translate(freshTimes(s))!);
const traceSpans = requestTrace();
const server = traceSpans[traceSpans.length - 1]!;
const lone = loneServerSpans(512);
console.log(`datagrams per typical trace: ${packDocuments(translateAll(traceSpans)).payloads.length}; bytes: ${
  packDocuments(translateAll(traceSpans)).payloads.map((p) => Buffer.byteLength(p)).join(', ')}`);

describe('one SERVER span', () => {
  bench('translate only', () => {
    translate(freshTimes(server));
  });
  bench('reference: translate + JSON.stringify', () => {
    referencePayloads([translate(freshTimes(server))!]);
  });
  bench('packer: translate + pack (serialise, frame, measure)', () => {
    packDocuments([translate(freshTimes(server))!]);
  });
});

describe('typical request trace (4 spans, one datagram)', () => {
  bench('reference: translate + nest by copies + JSON.stringify', () => {
    referencePayloads(translateAll(traceSpans));
  });
  bench('packer: translate + pack', () => {
    packDocuments(translateAll(traceSpans));
  });
});

describe('512-span batch of lone SERVER spans (512 datagrams)', () => {
  bench('reference: translate + JSON.stringify each', () => {
    referencePayloads(translateAll(lone));
  });
  bench('packer: translate + pack', () => {
    packDocuments(translateAll(lone));
  });
});
