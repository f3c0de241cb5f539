import { context, isSpanContextValid } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { logger } from '../diag/logger';
import { RateLimitedLog } from '../diag/rate-limited-log';

/**
 * Wraps a backend's exporter so that its failures stay inside: the export runs with tracing suppressed (its own HTTP or
 * UDP traffic is never traced), a throw becomes a failed result, the callback fires exactly once, and failures are
 * logged once and then throttled with counts instead of once per batch. Failed batches are reported to the processor as
 * handled (SUCCESS) because they were already counted and logged here; the processor would only log them again.
 */
export class GuardedExporter implements SpanExporter {
  private readonly log = new RateLimitedLog(logger());
  private failedSpans = 0;
  private failedBatches = 0;
  private recovered = true;

  constructor(
    readonly backend: string,
    private readonly inner: SpanExporter,
    private readonly describeError: (error: unknown) => string = defaultDescribe,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    let batch = spans;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      if (result.code === ExportResultCode.SUCCESS) {
        if (!this.recovered) {
          this.recovered = true;
          this.log.warn(`${this.backend}:recovered`, `${this.backend} export recovered.`);
        }
      } else {
        this.failedBatches++;
        this.failedSpans += batch.length;
        this.recovered = false;
        this.log.warn(
          `${this.backend}:failed`,
          `${this.backend} export failed, ${batch.length} spans dropped (${this.failedSpans} spans in ${this.failedBatches} batches so far): ${this.describeError(result.error)}`,
        );
      }
      try {
        resultCallback({ code: ExportResultCode.SUCCESS });
      } catch {
        // The processor's callback is not ours to fail.
      }
    };
    let error = this.tryExport(batch, done);
    if (error === undefined) return;
    // A span the exporter cannot encode (say, a link without a span context, from untyped JavaScript) must not cost
    // the rest of the batch: retry once without the malformed spans, and count those.
    const wellFormed = spans.filter(isWellFormed);
    if (wellFormed.length > 0 && wellFormed.length < spans.length) {
      const malformed = spans.length - wellFormed.length;
      this.failedSpans += malformed;
      this.log.warn(`${this.backend}:malformed`, `${this.backend}: ${malformed} malformed spans dropped from a batch (${this.describeError(error)})`);
      batch = wellFormed;
      error = this.tryExport(batch, done);
      if (error === undefined) return;
    }
    done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
  }

  /** Runs the inner export with tracing suppressed; returns what it threw synchronously, if anything. */
  private tryExport(batch: ReadableSpan[], done: (result: ExportResult) => void): unknown {
    try {
      context.with(suppressTracing(context.active()), () => this.inner.export(batch, done));
      return undefined;
    } catch (error) {
      return error ?? new Error('export threw');
    }
  }

  /** Spans this backend failed to deliver so far. */
  get droppedSpans(): number {
    return this.failedSpans;
  }

  async forceFlush(): Promise<void> {
    try {
      await this.inner.forceFlush?.();
    } catch (error) {
      this.log.warn(`${this.backend}:flush`, `${this.backend} flush failed: ${this.describeError(error)}`);
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.inner.shutdown();
    } catch (error) {
      this.log.warn(`${this.backend}:shutdown`, `${this.backend} shutdown failed: ${this.describeError(error)}`);
    }
  }
}

function defaultDescribe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** What exporters need to encode a span: valid ids, and links that carry a valid span context. */
function isWellFormed(span: ReadableSpan): boolean {
  try {
    if (!isSpanContextValid(span.spanContext())) return false;
    const links = span.links;
    return Array.isArray(links) && links.every((link) => link !== null && typeof link === 'object' && isSpanContextValid(link.context));
  } catch {
    return false;
  }
}
