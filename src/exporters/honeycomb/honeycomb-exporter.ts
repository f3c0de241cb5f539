import type { ResolvedHoneycomb } from '../../config/types';
import type { LossSink } from '../../diag/loss-reporter';
import { describeHoneycombError } from './describe-error';
import { OtlpTraceExporter, type RequestLimits } from '../otlp';
import { withoutAnnotationList } from '../otlp/annotation-list';

/** At most this many OTLP requests in flight; beyond it exports fail fast and spans are dropped (bounded memory). */
export const HONEYCOMB_CONCURRENCY_LIMIT = 4;

/**
 * Request limits for Honeycomb. Honeycomb publishes no OTLP request limit; its events API takes bodies up to 5 MB
 * and events under 1 MB of JSON (https://docs.honeycomb.io/api/events/). A span over 900,000 encoded bytes is
 * shrunk, leaving room for JSON's quoting of what protobuf stores raw; a request the endpoint still refuses with 413
 * is split by the exporter.
 */
export const HONEYCOMB_LIMITS: RequestLimits = {
  maxRequestBytes: 5_000_000,
  maxRequestSpans: Number.MAX_SAFE_INTEGER,
  maxSpanBytes: 900_000,
};

/**
 * The Honeycomb exporter: OTLP/HTTP with protobuf bodies (the smallest and cheapest encoding Honeycomb accepts) to the
 * resolved URL with the resolved headers (`x-honeycomb-team`, and `x-honeycomb-dataset` for Classic keys only), on
 * dualtrace's OTLP transport (exporters/otlp/): a deadline of `honeycomb.timeoutMillis` for each export as a whole,
 * retries on 429/502/503/504, splitting on 413. `aws.xray.annotations` (the list of keys X-Ray indexes) is left out:
 * the annotated attributes themselves are ordinary columns in Honeycomb.
 */
export function createHoneycombExporter(config: ResolvedHoneycomb, loss?: LossSink): OtlpTraceExporter {
  return new OtlpTraceExporter({
    backend: 'honeycomb',
    loss,
    describeError: describeHoneycombError,
    url: config.url,
    headers: config.headers,
    timeoutMillis: config.timeoutMillis,
    concurrencyLimit: HONEYCOMB_CONCURRENCY_LIMIT,
    compression: 'none',
    limits: HONEYCOMB_LIMITS,
    adjust: withoutAnnotationList,
  });
}
