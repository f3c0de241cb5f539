/**
 * OTLP/JSON body (already parsed) → {@link TraceRequest}, checked field by field. Field names are lowerCamelCase as
 * OTLP/JSON writes them; the proto field names (`resource_spans`) are accepted too, as the proto3 JSON mapping
 * allows. https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
import { MAX_VALUE_DEPTH } from './decode-proto';
import {
  enumFromJson, idFromJson, int64FromJson, scopeDefaults, spanDefaults, stringFromJson, uint32FromJson, uint64FromJson,
} from './normalise';
import type { AnyValue, KeyValue, OtlpEvent, OtlpLink, OtlpResourceSpans, OtlpScopeSpans, OtlpSpan, TraceRequest } from './types';
import { OtlpDecodeError } from './types';

type Json = Record<string, unknown>;

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export function decodeTraceRequestJson(body: unknown): TraceRequest {
  const root = object(body, 'request');
  return { resourceSpans: list(field(root, 'resourceSpans'), 'resourceSpans', readResourceSpans) };
}

function readResourceSpans(json: unknown, path: string): OtlpResourceSpans {
  const o = object(json, path);
  const resource = field(o, 'resource');
  const r = resource === undefined ? {} : object(resource, `${path}.resource`);
  const out: OtlpResourceSpans = {
    resource: {
      attributes: attributes(field(r, 'attributes'), `${path}.resource.attributes`),
      droppedAttributesCount: uint32FromJson(field(r, 'droppedAttributesCount'), `${path}.resource.droppedAttributesCount`),
    },
    scopeSpans: list(field(o, 'scopeSpans'), `${path}.scopeSpans`, readScopeSpans),
  };
  optional(out, 'schemaUrl', stringFromJson(field(o, 'schemaUrl'), `${path}.schemaUrl`));
  return out;
}

function readScopeSpans(json: unknown, path: string): OtlpScopeSpans {
  const o = object(json, path);
  const scope = scopeDefaults();
  const s = field(o, 'scope');
  if (s !== undefined) {
    const so = object(s, `${path}.scope`);
    scope.name = stringFromJson(field(so, 'name'), `${path}.scope.name`);
    optional(scope, 'version', stringFromJson(field(so, 'version'), `${path}.scope.version`));
    scope.attributes = attributes(field(so, 'attributes'), `${path}.scope.attributes`);
    scope.droppedAttributesCount = uint32FromJson(field(so, 'droppedAttributesCount'), `${path}.scope.droppedAttributesCount`);
  }
  const out: OtlpScopeSpans = { scope, spans: list(field(o, 'spans'), `${path}.spans`, readSpan) };
  optional(out, 'schemaUrl', stringFromJson(field(o, 'schemaUrl'), `${path}.schemaUrl`));
  return out;
}

function readSpan(json: unknown, path: string): OtlpSpan {
  const o = object(json, path);
  const span = spanDefaults();
  span.traceId = idFromJson(field(o, 'traceId'), 16, `${path}.traceId`);
  span.spanId = idFromJson(field(o, 'spanId'), 8, `${path}.spanId`);
  optional(span, 'traceState', stringFromJson(field(o, 'traceState'), `${path}.traceState`));
  optional(span, 'parentSpanId', idFromJson(field(o, 'parentSpanId'), 8, `${path}.parentSpanId`));
  span.flags = uint32FromJson(field(o, 'flags'), `${path}.flags`);
  span.name = stringFromJson(field(o, 'name'), `${path}.name`);
  span.kind = enumFromJson(field(o, 'kind'), SPAN_KINDS, `${path}.kind`);
  span.startTimeUnixNano = uint64FromJson(field(o, 'startTimeUnixNano'), `${path}.startTimeUnixNano`);
  span.endTimeUnixNano = uint64FromJson(field(o, 'endTimeUnixNano'), `${path}.endTimeUnixNano`);
  span.attributes = attributes(field(o, 'attributes'), `${path}.attributes`);
  span.droppedAttributesCount = uint32FromJson(field(o, 'droppedAttributesCount'), `${path}.droppedAttributesCount`);
  span.events = list(field(o, 'events'), `${path}.events`, readEvent);
  span.droppedEventsCount = uint32FromJson(field(o, 'droppedEventsCount'), `${path}.droppedEventsCount`);
  span.links = list(field(o, 'links'), `${path}.links`, readLink);
  span.droppedLinksCount = uint32FromJson(field(o, 'droppedLinksCount'), `${path}.droppedLinksCount`);
  const status = field(o, 'status');
  if (status !== undefined) {
    const so = object(status, `${path}.status`);
    span.status.code = enumFromJson(field(so, 'code'), STATUS_CODES, `${path}.status.code`);
    optional(span.status, 'message', stringFromJson(field(so, 'message'), `${path}.status.message`));
  }
  return span;
}

function readEvent(json: unknown, path: string): OtlpEvent {
  const o = object(json, path);
  return {
    timeUnixNano: uint64FromJson(field(o, 'timeUnixNano'), `${path}.timeUnixNano`),
    name: stringFromJson(field(o, 'name'), `${path}.name`),
    attributes: attributes(field(o, 'attributes'), `${path}.attributes`),
    droppedAttributesCount: uint32FromJson(field(o, 'droppedAttributesCount'), `${path}.droppedAttributesCount`),
  };
}

function readLink(json: unknown, path: string): OtlpLink {
  const o = object(json, path);
  const link: OtlpLink = {
    traceId: idFromJson(field(o, 'traceId'), 16, `${path}.traceId`),
    spanId: idFromJson(field(o, 'spanId'), 8, `${path}.spanId`),
    attributes: attributes(field(o, 'attributes'), `${path}.attributes`),
    droppedAttributesCount: uint32FromJson(field(o, 'droppedAttributesCount'), `${path}.droppedAttributesCount`),
    flags: uint32FromJson(field(o, 'flags'), `${path}.flags`),
  };
  optional(link, 'traceState', stringFromJson(field(o, 'traceState'), `${path}.traceState`));
  return link;
}

function attributes(json: unknown, path: string, depth = 0): KeyValue[] {
  return list(json, path, (item, p) => keyValue(item, p, depth));
}

function keyValue(json: unknown, path: string, depth: number): KeyValue {
  const o = object(json, path);
  const value = field(o, 'value');
  return {
    key: stringFromJson(field(o, 'key'), `${path}.key`),
    value: value === undefined || value === null ? {} : anyValue(value, `${path}.value`, depth),
  };
}

function anyValue(json: unknown, path: string, depth: number): AnyValue {
  if (depth >= MAX_VALUE_DEPTH) throw new OtlpDecodeError(`attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  const o = object(json, path);
  // A null member counts as absent: OpenTelemetry JS's JSON serialiser writes NaN and the infinities as null.
  const has = (name: string, snake: string): boolean => (o[name] ?? o[snake]) != null;
  if (has('stringValue', 'string_value')) return { stringValue: stringFromJson(field(o, 'stringValue'), `${path}.stringValue`) };
  if (has('boolValue', 'bool_value')) {
    const v = field(o, 'boolValue');
    if (typeof v !== 'boolean') throw new OtlpDecodeError(`${path}.boolValue must be true or false`);
    return { boolValue: v };
  }
  if (has('intValue', 'int_value')) return { intValue: int64FromJson(field(o, 'intValue'), `${path}.intValue`) };
  if (has('doubleValue', 'double_value')) {
    const v = field(o, 'doubleValue');
    if (typeof v === 'number') return { doubleValue: v };
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return { doubleValue: v };
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return { doubleValue: Number(v) };
    throw new OtlpDecodeError(`${path}.doubleValue must be a number`);
  }
  if (has('bytesValue', 'bytes_value')) {
    const v = stringFromJson(field(o, 'bytesValue'), `${path}.bytesValue`);
    return { bytesValue: Buffer.from(v, 'base64').toString('base64') };
  }
  if (has('arrayValue', 'array_value')) {
    const arr = object(field(o, 'arrayValue'), `${path}.arrayValue`);
    return { arrayValue: { values: list(arr.values, `${path}.arrayValue.values`, (v, p) => anyValue(v, p, depth + 1)) } };
  }
  if (has('kvlistValue', 'kvlist_value')) {
    const kv = object(field(o, 'kvlistValue'), `${path}.kvlistValue`);
    return { kvlistValue: { values: list(kv.values, `${path}.kvlistValue.values`, (v, p) => keyValue(v, p, depth + 1)) } };
  }
  return {};
}

/** A field by its lowerCamelCase name, else by its proto name. */
function field(o: Json, name: string): unknown {
  if (o[name] !== undefined) return o[name];
  return o[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function object(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new OtlpDecodeError(`${path} must be an object`);
  return value as Json;
}

function list<T>(value: unknown, path: string, read: (item: unknown, path: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${path} must be an array`);
  return value.map((item, i) => read(item, `${path}[${i}]`));
}

function optional<T extends object, K extends keyof T>(target: T, key: K, value: string): void {
  if (value !== '') (target as Record<K, string>)[key] = value;
}
