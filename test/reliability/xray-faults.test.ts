/**
 * X-Ray misbehaving: no daemon (the connected socket hears the ICMP "port unreachable" as ECONNREFUSED), an
 * unresolvable daemon host, and documents far larger than a datagram. Honeycomb keeps receiving, nothing rejects
 * unhandled, failures are logged once with counts, and no datagram is ever over the limit.
 */
import { DiagLogLevel } from '@opentelemetry/api';
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { XRayDaemonExporter } from '../../src/exporters/xray/xray-daemon-exporter';
import { EXPECTED_HEADER } from '../helpers/udp-sink';
import { fakeWallClock, HOUR, restoreWallClock, stepWallClock } from '../helpers/wall-clock';
import { endSpans, lossLines, lostInLog, until, useFaultHarness } from './support';

const FAST = {
  batch: { scheduledDelayMillis: 20, maxExportBatchSize: 50, exportTimeoutMillis: 5_000 },
  shutdownTimeoutMillis: 3_000,
  instrumentation: { fetch: false, http: false },
} as const;

/** A UDP port on 127.0.0.1 with nothing bound to it (bound, then closed). */
async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A bare UDP listener on a given port: the daemon coming back. */
async function listenUdp(port: number): Promise<{ socket: Socket; received: string[] }> {
  const socket = createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (message) => received.push(message.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return { socket, received };
}

describe('no X-Ray daemon', () => {
  const h = useFaultHarness(DiagLogLevel.ALL);

  it('should count every one of 1,000 spans a refusing daemon loses, in one line, and keep Honeycomb delivering', async () => {
    const port = await closedUdpPort();
    const tracing = h.backends.init({ ...FAST, xray: { daemonAddress: `127.0.0.1:${port}` } });
    for (let round = 0; round < 20; round++) {
      endSpans(50);
      await tracing.forceFlush();
    }
    await h.backends.honeycomb.waitFor((spans) => spans.length === 1_000);
    // The connected socket hears the ICMP refusals as ECONNREFUSED: one line at once, the rest counted.
    expect(lossLines(h.log, 'xray')).toHaveLength(1);
    expect(lossLines(h.log, 'xray')[0]).toMatch(/xray: \d+ spans? lost \(ECONNREFUSED\): the daemon at 127\.0\.0\.1:\d+ refused them/);
    await tracing.shutdown(); // writes what the rate limit held back
    expect(lostInLog(h.log, 'xray', 'ECONNREFUSED')).toBe(1_000);
    expect(lossLines(h.log, 'xray')).toHaveLength(2);
    expect(h.log.matching(/xray export recovered/)).toEqual([]);
    expect(h.unhandled.errors).toEqual([]);
  });

  /** 10 spans refused by a closed port (the refusal logged), then a daemon listening on that port. */
  async function refusedThenBack(): Promise<{ tracing: ReturnType<typeof h.backends.init>; daemon: Awaited<ReturnType<typeof listenUdp>> }> {
    const port = await closedUdpPort();
    const tracing = h.backends.init({ ...FAST, xray: { daemonAddress: `127.0.0.1:${port}` } });
    endSpans(10);
    await tracing.forceFlush();
    await until(() => h.log.matching(/ECONNREFUSED/).length > 0);
    return { tracing, daemon: await listenUdp(port) };
  }

  it('should deliver again when the daemon comes back on the same port', async () => {
    const { tracing, daemon } = await refusedThenBack();
    try {
      const later = endSpans(3, 'after the daemon is back');
      await tracing.forceFlush();
      await until(() => later.every((id) => daemon.received.some((d) => d.includes(`"id":"${id}"`))));
      for (const datagram of daemon.received) expect(datagram.startsWith(`${EXPECTED_HEADER}\n`)).toBe(true);
      // Said once, when a batch went out and no refusal came back for it.
      await until(() => h.log.matching(/xray export recovered after losing 10 spans/).length === 1);
      expect(h.unhandled.errors).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => daemon.socket.close(() => resolve()));
    }
  });

  // A batch counts as delivered a second after it went out without a refusal, on a monotonic clock: on the wall clock,
  // a step back held the confirmation, and so the end of the outage, back by as long as the step.
  it('should see the outage end a second after a clean batch, though the clock stepped back an hour', { timeout: 10_000 }, async () => {
    const { tracing, daemon } = await refusedThenBack();
    try {
      fakeWallClock();
      const later = endSpans(3, 'after the daemon is back');
      await tracing.forceFlush(); // sent: delivered in a second unless a refusal comes back
      stepWallClock(-HOUR);
      await until(() => h.log.matching(/xray export recovered after losing 10 spans/).length === 1, 8_000);
      expect(later.every((id) => daemon.received.some((d) => d.includes(`"id":"${id}"`)))).toBe(true);
    } finally {
      restoreWallClock();
      await new Promise<void>((resolve) => daemon.socket.close(() => resolve()));
    }
  });

  it('should report recovery while batches keep going out, not only after traffic pauses', async () => {
    const { tracing, daemon } = await refusedThenBack();
    try {
      // A busy app: a batch every 150 ms, never a second without one. The end of the outage must still be seen.
      for (let round = 0; round < 40 && h.log.matching(/xray export recovered/).length === 0; round++) {
        endSpans(2, 'steady');
        await tracing.forceFlush();
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect(h.log.matching(/xray export recovered after losing 10 spans/)).toHaveLength(1);
      expect(h.unhandled.errors).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => daemon.socket.close(() => resolve()));
    }
  });

  it('should count as lost only what was sent in the last second before a refusal, not everything since the last pause', async () => {
    const port = await closedUdpPort();
    const daemon = await listenUdp(port);
    const tracing = h.backends.init({ ...FAST, xray: { daemonAddress: `127.0.0.1:${port}` } });
    // Three seconds of steady traffic the daemon receives: a batch of 5 every 150 ms.
    const before: string[] = [];
    for (let round = 0; round < 20; round++) {
      before.push(...endSpans(5, 'delivered'));
      await tracing.forceFlush();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await until(() => before.every((id) => daemon.received.some((d) => d.includes(`"id":"${id}"`))));
    // The daemon goes away; the next batches are refused.
    await new Promise<void>((resolve) => daemon.socket.close(() => resolve()));
    for (let round = 0; round < 5; round++) {
      endSpans(5, 'refused');
      await tracing.forceFlush();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(() => h.log.matching(/ECONNREFUSED/).length > 0);
    await tracing.shutdown();
    const lost = lostInLog(h.log, 'xray', 'ECONNREFUSED');
    // At most the refused 25 and the batches of the second before the refusal (a refusal may belong to any of them);
    // never the seconds of traffic before that, which reached the daemon.
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(25 + 5 * 8);
    expect(h.unhandled.errors).toEqual([]);
  });

  it('should count and log once a daemon host that does not resolve, and never reject', async (ctx) => {
    // RFC 2606 .invalid never resolves, so nothing is ever sent anywhere; the only DNS traffic is the local resolver's
    // one lookup for the one batch below. Skipped (with the reason) if that resolver is slow to say so.
    const started = Date.now();
    await lookup('xray-daemon.invalid').catch(() => undefined);
    if (Date.now() - started > 500) ctx.skip(`the local resolver took ${Date.now() - started} ms for a .invalid name`);
    // h.backends.init() would (rightly) refuse this address: the exporter is driven on its own with real spans.
    const exporter = new XRayDaemonExporter({ daemonAddress: 'xray-daemon.invalid:2000' });
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    for (let i = 0; i < 5; i++) provider.getTracer('t').startSpan(`s${i}`).end();
    for (let round = 0; round < 3; round++) {
      const result = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
      expect(result.code).toBe(ExportResultCode.SUCCESS); // UDP is best effort: counted, not failed
    }
    const stats = exporter.getStats();
    expect(stats.datagramsSent).toBe(0);
    expect(stats.datagramsFailed).toBe(15);
    const cause = Object.keys(stats.lost)[0]!;
    expect(cause).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(stats.lost).toEqual({ [cause]: 15 });
    expect(lossLines(h.log, 'xray')).toHaveLength(1); // one lookup per batch, one line
    expect(lossLines(h.log, 'xray')[0]).toMatch(/cannot resolve the daemon host xray-daemon\.invalid:2000/);
    await exporter.shutdown();
    expect(lostInLog(h.log, 'xray', cause)).toBe(15);
    await provider.shutdown();
    expect(h.unhandled.errors).toEqual([]);
  });
});

describe('oversize X-Ray documents', () => {
  const h = useFaultHarness(DiagLogLevel.WARN);

  const MB = 'x'.repeat(1024 * 1024);

  it.each([64_000, 1_500])(
    'should never send a datagram over maxDocumentBytes=%i, even for a span with megabytes of attributes',
    async (maxDocumentBytes) => {
      const tracing = h.backends.init({ ...FAST, xray: { maxDocumentBytes, indexAllAttributes: true } });
      tracing.tracer.startActiveSpan('huge', (span) => {
        span.setAttributes({ a: MB, b: MB, c: `€😀${MB}`, list: Array.from({ length: 20_000 }, (_, i) => `item-${i}`) });
        tracing.tracer.startSpan('child', { attributes: { big: MB } }).end();
        span.recordException(Object.assign(new Error(MB), { stack: `Error: x\n${'    at f (file.js:1:1)\n'.repeat(5_000)}` }));
        span.end();
      });
      endSpans(3, 'small');
      await tracing.forceFlush();
      await h.backends.xray.waitFor((docs) => docs.length + h.backends.xray.rejected.length >= 3, 3_000);
      await h.backends.honeycomb.waitFor((spans) => spans.length === 5);

      expect(h.backends.xray.rejected).toEqual([]);
      expect(Math.max(...h.backends.xray.sizes)).toBeLessThanOrEqual(maxDocumentBytes);
      const flat = h.backends.xray.segmentsFlat();
      const huge = flat.find((s) => s.doc.name === 'huge');
      expect(huge).toBeDefined(); // shrunk to fit, not dropped
      expect(JSON.stringify(huge?.doc.metadata)).toContain('truncated');
      expect(flat.filter((s) => s.doc.name === 'small')).toHaveLength(3);
      expect(h.log.matching(/X-Ray: shrank \d+ documents to fit/)).toHaveLength(1);
    },
  );
});
