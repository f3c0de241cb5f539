/**
 * X-Ray limits the translator enforces. Each cites its source; where dualtrace picks its own bound (to keep one
 * pathological span from costing a whole datagram) the comment says so. "Segment documents" is
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html; "X-Ray SDK pages" are the SDK guides'
 * segment pages, e.g. https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-go-segment.html.
 */

/** `name`: "up to 200 characters" (AWS X-Ray developer guide, segment documents, "Required segment fields"). */
export const MAX_NAME_LENGTH = 200;

/**
 * Every other string field: "Values must be strings (up to 250 characters) unless noted otherwise" (segment documents,
 * "Segment fields" and "Subsegment fields"). Applied to the identifier-like fields (`user`, `service.version`, HTTP
 * method, user agent and client IP, every `aws` field, `sql` type/version/user, exception types). The fields whose
 * content is the point are left whole and bounded by the document size (pack/shrink.ts): `http.request.url` ("the full
 * URL"), `sql.url`, `sql.connection_string`, `sql.sanitized_query` ("the database query"), exception messages and
 * stack frames — the X-Ray SDKs send those whole too.
 */
export const MAX_STRING_LENGTH = 250;

/** Used when a name sanitises to nothing (the collector's `fixSegmentName` uses the same fallback). */
export const FALLBACK_NAME = 'span';

/** "X-Ray indexes up to 50 annotations per trace" (segment documents, "Annotations"). We cap per document. */
export const MAX_ANNOTATIONS = 50;

/** Annotation keys: "up to 500 alphanumeric characters" (X-Ray SDK pages, "Annotation requirements"). */
export const MAX_ANNOTATION_KEY_LENGTH = 500;

/** Annotation string values: "up to 1,000 Unicode characters" (X-Ray SDK pages, "Annotation requirements"). */
export const MAX_ANNOTATION_VALUE_LENGTH = 1000;

/** Metadata keys beginning with `AWS.` are reserved for AWS SDKs and clients (segment documents, "Metadata"). */
export const RESERVED_METADATA_PREFIX = 'AWS.';

/** Where a reserved metadata key goes instead: the same key behind this prefix, so nothing is lost. */
export const RESERVED_METADATA_ESCAPE = '_';

/** Metadata namespace for plain attributes, as the X-Ray SDKs and the collector use it. */
export const DEFAULT_METADATA_NAMESPACE = 'default';

/** Resource attributes copied into metadata (opt-in) get this key prefix, like the collector's `otel.resource.*`. */
export const RESOURCE_METADATA_PREFIX = 'otel.resource.';

/** Trace id version prefix: `1-{8 hex epoch}-{24 hex}` (segment documents, "Trace ID format"). */
export const TRACE_ID_VERSION = '1';

/**
 * dualtrace's own bound: frames kept per exception. V8 captures 10 by default (`Error.stackTraceLimit`); users who
 * raise it should not turn one error into a 64 kB document. The rest are counted in the exception's `truncated`.
 */
export const MAX_STACK_FRAMES = 64;

/** dualtrace's own bound: exceptions kept per document (one span that records hundreds of errors is a bug). */
export const MAX_EXCEPTIONS = 32;

/** Event name OTel uses for `span.recordException` (OTel semantic conventions, "Exceptions"). */
export const EXCEPTION_EVENT_NAME = 'exception';

/** Event the OTel AWS SDK instrumentations record for a failed HTTP attempt (collector `cause.go`). */
export const AWS_HTTP_FAILURE_EVENT_NAME = 'HTTP request failure';

/** `type` the collector gives exceptions built from {@link AWS_HTTP_FAILURE_EVENT_NAME} events. */
export const AWS_HTTP_FAILURE_EXCEPTION_TYPE = 'aws.http.error.event';
