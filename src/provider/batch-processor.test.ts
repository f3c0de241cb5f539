import type { DiagLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { AlwaysOffSampler, BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { LossReporter } from '../diag/loss-reporter';
import { BackendBatchProcessor, type BatchLimits } from './batch-processor';

/** The backend side of the processor: records batches; answers, hangs (never calls back) or throws. */
class RecordingExporter implements SpanExporter {
  mode: 'answer' | 'hang' | 'throw' | 'later' = 'answer';
  readonly batches: ReadableSpan[][] = [];
  readonly pending: Array<() => void> = [];
  flushes = 0;
  shutdowns = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.batches.push(spans);
    if (this.mode === 'throw') throw new Error('exporter bug');
    if (this.mode === 'answer') done({ code: ExportResultCode.SUCCESS });
    if (this.mode === 'later') this.pending.push(() => done({ code: ExportResultCode.SUCCESS }));
  }
  async forceFlush(): Promise<void> {
    this.flushes++;
  }
  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
  get exported(): number {
    return this.batches.reduce((n, b) => n + b.length, 0);
  }
}

const LIMITS: BatchLimits = { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 20, exportTimeoutMillis: 200 };

const warnings: string[] = [];
const log: DiagLogger = {
  warn: (message: string) => void warnings.push(message),
  error: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

function setUp(limits: Partial<BatchLimits> = {}, sampled = true) {
  const exporter = new RecordingExporter();
  const processor = new BackendBatchProcessor('honeycomb', exporter, { ...LIMITS, ...limits }, new LossReporter('honeycomb', log));
  const provider = new BasicTracerProvider({ spanProcessors: [processor], ...(sampled ? {} : { sampler: new AlwaysOffSampler() }) });
  const tracer = provider.getTracer('test');
  const end = (n: number): void => {
    for (let i = 0; i < n; i++) tracer.startSpan(`span ${i}`).end();
  };
  return { exporter, processor, provider, end };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  warnings.length = 0;
});

describe('BackendBatchProcessor', () => {
  it('should export a full batch on the next turn of the event loop, not inside span.end()', async () => {
    const { exporter, end } = setUp();
    end(10);
    expect(exporter.batches).toHaveLength(0);
    await turn();
    expect(exporter.batches.map((b) => b.length)).toEqual([10]);
  });

  it('should export a backlog batch by batch, never more than maxExportBatchSize at once, in order', async () => {
    const { exporter, end } = setUp();
    end(35);
    await sleep(LIMITS.scheduledDelayMillis * 3);
    expect(exporter.batches.map((b) => b.length)).toEqual([10, 10, 10, 5]);
    expect(exporter.batches.flat().map((s) => s.name)).toEqual(Array.from({ length: 35 }, (_, i) => `span ${i}`));
  });

  it('should export a partial batch after scheduledDelayMillis', async () => {
    const { exporter, end } = setUp();
    end(3);
    await turn();
    expect(exporter.batches).toHaveLength(0);
    await sleep(LIMITS.scheduledDelayMillis + 20);
    expect(exporter.batches.map((b) => b.length)).toEqual([3]);
  });

  it('should keep one batch in flight at a time', async () => {
    const { exporter, end } = setUp();
    exporter.mode = 'later';
    end(30);
    await sleep(5);
    expect(exporter.batches).toHaveLength(1);
    exporter.pending.shift()?.();
    await sleep(5);
    expect(exporter.batches).toHaveLength(2);
  });

  it('should ignore spans that are not sampled', async () => {
    const { exporter, processor, end } = setUp({}, false);
    end(20);
    await processor.forceFlush();
    expect(exporter.batches).toHaveLength(0);
  });

  it('should bound the queue, count drops and report them once per interval, naming the backend', async () => {
    const { exporter, processor, end } = setUp();
    exporter.mode = 'hang';
    end(10); // the first batch goes out and never comes back
    await turn();
    end(5_000);
    expect(processor.droppedSpans).toBe(5_000 - LIMITS.maxQueueSize);
    expect(warnings).toHaveLength(1); // the first drop, at once; the rest are counted
    expect(warnings[0]).toMatch(/^honeycomb: 1 span lost \(QUEUE_FULL\): its export queue was full \(batch\.maxQueueSize 100\)/);
    await processor.forceFlush();
    expect(warnings).toHaveLength(1); // a flush does not force a line out: an app may flush after every request
    await processor.shutdown(); // shutdown does: the last chance to say it
    expect(warnings).toContainEqual(expect.stringMatching(/^honeycomb: 4899 more spans lost \(QUEUE_FULL\), 4900 in all/));
  });

  it('should move on to the next batch when an export never answers (exportTimeoutMillis)', async () => {
    const { exporter, end } = setUp({ exportTimeoutMillis: 50 });
    exporter.mode = 'hang';
    end(20);
    await sleep(20);
    expect(exporter.batches).toHaveLength(1);
    await sleep(80);
    expect(exporter.batches).toHaveLength(2);
  });

  it('should not throw into span.end() or stall when the exporter throws', async () => {
    const { exporter, processor, end } = setUp();
    exporter.mode = 'throw';
    expect(() => end(25)).not.toThrow();
    await processor.forceFlush();
    expect(exporter.exported).toBe(25);
  });

  it('should make forceFlush wait for the batch in flight and export everything queued', async () => {
    // A long export timeout: on a loaded machine the 5 ms pause below can outlast a short one, and the flush bound
    // (no new batch after one export timeout) is another test's subject.
    const { exporter, processor, end } = setUp({ exportTimeoutMillis: 10_000 });
    exporter.mode = 'later';
    end(10);
    await turn(); // batch 1 in flight, unanswered
    end(15);
    let flushed = false;
    const flushing = processor.forceFlush().then(() => (flushed = true));
    await sleep(5);
    expect(flushed).toBe(false);
    exporter.mode = 'answer';
    exporter.pending.shift()?.();
    await flushing;
    expect(exporter.exported).toBe(25);
    expect(exporter.flushes).toBe(1);
  });

  it('should shut down once: flush, shut the exporter down, then ignore new spans', async () => {
    const { exporter, processor, end } = setUp();
    end(5);
    await Promise.all([processor.shutdown(), processor.shutdown()]);
    expect(exporter.exported).toBe(5);
    expect(exporter.shutdowns).toBe(1);
    end(20);
    await sleep(LIMITS.scheduledDelayMillis + 20);
    expect(exporter.exported).toBe(5);
  });

  it('should bound forceFlush by about one export timeout when the backend hangs, keeping the rest queued', async () => {
    const { exporter, processor, end } = setUp({ exportTimeoutMillis: 50 });
    exporter.mode = 'hang';
    end(60); // six batches
    const started = Date.now();
    await processor.forceFlush();
    expect(Date.now() - started).toBeLessThan(4 * 50); // not 6 × 50
    expect(exporter.batches.length).toBeLessThan(6);
    expect(processor.droppedSpans).toBe(0); // the rest waits for the next scheduled export
    exporter.mode = 'answer';
    await sleep(200);
    expect(exporter.exported).toBe(60);
  });

  it('should refuse, count and report spans that end while shutdown runs, and leave nothing queued', async () => {
    const { exporter, processor, end } = setUp();
    exporter.mode = 'later';
    end(25);
    await turn(); // batch 1 in flight, unanswered
    const closing = processor.shutdown();
    end(5); // refused: shutdown has started
    exporter.mode = 'answer';
    exporter.pending.shift()?.();
    await closing;
    expect(exporter.exported).toBe(25);
    expect(processor.droppedSpans).toBe(5);
    expect(warnings).toEqual([
      expect.stringMatching(/^honeycomb: 1 span lost \(SHUTDOWN\): the span ended after shutdown\(\) had begun/),
      expect.stringMatching(/^honeycomb: 4 more spans lost \(SHUTDOWN\), 5 in all/),
    ]);
    await processor.forceFlush();
    expect(exporter.exported).toBe(25); // nothing left behind for a shut-down exporter
  });

  it('should count what a hanging backend leaves queued at shutdown as dropped', async () => {
    const { exporter, processor, end } = setUp({ exportTimeoutMillis: 30 });
    exporter.mode = 'hang';
    end(100);
    await processor.shutdown();
    expect(exporter.shutdowns).toBe(1);
    expect(processor.droppedSpans + exporter.exported).toBe(100);
    expect(processor.droppedSpans).toBeGreaterThan(0);
  });
});
