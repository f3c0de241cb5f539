/**
 * `ReadableSpan[]` → `ExportTraceServiceRequest` protobuf bytes (opentelemetry/proto/collector/trace/v1), in place of
 * OpenTelemetry JS's `ProtobufTraceSerializer` and with byte-identical output (the equivalence test asserts it), for
 * less CPU: measured in bench/otlp.bench.ts against that serializer on the same batches.
 *
 * Where OpenTelemetry sizes the whole request in a first pass and then writes it, this writes once into a scratch
 * buffer kept from batch to batch, backpatching each length, and copies the result out: the transport holds the
 * bytes for retries while the next batch reuses the scratch, and up to four exports are in flight. The bench also runs
 * a new encoder per batch, which shows what keeping the scratch buffer saves.
 */
import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { writeAttributes } from './attributes';
import { ProtoWriter } from './proto-writer';
import { writeSpan } from './span';

// Tags (field << 3 | wire type) of the enclosing messages; all are length-delimited or varint.
const RESOURCE_SPANS = 0x0a; // ExportTraceServiceRequest.resource_spans = 1
const RESOURCE = 0x0a; // ResourceSpans.resource = 1
const SCOPE_SPANS = 0x12; // ResourceSpans.scope_spans = 2
const SCHEMA_URL = 0x1a; // ResourceSpans.schema_url = 3 and ScopeSpans.schema_url = 3
const SCOPE = 0x0a; // ScopeSpans.scope = 1
/** A 512-span batch is 16 KiB–2 MiB, whose length takes 3 bytes; other sizes move the body once (ProtoWriter.end). */
const BATCH_LENGTH_GUESS = 3;

type ScopeGroups = Map<InstrumentationScope, ReadableSpan[]>;
/** Scopes may carry attributes (newer API versions); OpenTelemetry's serializer writes them when present. */
type ScopeWithAttributes = InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number };

export class TraceRequestEncoder {
  private readonly w = new ProtoWriter();
  /**
   * Each Resource's encoded `resource` field, made once. Only for a settled resource (`asyncAttributesPending ===
   * false`): its attributes are then memoized and never change. Plain objects posing as resources are re-encoded.
   */
  private readonly resources = new WeakMap<Resource, Buffer>();

  /**
   * The bytes the largest span of the last `encode` took (as one `ScopeSpans.spans` element): lets a caller with a
   * per-span limit skip measuring spans one by one when none can be over it.
   */
  largestSpanBytes = 0;

  /** Encodes `spans`; an empty batch gives an empty request (zero bytes), as OpenTelemetry's does. */
  encode(spans: readonly ReadableSpan[]): Buffer {
    const w = this.w;
    w.reset();
    let largest = 0;
    for (const [resource, scopes] of groupByResourceAndScope(spans)) {
      w.byte(RESOURCE_SPANS);
      const resourceSpans = w.begin(BATCH_LENGTH_GUESS);
      this.writeResource(resource);
      for (const [scope, scopeSpans] of scopes) {
        w.byte(SCOPE_SPANS);
        const start = w.begin(BATCH_LENGTH_GUESS);
        writeScope(w, scope);
        for (let i = 0; i < scopeSpans.length; i++) {
          const before = w.pos;
          writeSpan(w, scopeSpans[i]!);
          if (w.pos - before > largest) largest = w.pos - before;
        }
        writeSchemaUrl(w, scope.schemaUrl);
        w.end(start, BATCH_LENGTH_GUESS);
      }
      writeSchemaUrl(w, resource.schemaUrl);
      w.end(resourceSpans, BATCH_LENGTH_GUESS);
    }
    this.largestSpanBytes = largest;
    const out = w.take();
    w.reset();
    return out;
  }

  /** The bytes `span` takes in a request (as one `ScopeSpans.spans` element, tag and length included). */
  measureSpan(span: ReadableSpan): number {
    const w = this.w;
    w.reset();
    writeSpan(w, span);
    const size = w.pos;
    w.reset();
    return size;
  }

  /** ResourceSpans.resource: attributes = 1, then dropped_attributes_count = 2, which OpenTelemetry always writes as 0. */
  private writeResource(resource: Resource): void {
    const w = this.w;
    const cached = this.resources.get(resource);
    if (cached !== undefined) {
      w.ensure(cached.length);
      w.pos += cached.copy(w.buf, w.pos);
      return;
    }
    const from = w.pos;
    w.byte(RESOURCE);
    const start = w.begin();
    if (resource.attributes) writeAttributes(w, resource.attributes, 0x0a);
    w.byte(0x10);
    w.byte(0);
    w.end(start);
    if (resource.asyncAttributesPending === false) this.resources.set(resource, Buffer.from(w.buf.subarray(from, w.pos)));
  }
}

/**
 * Groups by Resource object, then by InstrumentationScope object, in first-seen order, as OpenTelemetry's protobuf
 * serializer does. Identity rather than (name, version, schemaUrl): a tracer provider hands out one scope object per
 * tracer, and a key without the scope's attributes would merge scopes that differ only there.
 */
function groupByResourceAndScope(spans: readonly ReadableSpan[]): Map<Resource, ScopeGroups> {
  const resources = new Map<Resource, ScopeGroups>();
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    let scopes = resources.get(span.resource);
    if (scopes === undefined) resources.set(span.resource, (scopes = new Map()));
    const group = scopes.get(span.instrumentationScope);
    if (group === undefined) scopes.set(span.instrumentationScope, [span]);
    else group.push(span);
  }
  return resources;
}

/** InstrumentationScope: name = 1 (always), version = 2, attributes = 3, dropped_attributes_count = 4 (when set). */
function writeScope(w: ProtoWriter, scope: ScopeWithAttributes): void {
  w.byte(SCOPE);
  const start = w.begin();
  w.byte(0x0a);
  w.string(scope.name);
  if (scope.version) {
    w.byte(0x12);
    w.string(scope.version);
  }
  if (scope.attributes) writeAttributes(w, scope.attributes, 0x1a);
  if (scope.droppedAttributesCount) {
    w.byte(0x20);
    w.varint(scope.droppedAttributesCount);
  }
  w.end(start);
}

function writeSchemaUrl(w: ProtoWriter, schemaUrl: string | undefined): void {
  if (!schemaUrl) return;
  w.byte(SCHEMA_URL);
  w.string(schemaUrl);
}
