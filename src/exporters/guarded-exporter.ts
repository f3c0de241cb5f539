import { context, isSpanContextValid } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { logger } from '../diag/logger';
import { lossCause } from '../diag/loss-cause';
import { LossReporter } from '../diag/loss-reporter';
import { RateLimitedLog } from '../diag/rate-limited-log';

export interface GuardOptions {
  /** One line for the log from an export error: what happened and what to do, never a secret. */
  readonly describeError?: (error: unknown) => string;
  /** The backend's loss reporter, shared with its processor (and with the exporter when it reports losses itself). */
  readonly loss?: LossReporter;
  /**
   * The exporter reports its own deliveries and losses to `loss` (X-Ray: a UDP send "succeeds" whatever the daemon
   * does), so a SUCCESS result says nothing here; a FAILED result still counts the batch as lost.
   */
  readonly selfReporting?: boolean;
}

/**
 * Wraps a backend's exporter so that its failures stay inside: the export runs with tracing suppressed (its own HTTP or
 * UDP traffic is never traced), a throw becomes a failed result, and the callback fires exactly once.
 *
 * Losses are reported to the backend's {@link LossReporter}: a FAILED result loses the batch, with the cause read from
 * the error's `code` (`lossCause`: `HTTP 413`, `ECONNREFUSED`, `TIMEOUT`, …); a SUCCESS result is a delivery, which
 * ends an outage. Failed batches are reported to the processor as handled (SUCCESS) because they were already counted
 * here; the processor would only log them again.
 */
export class GuardedExporter implements SpanExporter {
  private readonly log = new RateLimitedLog(logger());
  private readonly loss: LossReporter;
  private readonly describeError: (error: unknown) => string;
  private readonly selfReporting: boolean;
  private failedSpans = 0;

  constructor(
    readonly backend: string,
    private readonly inner: SpanExporter,
    options: GuardOptions = {},
  ) {
    this.loss = options.loss ?? new LossReporter(backend);
    this.describeError = options.describeError ?? defaultDescribe;
    this.selfReporting = options.selfReporting ?? false;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    let batch = spans;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      if (result.code === ExportResultCode.SUCCESS) {
        if (!this.selfReporting) this.loss.delivered();
      } else {
        this.failedSpans += batch.length;
        this.loss.lost(lossCause(result.error), batch.length, `export failed: ${this.describeError(result.error)}`);
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
      this.loss.lost('MALFORMED', malformed, `malformed spans dropped from a batch (${this.describeError(error)}).`, false);
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
