/**
 * Checks the prototype's record format end to end: spans made by a real tracer provider, written as records and read
 * back, must encode to the same OTLP bytes (dualtrace's own encoder) and translate to the same X-Ray documents as the
 * originals. Run: node --import tsx bench/export-worker/equivalence.ts (exits 1 on a difference).
 */
import { context, createTraceState, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TraceRequestEncoder } from '../../src/exporters/otlp/trace-request';
import { createSegmentTranslator } from '../../src/exporters/xray/translate';
import { RecordReader } from './record-reader';
import { RecordWriter } from './record-writer';

const resource = resourceFromAttributes({ 'service.name': 'equivalence', 'cloud.provider': 'aws' });
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
const tracer = provider.getTracer('equivalence', '1.2.3');
const other = provider.getTracer('other');

function makeSpans(round: number): void {
  const remote = trace.setSpanContext(context.active(), {
    traceId: '5759e988bd862e3fe1be46a994272793',
    spanId: '53995c3f42cd8ad8',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('dt=x1h0r10,other=v'),
  });
  const server = tracer.startSpan('GET /api/activities/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET', 'url.path': `/api/activities/${round}`, 'http.route': '/api/activities/:id',
      'http.response.status_code': 200, 'server.address': 'example.com', 'user_agent.original': 'Mozilla/5.0 ü',
      'client.port': 51234 + round, ratio: 0.25, negative: -3, big: 2 ** 40, flag: true, off: false,
      list: ['a', 'b'], numbers: [1, 2.5], bytes: new Uint8Array([1, 2, 3]) as unknown as string, // not an AttributeValue by type, but encoded by OTLP empty: '', 'grüße': 'ünïcödé ✓',
    },
  }, remote);
  server.addEvent('checkpoint', { step: 1 });
  server.recordException(new Error(`boom ${round}`));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  const child = other.startSpan('SELECT', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' }, links: [{ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: false }, attributes: { why: 'batch' } }] }, trace.setSpan(context.active(), server));
  child.end();
  server.end();
  tracer.startSpan('root internal').end();
}

for (let round = 0; round < 3; round++) makeSpans(round);
const originals = memory.getFinishedSpans();
// Small buffers: several batches, so the string table carries over from batch to batch.
const writer = new RecordWriter(2048);
// The provider's own Resource (its defaults merged in), as the worker uses its provider's.
const reader = new RecordReader(originals[0]!.resource);
const decoded: ReadableSpan[] = [];
for (const span of originals) {
  if (!writer.write(span)) {
    const batch = writer.take();
    reader.read(batch.buffer, batch.length, (s) => decoded.push(s));
    if (!writer.write(span)) throw new Error('a span did not fit in an empty buffer');
  }
}
const last = writer.take();
reader.read(last.buffer, last.length, (s) => decoded.push(s));

let failures = 0;
const check = (what: string, ok: boolean): void => {
  if (!ok) failures++;
  console.log(`${ok ? 'same' : 'DIFFERENT'}: ${what}`);
};
check(`span count (${originals.length})`, decoded.length === originals.length);
const a = new TraceRequestEncoder().encode(originals);
const b = new TraceRequestEncoder().encode(decoded);
check(`OTLP request bytes (${a.length} B)`, a.equals(b));
if (!a.equals(b) && process.env.EQ_DEBUG) {
  let i = 0;
  while (a[i] === b[i]) i++;
  console.log(a.length, b.length, i, a.subarray(i - 40, i + 40).toString('latin1'), '\n', b.subarray(i - 40, i + 40).toString('latin1'));
}
const translate = createSegmentTranslator({ indexedAttributes: ['http.route'] });
const translateAgain = createSegmentTranslator({ indexedAttributes: ['http.route'] });
// An exception's id is random per translation: left out of the comparison.
const docs = (spans: ReadableSpan[], t: typeof translate): string =>
  JSON.stringify(spans.map((s) => t(s))).replace(/"id":"[0-9a-f]{16}","type"/g, '"id":"…","type"');
check('X-Ray documents', docs(originals, translate) === docs(decoded, translateAgain));
process.exitCode = failures === 0 ? 0 : 1;
