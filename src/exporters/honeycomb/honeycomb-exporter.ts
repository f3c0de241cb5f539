import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ResolvedHoneycomb } from '../../config/types';
import { createTraceSerializer } from '../otlp';

/** At most this many OTLP requests in flight; beyond it exports fail fast and spans are dropped (bounded memory). */
export const HONEYCOMB_CONCURRENCY_LIMIT = 4;

/** The `otel.component.type` OpenTelemetry's own OTLP/HTTP span exporter reports (for its self-metrics, off here). */
const COMPONENT_TYPE = 'otlp_http_span_exporter';
/** What the delegate's self-metrics count per export: spans. */
const SPAN_COUNTER = { name: 'span' as const, countItems: (spans: ReadableSpan[]) => spans.length };

/** Node publishes every `node:http` client response here (Node ≥ 18.6); no patching involved. */
const RESPONSE_CHANNEL = 'http.client.response.finish';

interface ResponseMessage {
  request?: { host?: string; path?: string };
  response?: { statusCode?: number };
}

/**
 * The Honeycomb exporter: OTLP/HTTP with protobuf bodies (the smallest and cheapest encoding Honeycomb accepts), to the
 * resolved URL with the resolved headers (`x-honeycomb-team`, and `x-honeycomb-dataset` for Classic keys only).
 *
 * It is OpenTelemetry's `OTLPTraceExporter` (`@opentelemetry/exporter-trace-otlp-proto`) put together from the same
 * parts (HTTP transport, retries, concurrency limit, env-var handling), except the body: that comes from dualtrace's
 * own encoder (exporters/otlp/), which writes the same bytes with less CPU (measured in bench/otlp.bench.ts).
 *
 * When retries of a 429/502/503/504 run out, OpenTelemetry's exporter reports "Export failed with retryable status"
 * without the status. This wrapper watches the responses to its own endpoint on Node's HTTP diagnostics channel and
 * puts the last error status on the error as `code`, so the log can say "429: rate-limited" rather than just "failed".
 */
export class HoneycombExporter implements SpanExporter {
  private readonly inner: OTLPExporterBase<ReadableSpan[]>;
  private readonly host: string;
  private readonly path: string;
  private lastErrorStatus: number | undefined;
  /** Exports in flight: the channel is listened to only while there are some, so idle apps pay nothing. */
  private inFlight = 0;

  constructor(config: ResolvedHoneycomb) {
    const options = convertLegacyHttpOptions(
      { url: config.url, headers: { ...config.headers }, timeoutMillis: config.timeoutMillis, concurrencyLimit: HONEYCOMB_CONCURRENCY_LIMIT },
      'TRACES',
      'v1/traces',
      { 'Content-Type': 'application/x-protobuf' },
    );
    this.inner = new OTLPExporterBase(createOtlpHttpExportDelegate(options, createTraceSerializer(), COMPONENT_TYPE, SPAN_COUNTER, undefined));
    const url = new URL(config.url);
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.path = url.pathname + url.search;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.inFlight++ === 0) subscribe(RESPONSE_CHANNEL, this.onResponse);
    let settled = false;
    const finish = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      // With up to HONEYCOMB_CONCURRENCY_LIMIT exports in flight the status may be another batch's: it names what the
      // endpoint has been answering, which is what the log line is for.
      const status = this.lastErrorStatus;
      if (--this.inFlight === 0) {
        unsubscribe(RESPONSE_CHANNEL, this.onResponse);
        this.lastErrorStatus = undefined;
      }
      const error = result.error as (Error & { code?: unknown }) | undefined;
      if (error !== undefined && typeof error.code !== 'number' && status !== undefined) {
        resultCallback({ code: result.code, error: Object.assign(new Error(error.message), { code: status }) });
        return;
      }
      resultCallback(result);
    };
    try {
      this.inner.export(spans, finish);
    } catch (error) {
      // Let the caller see the throw (GuardedExporter retries without malformed spans), but keep the count right.
      if (!settled && --this.inFlight === 0) unsubscribe(RESPONSE_CHANNEL, this.onResponse);
      settled = true;
      throw error;
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  private readonly onResponse = (message: unknown): void => {
    const { request, response } = message as ResponseMessage;
    if (request?.path !== this.path || request.host !== this.host) return;
    const status = response?.statusCode;
    if (typeof status === 'number' && status >= 400) this.lastErrorStatus = status;
  };
}
