import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resolveXRayExporterOptions, type XRayExporterConfig } from '../../config/xray';
import type { XRayDaemonExporterOptions } from '../../config/types';
import { logger } from '../../diag/logger';
import { LossReporter } from '../../diag/loss-reporter';
import { RateLimitedLog } from '../../diag/rate-limited-log';
import { packDocuments, type PackResult } from './pack/packer';
import { MAX_PENDING_DATAGRAMS, UdpEmitter } from './send/udp-emitter';
import { createSegmentTranslator, type SegmentDocument } from './translate';

/**
 * Counters since construction, from `XRayDaemonExporter.getStats()`. Every span, datagram, drop and failure is
 * counted here.
 *
 * @example
 * const stats: XRayDaemonExporterStats = exporter.getStats();
 * if (stats.datagramsFailed > 0) console.warn('X-Ray daemon unreachable?', stats.errors);
 * @see docs/xray.md#what-is-counted-and-logged
 */
export interface XRayDaemonExporterStats {
  /** Spans received by `export()`. */
  spans: number;
  /** Spans the translator could not turn into a document (skipped, counted). */
  untranslatable: number;
  /** Documents sent nested inside a segment document. */
  nested: number;
  /** Documents shrunk to fit `maxDocumentBytes` (marked under `metadata.dualtrace.truncated`). */
  truncated: number;
  /** Documents dropped because even their skeleton did not fit. */
  dropped: number;
  /** Datagrams handed to the kernel. */
  datagramsSent: number;
  /** Bytes handed to the kernel (header lines included). */
  bytesSent: number;
  /**
   * Datagrams lost to send errors, DNS failures, a full queue or a closed exporter, plus those the daemon's host
   * refused by ICMP (which the kernel had accepted, so they are in `datagramsSent` too).
   */
  datagramsFailed: number;
  /** Failure counts by code (`ECONNREFUSED`, `EMSGSIZE`, `ENOTFOUND`, `QUEUE_FULL`, `CLOSED`, …), in datagrams. */
  errors: Record<string, number>;
  /** Spans lost, by cause (the same codes, plus `TOO_LARGE` and `UNTRANSLATABLE`): what the log lines count. */
  lost: Record<string, number>;
}

/**
 * The exporter `initTracing` installs, built from resolved configuration (`createProvider`); nothing is validated
 * again here. Its public face, with option checks, is {@link XRayDaemonExporter}.
 */
export class DaemonExporter implements SpanExporter {
  private readonly translate: (span: ReadableSpan) => SegmentDocument | undefined;
  private readonly emitter: UdpEmitter;
  private readonly log = new RateLimitedLog(logger());
  private readonly loss: LossReporter;
  /** A reporter made here (not shared with a processor) is flushed here at shutdown. */
  private readonly ownsLoss: boolean;
  private readonly maxDocumentBytes: number;
  private readonly counts = { spans: 0, untranslatable: 0, nested: 0, truncated: 0, dropped: 0 };
  private shutdownPromise: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  /** @param loss the backend's loss reporter (shared with its processor); one of its own when omitted */
  constructor(config: XRayExporterConfig, loss?: LossReporter) {
    this.maxDocumentBytes = config.maxDocumentBytes;
    this.translate = createSegmentTranslator(config);
    this.ownsLoss = loss === undefined;
    this.loss = loss ?? new LossReporter('xray');
    this.emitter = new UdpEmitter(config.daemonAddress.udp, this.loss);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      try {
        resultCallback(result);
      } catch (err) {
        this.log.warn('callback', `X-Ray: the export result callback threw: ${String(err)}`);
      }
    };
    if (this.shutdownPromise) {
      done({ code: ExportResultCode.FAILED, error: new Error('dualtrace: the X-Ray exporter is shut down') });
      return;
    }
    try {
      context.with(suppressTracing(context.active()), () => {
        const running = this.exportBatch(spans);
        this.inFlight.add(running);
        const settle = (): void => void this.inFlight.delete(running);
        running.then(settle, settle);
        running.then(
          () => done({ code: ExportResultCode.SUCCESS }),
          (err: unknown) => {
            this.log.warn('internal', `X-Ray: export failed unexpectedly: ${String(err)}`);
            done({ code: ExportResultCode.FAILED, error: toError(err) });
          },
        );
      });
    } catch (err) {
      this.log.warn('internal', `X-Ray: export failed unexpectedly: ${String(err)}`);
      done({ code: ExportResultCode.FAILED, error: toError(err) });
    }
  }

  /** Waits until every batch exported so far has been handed to the socket. */
  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.emitter.flush();
  }

  /** Flushes, then closes the socket. Safe to call more than once; later exports return FAILED. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= Promise.allSettled([...this.inFlight])
      .then(() => this.emitter.close())
      .then(() => {
        if (this.ownsLoss) this.loss.flush();
      });
    return this.shutdownPromise;
  }

  /** A snapshot of the counters (see {@link XRayDaemonExporterStats}). */
  getStats(): XRayDaemonExporterStats {
    const udp = this.emitter.stats;
    return { ...this.counts, datagramsSent: udp.datagramsSent, bytesSent: udp.bytesSent,
      datagramsFailed: udp.datagramsFailed, errors: { ...udp.errors }, lost: this.loss.totals() };
  }

  /**
   * Translates and packs in slices of about SLICE_SPANS spans with a setImmediate between them, so a 512-span batch
   * never holds the event loop for the whole batch (bench/xray-event-loop.bench.ts). Slices hold whole traces, so
   * nesting is exactly what packing the whole batch at once would give.
   *
   * Sends are paced: once PACE_DATAGRAMS datagrams wait in the emitter, the next slice is packed only after they are
   * sent, and a slice too large for the emitter's queue waits for it to empty. A batch of any size goes out whole, and
   * what waits is bounded by what is being sent, not by the batch.
   */
  private async exportBatch(spans: readonly ReadableSpan[]): Promise<void> {
    const byTrace = new Map<string, SegmentDocument[]>();
    for (let i = 0; i < spans.length; i++) {
      if (i > 0 && i % SLICE_SPANS === 0) await yieldToEventLoop();
      const doc = this.translateOne(spans[i]!);
      if (!doc) continue;
      const group = byTrace.get(doc.trace_id);
      if (group) group.push(doc);
      else byTrace.set(doc.trace_id, [doc]);
    }
    this.counts.spans += spans.length;
    let last: Promise<unknown> = Promise.resolve();
    let slice: SegmentDocument[] = [];
    for (const group of byTrace.values()) {
      // Appended in place: a concat per trace would copy the slice again for every lone span (measured with 512
      // lone SERVER spans through export()).
      if (slice.length === 0) slice = group;
      else for (const doc of group) slice.push(doc);
      if (slice.length < SLICE_SPANS) continue;
      ({ sending: last } = await this.sendPaced(this.pack(slice), last));
      slice = [];
      await yieldToEventLoop();
    }
    if (slice.length > 0) ({ sending: last } = await this.sendPaced(this.pack(slice), last));
    await last;
  }

  /**
   * Sends one slice's datagrams, after waiting for earlier sends when the emitter's queue is long or too full; resolves
   * once the send is queued, with the send itself (wrapped: a promise would be awaited too).
   */
  private async sendPaced(packed: PackResult, previous: Promise<unknown>): Promise<{ sending: Promise<unknown> }> {
    const { payloads } = packed;
    if (payloads.length === 0) return { sending: previous };
    if (this.emitter.pendingDatagrams >= PACE_DATAGRAMS) await previous;
    if (this.emitter.pendingDatagrams + payloads.length > MAX_PENDING_DATAGRAMS) await this.emitter.flush();
    return { sending: this.emitter.send(payloads, packed.spans) };
  }

  private translateOne(span: ReadableSpan): SegmentDocument | undefined {
    try {
      const doc = this.translate(span);
      if (!doc) {
        this.counts.untranslatable++;
        this.loss.lost('UNTRANSLATABLE', 1, 'a span without a valid trace or span id was skipped.', false);
      }
      return doc;
    } catch (err) {
      this.counts.untranslatable++;
      this.loss.lost('UNTRANSLATABLE', 1, `a span could not be translated and was skipped: ${String(err)}`, false);
      return undefined;
    }
  }

  private pack(docs: readonly SegmentDocument[]): PackResult {
    const packed = packDocuments(docs, this.maxDocumentBytes);
    this.counts.nested += packed.nested;
    this.counts.truncated += packed.truncated;
    this.counts.dropped += packed.dropped;
    if (packed.truncated > 0) {
      this.log.warn('truncated', `X-Ray: shrank ${packed.truncated} documents to fit ${this.maxDocumentBytes} bytes ` +
        `(${this.counts.truncated} in total); see metadata.dualtrace.truncated.`);
    }
    if (packed.dropped > 0) {
      this.loss.lost('TOO_LARGE', packed.dropped, `documents did not fit xray.maxDocumentBytes (${this.maxDocumentBytes}) ` +
        'even as a skeleton (name, ids, times).', false);
    }
    return packed;
  }
}

/**
 * Exports spans to the AWS X-Ray daemon as segment documents over UDP.
 *
 * - `export()` translates, packs (one document per datagram, never over `maxDocumentBytes`) and sends in chunks on one
 *   unref'd socket, with tracing suppressed so its own traffic is never traced.
 * - The result callback is called exactly once, after the batch was handed to the socket. It is SUCCESS even when
 *   datagrams were lost: UDP gives no delivery guarantee, failures are counted in {@link getStats} and logged by the
 *   exporter itself, once and then at most every 30 s with counts. FAILED would make OpenTelemetry's span processors
 *   log every failed batch without any rate limit and they do not retry, so FAILED is kept for calls after
 *   `shutdown()` and for unexpected internal errors.
 * - `forceFlush()` waits for queued sends; `shutdown()` is idempotent, flushes and closes the socket.
 *
 * @param {XRayDaemonExporterOptions} [options={}] where the daemon is and how spans are named and indexed
 * @throws {ConfigError} at construction, for an invalid option (`code` names the problem)
 * @example
 * provider = new BasicTracerProvider({
 *   spanProcessors: [new BatchSpanProcessor(new XRayDaemonExporter({ daemonAddress: '127.0.0.1:2000' }))],
 * });
 * @see docs/xray.md
 */
export class XRayDaemonExporter extends DaemonExporter {
  constructor(options: XRayDaemonExporterOptions = {}) {
    super(resolveXRayExporterOptions(options));
  }
}

/** Spans translated (and documents packed) per event-loop turn. */
const SLICE_SPANS = 64;
/** Datagrams waiting in the emitter beyond which packing waits for the sends before it. */
const PACE_DATAGRAMS = 1_024;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
