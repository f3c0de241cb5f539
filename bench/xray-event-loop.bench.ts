/**
 * Event-loop delay while a 512-span batch goes to a local UDP sink: the chunked XRayDaemonExporter against a naive
 * sender (512 back-to-back socket.send calls, which in end-to-end runs gave the worst p99 of all variants).
 * Run: npx vitest bench --run bench/xray-event-loop.bench.ts  (prints a table of delays after the timings)
 *
 * What to expect: the naive sender holds the loop for the whole batch; the chunked exporter's ideal per-turn work is
 * one slice (64 spans translated or 32 datagrams sent), anything longer is CPU contention; batch time is about the
 * same for both. On a shared machine the spread is wide: compare interleaved runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { XRayDaemonExporter } from '../src/exporters/xray';
import { DAEMON_HEADER } from '../src/exporters/xray/pack/packer';
import { createSegmentTranslator } from '../src/exporters/xray/translate';

/**
 * The sink runs in its own process and only counts: an in-process sink parsing 512 documents would charge its own
 * receive work to the event loop being measured.
 */
const SINK_SCRIPT = `const s=require('node:dgram').createSocket('udp4');let n=0;s.on('message',()=>n++);
s.bind(0,'127.0.0.1',()=>console.log(s.address().port));process.on('SIGTERM',()=>{console.error(n);process.exit(0)});`;

const BATCH = 512;
let sink: ChildProcess;
let port: number;
let exporter: XRayDaemonExporter;
let spans: ReadableSpan[];
const naive = createSocket('udp4');
const translate = createSegmentTranslator();
const rows: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  sink = spawn(process.execPath, ['-e', SINK_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(sink.stdout!, 'data')) as [Buffer];
  port = Number(line.toString().trim());
  exporter = new XRayDaemonExporter({ daemonAddress: `127.0.0.1:${port}` });
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ idGenerator: new AWSXRayIdGenerator(), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('bench');
  // 512 independent roots (one datagram each): the worst case for datagrams per batch.
  for (let i = 0; i < BATCH; i++) tracer.startSpan(`GET /item/${i}`, { attributes: { 'http.request.method': 'GET', i } }).end();
  spans = memory.getFinishedSpans().slice();
  naive.connect(port, '127.0.0.1');
  await new Promise((resolve) => naive.once('connect', resolve));
});

afterAll(async () => {
  // Interleaved rounds after the timed benches (so the code is warm); the table is the figure to report.
  for (let round = 1; round <= 3; round++) {
    await measure(`chunked exporter, round ${round}`, exportBatch);
    await measure(`naive back-to-back, round ${round}`, naiveBatch);
  }
  console.table(rows);
  await exporter.shutdown();
  naive.close();
  sink.kill('SIGTERM');
});

const exportBatch = (): Promise<void> => new Promise<void>((resolve) => exporter.export(spans, () => resolve()));

async function naiveBatch(): Promise<void> {
  const sends: Promise<void>[] = [];
  for (const span of spans) {
    const payload = DAEMON_HEADER + JSON.stringify(translate(span));
    sends.push(new Promise((resolve) => naive.send(payload, () => resolve())));
  }
  await Promise.all(sends);
}

/** Runs `send` 20 times under monitorEventLoopDelay (1 ms resolution) and a setImmediate gap probe. */
async function measure(name: string, send: () => Promise<void>): Promise<void> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let maxGap = 0;
  let last = performance.now();
  let probing = true;
  const probe = (): void => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    if (probing) setImmediate(probe);
  };
  histogram.enable();
  setImmediate(probe);
  const started = performance.now();
  for (let round = 0; round < 20; round++) {
    await send();
    // Idle between batches, as between BatchSpanProcessor exports, so each batch's own block is what is measured.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const elapsed = performance.now() - started;
  // Let the loop turn once more so a send that never yielded still shows up as delay.
  await new Promise((resolve) => setTimeout(resolve, 5));
  probing = false;
  histogram.disable();
  rows[name] = {
    'batch ms (mean, incl. 2 ms idle)': +(elapsed / 20).toFixed(2),
    'loop delay p50 ms': +(histogram.percentile(50) / 1e6).toFixed(2),
    'loop delay p99 ms': +(histogram.percentile(99) / 1e6).toFixed(2),
    'loop delay max ms': +(histogram.max / 1e6).toFixed(2),
    'longest block ms': +maxGap.toFixed(2),
  };
}

describe(`time to send a ${BATCH}-span batch`, () => {
  bench('XRayDaemonExporter.export (chunks of 32 + setImmediate)', exportBatch);
  bench('naive: translate + 512 back-to-back socket.send', naiveBatch);
});
