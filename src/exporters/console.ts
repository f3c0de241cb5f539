import { SpanKind, SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const SECRET_KEY = /(authorization|cookie|api[-_.]?key|password|secret|token|x-honeycomb-team)/i;
const MAX_VALUE_CHARS = 200;

/**
 * Prints each finished span as one readable line, for debugging at a terminal (the `console` option, or
 * `OTEL_TRACES_EXPORTER=console`). Attribute values whose key looks secret are masked.
 *
 * `  GET /api/activities/home  SERVER  12.3 ms  OK  trace=68ff… span=1a2b… ← parent=…  {http.route=/api/…}`
 */
export class ReadableConsoleExporter implements SpanExporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let out = '';
    for (const span of spans) out += formatSpan(span) + '\n';
    try {
      this.write(out);
    } catch {
      // A closed stdout must not break the app.
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}

function formatSpan(span: ReadableSpan): string {
  const ctx = span.spanContext();
  const ms = hrTimeToMilliseconds(span.duration).toFixed(1);
  const status = span.status.code === SpanStatusCode.ERROR ? `ERROR${span.status.message ? `(${span.status.message})` : ''}` : span.status.code === SpanStatusCode.OK ? 'OK' : 'UNSET';
  const parent = span.parentSpanContext?.spanId;
  const attrs = Object.entries(span.attributes)
    .map(([k, v]) => `${k}=${SECRET_KEY.test(k) ? '****' : formatValue(v)}`)
    .join(' ');
  const service = span.resource.attributes['service.name'];
  return (
    `[dualtrace] ${String(service)} ${span.name}  ${SpanKind[span.kind]}  ${ms} ms  ${status}  ` +
    `trace=${ctx.traceId} span=${ctx.spanId}${parent ? ` parent=${parent}` : ''}${attrs ? `  {${attrs}}` : ''}` +
    (span.events.length > 0 ? `  events=[${span.events.map((e) => e.name).join(', ')}]` : '')
  );
}

function formatValue(v: AttributeValue | undefined): string {
  const text = Array.isArray(v) ? `[${v.join(',')}]` : String(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}
