/**
 * Shutdown and exit under faults: `shutdown()` and `forceFlush()` finish within `shutdownTimeoutMillis` while Honeycomb
 * hangs, and an app under load that gets SIGTERM flushes what it can and still dies by SIGTERM (the BUILT package, in
 * a child process: `npm test` builds first).
 */
import { DiagLogLevel } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_KEY, useBackends } from '../helpers/backends';
import { runFixture } from '../helpers/child';
import { fakeWallClock, HOUR, restoreWallClock, stepWallClock } from '../helpers/wall-clock';
import { endSpans, FaultProxy, lostInLog, useFaultHarness } from './support';

describe('shutdown() while a backend hangs', () => {
  const h = useFaultHarness(DiagLogLevel.WARN, (b) => {
    b.honeycomb.respond = () => 'hang';
  });

  it('should resolve shutdown() within shutdownTimeoutMillis, deliver to X-Ray, and be idempotent', async () => {
    const tracing = h.backends.init({
      honeycomb: { timeoutMillis: 30_000 }, // the exporter itself would wait 30 s
      batch: { scheduledDelayMillis: 10_000 },
      shutdownTimeoutMillis: 400,
      instrumentation: { fetch: false, http: false },
    });
    endSpans(25);
    const started = Date.now();
    const first = tracing.shutdown();
    expect(tracing.shutdown()).toBe(first); // one shutdown, however often it is called
    await first;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(400 + 600);
    await h.backends.xray.waitFor(25);
    expect(h.backends.honeycomb.requests.length).toBeGreaterThan(0); // it was tried, it hung
    expect(h.log.matching(/dualtrace shutdown did not finish within 400 ms/)).toHaveLength(1);
    await expect(tracing.forceFlush()).resolves.toBeUndefined(); // after shutdown: resolves, never rejects
    expect(h.unhandled.errors).toEqual([]);
  });

  it('should resolve forceFlush() within shutdownTimeoutMillis while Honeycomb hangs', async () => {
    const tracing = h.backends.init({
      honeycomb: { timeoutMillis: 30_000 },
      batch: { scheduledDelayMillis: 10_000 },
      shutdownTimeoutMillis: 300,
      instrumentation: { fetch: false, http: false },
    });
    endSpans(10);
    const started = Date.now();
    await tracing.forceFlush();
    expect(Date.now() - started).toBeLessThan(300 + 500);
    await h.backends.xray.waitFor(10);
    expect(h.unhandled.errors).toEqual([]);
  });
});

// The flush's bound (no batch started after batch.exportTimeoutMillis) is on a monotonic clock. On the wall clock, a
// step back of an hour while Honeycomb hung made forceFlush() and shutdown() send the whole queue, one export timeout
// per batch; a step forward made them stop after the batch in flight. The handle's own bound is set far off here, so
// only the processor's bound can end the wait.
describe('forceFlush() and shutdown() when the wall clock steps', () => {
  const h = useFaultHarness(DiagLogLevel.WARN);
  afterEach(() => restoreWallClock());

  /** Steps the clock by `step` as Honeycomb receives its first request; it answers every request with `answer`. */
  function stepOnFirstRequest(step: number, answer: 'hang' | 200): void {
    fakeWallClock();
    h.backends.honeycomb.respond = () => {
      if (h.backends.honeycomb.requests.length === 1) stepWallClock(step);
      return answer;
    };
  }

  it('should stop starting batches one export timeout in, though the clock stepped back an hour, and count what is left', { timeout: 10_000 }, async () => {
    stepOnFirstRequest(-HOUR, 'hang');
    const tracing = h.backends.init({
      // Each export ends at 250 ms (ETIMEDOUT), within the processor's 300: 80 batches would take 20 s.
      honeycomb: { timeoutMillis: 250 },
      xray: { enabled: false },
      batch: { maxExportBatchSize: 10, scheduledDelayMillis: 60_000, exportTimeoutMillis: 300 },
      shutdownTimeoutMillis: 60_000,
      instrumentation: { fetch: false, http: false },
    });
    endSpans(800);
    await tracing.forceFlush();
    expect(h.backends.honeycomb.requests.length).toBeLessThan(80); // the rest stays queued
    await tracing.shutdown();
    expect(lostInLog(h.log, 'honeycomb', 'SHUTDOWN_TIMEOUT')).toBeGreaterThan(0);
    expect(lostInLog(h.log, 'honeycomb')).toBe(800); // timed out or left queued, every span is accounted for
    expect(h.unhandled.errors).toEqual([]);
  });

  it('should still export the whole queue within the bound when the clock steps forward an hour', { timeout: 10_000 }, async () => {
    stepOnFirstRequest(HOUR, 200);
    const tracing = h.backends.init({
      xray: { enabled: false },
      batch: { maxExportBatchSize: 10, scheduledDelayMillis: 60_000, exportTimeoutMillis: 5_000 },
      shutdownTimeoutMillis: 60_000,
      instrumentation: { fetch: false, http: false },
    });
    const ids = endSpans(50);
    await tracing.forceFlush();
    expect(h.backends.honeycomb.spans.map((s) => s.spanId).sort()).toEqual([...ids].sort());
  });
});

describe('forceFlush() with a batch already in flight', () => {
  const backends = useBackends();
  let proxy: FaultProxy;

  beforeEach(async () => {
    proxy = await new FaultProxy(Number(new URL(backends.honeycomb.url).port)).listen();
    proxy.mode = 'slow'; // Honeycomb answers, 300 ms late
  });
  afterEach(() => proxy.stop());

  // OpenTelemetry's BatchSpanProcessor.forceFlush only exports what is still queued; a batch already handed to the
  // exporter (a full batch, or the scheduled one) is waited for only because dualtrace also flushes the exporters.
  // Without that, the Lambda wrapper's flush could resolve with the request still in flight when the sandbox freezes.
  it('should resolve forceFlush() only after a batch already in flight has been delivered', async () => {
    const tracing = backends.init({
      honeycomb: { endpoint: proxy.url, timeoutMillis: 2_000 },
      xray: { enabled: false },
      batch: { maxExportBatchSize: 10, scheduledDelayMillis: 60_000 },
      shutdownTimeoutMillis: 2_000,
      instrumentation: { fetch: false, http: false },
    });
    const ids = endSpans(10); // a full batch: the processor exports it at once
    await tracing.forceFlush();
    expect(backends.honeycomb.spans.map((s) => s.spanId).sort()).toEqual([...ids].sort());
  });
});

describe('SIGTERM under load (built package, child process)', () => {
  const backends = useBackends();

  // At most ~100 request spans reach the UDP sink in one burst: far more can overflow the sink socket's receive buffer
  // (208 KB by default) while the test process is busy, and the kernel drops datagrams before the sink sees them.

  /** Runs the load app, sends SIGTERM once it has served `after` requests; returns what it had served by then. */
  async function killUnderLoad(after: number, shutdownMs: number) {
    let servedAtKill = 0;
    let killedAt = 0;
    const result = await runFixture(
      'reliability-load-app.mjs',
      { TEST_ENDPOINT: backends.honeycomb.url, TEST_DAEMON: backends.xray.daemonAddress, DUALTRACE_SHUTDOWN_TIMEOUT: String(shutdownMs) },
      {
        timeoutMs: 12_000,
        onStdout: (out, child) => {
          if (killedAt !== 0) return;
          const served = [...out.matchAll(/served (\d+)/g)].map((m) => Number(m[1]));
          const last = served[served.length - 1] ?? 0;
          if (last < after) return;
          servedAtKill = last;
          killedAt = Date.now();
          child.kill('SIGTERM');
        },
      },
    );
    return { result, servedAtKill, exitMs: Date.now() - killedAt };
  }

  it('should flush every finished request span to both backends and die by SIGTERM', async () => {
    const { result, servedAtKill } = await killUnderLoad(100, 3_000);
    expect(result.signal).toBe('SIGTERM');
    expect(result.code).toBeNull();
    expect(result.stderr).not.toContain(TEST_KEY);
    // Every request served before the signal ended its span (at most the 4 in flight had not): all were flushed.
    const spans = await backends.honeycomb.waitFor((s) => s.length >= servedAtKill - 4, 2_000);
    expect(spans.every((s) => s.name === 'GET /load')).toBe(true);
    await backends.xray.waitFor(servedAtKill - 4, 2_000);
    expect(backends.xray.rejected).toEqual([]);
  });

  it('should still die by SIGTERM within the shutdown bound when Honeycomb hangs, after flushing X-Ray', async () => {
    backends.honeycomb.respond = () => 'hang';
    const { result, servedAtKill, exitMs } = await killUnderLoad(100, 800);
    expect(result.signal).toBe('SIGTERM');
    expect(exitMs).toBeLessThan(800 + 1_500); // the bound, plus process teardown on a busy 2-core machine
    await backends.xray.waitFor(servedAtKill - 4, 2_000);
    expect(result.stderr).not.toContain(TEST_KEY);
  });
});

describe('exit while Honeycomb hangs or trickles (built package, child process)', () => {
  const backends = useBackends();

  // The exit-time flush holds the process while its request runs, so that it can deliver; at shutdownTimeoutMillis it
  // lets go (the flush) or ends the request (shutdown), whatever the peer does. The export's own deadline (60 s here)
  // plays no part. The child is killed, and the test fails, if it is still alive 5 s after it started.
  it.each([
    { answer: 'trickle', mode: 'natural' },
    { answer: 'trickle', mode: 'shutdown' },
    { answer: 'hang', mode: 'natural' },
    { answer: 'hang', mode: 'shutdown' },
  ] as const)('should exit within shutdownTimeoutMillis when Honeycomb answers with $answer and the script ends by $mode', async ({ answer, mode }) => {
    backends.honeycomb.respond = () => answer;
    const result = await runFixture(
      'slow-backend-exit-app.mjs',
      { TEST_ENDPOINT: backends.honeycomb.url, TEST_DAEMON: backends.xray.daemonAddress, MODE: mode, DUALTRACE_SHUTDOWN_TIMEOUT: '500' },
      { timeoutMs: 5_000 },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('done');
    expect(result.stderr).toMatch(/dualtrace (flush|shutdown) did not finish within 500 ms/);
    expect(result.stderr).not.toContain(TEST_KEY);
    expect(backends.honeycomb.requests.length).toBeGreaterThan(0); // it was tried
    await backends.xray.waitFor(20); // and X-Ray, which answered, got everything
  });
});

describe('exit after a flush let go of a request that Honeycomb then answers with a retry (built package, child process)', () => {
  const backends = useBackends();
  let proxy: FaultProxy;

  beforeEach(async () => {
    proxy = await new FaultProxy(Number(new URL(backends.honeycomb.url).port)).listen();
    proxy.mode = 'slow';
    proxy.delayMs = 700; // the first answer comes after the flush's 500 ms bound
  });
  afterEach(() => proxy.stop());

  // The flush lets go of its request at the bound; when the answer comes (503, retry in 2 s), the wait and the retry
  // belong to an export that was let go of, so they must not hold the process either. Otherwise the export's retries
  // (up to 5, within its 60 s deadline) would keep the app alive for seconds after its own work was over.
  it('should exit once the app has drained, not when the retries of an export let go of at the bound are over', async () => {
    backends.honeycomb.respond = () => ({ status: 503, headers: { 'retry-after': '2' } });
    const result = await runFixture(
      'sigterm-drain-app.mjs',
      { TEST_ENDPOINT: proxy.url, TEST_DAEMON: backends.xray.daemonAddress, DUALTRACE_SHUTDOWN_TIMEOUT: '500', DRAIN_MS: '1000' },
      { timeoutMs: 5_000, onStdout: (out, child) => out === 'ready\n' && child.kill('SIGTERM') },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drained');
    expect(result.stderr).toMatch(/dualtrace flush did not finish within 500 ms/);
    expect(backends.honeycomb.requests.length).toBeGreaterThan(0); // it was tried, and answered 503
    await backends.xray.waitFor(20);
  });
});

describe("the app's own SIGTERM handler (built package, child process)", () => {
  const backends = useBackends();

  // The documented pattern (docs/configuration.md, "Your own SIGTERM handler"): the handler awaits shutdown(), then
  // exits. dualtrace's own listener only starts a flush when the app has a handler, and the app decides when to exit.
  it("should deliver every finished span to both backends when the app's SIGTERM handler awaits shutdown() before process.exit(0)", async () => {
    const result = await runFixture(
      'sigterm-handler-app.mjs',
      { TEST_ENDPOINT: backends.honeycomb.url, TEST_DAEMON: backends.xray.daemonAddress, SPANS: '80' },
      { onStdout: (out, child) => out.includes('ready') && child.kill('SIGTERM') },
    );
    expect(result.code).toBe(0);
    expect(result.signal).toBeNull();
    const ids = [...new Set(backends.honeycomb.spans.map((s) => s.spanId))].sort();
    expect(ids).toHaveLength(80);
    await backends.xray.waitFor(80);
    expect(backends.xray.segmentsFlat().map((s) => s.id).sort()).toEqual(ids);
  });
});
