import { context, type Link, type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, type TimedEvent } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSameAsOpenTelemetry, makeSpan, openTelemetryBytes, RESOURCE } from '../../../test/helpers/otlp-encoder';
import { TraceRequestEncoder } from './trace-request';

const hexId = (bytes: number): fc.Arbitrary<string> =>
  fc.tuple(fc.uint8Array({ minLength: bytes, maxLength: bytes }), fc.boolean()).map(([b, upper]) => {
    const hex = Buffer.from(b).toString('hex');
    return upper ? hex.toUpperCase() : hex;
  });

/** Any string, lone surrogates included, sometimes long enough for a 2- or 3-byte length. */
const text = fc.oneof(
  { weight: 30, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 40, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.nat(70_000).map((n) => 'é'.repeat(n)) },
);

const number = fc.oneof(
  fc.integer(),
  fc.double(), // fractions, NaN, ±Infinity, -0
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(Number),
  fc.constantFrom(2 ** 53, 2 ** 60, -(2 ** 63), 2 ** 63, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, -1, 0x80000000, 0xffffffff),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.uint8Array({ maxLength: 40 }), fc.constantFrom(null, undefined));
/** What OpenTelemetry's serializer accepts as a value: scalars, arrays of anything, nested objects. */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
}));
const attributes = fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), value, { maxKeys: 8 }) as fc.Arbitrary<never>;

const hrTime = fc.tuple(fc.integer({ min: 0, max: 18_446_744_072 }), fc.integer({ min: 0, max: 999_999_999 }));
const traceState = fc.option(fc.constantFrom('vendor=abc', 'a=1,b=2', 'rojo=00f067aa0ba902b7').map((s) => new TraceState(s)), { nil: undefined });
const spanContext: fc.Arbitrary<SpanContext> = fc.record(
  { traceId: hexId(16), spanId: hexId(8), traceFlags: fc.integer({ min: 0, max: 0xffff }), isRemote: fc.boolean(), traceState },
  { requiredKeys: ['traceId', 'spanId', 'traceFlags'] },
);
const event: fc.Arbitrary<TimedEvent> = fc.record(
  { name: text, time: hrTime, attributes, droppedAttributesCount: fc.nat(10) },
  { requiredKeys: ['name', 'time'] },
);
const link: fc.Arbitrary<Link> = fc.record({ context: spanContext, attributes, droppedAttributesCount: fc.nat(10) }, { requiredKeys: ['context'] });

// Resources and scopes are chosen from fixed sets, so that batches share them and grouping is exercised (two scope
// objects with equal fields stay two groups, as in OpenTelemetry).
const RESOURCES = [
  RESOURCE,
  resourceFromAttributes({ 'service.name': 'other', n: -1, list: ['a', 'b'] }, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }),
  { attributes: { plain: 'object' }, asyncAttributesPending: undefined } as never,
];
const SCOPES = [
  { name: 'dualtrace', version: '0.1.0' },
  { name: 'dualtrace', version: '0.1.0' },
  { name: 'with-schema', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' },
  { name: '', version: '', attributes: { 'scope.attr': 'x', n: 1.5 }, droppedAttributesCount: 3 } as never,
];

const span = fc
  .record({
    name: text,
    kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER),
    context: spanContext,
    parent: fc.option(spanContext, { nil: undefined }),
    start: hrTime,
    end: hrTime,
    attributes,
    events: fc.array(event, { maxLength: 3 }),
    links: fc.array(link, { maxLength: 3 }),
    status: fc.record({ code: fc.constantFrom(0, 1, 2), message: fc.option(text, { nil: undefined }) }, { requiredKeys: ['code'] }),
    dropped: fc.tuple(fc.nat(200), fc.nat(200), fc.nat(200)),
    resource: fc.nat(RESOURCES.length - 1),
    scope: fc.nat(SCOPES.length - 1),
  })
  .map((fields) => makeSpan({ ...fields, resource: RESOURCES[fields.resource], scope: SCOPES[fields.scope] }));

/**
 * Ids from a small pool, so that a batch repeats them as traces do and the encoder's id cache is hit, missed and
 * overwritten in every order: a parent equal to the previous span's id, links into the same trace, ids one digit or
 * only case apart, span-id-sized trace ids, malformed ones (odd length, not hex, empty, over-long, non-ASCII).
 */
const ID_POOL = [
  '6743a1b2c3d4e5f60718293a4b5c6d7e',
  '6743a1b2c3d4e5f60718293a4b5c6d7f',
  '6743A1B2C3D4E5F60718293A4B5C6D7E',
  '6743a1b2c3d4e5f6',
  'fedcba9876543210',
  'fedcba9876543211',
  'fedcba987654321',
  '6743a1b2c3d4e5f60718293a4b5c6d7e0',
  '6743a1b2c3d4e5f60718293a4b5c6d7e6743',
  '',
  'xyz',
  'é'.repeat(16),
];
const pooledId = fc.constantFrom(...ID_POOL);
const pooledContext: fc.Arbitrary<SpanContext> = fc.record(
  { traceId: pooledId, spanId: pooledId, traceFlags: fc.constantFrom(0, 1, 0x101), isRemote: fc.boolean() },
  { requiredKeys: ['traceId', 'spanId', 'traceFlags'] },
);
const pooledSpan = fc
  .record({
    context: pooledContext,
    parent: fc.option(pooledContext, { nil: undefined }),
    links: fc.array(fc.record({ context: pooledContext }), { maxLength: 2 }),
    /** A missing trace id (OpenTelemetry throws): on the span, or on a link. */
    missing: fc.option(fc.constantFrom('span', 'link'), { nil: undefined, freq: 20 }),
  })
  .map(({ missing, ...fields }) => {
    const context = missing === 'span' ? { ...fields.context, traceId: undefined as never } : fields.context;
    const links = missing === 'link' ? [...fields.links, { context: { ...fields.context, traceId: undefined as never } }] : fields.links;
    return makeSpan({ ...fields, context, links, attributes: { 'http.response.status_code': 200 } });
  });

/** Both serializers throw, or both write the same bytes. */
function expectSameOutcome(encoder: TraceRequestEncoder, spans: ReadableSpan[]): void {
  let theirs: unknown;
  try {
    theirs = openTelemetryBytes(spans);
  } catch (error) {
    theirs = error;
  }
  if (theirs instanceof Error) expect(() => encoder.encode(spans)).toThrow(theirs.constructor as new () => Error);
  else expectSameAsOpenTelemetry(encoder, spans);
}

describe('TraceRequestEncoder equivalence with OpenTelemetry ProtobufTraceSerializer', () => {
  // One encoder for every run, as in production: its scratch buffer and resource cache carry over between batches.
  const encoder = new TraceRequestEncoder();

  it('should write the same bytes as OpenTelemetry for any batch of hand-built spans', () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 12 }), (spans) => {
        expectSameAsOpenTelemetry(encoder, spans);
      }),
      { numRuns: 300 },
    );
  });

  it('should write the same bytes as OpenTelemetry for batches that repeat ids (the id cache), or throw where it throws', () => {
    fc.assert(
      fc.property(fc.array(fc.array(pooledSpan, { maxLength: 8 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (batches, fresh) => {
        // A new encoder starts with nothing cached; the long-lived one with whatever earlier runs left.
        const used = fresh ? new TraceRequestEncoder() : encoder;
        for (const batch of batches) expectSameOutcome(used, batch);
      }),
      { numRuns: 400 },
    );
  });

  it('should write the same bytes as OpenTelemetry for spans made by a real tracer provider', () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: RESOURCE, spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracers = [provider.getTracer('a'), provider.getTracer('b', '2.0.0', { schemaUrl: 'https://example.com/s' })];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ name: text, tracer: fc.nat(1), attributes, remote: fc.option(spanContext, { nil: undefined }), event: fc.option(event, { nil: undefined }), links: fc.array(link, { maxLength: 2 }) }),
          { minLength: 1, maxLength: 8 },
        ),
        (specs) => {
          memory.reset();
          for (const spec of specs) {
            const parent = spec.remote ? trace.setSpanContext(context.active(), { ...spec.remote, isRemote: true }) : context.active();
            const live = tracers[spec.tracer]!.startSpan(spec.name, { kind: SpanKind.SERVER, attributes: spec.attributes, links: spec.links }, parent);
            if (spec.event) live.addEvent(spec.event.name, spec.event.attributes, spec.event.time);
            live.setStatus({ code: 2, message: spec.name });
            live.end();
          }
          expectSameAsOpenTelemetry(encoder, memory.getFinishedSpans().slice());
        },
      ),
      { numRuns: 100 },
    );
  });
});
