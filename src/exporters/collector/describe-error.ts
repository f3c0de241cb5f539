import { errorCode } from '../otlp/export-error';

/**
 * Turns a collector-mode export error into one line that says what to check. The Collector's answer is never printed:
 * a gateway that checks a token may echo it.
 */
export function describeCollectorError(error: unknown): string {
  const code = errorCode(error);
  if (code === 401 || code === 403) {
    return `The Collector refused the spans (HTTP ${code}). Check the credentials its receiver expects in \`collector.headers\` / OTEL_EXPORTER_OTLP_HEADERS.`;
  }
  if (code === 404) return 'HTTP 404: the Collector has no /v1/traces there. Check `collector.endpoint` (its OTLP/HTTP receiver listens on port 4318 by default).';
  if (code === 413) return 'HTTP 413: a span too large for the Collector even in a request of its own was dropped; the rest of its batch was sent.';
  if (code === 429 || code === 502 || code === 503 || code === 504) return `HTTP ${code}: the Collector is overloaded or unavailable; retried until the export timeout.`;
  if (typeof code === 'number') return `HTTP ${code} from the Collector.`;
  if (code === 'ECONNREFUSED') {
    return `ECONNREFUSED: nothing listens at \`collector.endpoint\`. Check that the Collector (or CloudWatch agent) runs there, with its OTLP/HTTP receiver on.`;
  }
  if (error instanceof Error) return code === undefined ? error.message || error.name : `${code}: ${error.message}`;
  return String(error);
}
