/**
 * Property test of the whole X-Ray path a batch takes: translator → packer → datagram. It extends the translator's own
 * property test (src/exporters/xray/translator/segment.test.ts: one span, attributes and names) with what only shows
 * end to end: batches of related spans (trees, remote parents), any times (even an end before the start), events and
 * exceptions, links, lone surrogates and huge values, and every `maxDocumentBytes`. Each datagram must carry the
 * daemon header, parse as JSON, fit the limit, and every document in it (nested ones too) must obey X-Ray's rules.
 */
import { SpanKind, SpanStatusCode, type Attributes, type AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAEMON_HEADER, packDocuments } from '../../src/exporters/xray/pack/packer';
import { createSegmentTranslator, type SegmentDocument } from '../../src/exporters/xray/translate';
import { MAX_ANNOTATION_KEY_LENGTH, MAX_ANNOTATION_VALUE_LENGTH, MAX_ANNOTATIONS, MAX_NAME_LENGTH } from '../../src/exporters/xray/translate/limits';
import { createTestTracing, NODE_RESOURCE } from '../helpers/translator';

const NAME = /^[\p{L}\p{N} _.:/%&#=+\\@-]+$/u;
const ID = /^[0-9a-f]{16}$/;
const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const ANNOTATION_KEY = /^[0-9A-Za-z_.]+$/;

const HUGE = 'h'.repeat(70_000);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('\uD800', 'a\uDFFFb', '\uDC00\uD800', '\u0000\r\n', '😀'.repeat(300), HUGE) },
);
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE));
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.array(text, { maxLength: 4 }),
  fc.array(number, { maxLength: 4 }),
  fc.array(fc.boolean(), { maxLength: 3 }),
);
const key = fc.oneof(
  fc.constantFrom(
    'http.request.method', 'url.full', 'http.response.status_code', 'server.address', 'db.system.name', 'db.query.text',
    'rpc.system', 'aws.region', 'enduser.id', 'aws.xray.metadata.custom', 'AWS.reserved', 'exception.message', 'odd key!',
    'user.id', 'peer.service', 'messaging.system',
  ),
  fc.string({ maxLength: 12 }),
);
const attributes = fc.dictionary(key, value, { maxKeys: 25 }).chain((attrs) =>
  fc.subarray(Object.keys(attrs)).map((indexed): Attributes => ({ ...attrs, 'aws.xray.annotations': indexed })),
);
const time = fc.tuple(fc.integer({ min: 0, max: 4_102_444_800 }), fc.integer({ min: 0, max: 999_999_999 }));

/** One span of a batch: its parent is an earlier span of the batch, a remote parent, or none. */
const spanSpec = fc.record({
  name: text,
  kind: fc.constantFrom(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER),
  attributes,
  parent: fc.oneof(fc.constant<'none'>('none'), fc.constant<'remote'>('remote'), fc.nat()),
  start: time,
  end: time,
  error: fc.boolean(),
  exceptions: fc.array(fc.record({ name: text, message: text, stack: fc.option(text, { nil: undefined }) }), { maxLength: 3 }),
  events: fc.array(fc.record({ name: text, attributes: fc.dictionary(key, value, { maxKeys: 3 }) }), { maxLength: 3 }),
  linkTo: fc.option(fc.nat(), { nil: undefined }),
});

const REMOTE = { traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', isRemote: true };

function checkDocument(doc: Record<string, unknown>, nested: boolean): void {
  expect(doc.id).toMatch(ID);
  if (!nested) expect(doc.trace_id).toMatch(TRACE_ID);
  if (doc.parent_id !== undefined) expect(doc.parent_id).toMatch(ID);
  const name = doc.name as string;
  expect(name).toMatch(NAME);
  expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  const start = doc.start_time as number;
  const end = doc.end_time as number;
  expect(Number.isFinite(start)).toBe(true);
  expect(Number.isFinite(end)).toBe(true);
  expect(end).toBeGreaterThanOrEqual(start);
  const annotations = Object.entries((doc.annotations ?? {}) as Record<string, unknown>);
  expect(annotations.length).toBeLessThanOrEqual(MAX_ANNOTATIONS);
  for (const [k, v] of annotations) {
    expect(k).toMatch(ANNOTATION_KEY);
    expect(k.length).toBeLessThanOrEqual(MAX_ANNOTATION_KEY_LENGTH);
    expect(['string', 'number', 'boolean']).toContain(typeof v);
    if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(MAX_ANNOTATION_VALUE_LENGTH);
  }
  for (const ns of Object.keys((doc.metadata ?? {}) as Record<string, unknown>)) expect(ns.startsWith('AWS.')).toBe(false);
  const walk = (v: unknown): void => {
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(doc);
  for (const child of (doc.subsegments ?? []) as Record<string, unknown>[]) checkDocument(child, true);
}

describe('X-Ray translator and packer together (properties)', () => {
  it('should turn any batch of spans into datagrams that parse, obey X-Ray rules and fit maxDocumentBytes', () => {
    const tracing = createTestTracing({ ...NODE_RESOURCE, 'service.version': '1.0.0' });
    const translate = createSegmentTranslator({ indexAllAttributes: true, namePattern: '*', indexedAttributes: ['user.id'] });
    fc.assert(
      fc.property(
        fc.array(spanSpec, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(600, 2_000, 16_000, 64_000),
        (specs, maxDocumentBytes) => {
          const made: ReadableSpan[] = [];
          for (const spec of specs) {
            const earlier = typeof spec.parent === 'number' && made.length > 0 ? made[spec.parent % made.length] : undefined;
            const parent =
              earlier !== undefined
                ? { traceId: earlier.spanContext().traceId, spanId: earlier.spanContext().spanId }
                : spec.parent === 'remote'
                  ? REMOTE
                  : undefined;
            const linked = spec.linkTo !== undefined && made.length > 0 ? made[spec.linkTo % made.length] : undefined;
            made.push(
              tracing.span({
                name: spec.name,
                kind: spec.kind,
                attributes: spec.attributes,
                parent,
                startTime: spec.start,
                endTime: spec.end,
                links: linked ? [{ context: linked.spanContext(), attributes: spec.attributes }] : [],
                status: spec.error ? { code: SpanStatusCode.ERROR, message: spec.name } : undefined,
                body: (live) => {
                  for (const e of spec.exceptions) live.recordException({ name: e.name, message: e.message, stack: e.stack });
                  for (const e of spec.events) live.addEvent(e.name, { ...e.attributes });
                },
              }),
            );
          }
          tracing.exporter.reset();
          const docs = made.map((s) => translate(s)).filter((d): d is SegmentDocument => d !== undefined);
          expect(docs).toHaveLength(made.length); // every span translates
          const packed = packDocuments(docs, maxDocumentBytes);
          // A root CLIENT/PRODUCER span is a segment named after the service wrapping the call: count span ids.
          const spanIds = new Set(made.map((s) => s.spanContext().spanId));
          let seen = 0;
          for (const payload of packed.payloads) {
            expect(payload.startsWith(DAEMON_HEADER)).toBe(true);
            expect(DAEMON_HEADER.endsWith('\n')).toBe(true);
            expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(maxDocumentBytes);
            const doc = JSON.parse(payload.slice(DAEMON_HEADER.length)) as Record<string, unknown>;
            checkDocument(doc, false);
            const count = (d: Record<string, unknown>): number =>
              (spanIds.has(d.id as string) ? 1 : 0) + ((d.subsegments ?? []) as Record<string, unknown>[]).reduce((sum, c) => sum + count(c), 0);
            seen += count(doc);
          }
          expect(seen + packed.dropped).toBe(docs.length); // every span sent once, or counted as dropped
        },
      ),
      { numRuns: 300 },
    );
  });
});
