/**
 * An OTLP trace request as `dualtrace dev` keeps it: the shape of OTLP/JSON (opentelemetry-proto's JSON mapping, ids
 * as lowercase hex, 64-bit integers and nanosecond times as decimal strings), with every default filled in, so a
 * protobuf body and a JSON body of the same spans decode to equal objects. Empty optional strings are left out.
 * https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */

/** One AnyValue; `{}` is a value that was not set. `doubleValue` is a string only for NaN and the infinities. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

/** `code`: 0 unset, 1 ok, 2 error (trace.proto `Status.StatusCode`). */
export interface OtlpStatus {
  code: number;
  message?: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  /** W3C trace flags in the low byte; 0x100 "has is_remote", 0x200 "parent is remote" (trace.proto `SpanFlags`). */
  flags: number;
  name: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  links: OtlpLink[];
  droppedLinksCount: number;
  status: OtlpStatus;
}

export interface OtlpScope {
  name: string;
  version?: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpResource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpScopeSpans {
  scope: OtlpScope;
  spans: OtlpSpan[];
  schemaUrl?: string;
}

export interface OtlpResourceSpans {
  resource: OtlpResource;
  scopeSpans: OtlpScopeSpans[];
  schemaUrl?: string;
}

/** ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1). */
export interface TraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** A malformed request body: the receiver answers 400 with this message. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
