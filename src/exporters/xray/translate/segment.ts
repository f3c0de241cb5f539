import { SpanKind } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Consumed } from './attributes';
import { NOTHING_CONSUMED, scanKeys, str } from './attributes';
import { createAnnotationKeySanitizer, makeAnnotations } from './annotations';
import type { AnnotationContext } from './annotations';
import { makeAws } from './aws';
import { makeCause } from './cause';
import { makeHttp } from './http';
import { makeLinks } from './links';
import { compileHostPattern, makeName, sanitizeName } from './names';
import type { NamingContext } from './names';
import { makeResourceFragment } from './origin';
import type { ResourceFragment } from './origin';
import { makeSql } from './sql';
import { toEpochSeconds } from './time';
import { createTraceIdConverter, toXRaySpanId } from './trace-id';
import type { SegmentDocument, TranslatorOptions } from './types';

/**
 * Span → X-Ray segment document. This file only orchestrates: each stage reads (and consumes) its own attributes,
 * and what is left becomes annotations and metadata. See docs/xray.md for the resulting mapping.
 *
 * The stages follow the OpenTelemetry Collector's awsxray translator, one file per concern as there
 * (https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/exporter/awsxrayexporter/internal/translator);
 * "collector `x.go`" in this directory names a file of it. The per-span cost is measured in bench/xray.bench.ts.
 */

const ENDUSER_CONSUMED: Consumed = new Set(['enduser.id']);
const USER_ID_CONSUMED: Consumed = new Set(['user.id']);
const BOTH_USER_KEYS_CONSUMED: Consumed = new Set(['enduser.id', 'user.id']);

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
  const tracingName = options.tracingName === undefined ? undefined : sanitizeName(options.tracingName);
  const matchHost =
    options.namePattern === undefined || options.namePattern === ''
      ? undefined
      : compileHostPattern(options.namePattern);
  const indexed = [...new Set(options.indexedAttributes ?? [])];
  const annotationCtx: AnnotationContext = {
    indexed,
    indexedSet: new Set(indexed),
    indexAll: options.indexAllAttributes === true,
    annotationKey: createAnnotationKeySanitizer(),
  };
  const withResourceMetadata = options.resourceMetadata === true;
  const fragments = new WeakMap<Resource, ResourceFragment>();
  const naming: NamingContext = { tracingName, matchHost };
  const toTraceId = createTraceIdConverter();

  const fragmentFor = (resource: Resource): ResourceFragment => {
    let fragment = fragments.get(resource);
    if (fragment === undefined) {
      fragment = makeResourceFragment(resource, withResourceMetadata);
      // A resource still waiting for async detectors will change: do not cache what it says now.
      if (resource.asyncAttributesPending !== true) fragments.set(resource, fragment);
    }
    return fragment;
  };

  return function translateSpan(span: ReadableSpan): SegmentDocument | undefined {
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

    const kind = span.kind;
    const segment = kind === SpanKind.SERVER || parentId === undefined;
    const attrs = span.attributes;
    const fragment = fragmentFor(span.resource);

    const keys = scanKeys(attrs);
    const { name, namespace } = makeName(kind, span.name, attrs, segment, naming, fragment.serviceName, keys);
    const http = makeHttp(kind, attrs);
    const sql = makeSql(attrs);
    const aws = makeAws(attrs, keys);
    const cause = makeCause(kind, span.status, span.events, attrs, http.status, fragment.nodeStacks);
    const enduser = str(attrs, 'enduser.id');
    const user = enduser ?? str(attrs, 'user.id');
    // setUser() writes both keys with one value; a different user.id is kept in metadata.
    const userConsumed =
      enduser === undefined ? USER_ID_CONSUMED : user === attrs['user.id'] ? BOTH_USER_KEYS_CONSUMED : ENDUSER_CONSUMED;
    const consumed: Consumed[] = [userConsumed];
    // Only non-empty sets: the leftover pass checks every attribute against every set in this list.
    if (http.consumed !== NOTHING_CONSUMED) consumed.push(http.consumed);
    if (sql.consumed !== NOTHING_CONSUMED) consumed.push(sql.consumed);
    if (aws.consumed !== NOTHING_CONSUMED) consumed.push(aws.consumed);
    if (cause.consumed !== NOTHING_CONSUMED) consumed.push(cause.consumed);
    const rest = makeAnnotations(
      attrs,
      consumed,
      annotationCtx,
      segment ? fragment.metadata : undefined,
    );

    const doc: SegmentDocument = { name, id, trace_id: traceId, start_time: startTime, end_time: endTime };
    if (parentId !== undefined) doc.parent_id = parentId;
    if (!segment) doc.type = 'subsegment';
    if (namespace !== undefined) doc.namespace = namespace;
    if (segment && fragment.origin !== undefined) doc.origin = fragment.origin;
    if (user !== undefined) doc.user = user;
    if (segment && fragment.service !== undefined) doc.service = fragment.service;
    if (http.http !== undefined) doc.http = http.http;
    const resourceAws = segment ? fragment.aws : undefined;
    if (aws.aws !== undefined) doc.aws = resourceAws === undefined ? aws.aws : { ...resourceAws, ...aws.aws };
    else if (resourceAws !== undefined) doc.aws = resourceAws;
    if (sql.sql !== undefined) doc.sql = sql.sql;
    if (cause.fault) doc.fault = true;
    if (cause.error) doc.error = true;
    if (cause.throttle) doc.throttle = true;
    if (cause.cause !== undefined) doc.cause = cause.cause;
    if (rest.annotations !== undefined) doc.annotations = rest.annotations;
    if (rest.metadata !== undefined) doc.metadata = rest.metadata;
    const links = makeLinks(span.links);
    if (links !== undefined) doc.links = links;
    return doc;
  };
}
