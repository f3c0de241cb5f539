/** The pure parts of the open-loop benchmark (bench/lib/open-loop.ts, bench/lib/p99-summary.ts); no timing here. */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, ResponseFramer, ResponseRecorder, Timetable } from '../../bench/lib/open-loop';
import type { OpenLoopResult } from '../../bench/lib/open-loop-child';
import { keptUp, maxThroughput, mergeReport, summariseP99, type P99Report, type P99Run, type P99Summary } from '../../bench/lib/p99-summary';
import { p99Target } from '../../bench/lib/report-p99';

describe('LatencyHistogram', () => {
  it('should give exact percentiles below 2,048 µs', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 1000; v++) h.record(v);
    expect([h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9), h.percentile(100)]).toEqual([500, 900, 990, 999, 1000]);
    expect(h.count).toBe(1000);
  });

  it('should take the smallest value with at least p % of the values at or below it', () => {
    const h = new LatencyHistogram();
    for (const v of [10, 10, 10, 20]) h.record(v);
    expect(h.percentile(75)).toBe(10);
    expect(h.percentile(75.1)).toBe(20);
    expect(h.percentile(0.01)).toBe(10);
  });

  it('should stay within 0.1 % above 2,048 µs, never below the value, never above the maximum', () => {
    const values = [2047, 2048, 2049, 4095, 4096, 12_345, 99_999, 1_234_567, 60_000_000];
    for (const v of values) {
      const h = new LatencyHistogram();
      h.record(v);
      h.record(v + 10_000_000_000); // a larger maximum, so the bucket's bound shows
      const p = h.percentile(50);
      expect(p).toBeGreaterThanOrEqual(v);
      expect(p).toBeLessThanOrEqual(v * 1.001);
    }
    const one = new LatencyHistogram();
    one.record(1_234_567);
    expect(one.percentile(50)).toBe(1_234_567);
  });

  it('should give percentiles that grow with p over a wide range of values', () => {
    const h = new LatencyHistogram();
    for (let v = 0; v < 200_000; v += 7) h.record(v);
    let last = -1;
    for (let p = 1; p <= 100; p += 0.5) {
      const value = h.percentile(p);
      expect(value).toBeGreaterThanOrEqual(last);
      const exact = 7 * (Math.ceil((p / 100) * h.count) - 1);
      expect(value).toBeGreaterThanOrEqual(exact);
      expect(value).toBeLessThanOrEqual(Math.max(exact * 1.001, exact + 1));
      last = value;
    }
  });

  it('should answer NaN when empty', () => {
    expect(new LatencyHistogram().percentile(99)).toBeNaN();
  });
});

describe('Timetable', () => {
  it('should schedule request i at start + i / rate', () => {
    const t = new Timetable(1000, 10);
    expect([t.scheduledAt(0), t.scheduledAt(1), t.scheduledAt(250)]).toEqual([10, 11, 260]);
  });

  it('should count the requests due by a time, none before the start', () => {
    const t = new Timetable(1000, 10);
    expect(t.dueBy(9.99)).toBe(0);
    expect(t.dueBy(10)).toBe(1);
    expect(t.dueBy(10.999)).toBe(1);
    expect(t.dueBy(11)).toBe(2);
    expect(t.dueBy(1009.5)).toBe(1000);
  });

  it('should not drift over a long run at a rate with no exact interval', () => {
    const t = new Timetable(7000, 5);
    expect(t.scheduledAt(7000 * 3600)).toBeCloseTo(5 + 3_600_000, 6);
    expect(t.dueBy(t.scheduledAt(7000 * 3600) + 1e-6)).toBe(7000 * 3600 + 1);
  });
});

describe('ResponseRecorder (coordinated omission)', () => {
  /**
   * One connection, a request due every millisecond for a second, answered in 0.1 ms, but the one due at 500 ms takes
   * 100 ms: the hundred due meanwhile wait for the connection. A closed-loop tool times them from when they were sent.
   */
  function stalled(): ResponseRecorder {
    const recorder = new ResponseRecorder();
    let free = 0;
    for (let i = 0; i < 1000; i++) {
      const scheduled = i;
      const sent = Math.max(scheduled, free);
      const done = sent + (i === 500 ? 100 : 0.1);
      recorder.record(scheduled, sent, done);
      free = done;
    }
    return recorder;
  }

  it('should time each response from its scheduled send, so the wait for the stall counts', () => {
    const r = stalled();
    expect(r.latency.percentile(99)).toBeGreaterThan(80_000); // µs: ≈ 90 ms, the queue behind the stall
    expect(r.latency.percentile(100)).toBe(100_000);
    expect(r.latency.percentile(50)).toBe(100);
  });

  it('should show what measuring from the actual send hides', () => {
    const r = stalled();
    expect(r.service.percentile(99)).toBe(100); // one slow answer in a thousand: invisible at p99
    expect(r.service.percentile(100)).toBe(100_000);
    expect(r.sendLag.percentile(99)).toBeGreaterThan(80_000);
  });
});

describe('ResponseFramer', () => {
  const response = (status: number, body: string, header = 'Content-Length'): Buffer =>
    Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\n${header}: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

  it('should return the status once the whole body has arrived, however it is split', () => {
    const bytes = response(200, '{"activities":[1,2,3]}');
    for (const cut of [1, 20, bytes.indexOf('\r\n\r\n') + 2, bytes.length - 1]) {
      const f = new ResponseFramer();
      expect(f.push(bytes.subarray(0, cut))).toBeUndefined();
      expect(f.push(bytes.subarray(cut))).toBe(200);
    }
  });

  it('should frame one response after another on the same connection', () => {
    const f = new ResponseFramer();
    expect(f.push(response(200, 'a'))).toBe(200);
    expect(f.push(response(503, 'busy', 'content-length'))).toBe(503);
    expect(f.push(response(204, ''))).toBe(204);
  });

  it('should refuse what it cannot frame', () => {
    expect(() => new ResponseFramer().push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n'))).toThrow(/cannot frame/);
    expect(() => new ResponseFramer().push(Buffer.concat([response(200, 'a'), response(200, 'b')]))).toThrow(/more bytes/);
  });
});

describe('summariseP99', () => {
  const result = (p99: number, extra: Partial<OpenLoopResult> = {}): OpenLoopResult => {
    const pct = { p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 2, max: p99 * 3 };
    return { rate: 1000, scheduled: 1000, completed: 1000, achievedRate: 990, errors: 0, non2xx: 0, timeouts: 0, waitedForConnection: 0, maxInFlight: 3, connectionsOpened: 3, latency: pct, service: pct, sendLag: pct, generatorCpu: 0.2, ...extra };
  };
  const run = (app: string, variant: string, round: number, r: OpenLoopResult): P99Run => ({ app, variant, round, load: '1 1 1', result: r, served: 1000, cpuPerRequest: 100, otlpSpans: 0, xraySegments: 0, udpKernelDrops: 0, diagLines: 0 });

  it('should take each figure as the least over the rounds, and p99 added against untraced of the same app', () => {
    const runs = [
      run('http', 'untraced', 1, result(2)), run('http', 'untraced', 2, result(1.5)), run('http', 'untraced', 3, result(9)),
      run('http', 'dualtrace', 1, result(2.5, { errors: 1, timeouts: 2 })), run('http', 'dualtrace', 2, result(8, { achievedRate: 900 })), run('http', 'dualtrace', 3, result(3, { non2xx: 4, waitedForConnection: 5 })),
      run('express', 'untraced', 1, result(10)),
      run('express', 'dualtrace', 1, result(10.5)),
    ];
    const [base, dual, expressBase, expressDual] = summariseP99(runs);
    expect(base).toMatchObject({ app: 'http', variant: 'untraced', rounds: 3, p99: 1.5, p50: 0.375, max: 4.5, p99Median: 2, p99Added: 0, p99AddedMedian: 0 });
    expect(dual).toMatchObject({ app: 'http', variant: 'dualtrace', p99: 2.5, p99Median: 3, p99Added: 1, p99AddedMedian: 1, achievedRate: 900, errors: 7, waitedForConnection: 5 });
    expect(expressBase?.p99Added).toBe(0);
    expect(expressDual?.p99Added).toBe(0.5);
  });

  it('should say a round kept up only when it answered at the rate with (almost) no wait for a connection', () => {
    expect(keptUp(result(1, { achievedRate: 990 }))).toBe(true);
    expect(keptUp(result(1, { achievedRate: 900 }))).toBe(false); // fell behind
    expect(keptUp(result(1, { achievedRate: 1100 }))).toBe(false); // draining a backlog
    expect(keptUp(result(1, { waitedForConnection: 1 }))).toBe(true);
    expect(keptUp(result(1, { waitedForConnection: 2 }))).toBe(false);
    const [dual] = summariseP99([run('http', 'dualtrace', 1, result(1)), run('http', 'dualtrace', 2, result(1, { achievedRate: 500 }))]);
    expect(dual?.keptUp).toBe(1);
  });

  it('should set the open-loop rate to the fraction of the median maximum', () => {
    const runs = [1, 2, 3].map((round) => ({ app: 'http', round, reqPerSec: [9000, 7000, 8000][round - 1]!, errors: 0, load: '' }));
    expect(maxThroughput(runs, 'http', 0.7)).toEqual({ app: 'http', rounds: [9000, 7000, 8000], median: 8000, rate: 5600 });
  });

  it('should keep the last report of each Node major', () => {
    const report = (node: string, startedAt: string): P99Report => ({ machine: { node }, startedAt } as unknown as P99Report);
    const merged = mergeReport(mergeReport(mergeReport(undefined, report('v24.1.0', 'a')), report('v20.20.0', 'b')), report('v24.2.0', 'c'));
    expect(merged.reports.map((r) => [r.machine.node, r.startedAt])).toEqual([['v20.20.0', 'b'], ['v24.2.0', 'c']]);
  });
});

describe('p99Target', () => {
  const summary = (variant: string, p99Added: number, kept = 3): P99Summary =>
    ({ app: 'http', variant, rounds: 3, keptUp: kept, p99Added, p99AddedMedian: p99Added } as P99Summary);
  const results = (dual: P99Summary, base = summary('untraced', 0), fraction = 0.7) => ({
    reports: [{ config: { quick: false, fraction }, machine: { node: 'v20.20.2', loadAtStart: '0.5 0.4 0.3', loadAtEnd: '0.6 0.4 0.3' }, summary: [base, dual] } as unknown as P99Report],
  });

  it('should be met or missed on dualtrace\'s p99 added when both kept up at 70 %', () => {
    expect(p99Target(results(summary('dualtrace', 0.4))).ok).toBe(true);
    expect(p99Target(results(summary('dualtrace', 1.2))).ok).toBe(false);
    expect(p99Target(results(summary('dualtrace', 0.4))).measured).toContain('`node:http` +0.40 ms (medians +0.40)');
  });

  it('should leave the verdict open when a server never kept up, or at another load', () => {
    expect(p99Target(results(summary('dualtrace', 0.4, 0))).ok).toBeUndefined();
    expect(p99Target(results(summary('dualtrace', 0.4), summary('untraced', 0, 0))).ok).toBeUndefined();
    expect(p99Target(results(summary('dualtrace', 0.4, 0))).measured).toContain('not measurable');
    expect(p99Target(results(summary('dualtrace', 0.4), summary('untraced', 0), 0.25)).ok).toBeUndefined();
    expect(p99Target(undefined).ok).toBeUndefined();
  });
});
