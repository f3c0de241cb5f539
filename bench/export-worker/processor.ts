/**
 * The request thread's half of the export-worker prototype: a SpanProcessor that writes each ended, sampled span as a
 * binary record (record-writer.ts) and hands full batches (one transferred ArrayBuffer, never a message per span) to a
 * worker thread that runs dualtrace's own processors and exporters on them (worker.ts). Not part of the library: see
 * README.md beside this file for what it is for and what it measured.
 */
import { diag, TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Worker } from 'node:worker_threads';
import { RecordWriter } from './record-writer';

export interface WorkerExportOptions {
  /** initTracing's options for the worker's own (exporting) tracing; functions cannot cross to a worker. */
  tracingOptions: Record<string, unknown>;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  /** Batches handed over and not yet read by the worker; beyond this, spans are dropped and counted. */
  maxBatchesInFlight?: number;
  /** Bound on a flush or shutdown waiting for the worker. */
  timeoutMillis: number;
  /** The worker's script: by default worker-entry.mjs (worker.ts through tsx); conditions.ts uses a bundle of it. */
  workerUrl?: URL;
}

type Reply = { type: 'done'; id: number; lines: string[] } | { type: 'returned'; buffer: ArrayBuffer; lines: string[] };

export class WorkerExportProcessor implements SpanProcessor {
  readonly worker: Worker;
  private readonly writer = new RecordWriter();
  private readonly spare: ArrayBuffer[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, () => void>();
  private closing = false;
  private shutdownPromise: Promise<void> | undefined;
  dropped = 0;
  private readonly handOverNow = (): void => {
    this.immediate = undefined;
    this.timer = undefined;
    this.handOver();
  };

  constructor(private readonly options: WorkerExportOptions) {
    // The worker's entry is a plain .mjs that loads worker.ts through tsx (the bench runs TypeScript from source).
    this.worker = new Worker(options.workerUrl ?? new URL('./worker-entry.mjs', import.meta.url), { workerData: { tracingOptions: options.tracingOptions } });
    this.worker.on('message', (reply: Reply) => this.onReply(reply));
    this.worker.on('error', (error) => diag.error(`export worker failed: ${String(error)}`));
    this.worker.on('exit', () => this.settleAll());
    // After the listeners: a 'message' listener added to an unref'd worker refs its port again (Node 20), and the
    // process would never reach beforeExit.
    this.worker.unref();
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.closing || this.inFlight >= (this.options.maxBatchesInFlight ?? 8)) {
      this.dropped++;
      return;
    }
    const writer = this.writer;
    if (!writer.write(span)) {
      this.handOver();
      if (!writer.write(span)) {
        this.dropped++;
        return;
      }
    }
    if (writer.spans >= this.options.maxExportBatchSize) {
      if (this.immediate === undefined) this.immediate = setImmediate(this.handOverNow);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.handOverNow, this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  forceFlush(): Promise<void> {
    this.handOver();
    return this.ask('flush');
  }

  /** Bench only: the worker writes its callgrind counts so far (it calls os.loadavg(), the mark function). */
  mark(): Promise<void> {
    return this.ask('mark');
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.closing = true;
      this.handOver();
      await this.ask('shutdown');
      await this.worker.terminate();
    })();
    return this.shutdownPromise;
  }

  private handOver(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.writer.spans === 0 && this.writer.pos === 0) return;
    const batch = this.writer.take(this.spare.pop());
    this.inFlight++;
    this.worker.postMessage({ type: 'batch', buffer: batch.buffer, length: batch.length }, [batch.buffer]);
  }

  /** Sends a command after the batches already handed over; resolves when the worker has done it, or at the bound. */
  private ask(type: 'flush' | 'shutdown' | 'mark'): Promise<void> {
    const id = this.nextId++;
    // Held while waiting: an unref'd worker's answer would not keep an exiting process (beforeExit) alive.
    this.worker.ref();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), this.options.timeoutMillis);
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        if (this.pending.delete(id) && this.pending.size === 0) this.worker.unref();
        resolve();
      };
      this.pending.set(id, done);
      this.worker.postMessage({ type, id });
    });
  }

  private onReply(reply: Reply): void {
    for (const line of reply.lines) (line.startsWith('error') ? diag.error : diag.warn)(line.replace(/^(error|warn) /, ''));
    if (reply.type === 'returned') {
      this.inFlight--;
      if (this.spare.length < 2) this.spare.push(reply.buffer);
    } else this.pending.get(reply.id)?.();
  }

  private settleAll(): void {
    for (const done of [...this.pending.values()]) done();
  }
}

/**
 * Puts the worker processor in place of the tracing's own backend processors (bench only): the same provider,
 * sampler and span-end counter, export moved to the worker. Reaches into the SDK's MultiSpanProcessor, whose list is
 * a copy of createProvider's (same processor objects): the replaced processors' `forceFlush` is pointed at the worker,
 * so the handle's flush (Lambda wrapper, beforeExit, signals) flushes the worker as it would in the library.
 */
export function installWorkerExport(provider: unknown, options: WorkerExportOptions): WorkerExportProcessor {
  const multi = (provider as { _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] } })._activeSpanProcessor;
  const list = multi?._spanProcessors;
  if (!list || list.length < 1) throw new Error('export worker: no span processors found on the provider');
  const processor = new WorkerExportProcessor(options);
  // The last one is createProvider's EndCounter (beforeExit's "anything to flush?" check); the rest export.
  const replaced = list.splice(0, list.length - 1, processor);
  replaced.forEach((old, i) => {
    void old.shutdown(); // its exporters' sockets and timers
    old.forceFlush = i === 0 ? () => processor.forceFlush() : () => Promise.resolve();
  });
  return processor;
}
