import { SpanKind } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createAnnotationKeySanitizer, makeAnnotations, toJsonSafe } from './annotations';
import { createSegmentTranslator } from './segment';
import { PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing();
const sanitize = createAnnotationKeySanitizer();

/** What the `annotate(key, value)` helper leaves on a span: the attribute, and its key in `aws.xray.annotations`. */
function annotated(pairs: Record<string, string | number | boolean>, extra: Attributes = {}): Attributes {
  return { ...extra, ...pairs, 'aws.xray.annotations': Object.keys(pairs) };
}

describe('annotation keys', () => {
  it('should keep dots and replace everything outside [0-9A-Za-z_.] with _', () => {
    expect(sanitize('attr1@1')).toBe('attr1_1');
    expect(sanitize('otel.resource.string.key')).toBe('otel.resource.string.key');
    expect(sanitize('user-id')).toBe('user_id');
    expect(sanitize('caf\u00e9 \u{1F600}')).toBe('caf___');
    expect(sanitize('k'.repeat(600))).toHaveLength(500);
  });
});

describe('makeAnnotations', () => {
  it('should honour aws.xray.annotations as written by annotate()', () => {
    const doc = createSegmentTranslator()(
      span({ kind: SpanKind.SERVER, attributes: annotated({ 'user.handle': 'andrewbrown', 'activity.count': 3, premium: true }, { other: 'x' }) }),
    );
    expect(doc?.annotations).toEqual({ 'user.handle': 'andrewbrown', 'activity.count': 3, premium: true });
    expect(doc?.metadata).toEqual({ default: { other: 'x' } });
  });

  it('should annotate configured keys, even ones another stage consumed', () => {
    const translate = createSegmentTranslator({ indexedAttributes: ['http.route', 'http.request.method', 'missing'] });
    const doc = translate(span({ kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/api/activities/home' } }));
    expect(doc?.annotations).toEqual({ 'http.route': '/api/activities/home', 'http.request.method': 'GET' });
    expect(doc?.http?.request?.method).toBe('GET');
    expect(doc?.metadata).toBeUndefined();
  });

  it('should annotate every primitive attribute with indexAllAttributes and keep arrays in metadata', () => {
    const translate = createSegmentTranslator({ indexAllAttributes: true });
    const doc = translate(span({ attributes: { a: 'x', b: 2, c: false, list: ['p', 'q'] } }));
    expect(doc?.annotations).toEqual({ a: 'x', b: 2, c: false });
    expect(doc?.metadata).toEqual({ default: { list: ['p', 'q'] } });
  });

  it('should stop at 50 annotations, explicit keys first, and send the overflow to metadata', () => {
    const attributes: Attributes = {};
    for (let i = 0; i < 60; i++) attributes[`k${i}`] = i;
    attributes['aws.xray.annotations'] = ['k59'];
    const doc = createSegmentTranslator({ indexAllAttributes: true })(span({ attributes }));
    expect(Object.keys(doc?.annotations ?? {})).toHaveLength(50);
    expect(doc?.annotations?.k59).toBe(59);
    expect(doc?.annotations?.k0).toBe(0);
    expect(Object.keys(doc?.metadata?.default ?? {})).toHaveLength(10);
    expect(doc?.metadata?.default?.k58).toBe(58);
  });

  it('should only annotate strings, finite numbers and booleans, truncating long strings', () => {
    const ctx = { indexed: ['s', 'n', 'inf', 'arr'], indexedSet: new Set(['s', 'n', 'inf', 'arr']), indexAll: false, annotationKey: sanitize };
    const r = makeAnnotations({ s: 'x'.repeat(1500), n: 1.5, inf: Infinity, arr: [1, 2] }, [], ctx, undefined);
    expect(r.annotations).toEqual({ s: 'x'.repeat(1000), n: 1.5 });
    expect(r.metadata).toEqual({ default: { inf: 'Infinity', arr: [1, 2] } });
  });

  it('should send a key that collides after sanitising to metadata', () => {
    const doc = createSegmentTranslator()(span({ attributes: annotated({ 'a-b': 1, a_b: 2 }) }));
    expect(doc?.annotations).toEqual({ a_b: 1 });
    expect(doc?.metadata).toEqual({ default: { a_b: 2 } });
  });
});

describe('metadata', () => {
  const translate = createSegmentTranslator();

  it('should put leftovers under default and parse aws.xray.metadata.<ns> JSON objects', () => {
    const doc = translate(
      span({
        kind: SpanKind.CLIENT,
        parent: PARENT,
        attributes: {
          'app.cart.items': 3,
          'aws.xray.metadata.orders': '{"id":"o-1","lines":[1,2]}',
          'aws.xray.metadata.Default': '{"merged":true}',
          'aws.xray.metadata.broken': '{nope',
        },
      }),
    );
    expect(doc?.metadata).toEqual({
      orders: { id: 'o-1', lines: [1, 2] },
      default: { 'app.cart.items': 3, merged: true, 'aws.xray.metadata.broken': '{nope' },
    });
  });

  it('should never write metadata keys or namespaces beginning with AWS.', () => {
    const doc = translate(span({ attributes: { 'AWS.secret': 1, 'aws.xray.metadata.AWS.x': '{"a":1}', 'aws.lower': 2 } }));
    expect(doc?.metadata).toEqual({ default: { '_AWS.secret': 1, 'aws.lower': 2 }, '_AWS.x': { a: 1 } });
  });

  it('should make every number finite', () => {
    expect(toJsonSafe(NaN)).toBe('NaN');
    expect(toJsonSafe([1, -Infinity])).toEqual([1, '-Infinity']);
    const doc = translate(span({ attributes: { nan: NaN } }));
    expect(JSON.stringify(doc)).toContain('"nan":"NaN"');
  });

  it('should map enduser.id (or user.id) to user', () => {
    expect(translate(span({ kind: SpanKind.SERVER, attributes: { 'enduser.id': 'andrewbrown', 'user.id': 'u-1' } }))).toMatchObject({
      user: 'andrewbrown',
      metadata: { default: { 'user.id': 'u-1' } },
    });
    const both = translate(span({ kind: SpanKind.SERVER, attributes: { 'enduser.id': 'u-1', 'user.id': 'u-1' } }));
    expect(both?.user).toBe('u-1');
    expect(both?.metadata).toBeUndefined(); // what setUser() writes
    const doc = translate(span({ kind: SpanKind.SERVER, attributes: { 'user.id': 'u-1' } }));
    expect(doc?.user).toBe('u-1');
    expect(doc?.metadata).toBeUndefined();
  });
});
