/**
 * OTLP/HTTP protobuf body → {@link TraceRequest}, with no dependency: the field numbers are those of
 * opentelemetry-proto (collector/trace/v1/trace_service.proto, trace/v1/trace.proto, common/v1/common.proto,
 * resource/v1/resource.proto). Unknown fields are skipped; wrong wire types, truncation and nesting deeper than
 * {@link MAX_VALUE_DEPTH} throw `OtlpDecodeError`.
 */
import { I32, I64, LEN, ProtoReader, VARINT } from './proto-reader';
import { hexId, nanos, scopeDefaults, spanDefaults } from './normalise';
import type { AnyValue, KeyValue, OtlpEvent, OtlpLink, OtlpResourceSpans, OtlpScopeSpans, OtlpSpan, TraceRequest } from './types';
import { OtlpDecodeError } from './types';

/** Arrays and key-value lists inside attribute values may nest; a body nesting deeper than this is refused. */
export const MAX_VALUE_DEPTH = 32;

export function decodeTraceRequestProto(body: Uint8Array): TraceRequest {
  const resourceSpans: OtlpResourceSpans[] = [];
  each(new ProtoReader(body), (field, type, r) => {
    if (field !== 1) return false;
    r.expect(field, type, LEN);
    resourceSpans.push(readResourceSpans(r.message()));
    return true;
  });
  return { resourceSpans };
}

/** Calls `read` for each field; a field it does not take (`false`) is skipped. */
function each(r: ProtoReader, read: (field: number, wireType: number, r: ProtoReader) => boolean): void {
  while (!r.done) {
    const [field, wireType] = r.tag();
    if (!read(field, wireType, r)) r.skip(wireType);
  }
}

function readResourceSpans(r: ProtoReader): OtlpResourceSpans {
  const out: OtlpResourceSpans = { resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [] };
  each(r, (field, type, r) => {
    if (field === 1 && type === LEN) {
      const res = r.message();
      each(res, (f, t, res) => {
        if (f === 1 && t === LEN) out.resource.attributes.push(readKeyValue(res.message(), 0));
        else if (f === 2 && t === VARINT) out.resource.droppedAttributesCount = res.uint32();
        else return false;
        return true;
      });
    } else if (field === 2 && type === LEN) out.scopeSpans.push(readScopeSpans(r.message()));
    else if (field === 3 && type === LEN) setString(out, 'schemaUrl', r.string());
    else return false;
    return true;
  });
  return out;
}

function readScopeSpans(r: ProtoReader): OtlpScopeSpans {
  const out: OtlpScopeSpans = { scope: scopeDefaults(), spans: [] };
  each(r, (field, type, r) => {
    if (field === 1 && type === LEN) {
      each(r.message(), (f, t, s) => {
        if (f === 1 && t === LEN) out.scope.name = s.string();
        else if (f === 2 && t === LEN) setString(out.scope, 'version', s.string());
        else if (f === 3 && t === LEN) out.scope.attributes.push(readKeyValue(s.message(), 0));
        else if (f === 4 && t === VARINT) out.scope.droppedAttributesCount = s.uint32();
        else return false;
        return true;
      });
    } else if (field === 2 && type === LEN) out.spans.push(readSpan(r.message()));
    else if (field === 3 && type === LEN) setString(out, 'schemaUrl', r.string());
    else return false;
    return true;
  });
  return out;
}

function readSpan(r: ProtoReader): OtlpSpan {
  const span = spanDefaults();
  each(r, (field, type, r) => {
    const want = SPAN_WIRE_TYPES[field];
    if (want === undefined) return false;
    r.expect(field, type, want);
    switch (field) {
      case 1: span.traceId = hexId(r.bytes()); break;
      case 2: span.spanId = hexId(r.bytes()); break;
      case 3: setString(span, 'traceState', r.string()); break;
      case 4: setString(span, 'parentSpanId', hexId(r.bytes())); break;
      case 5: span.name = r.string(); break;
      case 6: span.kind = r.int32(); break;
      case 7: span.startTimeUnixNano = nanos(r.fixed64()); break;
      case 8: span.endTimeUnixNano = nanos(r.fixed64()); break;
      case 9: span.attributes.push(readKeyValue(r.message(), 0)); break;
      case 10: span.droppedAttributesCount = r.uint32(); break;
      case 11: span.events.push(readEvent(r.message())); break;
      case 12: span.droppedEventsCount = r.uint32(); break;
      case 13: span.links.push(readLink(r.message())); break;
      case 14: span.droppedLinksCount = r.uint32(); break;
      case 15:
        each(r.message(), (f, t, s) => {
          if (f === 2 && t === LEN) setString(span.status, 'message', s.string());
          else if (f === 3 && t === VARINT) span.status.code = s.int32();
          else return false;
          return true;
        });
        break;
      case 16: span.flags = r.fixed32(); break;
    }
    return true;
  });
  return span;
}

const SPAN_WIRE_TYPES: Readonly<Record<number, number>> = {
  1: LEN, 2: LEN, 3: LEN, 4: LEN, 5: LEN, 6: VARINT, 7: I64, 8: I64, 9: LEN, 10: VARINT, 11: LEN, 12: VARINT,
  13: LEN, 14: VARINT, 15: LEN, 16: I32,
};

function readEvent(r: ProtoReader): OtlpEvent {
  const event: OtlpEvent = { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 };
  each(r, (field, type, r) => {
    if (field === 1 && type === I64) event.timeUnixNano = nanos(r.fixed64());
    else if (field === 2 && type === LEN) event.name = r.string();
    else if (field === 3 && type === LEN) event.attributes.push(readKeyValue(r.message(), 0));
    else if (field === 4 && type === VARINT) event.droppedAttributesCount = r.uint32();
    else return false;
    return true;
  });
  return event;
}

function readLink(r: ProtoReader): OtlpLink {
  const link: OtlpLink = { traceId: '', spanId: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  each(r, (field, type, r) => {
    if (field === 1 && type === LEN) link.traceId = hexId(r.bytes());
    else if (field === 2 && type === LEN) link.spanId = hexId(r.bytes());
    else if (field === 3 && type === LEN) setString(link, 'traceState', r.string());
    else if (field === 4 && type === LEN) link.attributes.push(readKeyValue(r.message(), 0));
    else if (field === 5 && type === VARINT) link.droppedAttributesCount = r.uint32();
    else if (field === 6 && type === I32) link.flags = r.fixed32();
    else return false;
    return true;
  });
  return link;
}

function readKeyValue(r: ProtoReader, depth: number): KeyValue {
  const kv: KeyValue = { key: '', value: {} };
  each(r, (field, type, r) => {
    if (field === 1 && type === LEN) kv.key = r.string();
    else if (field === 2 && type === LEN) kv.value = readAnyValue(r.message(), depth);
    else return false;
    return true;
  });
  return kv;
}

function readAnyValue(r: ProtoReader, depth: number): AnyValue {
  if (depth >= MAX_VALUE_DEPTH) throw new OtlpDecodeError(`attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: AnyValue = {};
  each(r, (field, type, r) => {
    if (field === 1 && type === LEN) value = { stringValue: r.string() };
    else if (field === 2 && type === VARINT) value = { boolValue: r.bool() };
    else if (field === 3 && type === VARINT) value = { intValue: BigInt.asIntN(64, r.varint()).toString() };
    else if (field === 4 && type === I64) value = { doubleValue: finiteOrName(r.double()) };
    else if (field === 5 && type === LEN) value = { arrayValue: { values: readList(r.message(), (m) => readAnyValue(m, depth + 1)) } };
    else if (field === 6 && type === LEN) value = { kvlistValue: { values: readList(r.message(), (m) => readKeyValue(m, depth + 1)) } };
    else if (field === 7 && type === LEN) value = { bytesValue: Buffer.from(r.bytes()).toString('base64') };
    else return false;
    return true;
  });
  return value;
}

/** ArrayValue / KeyValueList: `repeated … values = 1`. */
function readList<T>(r: ProtoReader, read: (m: ProtoReader) => T): T[] {
  const out: T[] = [];
  each(r, (field, type, r) => {
    if (field !== 1 || type !== LEN) return false;
    out.push(read(r.message()));
    return true;
  });
  return out;
}

/** proto3's JSON mapping writes NaN and the infinities as strings. */
function finiteOrName(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** Optional strings are left out when empty, as proto3 leaves out default values. */
function setString<T extends object, K extends keyof T>(target: T, key: K, value: string): void {
  if (value === '') delete target[key];
  else (target as Record<K, string>)[key] = value;
}
