import { SpanKind } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Consumed, Unused } from './attributes';
import { NOTHING_CONSUMED, capped, scanKeys, str } from './attributes';
import { createAnnotationKeySanitizer, makeAnnotations } from './annotations';
import type { AnnotationContext } from './annotations';
import { makeAws } from './aws';
import { makeCause } from './cause';
import { makeHttp } from './http';
import { makeLinks } from './links';
import { DEFAULT_METADATA_NAMESPACE, FALLBACK_NAME } from './limits';
import { compileHostPattern, makeName, sanitizeName } from './names';
import type { NamingContext } from './names';
import { makeResourceFragment } from './origin';
import type { ResourceFragment } from './origin';
import { makeSql } from './sql';
import { toEpochSeconds } from './time';
import { createTraceIdConverter, derivedSegmentId, toXRaySpanId } from './trace-id';
import type { AwsData, SegmentDocument, TranslatorOptions } from './types';

/**
 * Span → X-Ray segment document. This file only orchestrates: each stage reads (and consumes) its own attributes,
 * and what is left becomes annotations and metadata. See docs/xray.md for the resulting mapping.
 *
 * The stages follow the OpenTelemetry Collector's awsxray translator, one file per concern as there
 * (https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/exporter/awsxrayexporter/internal/translator);
 * "collector `x.go`" in this directory names a file of it. The per-span cost is measured in bench/xray.bench.ts.
 *
 * Per span: {@link startDocument} (ids, times, segment or subsegment), then {@link addStages} (name, blocks,
 * annotations, metadata, links). Everything per translator is resolved once in {@link createSegmentTranslator}; the
 * per-span helpers take it as parameters, so translating a span creates no closures.
 */

const ENDUSER_CONSUMED: Consumed = new Set(['enduser.id']);
const USER_ID_CONSUMED: Consumed = new Set(['user.id']);
const BOTH_USER_KEYS_CONSUMED: Consumed = new Set(['enduser.id', 'user.id']);

/** What the stages need from the translator's options, resolved once. */
interface TranslatorContext {
  readonly naming: NamingContext;
  readonly annotations: AnnotationContext;
}

/**
 * `true` → the span becomes a top-level segment: SERVER spans (with or without a remote parent, which is kept as
 * `parent_id`) and spans with no valid parent. Everything else is a subsegment of its parent, as in the collector's
 * `segment.go` (docs/xray.md, "Segment or subsegment").
 */
export function isSegment(span: ReadableSpan): boolean {
  if (span.kind === SpanKind.SERVER) return true;
  const parent = span.parentSpanContext;
  return parent === undefined || toXRaySpanId(parent.spanId) === undefined;
}

/**
 * Builds the translator. Options are resolved once here (pattern compiled, names sanitised); per resource the
 * derived fragments are computed once and cached by Resource object (a WeakMap, so resources are never kept alive).
 *
 * @param {TranslatorOptions} [options={}] naming pattern, tracing name, which attributes become annotations
 * @example
 * const translate = createSegmentTranslator({ namePattern: '*4567-abc.ws-us89.gitpod.io*', indexedAttributes: ['http.route'] });
 * const doc = translate(span); // SegmentDocument | undefined
 * @see docs/xray.md
 *
 * @returns `(span) => SegmentDocument | undefined`; `undefined` only when the span cannot be sent validly
 *   (an invalid trace or span id, non-finite times). The document always has `trace_id`, has `parent_id` when the
 *   span has a parent, and `type: 'subsegment'` when it is not a segment.
 */
export function createSegmentTranslator(
  options: TranslatorOptions = {},
): (span: ReadableSpan) => SegmentDocument | undefined {
  const ctx: TranslatorContext = { naming: namingContext(options), annotations: annotationContext(options) };
  const toTraceId = createTraceIdConverter();
  const fragmentFor = createFragmentCache(options.resourceMetadata === true);
  return function translateSpan(span: ReadableSpan): SegmentDocument | undefined {
    const doc = startDocument(span, toTraceId);
    if (doc === undefined) return undefined;
    const fragment = fragmentFor(span.resource);
    if (doc.type === undefined && (span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER)) {
      return wrapRootCall(doc, span, fragment, ctx);
    }
    addStages(doc, span, doc.type === undefined, fragment, ctx);
    return doc;
  };
}

function namingContext(options: TranslatorOptions): NamingContext {
  return {
    tracingName: options.tracingName === undefined ? undefined : sanitizeName(options.tracingName),
    matchHost:
      options.namePattern === undefined || options.namePattern === '' ? undefined : compileHostPattern(options.namePattern),
  };
}

function annotationContext(options: TranslatorOptions): AnnotationContext {
  const indexed = [...new Set(options.indexedAttributes ?? [])];
  return {
    indexed,
    indexedSet: new Set(indexed),
    indexAll: options.indexAllAttributes === true,
    annotationKey: createAnnotationKeySanitizer(),
  };
}

/** The resource fragment of each Resource object, computed once (see {@link makeResourceFragment}). */
function createFragmentCache(withResourceMetadata: boolean): (resource: Resource) => ResourceFragment {
  const fragments = new WeakMap<Resource, ResourceFragment>();
  return (resource) => {
    let fragment = fragments.get(resource);
    if (fragment === undefined) {
      fragment = makeResourceFragment(resource, withResourceMetadata);
      // A resource still waiting for async detectors will change: do not cache what it says now.
      if (resource.asyncAttributesPending !== true) fragments.set(resource, fragment);
    }
    return fragment;
  };
}

/**
 * The document's identity: ids, times, and `type` for a subsegment; `name` is filled in by {@link addStages}.
 * `undefined` when X-Ray would reject the span (an invalid trace or span id, a non-finite or negative time).
 */
function startDocument(span: ReadableSpan, toTraceId: (traceId: string) => string | undefined): SegmentDocument | undefined {
  const context = span.spanContext();
  const traceId = toTraceId(context.traceId);
  const id = toXRaySpanId(context.spanId);
  if (traceId === undefined || id === undefined) return undefined;
  const parentId = span.parentSpanContext === undefined ? undefined : toXRaySpanId(span.parentSpanContext.spanId);
  const startTime = toEpochSeconds(span.startTime);
  let endTime = toEpochSeconds(span.endTime);
  if (!Number.isFinite(startTime) || !Number.isFinite(endTime) || startTime < 0) return undefined;
  // "end_time … must be later than start_time" in spirit; a clock step can invert them, X-Ray would reject it.
  if (endTime < startTime) endTime = startTime;

  // `name` first, so every document keeps the same field order.
  const doc: SegmentDocument = { name: '', id, trace_id: traceId, start_time: startTime, end_time: endTime };
  if (parentId !== undefined) doc.parent_id = parentId;
  if (span.kind !== SpanKind.SERVER && parentId !== undefined) doc.type = 'subsegment';
  return doc;
}

/**
 * Runs the stages over the span's attributes and adds what they produced. Resource fields (`origin`, `service`, the
 * resource part of `aws`, resource metadata) go on segments only.
 */
function addStages(
  doc: SegmentDocument,
  span: ReadableSpan,
  segment: boolean,
  fragment: ResourceFragment,
  ctx: TranslatorContext,
): void {
  const kind = span.kind;
  const attrs = span.attributes;
  const keys = scanKeys(attrs);
  const { name, namespace } = makeName(kind, span.name, attrs, segment, ctx.naming, fragment.serviceName, keys);
  const http = makeHttp(kind, attrs);
  const sql = makeSql(attrs);
  const aws = makeAws(attrs, keys);
  const cause = makeCause(kind, span.status, span.events, attrs, http.status, fragment.nodeStacks);
  const enduser = str(attrs, 'enduser.id');
  const user = enduser ?? str(attrs, 'user.id');
  const consumed = consumedKeys(userKeysConsumed(attrs, enduser, user), http.consumed, sql.consumed, aws.consumed, cause.consumed);
  const unused = unusedKeys(http.unused, sql.unused, aws.unused);
  const rest = makeAnnotations(attrs, consumed, ctx.annotations, segment ? fragment.metadata : undefined, unused);

  doc.name = name;
  if (namespace !== undefined) doc.namespace = namespace;
  if (segment && fragment.origin !== undefined) doc.origin = fragment.origin;
  if (user !== undefined) doc.user = capped(user);
  if (segment && fragment.service !== undefined) doc.service = fragment.service;
  if (http.http !== undefined) doc.http = http.http;
  const awsData = mergeAws(aws.aws, segment ? fragment.aws : undefined);
  if (awsData !== undefined) doc.aws = awsData;
  if (sql.sql !== undefined) doc.sql = sql.sql;
  if (cause.fault) doc.fault = true;
  if (cause.error) doc.error = true;
  if (cause.throttle) doc.throttle = true;
  if (cause.cause !== undefined) doc.cause = cause.cause;
  if (rest.annotations !== undefined) doc.annotations = rest.annotations;
  if (rest.metadata !== undefined) doc.metadata = rest.metadata;
  const links = makeLinks(span.links);
  if (links !== undefined) doc.links = links;
}

/**
 * A CLIENT or PRODUCER span without a parent (a script or job making a call) becomes what the X-Ray SDK's segment
 * would be: a segment named after the service (or `AWS_XRAY_TRACING_NAME`) that carries the resource fields and the
 * user, with the call as its one nested subsegment named after what it called. The call keeps the span's id, so a
 * callee that continued the trace points at it; the segment's id is derived from it, the same for the same span. The
 * collector does the same for its local-root dependency spans (`segment.go`, `MakeServiceSegmentAndDependencySubsegment`).
 */
function wrapRootCall(call: SegmentDocument, span: ReadableSpan, fragment: ResourceFragment, ctx: TranslatorContext): SegmentDocument {
  addStages(call, span, false, fragment, ctx);
  const serviceName = fragment.serviceName === undefined ? undefined : sanitizeName(fragment.serviceName);
  const segment: SegmentDocument = {
    name: ctx.naming.tracingName ?? serviceName ?? FALLBACK_NAME,
    id: derivedSegmentId(call.id),
    trace_id: call.trace_id,
    start_time: call.start_time,
    end_time: call.end_time,
  };
  if (fragment.origin !== undefined) segment.origin = fragment.origin;
  if (call.user !== undefined) segment.user = call.user; // a segment field (segment documents, "Optional segment fields")
  if (fragment.service !== undefined) segment.service = fragment.service;
  if (fragment.aws !== undefined) segment.aws = fragment.aws;
  if (fragment.metadata !== undefined) segment.metadata = { [DEFAULT_METADATA_NAMESPACE]: { ...fragment.metadata } };
  delete call.user;
  // Nested: no trace_id, parent_id or type (segment documents, "Subsegments").
  delete (call as { trace_id?: string }).trace_id;
  segment.subsegments = [call];
  return segment;
}

/** `setUser()` writes `enduser.id` and `user.id` with one value; a different `user.id` is kept in metadata. */
function userKeysConsumed(attrs: Attributes, enduser: string | undefined, user: string | undefined): Consumed {
  if (enduser === undefined) return USER_ID_CONSUMED;
  return user === attrs['user.id'] ? BOTH_USER_KEYS_CONSUMED : ENDUSER_CONSUMED;
}

/**
 * The stages' consumed keys, empty sets left out: the leftover pass checks every attribute against the sets in order
 * until one has it. The big sets come first and the user's one- or two-key set last, so a consumed key (most of an HTTP
 * span's) costs one Set lookup, not two.
 */
function consumedKeys(user: Consumed, http: Consumed, sql: Consumed, aws: Consumed, cause: Consumed): Consumed[] {
  const consumed: Consumed[] = [];
  if (http !== NOTHING_CONSUMED) consumed.push(http);
  if (sql !== NOTHING_CONSUMED) consumed.push(sql);
  if (aws !== NOTHING_CONSUMED) consumed.push(aws);
  if (cause !== NOTHING_CONSUMED) consumed.push(cause);
  consumed.push(user);
  return consumed;
}

/** Keys the stages read but turned into no field: they stay in metadata. Usually none, and then no allocation. */
function unusedKeys(http: Unused, sql: Unused, aws: Unused): Unused {
  if (sql === undefined && aws === undefined) return http;
  return [...(http ?? []), ...(sql ?? []), ...(aws ?? [])];
}

/** The call's `aws` fields over the resource's (shared, frozen: copied only when both exist). */
function mergeAws(call: AwsData | undefined, resource: AwsData | undefined): AwsData | undefined {
  if (call === undefined) return resource;
  return resource === undefined ? call : { ...resource, ...call };
}
