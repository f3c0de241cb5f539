/**
 * X-Ray hot path: translate + serialise per span and per typical request trace, against a JSON.stringify baseline of
 * the same plain object. Run: npx vitest bench --run bench/xray.bench.ts
 * Target (performance.md): ≤ 2 µs per span for translate + serialise.
 *
 * Measured 2026-11-29, Node 20.20, 2 vCPU shared with other jobs (load ≈ 6, so minima are quoted; means are noisy):
 *   one SERVER span:  JSON.stringify of its document 1.1 µs; translate 1.7 µs; translate + pack 3.1 µs
 *   request trace (4 spans, 1 datagram of 1,255 bytes): JSON.stringify of the nested object 3.3 µs; pack 4.6 µs
 *   (building the nested object with rest-copies, then stringify + measure: 4.6 µs); SDK-style header +
 *   stringify per document (4 datagrams) 5.1 µs; translate + pack 12.1 µs, i.e. ≈ 3 µs per span.
 */
import { bench, describe } from 'vitest';
import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DAEMON_HEADER, packDocuments } from '../src/exporters/xray/packer';
import { createSegmentTranslator, type SegmentDocument } from '../src/exporters/xray/translator';

const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  idGenerator: new AWSXRayIdGenerator(),
  resource: resourceFromAttributes({ 'service.name': 'activities', 'telemetry.sdk.language': 'nodejs' }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer: Tracer = provider.getTracer('bench');

/** One SERVER span + an HTTP client call, a DynamoDB call and a SQL query. Children end first, as in real life. */
function requestTrace(): ReadableSpan[] {
  memory.reset();
  tracer.startActiveSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: {
    'http.request.method': 'GET', 'url.path': '/api/activities/home', 'url.scheme': 'http', 'server.address': 'localhost',
    'server.port': 3000, 'http.route': '/api/activities/home', 'http.response.status_code': 200,
    'user_agent.original': 'autocannon', 'client.address': '127.0.0.1' } }, (root) => {
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

const translate = createSegmentTranslator();
const traceSpans = requestTrace();
const server = traceSpans[traceSpans.length - 1]!;
const serverDoc = translate(server)!;
const traceDocs = traceSpans.map((s) => translate(s)!);
const nestedObject: SegmentDocument = {
  ...traceDocs[3]!,
  subsegments: traceDocs.slice(0, 3).map(({ trace_id: _t, parent_id: _p, type: _y, ...rest }) => rest as SegmentDocument),
};
const datagramsPerTrace = packDocuments(traceDocs).payloads.length;
console.log(`datagrams per typical trace: ${datagramsPerTrace}; bytes: ${packDocuments(traceDocs).payloads.map((p) => Buffer.byteLength(p)).join(', ')}`);

describe('one SERVER span', () => {
  bench('baseline: JSON.stringify of the translated document', () => {
    JSON.stringify(serverDoc);
  });
  bench('translate only', () => {
    translate(server);
  });
  bench('translate + pack (serialise, frame, measure)', () => {
    packDocuments([translate(server)!]);
  });
});

describe('typical request trace (4 spans)', () => {
  bench('baseline: JSON.stringify of the nested document', () => {
    JSON.stringify(nestedObject);
  });
  bench('baseline: header + JSON.stringify of each document (SDK style, 4 datagrams)', () => {
    for (const doc of traceDocs) Buffer.byteLength(DAEMON_HEADER + JSON.stringify(doc));
  });
  bench('translate + pack into nested datagram(s)', () => {
    packDocuments(traceSpans.map((s) => translate(s)!));
  });
  bench('alternative packer: build the nested object (rest-strip children), stringify, measure, frame', () => {
    const children = traceDocs.slice(0, 3).map(({ trace_id: _t, parent_id: _p, type: _y, ...rest }) => rest);
    const payload = DAEMON_HEADER + JSON.stringify({ ...traceDocs[3]!, subsegments: children });
    if (Buffer.byteLength(payload) > 64_000) throw new Error('unexpected');
  });
  bench('pack only (already translated)', () => {
    packDocuments(traceDocs);
  });
});
