import protobuf from 'protobufjs';

// The subset of opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1) a test needs to decode what
// an exporter really sends. Field numbers are those of the published .proto files.
const SCHEMA = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
  uint32 dropped_attributes_count = 5; fixed32 flags = 6;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');

/**
 * The whole request as a plain object (snake_case fields, int64/fixed64 as decimal strings, bytes as arrays of numbers), every field
 * present with its default: what two encoders are compared on.
 */
export function decodeTraceRequestMessage(body: Uint8Array): unknown {
  return Request.toObject(Request.decode(body), { longs: String, bytes: Array, defaults: true, arrays: true });
}

export type AttributeMap = Record<string, unknown>;

/** One span as received, flattened with its resource and scope. Ids are lowercase hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: AttributeMap;
  resource: AttributeMap;
  scope: string;
  status: { code: number; message: string };
  events: { name: string; attributes: AttributeMap }[];
}

export function decodeTraceRequest(body: Uint8Array): ReceivedSpan[] {
  const msg = Request.toObject(Request.decode(body), { longs: String, bytes: Array, defaults: true }) as {
    resource_spans: { resource?: { attributes: KV[] }; scope_spans: { scope?: { name: string }; spans: RawSpan[] }[] }[];
  };
  const out: ReceivedSpan[] = [];
  for (const rs of msg.resource_spans) {
    const resource = toMap(rs.resource?.attributes ?? []);
    for (const ss of rs.scope_spans) {
      for (const s of ss.spans) {
        const parent = hex(s.parent_span_id);
        out.push({
          traceId: hex(s.trace_id),
          spanId: hex(s.span_id),
          parentSpanId: parent === '' ? undefined : parent,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: BigInt(s.start_time_unix_nano),
          endTimeUnixNano: BigInt(s.end_time_unix_nano),
          attributes: toMap(s.attributes),
          resource,
          scope: ss.scope?.name ?? '',
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          events: s.events.map((e) => ({ name: e.name, attributes: toMap(e.attributes) })),
        });
      }
    }
  }
  return out;
}

type KV = { key: string; value?: AnyValue };
type AnyValue = {
  string_value?: string; bool_value?: boolean; int_value?: string; double_value?: number;
  array_value?: { values: AnyValue[] }; kvlist_value?: { values: KV[] }; bytes_value?: number[];
};
type RawSpan = {
  trace_id: number[]; span_id: number[]; parent_span_id: number[]; name: string; kind: number;
  start_time_unix_nano: string; end_time_unix_nano: string; attributes: KV[];
  status?: { code: number; message: string }; events: { name: string; attributes: KV[] }[];
};

function hex(bytes: number[]): string {
  return Buffer.from(bytes).toString('hex');
}

function toMap(kvs: KV[]): AttributeMap {
  const out: AttributeMap = {};
  for (const kv of kvs) out[kv.key] = value(kv.value);
  return out;
}

function value(v: AnyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.array_value !== undefined) return v.array_value.values.map(value);
  if (v.kvlist_value !== undefined) return toMap(v.kvlist_value.values);
  if (v.bytes_value !== undefined) return Buffer.from(v.bytes_value);
  return undefined;
}
