/**
 * Honeycomb misbehaving: error statuses, a hanging endpoint, reset connections, a closed port and an unresolvable host.
 * Whatever Honeycomb does, the app keeps creating spans, X-Ray keeps receiving them, nothing rejects unhandled, the
 * failure is logged once (with counts, never the key), retries are bounded, and export recovers when Honeycomb does.
 */
import { DiagLogLevel } from '@opentelemetry/api';
import { lookup } from 'node:dns/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initTracing } from '../../src/init-tracing';
import type { Tracing } from '../../src/handle';
import { TEST_KEY } from '../helpers/backends';
import type { OtlpSink } from '../helpers/otlp-sink';
import {
  closedTcpPort, endSpans, FaultProxy, heapAfterGc, lossLines, lostInLog, type CapturedLog, until, useFaultHarness,
} from './support';

/**
 * Short bounds everywhere so each fault plays out in well under a second or two. Spans wait for `forceFlush()` (long
 * delay, batches of 100): OpenTelemetry's BatchSpanProcessor.forceFlush does not wait for a batch already in flight
 * (see shutdown.test.ts), so nothing may be in flight when a test flushes and then looks at the log.
 */
const FAST = {
  honeycomb: { timeoutMillis: 1_500 },
  batch: { scheduledDelayMillis: 60_000, maxExportBatchSize: 100, exportTimeoutMillis: 5_000 },
  shutdownTimeoutMillis: 3_000,
  instrumentation: { fetch: false, http: false },
} as const;

function deliveriesPerSpan(sink: OtlpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of sink.spans) counts.set(span.spanId, (counts.get(span.spanId) ?? 0) + 1);
  return counts;
}

/** Lines that report spans lost by an export (not by the queue). */
function failureLines(log: CapturedLog): string[] {
  return lossLines(log, 'honeycomb').filter((line) => !line.includes('(QUEUE_FULL)'));
}

describe('Honeycomb answers with an error status', () => {
  const h = useFaultHarness(DiagLogLevel.ALL);

  // The OTLP transport retries 429/502/503/504 (at most 5 times, backoff from about 1 s, never past
  // honeycomb.timeoutMillis = 1.5 s here): at most 2 attempts per batch. Everything else is not retried.
  const cases: { status: number; headers: Record<string, string>; attempts: number; says: RegExp }[] = [
    { status: 500, headers: {}, attempts: 1, says: /HTTP 500/ },
    { status: 502, headers: {}, attempts: 2, says: /retryable|502/ },
    { status: 503, headers: {}, attempts: 2, says: /retryable|503/ },
    // Retry-After (120 s) lies past the export timeout: the exporter honours it by not retrying at all.
    { status: 429, headers: { 'retry-after': '120' }, attempts: 1, says: /retryable|429/ },
    { status: 401, headers: {}, attempts: 1, says: /rejected the API key \(HTTP 401\)/ },
    { status: 403, headers: {}, attempts: 1, says: /rejected the API key \(HTTP 403\)/ },
  ];

  it.each(cases)(
    'should keep serving, log once, retry at most $attempts time(s) per batch and recover after HTTP $status',
    async ({ status, headers, attempts, says }) => {
      h.backends.honeycomb.respond = () => ({ status, headers });
      const tracing = h.backends.init(FAST);

      const failed = endSpans(50);
      await tracing.forceFlush();
      await h.backends.xray.waitFor(50); // X-Ray is not held back by Honeycomb's failure.

      const perSpan = deliveriesPerSpan(h.backends.honeycomb);
      expect([...perSpan.keys()].sort()).toEqual([...failed].sort()); // every span was offered once at least…
      expect(Math.max(...perSpan.values())).toBeLessThanOrEqual(attempts); // …and retried within bounds: no storm.
      expect(h.backends.honeycomb.requests.length).toBeLessThanOrEqual(attempts); // one batch of 50

      expect(failureLines(h.log)).toHaveLength(1); // once, not once per batch
      expect(failureLines(h.log)[0]).toMatch(/^WARN dualtrace honeycomb: 50 spans lost \(/);
      expect(failureLines(h.log)[0]).toMatch(says);
      if (status === 401 || status === 403) {
        expect(h.log.matching(/API key/)).toHaveLength(1);
        expect(h.log.matching(/honeycombKey|HONEYCOMB_API_KEY/)).toHaveLength(1);
      }
      expect(h.log.lines.join('\n')).not.toContain(TEST_KEY);

      h.backends.honeycomb.respond = () => 200;
      const later = endSpans(5, 'after recovery');
      await tracing.forceFlush();
      await h.backends.honeycomb.waitFor((spans) => later.every((id) => spans.some((s) => s.spanId === id)));
      expect(h.log.matching(/honeycomb export recovered/)).toHaveLength(1);
      expect(h.unhandled.errors).toEqual([]);
    },
  );

  it('should count every lost span and report recovery once, not once per success, while the endpoint flaps', async () => {
    let request = 0;
    h.backends.honeycomb.respond = () => (request++ % 2 === 0 ? 500 : 200);
    const tracing = h.backends.init(FAST);
    for (let round = 0; round < 12; round++) {
      endSpans(10);
      await tracing.forceFlush();
    }
    // Six failures and six recoveries within a few hundred ms: one loss line and one recovery line, the rest counted.
    expect(failureLines(h.log)).toHaveLength(1);
    expect(h.log.matching(/honeycomb export recovered/)).toHaveLength(1);
    await tracing.shutdown(); // writes the counts the rate limit held back
    expect(lostInLog(h.log, 'honeycomb', 'HTTP 500')).toBe(60);
    expect(failureLines(h.log)).toHaveLength(2);
    expect(h.log.matching(/honeycomb export recovered/)).toHaveLength(2);
    expect(h.unhandled.errors).toEqual([]);
  });

  // A retryable status whose retries ran out is reported with the status, so the log can say what it means.
  it('should say in the log that Honeycomb is rate-limiting when it answers 429', async () => {
    h.backends.honeycomb.respond = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const tracing = h.backends.init(FAST);
    endSpans(3);
    await tracing.forceFlush();
    expect(failureLines(h.log)[0]).toMatch(/429.*rate-limiting/);
  });
});

describe('Honeycomb unreachable at the transport level', () => {
  const h = useFaultHarness(DiagLogLevel.ALL);
  let proxy: FaultProxy;

  beforeEach(async () => {
    proxy = await new FaultProxy(Number(new URL(h.backends.honeycomb.url).port)).listen();
  });
  afterEach(() => proxy.stop());

  async function faultThenRecover(tracing: Tracing, says: RegExp, heal: () => Promise<void>): Promise<void> {
    const started = Date.now();
    endSpans(30);
    await tracing.forceFlush();
    await h.backends.xray.waitFor(30);
    expect(Date.now() - started).toBeLessThan(FAST.shutdownTimeoutMillis + 500); // the flush stays bounded
    expect(h.backends.honeycomb.spans).toHaveLength(0);
    expect(failureLines(h.log)).toHaveLength(1);
    expect(failureLines(h.log)[0]).toMatch(says);

    await heal();
    const later = endSpans(5, 'after recovery');
    await tracing.forceFlush();
    await h.backends.honeycomb.waitFor((spans) => later.every((id) => spans.some((s) => s.spanId === id)));
    expect(h.log.matching(/honeycomb export recovered/)).toHaveLength(1);
    expect(h.unhandled.errors).toEqual([]);
  }

  it('should give up on a hanging endpoint after honeycomb.timeoutMillis and recover', async () => {
    proxy.mode = 'hang';
    const tracing = h.backends.init({ ...FAST, honeycomb: { endpoint: proxy.url, timeoutMillis: 300 } });
    await faultThenRecover(tracing, /timed out/i, async () => {
      proxy.mode = 'pass';
    });
  });

  it('should survive connections reset mid-request and recover', async () => {
    proxy.mode = 'reset';
    const tracing = h.backends.init({ ...FAST, honeycomb: { endpoint: proxy.url, timeoutMillis: 300 } });
    await faultThenRecover(tracing, /ECONNRESET|socket hang up/, async () => {
      proxy.mode = 'pass';
    });
    expect(proxy.connections).toBeGreaterThan(1);
  });

  it('should survive a refused connection (nothing listening) and recover when the endpoint comes back', async () => {
    await proxy.stop();
    const tracing = h.backends.init({ ...FAST, honeycomb: { endpoint: proxy.url, timeoutMillis: 300 } });
    await faultThenRecover(tracing, /ECONNREFUSED/, async () => {
      await proxy.listen(); // same port
    });
  });

  it('should keep the queue bounded, count the drops in the log and not grow memory while Honeycomb hangs', async () => {
    proxy.mode = 'hang';
    const tracing = h.backends.init({
      ...FAST,
      honeycomb: { endpoint: proxy.url, timeoutMillis: 2_000 },
      xray: { enabled: false },
      batch: { maxQueueSize: 100, maxExportBatchSize: 50, scheduledDelayMillis: 10, exportTimeoutMillis: 5_000 },
    });
    endSpans(200); // the first batch goes out and hangs; the queue fills
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = heapAfterGc();
    for (let round = 0; round < 10; round++) endSpans(2_000); // 20,000 spans while nothing drains
    const growth = heapAfterGc() - before;
    // 20,000 retained spans would be well over 20 MB; a bounded queue keeps it to a few hundred spans.
    expect(growth).toBeLessThan(8 * 1024 * 1024);

    proxy.mode = 'pass';
    await tracing.forceFlush(); // hanging requests time out; the next ones go through
    const probe = endSpans(1, 'probe');
    await tracing.forceFlush();
    await h.backends.honeycomb.waitFor((spans) => spans.some((s) => s.spanId === probe[0]));
    // Everything delivered fits in one queue plus the batches that were in flight: the rest was dropped.
    expect(h.backends.honeycomb.spans.length).toBeLessThanOrEqual(100 + 4 * 50 + 1);
    // Named by backend, counted, and every drop reported by the time shutdown returns.
    await tracing.shutdown();
    const dropped = lossLines(h.log, 'honeycomb', 'QUEUE_FULL');
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    expect(lostInLog(h.log, 'honeycomb', 'QUEUE_FULL')).toBeGreaterThan(19_000);
    expect(dropped.length).toBeLessThan(10); // counted, not logged once per span
    expect(h.log.matching(/Dropped \d+ spans because maxQueueSize/)).toEqual([]); // OTel's anonymous line is gone
    expect(h.unhandled.errors).toEqual([]);
  });
});

describe('Honeycomb trickles its answer', () => {
  const h = useFaultHarness(DiagLogLevel.ALL);

  // Headers at once, then one byte every 200 ms: the socket is never idle, so a timeout on idleness never fires. Each
  // export has a deadline for the whole request instead; at it the request is destroyed and its slot freed.
  it('should end each trickled request at honeycomb.timeoutMillis, never run out of export slots, and recover', async () => {
    h.backends.honeycomb.respond = () => 'trickle';
    const tracing = h.backends.init({
      ...FAST,
      honeycomb: { timeoutMillis: 300 },
      // Full batches go at once, and the queue moves on after 100 ms: more exports start than the 4 slots allow at once.
      batch: { maxExportBatchSize: 10, scheduledDelayMillis: 60_000, exportTimeoutMillis: 100 },
    });
    endSpans(80);
    await until(() => h.backends.honeycomb.requests.length >= 6);
    await until(() => h.backends.honeycomb.trickling === 0); // every trickled request was ended, none left holding a slot
    await h.backends.xray.waitFor(80);
    expect(failureLines(h.log).length).toBeGreaterThanOrEqual(1);
    expect(failureLines(h.log)[0]).toMatch(/ETIMEDOUT: timed out: no complete answer within 300 ms/);

    h.backends.honeycomb.respond = () => 200;
    const later = endSpans(5, 'after recovery');
    await tracing.forceFlush();
    await h.backends.honeycomb.waitFor((spans) => later.every((id) => spans.some((s) => s.spanId === id)));
    expect(h.log.matching(/honeycomb export recovered/)).toHaveLength(1);
    expect(h.unhandled.errors).toEqual([]);
  });
});

describe('Honeycomb refuses large requests (413)', () => {
  const h = useFaultHarness(DiagLogLevel.ALL);

  // A peer that takes at most 8 KB per request. The batch (200 small spans and 2 large ones) is larger, so it is split
  // and tried again in halves; only a span refused in a request of its own is dropped, and it is counted.
  it('should split a refused batch, deliver every span that fits, and drop and count only those that do not fit alone', async () => {
    h.backends.honeycomb.respond = (req) => (req.bytes > 8_000 ? 413 : 200);
    const tracing = h.backends.init({ ...FAST, batch: { ...FAST.batch, maxExportBatchSize: 500 } });
    const small = endSpans(100);
    const tracer = tracing.tracer;
    const huge = tracer.startSpan('huge', { attributes: { payload: 'x'.repeat(2_000_000) } }); // cut to 16,384 characters
    huge.end();
    const large = tracer.startSpan('large', { attributes: { a: 'y'.repeat(6_000), b: 'z'.repeat(6_000) } });
    large.end();
    small.push(...endSpans(100));
    await tracing.forceFlush();

    const accepted = h.backends.honeycomb.requests.filter((r) => r.bytes <= 8_000).flatMap((r) => r.spans.map((s) => s.spanId));
    expect(accepted.sort()).toEqual([...small].sort()); // all 200, each once, and nothing else
    await h.backends.xray.waitFor(202); // X-Ray is not held back
    expect(failureLines(h.log)).toHaveLength(1);
    expect(failureLines(h.log)[0]).toMatch(/honeycomb: 1 span lost \(HTTP 413\): export failed: HTTP 413: a span too large/);
    await tracing.shutdown(); // writes the count the rate limit held back
    expect(lostInLog(h.log, 'honeycomb')).toBe(2); // the two spans, and nothing else
    expect(h.log.matching(/honeycomb export recovered/)).toEqual([]); // refused for what they are: Honeycomb was not down
    expect(h.unhandled.errors).toEqual([]);
  });
});

describe('Honeycomb host that does not resolve', () => {
  // RFC 2606: .invalid never resolves. The only DNS traffic is the local resolver's one attempt per export request;
  // if that attempt is slow here (a resolver that forwards and waits), skip rather than make the suite slow.
  const HOST = 'dualtrace-reliability.invalid';
  const h = useFaultHarness(DiagLogLevel.ALL);
  let resolverSlow: string | undefined;

  beforeEach(async () => {
    const started = Date.now();
    await lookup(HOST).catch(() => undefined);
    const took = Date.now() - started;
    resolverSlow = took > 500 ? `the local resolver took ${took} ms to answer for a .invalid name` : undefined;
  });

  it('should log ENOTFOUND once, keep X-Ray delivering, and leave nothing unhandled', async (ctx) => {
    if (resolverSlow !== undefined) ctx.skip(resolverSlow);
    // Not h.backends.init(): its loopback guard (rightly) refuses this endpoint. It cannot leave the machine: no A record.
    // The harness still shuts this handle down after the test.
    const tracing = initTracing({
      ...FAST,
      service: 'backend-flask',
      honeycombKey: TEST_KEY,
      flushOnExit: false,
      logLevel: 'none',
      honeycomb: { endpoint: `http://${HOST}:4318`, timeoutMillis: 500 },
      xray: { daemonAddress: h.backends.xray.daemonAddress, sampling: 'all' },
      instrumentation: { server: false },
    });
    endSpans(20);
    await tracing.forceFlush();
    await h.backends.xray.waitFor(20);
    expect(failureLines(h.log)).toHaveLength(1);
    expect(failureLines(h.log)[0]).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(h.log.lines.join('\n')).not.toContain(TEST_KEY);
    expect(h.unhandled.errors).toEqual([]);
  });
});

describe('Honeycomb on a closed port from the start', () => {
  const h = useFaultHarness(DiagLogLevel.WARN);

  it('should let shutdown() finish promptly when Honeycomb was never reachable', async () => {
    const port = await closedTcpPort();
    const tracing = h.backends.init({ ...FAST, honeycomb: { endpoint: `http://127.0.0.1:${port}`, timeoutMillis: 300 } });
    endSpans(10);
    const started = Date.now();
    await tracing.shutdown();
    expect(Date.now() - started).toBeLessThan(FAST.shutdownTimeoutMillis);
    await h.backends.xray.waitFor(10);
    expect(failureLines(h.log)).toHaveLength(1);
  });
});
