import type { ResolvedCollector, ResolvedXRay } from '../../config/types';
import type { LossSink } from '../../diag/loss-reporter';
import { OtlpTraceExporter, type RequestLimits } from '../otlp';
import { createAnnotationLister } from '../otlp/annotation-list';
import { describeCollectorError } from './describe-error';

/**
 * A Collector's OTLP/HTTP receiver takes bodies far larger than this (20 MiB by default); requests are kept to what
 * X-Ray's OTLP endpoint takes, so a gateway that forwards as it received never has to split them.
 */
const COLLECTOR_LIMITS: RequestLimits = { maxRequestBytes: 5_000_000, maxRequestSpans: 10_000, maxSpanBytes: 900_000 };
const CONCURRENCY_LIMIT = 4;

/**
 * Collector mode's one exporter: every span once, as OTLP/HTTP protobuf, to the Collector (or CloudWatch agent) that
 * fans out to Honeycomb and X-Ray. The keys to index are listed in `aws.xray.annotations`, which the Collector's
 * `awsxray` exporter and X-Ray's OTLP ingestion both read (docs/collector.md).
 */
export function createCollectorExporter(
  collector: ResolvedCollector,
  xray: Pick<ResolvedXRay, 'indexedAttributes' | 'indexAllAttributes'>,
  loss?: LossSink,
): OtlpTraceExporter {
  return new OtlpTraceExporter({
    backend: 'collector',
    loss,
    describeError: describeCollectorError,
    url: collector.url,
    headers: collector.headers,
    timeoutMillis: collector.timeoutMillis,
    concurrencyLimit: CONCURRENCY_LIMIT,
    compression: 'none',
    limits: COLLECTOR_LIMITS,
    adjust: createAnnotationLister(xray.indexedAttributes, xray.indexAllAttributes),
  });
}
