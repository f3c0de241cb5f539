import type { Attributes } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAEMON_HEADER, packDocuments } from './packer';
import { createSegmentTranslator, type SegmentDocument } from './translator';
import { createTestTracing } from './translator/test-utils';

/**
 * The packer's fast paths (no tree bookkeeping for batches without subsegments, nesting by re-pointing documents)
 * against the definition: every root is `JSON.stringify` of the translated document with its batch descendants
 * copied, stripped of `trace_id`/`parent_id`/`type`, under `subsegments`.
 */
function referencePayloads(docs: readonly SegmentDocument[]): unknown[] {
  const byId = new Map(docs.map((doc) => [doc.id, doc]));
  const childrenOf = new Map<string, SegmentDocument[]>();
  const roots: SegmentDocument[] = [];
  for (const doc of docs) {
    const parent = doc.type === 'subsegment' && doc.parent_id !== undefined ? byId.get(doc.parent_id) : undefined;
    if (parent && parent !== doc && parent.trace_id === doc.trace_id) {
      childrenOf.set(parent.id, [...(childrenOf.get(parent.id) ?? []), doc]);
    } else {
      roots.push(doc);
    }
  }
  const nest = (doc: SegmentDocument, strip: boolean): SegmentDocument => {
    const { trace_id: _t, parent_id: _p, type: _y, ...rest } = doc;
    const copy = (strip ? rest : { ...doc }) as SegmentDocument;
    const children = childrenOf.get(doc.id) ?? [];
    if (children.length > 0) copy.subsegments = children.map((child) => nest(child, true));
    return copy;
  };
  // A subsegment root is never nested into (split-packer sends its tree as independent documents).
  return roots.flatMap((root) =>
    root.type === 'subsegment'
      ? [root, ...descendants(root.id, childrenOf)].map((doc) => JSON.parse(JSON.stringify(doc)) as unknown)
      : [JSON.parse(JSON.stringify(nest(root, false))) as unknown],
  );
}

function descendants(id: string, childrenOf: Map<string, SegmentDocument[]>): SegmentDocument[] {
  return (childrenOf.get(id) ?? []).flatMap((child) => [child, ...descendants(child.id, childrenOf)]);
}

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
        const sent = packDocuments(docs).payloads.map((p) => {
          expect(p.startsWith(DAEMON_HEADER)).toBe(true);
          return JSON.parse(p.slice(DAEMON_HEADER.length)) as unknown;
        });
        expect(sent).toEqual(referencePayloads(docs));
        expect(JSON.stringify(docs)).toBe(before); // documents restored, key order included
      }),
      { numRuns: 200 },
    );
  });
});
