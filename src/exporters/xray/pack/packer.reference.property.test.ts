import type { Attributes } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAEMON_HEADER, MAX_NESTING_DEPTH, packDocuments } from './packer';
import { referencePayloads } from '../../../../test/helpers/reference-packer';
import { createSegmentTranslator, type SegmentDocument } from '../translate';
import { createTestTracing } from '../../../../test/helpers/translator';

// The packer's fast paths (no tree bookkeeping for batches without subsegments, nesting by re-pointing documents)
// against the definition in test/helpers/reference-packer.ts.

const KEYS = [
  'http.request.method', 'url.path', 'url.full', 'server.address', 'server.port', 'http.response.status_code',
  'user_agent.original', 'client.address', 'http.route', 'db.system.name', 'db.namespace', 'db.query.text',
  'rpc.system', 'rpc.service', 'rpc.method', 'aws.request_id', 'enduser.id', 'peer.service', 'custom.key', 'AWS.x',
];
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('GET', 'postgresql', 'aws-api', 'https://api.example.com/a?b=1', '/users/1', 'a"b\\c\n'),
  fc.integer({ min: -10, max: 600 }),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
);
const attributes = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), value, {
  maxKeys: 12,
}) as fc.Arbitrary<Attributes>;
const spanSpec = fc.record({
  kind: fc.constantFrom(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER),
  attributes,
  error: fc.boolean(),
  name: fc.string({ unit: 'binary', maxLength: 20 }),
  /** Index of the parent among the earlier spans of the trace; out of range = root. */
  parent: fc.nat(8),
  seconds: fc.integer({ min: 1_600_000_000, max: 2_100_000_000 }),
  nanos: fc.integer({ min: 0, max: 999_999_999 }),
  micros: fc.nat(5_000_000),
});

describe('packDocuments against the reference (properties)', () => {
  it('should send what JSON.stringify of the translated (and nested) documents gives', () => {
    const { span } = createTestTracing();
    const translate = createSegmentTranslator({ indexedAttributes: ['http.route'] });
    fc.assert(
      fc.property(fc.array(fc.array(spanSpec, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), (traces) => {
        const docs: SegmentDocument[] = [];
        for (const specs of traces) {
          const ended: { traceId: string; spanId: string }[] = [];
          for (const spec of specs) {
            const parent = spec.parent < ended.length ? ended[spec.parent] : undefined;
            const end = spec.nanos + (spec.micros % 1_000_000) * 1000;
            const readable = span({
              name: spec.name,
              kind: spec.kind,
              attributes: spec.attributes,
              status: spec.error ? { code: SpanStatusCode.ERROR, message: 'boom' } : undefined,
              parent,
              startTime: [spec.seconds, spec.nanos],
              endTime: [spec.seconds + Math.floor(end / 1e9), end % 1e9],
            });
            ended.push(readable.spanContext());
            const doc = translate(readable);
            if (doc) docs.push(doc);
          }
        }
        const before = JSON.stringify(docs);
        const parse = (payload: string): unknown => {
          expect(payload.startsWith(DAEMON_HEADER)).toBe(true);
          return JSON.parse(payload.slice(DAEMON_HEADER.length)) as unknown;
        };
        expect(packDocuments(docs).payloads.map(parse)).toEqual(referencePayloads(docs).map(parse));
        expect(JSON.stringify(docs)).toBe(before); // documents restored, key order included
      }),
      { numRuns: 200 },
    );
  });

  it('should cut a chain deeper than MAX_NESTING_DEPTH where the reference does', () => {
    const { span } = createTestTracing();
    const translate = createSegmentTranslator();
    const docs: SegmentDocument[] = [];
    let parent: { traceId: string; spanId: string } | undefined;
    for (let level = 0; level < MAX_NESTING_DEPTH * 2 + 5; level++) {
      const readable = span({ name: `level ${level}`, kind: level === 0 ? SpanKind.SERVER : SpanKind.INTERNAL, parent });
      parent = readable.spanContext();
      docs.push(translate(readable)!);
    }
    const parse = (payload: string): unknown => JSON.parse(payload.slice(DAEMON_HEADER.length)) as unknown;
    const packed = packDocuments(docs);
    expect(packed.payloads).toHaveLength(1 + MAX_NESTING_DEPTH + 4);
    expect(packed.payloads.map(parse)).toEqual(referencePayloads(docs).map(parse));
  });
});
