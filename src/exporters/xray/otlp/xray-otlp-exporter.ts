import type { ResolvedXRay, ResolvedXRayOtlp } from '../../../config/types';
import type { LossSink } from '../../../diag/loss-reporter';
import { OtlpTraceExporter, type RequestLimits } from '../../otlp';
import { describeXRayOtlpError } from './describe-error';
import { createAnnotationLister } from '../../otlp/annotation-list';
import { createSigV4Signer } from './sigv4';

/**
 * X-Ray's OTLP endpoint limits (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html):
 * 5 MB uncompressed and 10,000 spans per request, 200 KB per span. How X-Ray measures a span is not published; a span
 * over 180,000 encoded bytes is shrunk, which leaves room for a representation larger than protobuf.
 */
export const XRAY_OTLP_LIMITS: RequestLimits = { maxRequestBytes: 5_000_000, maxRequestSpans: 10_000, maxSpanBytes: 180_000 };
const CONCURRENCY_LIMIT = 4;

/** The X-Ray settings the OTLP exporter is built from. */
export type XRayOtlpExporterConfig = Pick<ResolvedXRay, 'region' | 'indexedAttributes' | 'indexAllAttributes'> & { readonly otlp: ResolvedXRayOtlp };

/**
 * X-Ray over OTLP/HTTP protobuf on dualtrace's OTLP transport: gzip, X-Ray's request and span limits, the keys to
 * index listed in `aws.xray.annotations`, and SigV4 when `xray.sigv4` is on (the AWS packages are loaded here, and
 * only here).
 *
 * @throws {ConfigError} when signing is on and its optional packages are not installed
 */
export function createXRayOtlpExporter(config: XRayOtlpExporterConfig, loss?: LossSink): OtlpTraceExporter {
  return new OtlpTraceExporter({
    backend: 'xray',
    loss,
    describeError: describeXRayOtlpError,
    url: config.otlp.url,
    headers: {},
    timeoutMillis: config.otlp.timeoutMillis,
    concurrencyLimit: CONCURRENCY_LIMIT,
    compression: 'gzip',
    limits: XRAY_OTLP_LIMITS,
    // resolveConfig only turns signing on with a region.
    sign: config.otlp.sigv4 ? createSigV4Signer(config.region!) : undefined,
    adjust: createAnnotationLister(config.indexedAttributes, config.indexAllAttributes),
  });
}
