import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ResolvedHoneycomb } from '../../config/types';

/** At most this many OTLP requests in flight; beyond it exports fail fast and spans are dropped (bounded memory). */
export const HONEYCOMB_CONCURRENCY_LIMIT = 4;

/**
 * The Honeycomb exporter: OTLP/HTTP with protobuf bodies (the smallest and cheapest encoding Honeycomb accepts), to the
 * resolved URL with the resolved headers (`x-honeycomb-team`, and `x-honeycomb-dataset` for Classic keys only).
 */
export function createHoneycombExporter(config: ResolvedHoneycomb): SpanExporter {
  return new OTLPTraceExporter({
    url: config.url,
    headers: { ...config.headers },
    timeoutMillis: config.timeoutMillis,
    concurrencyLimit: HONEYCOMB_CONCURRENCY_LIMIT,
  });
}
