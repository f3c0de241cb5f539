import { context } from '@opentelemetry/api';
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
        this.failedSpans += spans.length;
        this.recovered = false;
        const error = result.error;
        this.log.warn(
          `${this.backend}:failed`,
          `${this.backend} export failed, ${spans.length} spans dropped (${this.failedSpans} spans in ${this.failedBatches} batches so far): ${this.describeError(error)}`,
        );
      }
      try {
        resultCallback({ code: ExportResultCode.SUCCESS });
      } catch {
        // The processor's callback is not ours to fail.
      }
    };
    try {
      context.with(suppressTracing(context.active()), () => this.inner.export(spans, done));
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
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
