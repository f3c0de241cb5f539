import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequestMessage } from '../../../test/helpers/otlp-proto';
import { expectSameAsOpenTelemetry, makeSpan, PARENT_ID, RESOURCE, SPAN_ID, TRACE_ID } from '../../../test/helpers/otlp-encoder';
import { TraceRequestEncoder } from './trace-request';

type Decoded = { resource_spans: { scope_spans: { spans: { attributes: { key: string; value: Record<string, unknown> }[]; flags: number }[] }[] }[] };

/** The first span's attributes as key → AnyValue, from our bytes. */
function attributesOf(bytes: Buffer): Record<string, Record<string, unknown>> {
  const span = (decodeTraceRequestMessage(bytes) as Decoded).resource_spans[0]!.scope_spans[0]!.spans[0]!;
  return Object.fromEntries(span.attributes.map((kv) => [kv.key, kv.value]));
}

describe('TraceRequestEncoder', () => {
  const encoder = new TraceRequestEncoder();
  const same = (spans: Parameters<typeof encoder.encode>[0]): Buffer => expectSameAsOpenTelemetry(encoder, [...spans]);

  it('should encode an empty batch as an empty request (zero bytes)', () => {
    expect(same([]).length).toBe(0);
  });

  it('should group by resource, then by scope object, in first-seen order', () => {
    const other = resourceFromAttributes({ 'service.name': 'other' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
    const a = { name: 'a', version: '1' };
    const alsoA = { name: 'a', version: '1' };
    const b = { name: 'b', schemaUrl: 'https://example.com/schema' };
    same([makeSpan({ scope: a }), makeSpan({ resource: other, scope: b }), makeSpan({ scope: alsoA }), makeSpan({ scope: a }), makeSpan({ resource: other, scope: a })]);
  });

  it('should write integers as int64 (negative ones in 10 bytes) and everything else as double', () => {
    const bytes = same([makeSpan({ attributes: { neg: -1, min: -(2 ** 63), big: 2 ** 60, safe: Number.MAX_SAFE_INTEGER + 2, u32: 0xffffffff,
      zero: -0, frac: 1.5, nan: NaN, inf: Infinity, ninf: -Infinity, over: 2 ** 63 } })]);
    const values = attributesOf(bytes);
    expect(values.neg).toEqual({ int_value: '-1' });
    expect(values.min).toEqual({ int_value: '-9223372036854775808' });
    expect(values.big).toEqual({ int_value: String(2n ** 60n) });
    expect(values.zero).toEqual({ int_value: '0' });
    expect(values.frac).toEqual({ double_value: 1.5 });
    expect(values.nan).toEqual({ double_value: NaN });
    expect(values.over).toEqual({ double_value: 2 ** 63 });
    // tag 0x18 + ten bytes: ff ff ff ff ff ff ff ff ff 01
    expect(bytes.includes(Buffer.from('18ffffffffffffffffff01', 'hex'))).toBe(true);
  });

  it('should write strings over 64 KiB with a 3-byte length, and lone surrogates as U+FFFD', () => {
    const huge = 'é'.repeat(40_000); // 80,000 bytes of UTF-8
    const values = attributesOf(same([makeSpan({ name: 'a\uD800b', attributes: { huge, high: 'x\uD800', low: '\uDFFFy', reversed: '\uDC00\uD800', key: 'ok' } })]));
    expect((values.huge!.string_value as string).length).toBe(40_000);
    expect(values.high).toEqual({ string_value: 'x\uFFFD' });
    expect(values.reversed).toEqual({ string_value: '\uFFFD\uFFFD' });
  });

  it('should write the right length at each boundary of its string paths (1-, 2- and 3-byte lengths)', () => {
    const attributes: Record<string, string> = {};
    for (const units of [16, 17, 42, 43, 127, 128, 5461, 5462, 16_384]) {
      attributes[`ascii.${units}`] = 'a'.repeat(units);
      attributes[`euro.${units}`] = '€'.repeat(units);
      attributes[`mixed.${units}`] = 'a'.repeat(units - 1) + '\uD800';
    }
    same([makeSpan({ attributes })]);
  });

  it('should encode 10,000 attributes', () => {
    const attributes: Record<string, string | number> = {};
    for (let i = 0; i < 10_000; i++) attributes[`attr.${i}`] = i % 2 === 0 ? `value ${i}` : i;
    expect(Object.keys(attributesOf(same([makeSpan({ attributes })])))).toHaveLength(10_000);
  });

  it('should encode mixed and nested arrays, objects, Uint8Array, null and undefined as OpenTelemetry does', () => {
    const attributes = {
      mixed: ['a', 1, 1.5, true, null, undefined, new Uint8Array([1, 2])], nested: [['a'], []], object: { a: 1, b: { c: 'd' } },
      bytes: new Uint8Array([0, 255]), buffer: Buffer.from('hi'), floats: new Float32Array([1.5]), date: new Date(0),
      nul: null, undef: undefined, big: 10n, fn: () => 1, holes: Object.assign(new Array<unknown>(2), { 1: 'b' }),
    };
    const values = attributesOf(same([makeSpan({ attributes: attributes as never })]));
    expect(values.bytes).toEqual({ bytes_value: [0, 255] });
    expect(values.undef).toEqual({});
    expect(values.floats).toEqual({ kvlist_value: { values: [{ key: '0', value: { double_value: 1.5 } }] } });
  });

  it('should write the parent id and the is_remote flags for a local, a remote and a missing parent', () => {
    const local = { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1, isRemote: false };
    const bytes = same([makeSpan({ parent: local }), makeSpan({ parent: { ...local, isRemote: true } }), makeSpan(), makeSpan({ parent: { ...local, spanId: '' } })]);
    const spans = (decodeTraceRequestMessage(bytes) as Decoded).resource_spans[0]!.scope_spans[0]!.spans;
    expect(spans.map((s) => s.flags)).toEqual([0x101, 0x301, 0x101, 0x101]);
  });

  it('should write repeated, alternating and malformed trace and parent ids as OpenTelemetry does', () => {
    const other = 'ABCDEF0123456789abcdef0123456789';
    const parent = (spanId: string, traceId = TRACE_ID): { traceId: string; spanId: string; traceFlags: number } => ({ traceId, spanId, traceFlags: 1 });
    const ctx = (traceId: string, spanId = SPAN_ID): { traceId: string; spanId: string; traceFlags: number } => ({ traceId, spanId, traceFlags: 1 });
    const spans = [
      makeSpan({ context: ctx(TRACE_ID), parent: parent(PARENT_ID) }),
      makeSpan({ context: ctx([...TRACE_ID].join('')), parent: parent(PARENT_ID) }), // equal, not the same string: from the cache
      makeSpan({ context: ctx(other), parent: parent('0000000000000001', other) }),
      makeSpan({ context: ctx(TRACE_ID) }),
      makeSpan({ context: ctx('6743a1b2c3d4e5f60718293a4b5c6d7'), parent: parent('xyz') }), // odd lengths, not hex
      makeSpan({ context: ctx('6743a1b2c3d4e5f60718293a4b5c6d7'), parent: parent('xyz') }),
      makeSpan({ context: ctx(TRACE_ID + TRACE_ID), parent: parent(PARENT_ID + PARENT_ID) }), // too long to be kept
      makeSpan({ context: ctx(TRACE_ID + TRACE_ID), parent: parent(PARENT_ID + PARENT_ID) }),
      makeSpan({ context: ctx(''), parent: parent(PARENT_ID) }),
      makeSpan({ context: ctx('é'.repeat(32)) }),
      makeSpan({ context: ctx(TRACE_ID), parent: parent(PARENT_ID) }),
    ];
    same(spans);
    same(spans); // the next batch starts from what the last one left in the cache
    expect(() => encoder.encode([makeSpan({ context: ctx(undefined as never) })])).toThrow(TypeError);
    same(spans);
  });

  it('should throw for a span without a trace id as OpenTelemetry does, on a new encoder too (nothing in its id cache yet)', () => {
    const noTraceId = makeSpan({ context: { traceId: undefined as never, spanId: SPAN_ID, traceFlags: 1 } });
    expect(() => expectSameAsOpenTelemetry(new TraceRequestEncoder(), [noTraceId])).toThrow(TypeError); // OpenTelemetry's
    expect(() => new TraceRequestEncoder().encode([noTraceId])).toThrow(TypeError);
    // The empty id the cache starts with is written as OpenTelemetry writes it (a zero length).
    expectSameAsOpenTelemetry(new TraceRequestEncoder(), [makeSpan({ context: { traceId: '', spanId: '', traceFlags: 1 }, parent: { traceId: '', spanId: PARENT_ID, traceFlags: 1 } })]);
  });

  it('should encode events and links with attributes, trace state, dropped counts and flags', () => {
    const linked = { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 0, isRemote: true, traceState: new TraceState('vendor=abc') };
    same([makeSpan({
      kind: SpanKind.CONSUMER,
      context: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, traceState: new TraceState('a=1,b=2') },
      events: [{ name: 'exception', time: [1_764_400_000, 5], attributes: { 'exception.type': 'Error' }, droppedAttributesCount: 2 }, { name: 'bare', time: [0, 0] }],
      links: [{ context: linked, attributes: { 'link.kind': 'follows' }, droppedAttributesCount: 1 }, { context: { ...linked, traceState: undefined } }],
      status: { code: SpanStatusCode.ERROR, message: 'boom' },
      dropped: [3, 4, 5],
    })]);
  });

  it('should write times from 1970 to the end of the fixed64 range', () => {
    same([makeSpan({ start: [0, 0], end: [0, 999_999_999] }), makeSpan({ start: [4_294_967_296, 1], end: [18_446_744_073, 709_551_615] })]);
  });

  it('should throw for a link without a context, as OpenTelemetry does, so the guarded exporter can drop that span', () => {
    expect(() => encoder.encode([makeSpan({ links: [{} as never] })])).toThrow(TypeError);
    same([makeSpan()]); // and the next batch is whole
  });

  it('should write a span name that is not a string as empty instead of failing the batch', () => {
    const values = decodeTraceRequestMessage(encoder.encode([makeSpan({ name: undefined as never }), makeSpan({ name: 42 as never })])) as Decoded;
    expect(values.resource_spans[0]!.scope_spans[0]!.spans.map((s) => (s as unknown as { name: string }).name)).toEqual(['GET /api/activities/home', '']);
  });

  it('should hand out bytes of its own that the next batch does not overwrite', () => {
    const first = encoder.encode([makeSpan({ name: 'first' })]);
    const copy = Buffer.from(first);
    encoder.encode([makeSpan({ name: 'second' })]);
    expect(first.equals(copy)).toBe(true);
  });

  it('should not keep a huge scratch buffer after a huge batch', () => {
    const huge = encoder.encode([makeSpan({ attributes: { big: 'x'.repeat(3 * 1024 * 1024) } })]);
    expect(huge.length).toBeGreaterThan(3 * 1024 * 1024);
    expect((encoder as unknown as { w: { buf: Buffer } }).w.buf.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it('should cache a settled resource but re-read one whose async attributes were pending', async () => {
    const pending = resourceFromAttributes({ 'service.name': 'late', 'host.id': Promise.resolve('h-1') });
    expect(pending.asyncAttributesPending).toBe(true);
    same([makeSpan({ resource: pending })]);
    await pending.waitForAsyncAttributes?.();
    expect(JSON.stringify(decodeTraceRequestMessage(same([makeSpan({ resource: pending })])))).toContain('host.id');
    same([makeSpan({ resource: RESOURCE })]);
    same([makeSpan({ resource: RESOURCE })]);
  });
});
