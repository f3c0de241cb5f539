import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config/types';
import { LossReporter } from '../diag/loss-reporter';

export type BatchLimits = ResolvedConfig['batch'];

/**
 * One backend's queue: ended, sampled spans wait here (at most `maxQueueSize`) and go to that backend's exporter in
 * batches of at most `maxExportBatchSize`, one batch in flight at a time — the OpenTelemetry batching processor's
 * contract (spec "Batching processor"), with three differences that matter when two backends share a provider:
 *
 * - Drops are reported per backend, by name, with counts, to the backend's LossReporter (`honeycomb: 37244 spans
 *   lost (QUEUE_FULL) …`): at once for the first, then at most once per 30 s, and whatever is left when shutdown ends.
 *   OpenTelemetry's processor logs the same anonymous "Dropped N spans because maxQueueSize reached" for every queue.
 * - A full batch is exported from `setImmediate`, not inside the `span.end()` that filled it, and back-to-back batches
 *   yield to the event loop between them, so a backlog never runs as one long synchronous stretch.
 * - `forceFlush()` also waits for the batch already in flight (OpenTelemetry's only exports what is still queued), so a
 *   resolved flush means delivered or timed out — what the Lambda wrapper relies on before a freeze.
 *
 * The exporter is expected to be a `GuardedExporter` (tracing suppressed, failures logged there); a throw or a
 * callback that never comes still cannot stall the queue: after `exportTimeoutMillis` the next batch goes.
 */
export class BackendBatchProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** Settles when the batch in flight is done or timed out. */
  private inFlight: Promise<void> | undefined;
  /** Set when shutdown starts: later spans are refused (and counted as dropped). */
  private closing = false;
  private closed = false;
  private shutdownPromise: Promise<void> | undefined;
  private dropped = 0;
  private readonly queueFull: string;
  private readonly exportNow = (): void => {
    this.immediate = undefined;
    this.timer = undefined;
    void this.exportBatch();
  };

  constructor(
    readonly backend: string,
    private readonly exporter: SpanExporter,
    private readonly limits: BatchLimits,
    private readonly loss: LossReporter = new LossReporter(backend),
  ) {
    this.queueFull =
      `its export queue was full (batch.maxQueueSize ${limits.maxQueueSize}): the backend is not keeping up or is ` +
      'unreachable; its own errors are reported separately.';
  }

  /** Spans this backend's queue has dropped because it was full. */
  get droppedSpans(): number {
    return this.dropped;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.closing) {
      // Refused up front, as OpenTelemetry's processor does after shutdown; counted, and reported when shutdown ends.
      this.dropped++;
      this.loss.lost('SHUTDOWN', 1, 'the span ended after shutdown() had begun.', false);
      return;
    }
    if (this.queue.length >= this.limits.maxQueueSize) {
      this.dropped++;
      // Not an outage by itself: a backend that is slow but answering fills the queue too.
      this.loss.lost('QUEUE_FULL', 1, this.queueFull, false);
      return;
    }
    this.queue.push(span);
    this.schedule();
  }

  /**
   * Exports everything queued now (and waits for the batch in flight), then flushes the exporter. Bounded: batches are
   * sent one at a time, and after `exportTimeoutMillis` in all no further batch is started (what is left stays queued
   * for the next scheduled export), so a hanging backend costs a flush at most about two export timeouts.
   */
  async forceFlush(): Promise<void> {
    await this.drain(performance.now() + this.limits.exportTimeoutMillis);
    try {
      await this.exporter.forceFlush?.();
    } catch {
      // The guarded exporter logs its own failures; a flush must resolve.
    }
  }

  /** Idempotent: refuses new spans, exports what is queued (bounded as a flush is), then shuts the exporter down. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.close();
    return this.shutdownPromise;
  }

  private async close(): Promise<void> {
    this.closing = true;
    await this.drain(performance.now() + this.limits.exportTimeoutMillis);
    this.closed = true;
    this.clearSchedule();
    // Whatever the bound left behind will never be sent: count it, so the log says so.
    this.dropped += this.queue.length;
    this.loss.lost('SHUTDOWN_TIMEOUT', this.queue.length,
      `still queued when shutdown's bound ran out (batch.exportTimeoutMillis ${this.limits.exportTimeoutMillis}).`, false);
    this.queue = [];
    try {
      await this.exporter.forceFlush?.();
      await this.exporter.shutdown();
    } catch {
      // As above: shutdown resolves.
    }
    // The last chance to say what was lost: write every count still held back by the rate limit.
    this.loss.flush();
  }

  /** After a span is queued: a full batch goes on the next turn of the event loop, a partial one after the delay. */
  private schedule(): void {
    if (this.inFlight !== undefined || this.immediate !== undefined) return; // the batch in flight reschedules
    if (this.queue.length >= this.limits.maxExportBatchSize) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      // Not unref'd: an unref'd immediate lets the loop block in poll until the next I/O or timer, so an idle app's
      // full batch would wait; a ref'd one only holds the process for this one turn.
      this.immediate = setImmediate(this.exportNow);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.exportNow, this.limits.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  private clearSchedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /**
   * Exports the spans queued when it is called, batch by batch, waiting for the one in flight first; starts no batch
   * after `deadline`, a `performance.now()` time: monotonic, so a wall-clock step (NTP, VM resume) neither stretches
   * the bound nor ends it early.
   */
  private async drain(deadline: number): Promise<void> {
    this.clearSchedule();
    let remaining = this.queue.length;
    if (this.inFlight !== undefined) await this.inFlight;
    while (remaining > 0 && this.queue.length > 0 && !this.closed && performance.now() < deadline) {
      remaining -= Math.min(remaining, this.limits.maxExportBatchSize);
      await this.exportBatch();
    }
    if (!this.closed && this.queue.length > 0) this.schedule();
  }

  /** Sends one batch; the returned promise settles when the exporter answers or `exportTimeoutMillis` passes. */
  private exportBatch(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    const max = this.limits.maxExportBatchSize;
    let batch: ReadableSpan[];
    if (this.queue.length <= max) {
      batch = this.queue;
      this.queue = [];
    } else {
      batch = this.queue.splice(0, max);
    }
    if (batch.length === 0) return Promise.resolve();
    const running = new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, this.limits.exportTimeoutMillis);
      timeout.unref();
      const done = (): void => {
        clearTimeout(timeout);
        resolve();
      };
      try {
        this.exporter.export(batch, done);
      } catch {
        done(); // GuardedExporter does not throw; any other exporter's throw must not stall the queue
      }
    });
    this.inFlight = running.then(() => {
      this.inFlight = undefined;
      if (!this.closed && this.queue.length > 0) this.schedule();
    });
    return this.inFlight;
  }
}
