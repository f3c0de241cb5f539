import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { TraceRequestEncoder } from '../../src/exporters/otlp/trace-request';
import { decodeTraceRequestJson } from '../../src/dev/otlp/decode-json';
import { decodeTraceRequestProto, MAX_VALUE_DEPTH } from '../../src/dev/otlp/decode-proto';
import { OtlpDecodeError } from '../../src/dev/otlp/types';
import { makeSpan, PARENT_ID, SPAN_ID, TRACE_ID } from '../helpers/otlp-encoder';

// Spans with everything a span can carry: every attribute type, events, links (remote and local), a trace state,
// statuses, dropped counts, two resources and two scopes.
const other = resourceFromAttributes({ 'service.name': 'users-service', 'host.ids': ['a', 'b'] }, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
const spans = [
  makeSpan({
    attributes: {
      'http.request.method': 'GET', 'http.response.status_code': 500, ok: false, ratio: 0.25, neg: -7,
      big: 2 ** 60, nan: NaN, inf: -Infinity, words: ['a', 'b'], counts: [1, 2, 3], flags: [true, false], empty: '',
    },
    events: [
      { name: 'exception', time: [1_764_400_000, 500_000_000], attributes: { 'exception.message': 'boom', 'exception.stacktrace': 'Error: boom\n    at x (a.js:1:2)' }, droppedAttributesCount: 2 },
      { name: 'plain', time: [1_764_400_000, 600_000_001] },
    ],
    links: [{ context: { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1, isRemote: true, traceState: new TraceState('vendor=a') }, attributes: { why: 'retry' } }],
    status: { code: SpanStatusCode.ERROR, message: 'the database is on fire' },
    dropped: [3, 4, 5],
    context: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, traceState: new TraceState('dd=s:1,vendor=x') },
    parent: { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1, isRemote: true },
  }),
  makeSpan({ name: 'SELECT', kind: SpanKind.CLIENT, scope: { name: 'pg', version: '8.1.0', schemaUrl: 'https://example.com/s' }, status: { code: SpanStatusCode.OK } }),
  makeSpan({ name: 'internal', kind: SpanKind.INTERNAL, resource: other, context: { traceId: TRACE_ID, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: 0 } }),
];

describe('OTLP decoders (protobuf and JSON)', () => {
  it('should decode our encoder, OpenTelemetry protobuf and OpenTelemetry JSON to the same request', () => {
    const ours = decodeTraceRequestProto(new TraceRequestEncoder().encode(spans));
    const otelProto = decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(spans)!);
    const otelJson = decodeTraceRequestJson(JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString('utf8')));
    expect(otelProto).toEqual(ours);
    // JSON cannot carry NaN or the infinities: OpenTelemetry's JSON serialiser writes null, which decodes as "no value".
    const notFinite = new Set(['nan', 'inf']);
    for (const rs of ours.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
      s.attributes = s.attributes.map((a) => (notFinite.has(a.key) ? { key: a.key, value: {} } : a));
    }
    expect(otelJson).toEqual(ours);
  });

  it('should give the values the spans had, in OTLP/JSON form', () => {
    const req = decodeTraceRequestProto(new TraceRequestEncoder().encode(spans));
    expect(req.resourceSpans).toHaveLength(2);
    const first = req.resourceSpans[0]!;
    expect(first.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'activities' } });
    const span = first.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: PARENT_ID, traceState: 'dd=s:1,vendor=x', name: 'GET /api/activities/home',
      kind: 2, startTimeUnixNano: '1764400000123456789', endTimeUnixNano: '1764400000987654321',
      droppedAttributesCount: 3, droppedEventsCount: 4, droppedLinksCount: 5,
      status: { code: 2, message: 'the database is on fire' },
    });
    expect(span.flags & 0xff).toBe(1);
    expect(span.flags & 0x300).toBe(0x300); // has is_remote, parent is remote
    const value = (key: string) => span.attributes.find((a) => a.key === key)?.value;
    expect(value('http.response.status_code')).toEqual({ intValue: '500' });
    expect(value('ratio')).toEqual({ doubleValue: 0.25 });
    expect(value('neg')).toEqual({ intValue: '-7' });
    expect(value('big')).toEqual({ intValue: String(2n ** 60n) });
    expect(value('nan')).toEqual({ doubleValue: 'NaN' });
    expect(value('inf')).toEqual({ doubleValue: '-Infinity' });
    expect(value('ok')).toEqual({ boolValue: false });
    expect(value('words')).toEqual({ arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
    expect(value('empty')).toEqual({ stringValue: '' });
    expect(span.events[0]).toMatchObject({ name: 'exception', timeUnixNano: '1764400000500000000', droppedAttributesCount: 2 });
    expect(span.links[0]).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, traceState: 'vendor=a', attributes: [{ key: 'why', value: { stringValue: 'retry' } }] });
    expect(first.scopeSpans[1]!.scope).toEqual({ name: 'pg', version: '8.1.0', attributes: [], droppedAttributesCount: 0 });
    expect(first.scopeSpans[1]!.schemaUrl).toBe('https://example.com/s');
    expect(req.resourceSpans[1]!.schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
  });

  it('should decode kvlist, bytes and nested arrays, which the JS API cannot produce but other SDKs send', () => {
    const { root, body } = encodeWithProtobufjs({ key: 'nested', value: { kvlist_value: { values: [
      { key: 'raw', value: { bytes_value: Buffer.from([0, 1, 255]) } },
      { key: 'list', value: { array_value: { values: [{ int_value: 1 }, { kvlist_value: { values: [{ key: 'deep', value: { bool_value: true } }] } }] } } },
    ] } } });
    void root;
    const attribute = decodeTraceRequestProto(body).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes[0]!;
    const expected = { key: 'nested', value: { kvlistValue: { values: [
      { key: 'raw', value: { bytesValue: 'AAH/' } },
      { key: 'list', value: { arrayValue: { values: [{ intValue: '1' }, { kvlistValue: { values: [{ key: 'deep', value: { boolValue: true } }] } }] } } },
    ] } } };
    expect(attribute).toEqual(expected);
    const json = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, name: 's', attributes: [expected] }] }] }] };
    expect(decodeTraceRequestJson(json).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes[0]).toEqual(expected);
  });

  it('should accept base64 ids, enum names, numeric times and proto field names in JSON', () => {
    const json = { resource_spans: [{ scope_spans: [{ spans: [{
      trace_id: Buffer.from(TRACE_ID, 'hex').toString('base64'), span_id: Buffer.from(SPAN_ID, 'hex').toString('base64'),
      kind: 'SPAN_KIND_SERVER', startTimeUnixNano: 1_764_400_000_000, status: { code: 'STATUS_CODE_ERROR' }, attributes: [{ key: 'n', value: { intValue: 5 } }],
    }] }] }] };
    const span = decodeTraceRequestJson(json).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, kind: 2, startTimeUnixNano: '1764400000000', status: { code: 2 } });
    expect(span.attributes[0]!.value).toEqual({ intValue: '5' });
  });

  it('should refuse malformed bodies with a message that says where', () => {
    const good = new TraceRequestEncoder().encode(spans);
    expect(() => decodeTraceRequestProto(good.subarray(0, good.length - 3))).toThrow(OtlpDecodeError);
    expect(() => decodeTraceRequestProto(Buffer.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => decodeTraceRequestJson([])).toThrow(/request must be an object/);
    expect(() => decodeTraceRequestJson({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] })).toThrow(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId must be 32 hex digits/);
    expect(() => decodeTraceRequestJson({ resourceSpans: {} })).toThrow(/resourceSpans must be an array/);
  });

  it(`should refuse attribute values nested deeper than ${MAX_VALUE_DEPTH} levels instead of overflowing the stack`, () => {
    let value: Record<string, unknown> = { string_value: 'bottom' };
    for (let i = 0; i < MAX_VALUE_DEPTH + 1; i++) value = { array_value: { values: [value] } };
    expect(() => decodeTraceRequestProto(encodeWithProtobufjs({ key: 'deep', value }).body)).toThrow(/nest deeper/);
  });
});

/** One span with one attribute, encoded by protobufjs from the published field numbers (independent of our encoder). */
function encodeWithProtobufjs(attribute: Record<string, unknown>): { root: protobuf.Root; body: Uint8Array } {
  const root = protobuf.parse(`
    syntax = "proto3";
    message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
      ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
    message ArrayValue { repeated AnyValue values = 1; }
    message KeyValueList { repeated KeyValue values = 1; }
    message KeyValue { string key = 1; AnyValue value = 2; }
    message Span { bytes trace_id = 1; bytes span_id = 2; string name = 5; repeated KeyValue attributes = 9; }
    message ScopeSpans { repeated Span spans = 2; }
    message ResourceSpans { repeated ScopeSpans scope_spans = 2; }
    message Req { repeated ResourceSpans resource_spans = 1; }`, { keepCase: true }).root;
  const Req = root.lookupType('Req');
  const message = { resource_spans: [{ scope_spans: [{ spans: [{ trace_id: Buffer.from(TRACE_ID, 'hex'), span_id: Buffer.from(SPAN_ID, 'hex'), name: 's', attributes: [attribute] }] }] }] };
  return { root, body: Req.encode(Req.fromObject(message)).finish() };
}
