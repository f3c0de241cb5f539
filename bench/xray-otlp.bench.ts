/**
 * X-Ray over OTLP against the daemon path, per batch of 512 spans (divide by 512 for the per-span cost), and what
 * signing costs per request. Run: npx vitest bench --run bench/xray-otlp.bench.ts.
 *
 * - daemon: translate every span to a segment document, then pack (serialise, frame, measure): what DaemonExporter
 *   does before its UDP sends (one `sendto` per datagram, ≈ 3–6 µs CPU each, is not in this bench);
 * - otlp: list the keys to index (`aws.xray.annotations`), plan the requests (encode, measure against X-Ray's limits),
 *   gzip: what the OTLP exporter does before its one HTTP request per batch;
 * - signing: one SigV4 signature of a gzipped 512-span request body (hash the body, canonical request, HMAC chain) with
 *   credentials already cached, as every request after the first pays it. It is per request, never per span.
 * Every iteration moves the spans' timestamps (V8 caches number-to-string for repeated values).
 *
 * Compare minima of interleaved runs on a shared machine; put figures in bench/notes.md, not here.
 */
import { gzipSync } from 'node:zlib';
import { SpanKind, type HrTime } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bench, describe } from 'vitest';
import { createAnnotationLister } from '../src/exporters/otlp/annotation-list';
import { planRequests } from '../src/exporters/otlp/request-plan';
import { TraceRequestEncoder } from '../src/exporters/otlp/trace-request';
import { packDocuments } from '../src/exporters/xray/pack/packer';
import { createSigV4Signer } from '../src/exporters/xray/otlp/sigv4';
import { XRAY_OTLP_LIMITS } from '../src/exporters/xray/otlp/xray-otlp-exporter';
import { createSegmentTranslator } from '../src/exporters/xray/translate';

Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE-session-token',
  AWS_EC2_METADATA_DISABLED: 'true',
});

const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  idGenerator: new AWSXRayIdGenerator(),
  resource: resourceFromAttributes({ 'service.name': 'activities', 'telemetry.sdk.language': 'nodejs' }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('bench');
const SERVER_ATTRIBUTES = {
  'http.request.method': 'GET', 'url.path': '/api/activities/home', 'url.scheme': 'http', 'server.address': 'localhost',
  'server.port': 3000, 'http.route': '/api/activities/home', 'http.response.status_code': 200,
  'user_agent.original': 'autocannon', 'client.address': '127.0.0.1', 'activity.uuid': '1f0e6a2c-5d4b-4c3a-9e8f-7a6b5c4d3e2f',
};
for (let i = 0; i < 512; i++) tracer.startSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: SERVER_ATTRIBUTES }).end();
const batch = memory.getFinishedSpans().slice();

let micros = 1_795_961_941_000_000;
function fresh(spans: readonly ReadableSpan[]): ReadableSpan[] {
  for (const span of spans) {
    micros += 7_919;
    const timed = span as { startTime: HrTime; endTime: HrTime };
    timed.startTime = [Math.floor(micros / 1e6), (micros % 1e6) * 1000];
    timed.endTime = [Math.floor(micros / 1e6), (micros % 1e6) * 1000 + 3_033_000];
  }
  return spans as ReadableSpan[];
}

const translate = createSegmentTranslator({ indexedAttributes: ['activity.uuid'] });
const encoder = new TraceRequestEncoder();
const list = createAnnotationLister(['activity.uuid'], false)!;
const sign = createSigV4Signer('us-east-1');
const url = new URL('https://xray.us-east-1.amazonaws.com/v1/traces');
const body = gzipSync(planRequests(batch.map(list), encoder, XRAY_OTLP_LIMITS).requests[0]!.body);
const headers = { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', 'content-length': String(body.length) };
console.log(`512 spans: ${body.length} bytes gzipped; ${packDocuments(fresh(batch).map((s) => translate(s)!)).payloads.length} datagrams on the daemon path`);

describe('512 lone SERVER spans, before sending', () => {
  bench('daemon: translate + pack', () => {
    packDocuments(fresh(batch).map((s) => translate(s)!));
  });
  bench('otlp: annotation list + encode and plan', () => {
    planRequests(fresh(batch).map(list), encoder, XRAY_OTLP_LIMITS);
  });
  bench('otlp: annotation list + encode and plan + gzip', () => {
    gzipSync(planRequests(fresh(batch).map(list), encoder, XRAY_OTLP_LIMITS).requests[0]!.body);
  });
});

describe('per request', () => {
  bench('SigV4 signature of a gzipped 512-span body (credentials cached)', async () => {
    await sign({ url, headers, body });
  });
});
