import type { SpanContext } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSegmentTranslator, isSegment } from './index';
import type { SegmentDocument } from './index';
import { NODE_RESOURCE, PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing({ ...NODE_RESOURCE, 'service.version': '1.4.0' });
const translate = createSegmentTranslator();

/** The same span, seen through a different span context (to test ids the SDK itself would never produce). */
function withContext(s: ReadableSpan, context: Partial<SpanContext>, parent?: Partial<SpanContext>): ReadableSpan {
  const original = s.spanContext();
  const copy = Object.create(s) as ReadableSpan & { spanContext: () => SpanContext; parentSpanContext?: SpanContext };
  Object.defineProperty(copy, 'spanContext', { value: () => ({ ...original, ...context }) });
  if (parent !== undefined) Object.defineProperty(copy, 'parentSpanContext', { value: { ...original, ...parent } });
  return copy;
}

describe('segments and subsegments', () => {
  it('should translate a SERVER span into a complete segment document', () => {
    const s = span({
      name: 'GET /api/activities/home',
      kind: SpanKind.SERVER,
      startTime: [1795953474, 728000000],
      endTime: [1795953474, 734331500],
      attributes: {
        'http.request.method': 'GET',
        'url.scheme': 'https',
        'server.address': '4567-abc.ws-us89.gitpod.io',
        'url.path': '/api/activities/home',
        'http.response.status_code': 200,
        'http.route': '/api/activities/home',
        'enduser.id': 'andrewbrown',
      },
    });
    const context = s.spanContext();
    expect(translate(s)).toEqual({
      name: 'backend-flask',
      id: context.spanId,
      trace_id: `1-${context.traceId.slice(0, 8)}-${context.traceId.slice(8)}`,
      start_time: 1795953474.728,
      end_time: 1795953474.734332,
      user: 'andrewbrown',
      service: { version: '1.4.0' },
      aws: { xray: { sdk: 'opentelemetry for nodejs', sdk_version: '2.12.1' } },
      http: {
        request: { method: 'GET', url: 'https://4567-abc.ws-us89.gitpod.io/api/activities/home' },
        response: { status: 200 },
      },
      metadata: { default: { 'http.route': '/api/activities/home' } },
    } satisfies SegmentDocument);
    expect(isSegment(s)).toBe(true);
  });

  it('should keep a SERVER span remote parent as parent_id on a segment', () => {
    const s = span({ kind: SpanKind.SERVER, parent: { ...PARENT, isRemote: true } });
    const doc = translate(s);
    expect(doc).toMatchObject({ parent_id: PARENT.spanId, trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
    expect(doc).not.toHaveProperty('type');
    expect(isSegment(s)).toBe(true);
  });

  it('should make children subsegments with trace_id, parent_id and type', () => {
    for (const kind of [SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
      const s = span({ name: 'child', kind, parent: PARENT });
      expect(translate(s)).toMatchObject({ type: 'subsegment', parent_id: PARENT.spanId, trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
      expect(isSegment(s)).toBe(false);
    }
  });

  it('should make root spans of any kind segments without namespace', () => {
    for (const kind of [SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.CONSUMER]) {
      const s = span({ name: 'cron tick', kind, attributes: { 'server.address': 'api.example.com' } });
      const doc = translate(s);
      expect(isSegment(s)).toBe(true);
      expect(doc).not.toHaveProperty('type');
      expect(doc).not.toHaveProperty('parent_id');
      expect(doc).not.toHaveProperty('namespace');
    }
  });

  it('should carry service.version only on segments', () => {
    expect(translate(span({ kind: SpanKind.SERVER }))?.service).toEqual({ version: '1.4.0' });
    expect(translate(span({ parent: PARENT }))?.service).toBeUndefined();
  });
});

describe('ids and times', () => {
  const base = span({ kind: SpanKind.SERVER });

  it('should not emit documents with invalid trace or span ids', () => {
    expect(translate(withContext(base, { traceId: '0'.repeat(32) }))).toBeUndefined();
    expect(translate(withContext(base, { traceId: 'xyz' }))).toBeUndefined();
    expect(translate(withContext(base, { spanId: '0'.repeat(16) }))).toBeUndefined();
  });

  it('should treat an invalid parent span id as no parent', () => {
    const s = withContext(span({ kind: SpanKind.CLIENT, parent: PARENT }), {}, { spanId: 'not-hex' });
    expect(isSegment(s)).toBe(true);
    const doc = translate(s);
    expect(doc).not.toHaveProperty('parent_id');
    expect(doc).not.toHaveProperty('type');
  });

  it('should accept a W3C-random trace id (never rejected by age)', () => {
    const doc = translate(withContext(base, { traceId: '0af7651916cd43dd8448eb211c80319c' }));
    expect(doc?.trace_id).toBe('1-0af76519-16cd43dd8448eb211c80319c');
  });

  it('should never emit end_time before start_time', () => {
    const doc = translate(span({ startTime: [1795953474, 500000000], endTime: [1795953474, 100000000] }));
    expect(doc?.end_time).toBe(doc?.start_time);
  });
});

describe('links', () => {
  it('should translate span links and leave out invalid ones', () => {
    const doc = translate(
      span({
        links: [
          { context: { traceId: PARENT.traceId, spanId: PARENT.spanId, traceFlags: 1 }, attributes: { 'messaging.message.id': 'm-1', ratio: NaN } },
          { context: { traceId: '0'.repeat(32), spanId: PARENT.spanId, traceFlags: 1 } },
        ],
      }),
    );
    expect(doc?.links).toEqual([
      { trace_id: '1-5759e988-bd862e3fe1be46a994272793', id: PARENT.spanId, attributes: { 'messaging.message.id': 'm-1', ratio: 'NaN' } },
    ]);
  });
});

describe('whatever the attributes, the document is valid for X-Ray', () => {
  const ALLOWED_NAME = /^[\p{L}\p{N} _.:/%&#=+\\@-]{1,200}$/u;
  const value = fc.oneof(
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.array(fc.double(), { maxLength: 3 }),
  );
  const keys = fc.constantFrom(
    'http.request.method', 'http.method', 'url.full', 'server.address', 'server.port', 'http.host', 'url.path',
    'http.response.status_code', 'http.status_code', 'db.system', 'db.system.name', 'db.namespace', 'db.name',
    'rpc.system', 'rpc.method', 'peer.service', 'aws.dynamodb.table_names', 'enduser.id', 'aws.xray.annotations',
    'aws.xray.metadata.x', 'AWS.reserved', 'client.address', 'anything', 'odd key!', 'http.target', 'url.query',
    'http.response.body.size', 'aws.retries', 'aws.region', 'user.id', 'net.peer.name', 'db.connection_string',
  );

  it('should keep ids, names, numbers and annotations within X-Ray rules', () => {
    const translator = createSegmentTranslator({ indexAllAttributes: true, namePattern: '*' });
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER),
        fc.dictionary(fc.oneof(keys, fc.string({ maxLength: 10 })), value, { maxKeys: 70 }),
        fc.boolean(),
        (name, kind, attributes, child) => {
          const doc = translator(
            span({ name, kind, attributes, parent: child ? PARENT : undefined, status: { code: SpanStatusCode.ERROR } }),
          );
          expect(doc).toBeDefined();
          if (doc === undefined) return;
          expect(doc.name).toMatch(ALLOWED_NAME);
          expect(doc.id).toMatch(/^[0-9a-f]{16}$/);
          expect(doc.trace_id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
          expect(doc.end_time).toBeGreaterThanOrEqual(doc.start_time);
          // What reaches the wire: every number finite, no nulls.
          const walk = (v: unknown): void => {
            expect(v).not.toBeNull();
            if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
            else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
              expect(Object.keys(v).length).toBeGreaterThan(0); // no empty blocks
              for (const item of Object.values(v)) walk(item);
            } else if (Array.isArray(v)) for (const item of v) walk(item);
          };
          walk(JSON.parse(JSON.stringify(doc)));
          const annotations = Object.entries(doc.annotations ?? {});
          expect(annotations.length).toBeLessThanOrEqual(50);
          for (const [k, v] of annotations) {
            expect(k).toMatch(/^[0-9A-Za-z_.]+$/);
            expect(['string', 'number', 'boolean']).toContain(typeof v);
          }
          for (const ns of Object.keys(doc.metadata ?? {})) expect(ns.startsWith('AWS.')).toBe(false);
          for (const k of Object.keys(doc.metadata?.default ?? {})) expect(k.startsWith('AWS.')).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
