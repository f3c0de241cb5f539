/**
 * Centralized X-Ray sampling against a fake daemon TCP proxy on 127.0.0.1 (real HTTP, the API's payload shapes): rules,
 * paging, statistics, quotas, rule changes, and an endpoint that is down, comes up, or answers garbage. Polls are
 * triggered by hand (`refreshRules`, `reportStatistics`) so nothing waits on the 10 s / 5 min timers; decisions get
 * explicit clock values so the per-second reservoir is deterministic, and probabilistic parts are asserted as ranges.
 */
import { randomBytes } from 'node:crypto';
import { type DiagLogger, SpanKind, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config';
import { serviceFacts } from '../../src/provider/xray-sampling/request';
import { XRayRules } from '../../src/provider/xray-sampling/xray-rules';
import { DEFAULT_RULE, freePort, rule, startFakeXRayDaemon, type FakeXRayDaemon } from '../helpers/fake-xray-daemon';

/** The rule the team created with `aws xray create-sampling-rule --cli-input-json file://aws/json/xray.json`. */
const CRUDDUR = rule({ RuleName: 'Cruddur', ServiceName: 'backend-flask', FixedRate: 0.1, ReservoirSize: 5, Priority: 9000 });
const HEALTH = rule({ RuleName: 'health', URLPath: '/api/health*', FixedRate: 0, ReservoirSize: 0, Priority: 1 });

const facts = serviceFacts(resourceFromAttributes({ 'service.name': 'backend-flask' }), { tracingName: undefined, namePattern: undefined });
const traceId = (): string => randomBytes(16).toString('hex');
const request = (path: string): Attributes => ({ 'http.request.method': 'GET', 'url.path': path, 'server.address': 'localhost', 'server.port': 4567 });

let daemon: FakeXRayDaemon | undefined;
let sampler: XRayRules | undefined;
afterEach(async () => {
  sampler?.stop();
  sampler = undefined;
  await daemon?.close();
  daemon = undefined;
});

function capture(): DiagLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { lines, error: push, warn: push, info: push, debug: () => undefined, verbose: () => undefined };
}

function startSampler(endpoint: string, log: DiagLogger = capture()): XRayRules {
  const config = resolveConfig({ xray: { sampling: 'centralized', samplingEndpoint: endpoint } }, {}).sampler.xray;
  // Not start()ed: the tests drive the polls, so no timer decides when anything happens.
  sampler = new XRayRules(config, facts, log);
  return sampler;
}

/** `count` decisions for `path` spread over `seconds` whole seconds from `t0`; how many were kept. */
function run(s: XRayRules, path: string, count: number, t0: number, seconds = 1): number {
  let kept = 0;
  for (let i = 0; i < count; i++) if (s.decide(traceId(), request(path), SpanKind.SERVER, t0 + Math.floor((i * seconds) / count) * 1000) > 0) kept++;
  return kept;
}

const now = (): number => Math.floor(Date.now() / 1000) * 1000;

describe('centralized X-Ray sampling', () => {
  it("should apply the seed's rule: 5 a second from the quota, then about 10 %, and report the counts", async () => {
    daemon = await startFakeXRayDaemon({ rules: [CRUDDUR, DEFAULT_RULE] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    expect(daemon.ruleRequests).toEqual([{}]);
    expect(s.status().using).toBe('service rules');

    // Before any quota: borrow 1 a second, then 10 %.
    const t0 = now();
    const borrowed = run(s, '/api/activities/home', 300, t0, 3);
    expect(borrowed).toBeGreaterThanOrEqual(3 + 10);
    expect(borrowed).toBeLessThanOrEqual(3 + 60);

    daemon.targets.set('Cruddur', { RuleName: 'Cruddur', ReservoirQuota: 5, ReservoirQuotaTTL: t0 / 1000 + 300, FixedRate: 0.1, Interval: 10 });
    await s.centralized!.reportStatistics();
    const [report] = daemon.targetRequests;
    expect(report!.SamplingStatisticsDocuments).toEqual([
      { RuleName: 'Cruddur', ClientID: s.centralized!.clientId, Timestamp: expect.any(Number), RequestCount: 300, SampledCount: borrowed, BorrowCount: 3 },
    ]);

    const kept = run(s, '/api/activities/home', 300, t0 + 10_000, 3);
    expect(kept).toBeGreaterThanOrEqual(15 + 10);
    expect(kept).toBeLessThanOrEqual(15 + 60);
    expect(s.status().rules.find((r) => r.name === 'Cruddur')).toMatchObject({ quota: 5, requests: 600, sampled: borrowed + kept, borrowed: 3 });
  });

  it('should keep nothing for a Priority 1 rule with FixedRate 0 on /api/health*', async () => {
    daemon = await startFakeXRayDaemon({ rules: [CRUDDUR, HEALTH, DEFAULT_RULE] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    expect(run(s, '/api/health', 200, now(), 2)).toBe(0);
    expect(run(s, '/api/health/deep', 50, now())).toBe(0);
    expect(run(s, '/api/activities/home', 50, now())).toBeGreaterThan(0);
  });

  it('should follow targets that change the quota mid-run', async () => {
    daemon = await startFakeXRayDaemon({ rules: [rule({ RuleName: 'Default', Priority: 10000, FixedRate: 0, ReservoirSize: 50 })] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    const t0 = now();
    run(s, '/', 1, t0);
    daemon.targets.set('Default', { RuleName: 'Default', ReservoirQuota: 20, ReservoirQuotaTTL: t0 / 1000 + 60, FixedRate: 0 });
    await s.centralized!.reportStatistics();
    expect(run(s, '/', 100, t0 + 5000)).toBe(20);
    daemon.targets.set('Default', { RuleName: 'Default', ReservoirQuota: 2, ReservoirQuotaTTL: t0 / 1000 + 60, FixedRate: 0 });
    await s.centralized!.reportStatistics();
    expect(run(s, '/', 100, t0 + 6000)).toBe(2);
    daemon.targets.set('Default', { RuleName: 'Default', ReservoirQuota: 0, ReservoirQuotaTTL: t0 / 1000 + 60, FixedRate: 1 });
    await s.centralized!.reportStatistics();
    expect(run(s, '/', 100, t0 + 7000)).toBe(100);
  });

  it('should fetch the rules again when a targets answer says they changed', async () => {
    daemon = await startFakeXRayDaemon({ rules: [DEFAULT_RULE] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    run(s, '/api/health', 10, now());
    daemon.rules = [HEALTH, DEFAULT_RULE];
    daemon.lastRuleModification = Date.now() / 1000 + 1;
    await s.centralized!.reportStatistics();
    expect(daemon.ruleRequests).toHaveLength(2);
    expect(s.status().rules.map((r) => r.name)).toEqual(['health', 'Default']);
    expect(run(s, '/api/health', 100, now())).toBe(0);
  });

  it('should use 1/s + 5 % while the endpoint is down, warn once naming it, and take the rules when it comes up', async () => {
    const port = await freePort();
    const log = capture();
    const s = startSampler(`http://127.0.0.1:${port}`, log);
    await s.centralized!.refreshRules();
    await s.centralized!.reportStatistics(); // no rules yet: asks for them again, fails again
    const warnings = log.lines.filter((l) => l.includes('GetSamplingRules'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`http://127.0.0.1:${port}/GetSamplingRules`);
    expect(warnings[0]).toContain('ECONNREFUSED');
    expect(warnings[0]).toContain('1 trace(s) per second, then 5 %');
    expect(s.status()).toMatchObject({ using: 'local rules until the service answers', poller: { lastError: expect.stringContaining('ECONNREFUSED') } });
    const fallback = run(s, '/', 1000, now(), 2);
    expect(fallback).toBeGreaterThanOrEqual(2 + 20);
    expect(fallback).toBeLessThanOrEqual(2 + 90);

    daemon = await startFakeXRayDaemon({ rules: [HEALTH, DEFAULT_RULE], port });
    await s.centralized!.reportStatistics();
    expect(s.status().using).toBe('service rules');
    expect(log.lines.some((l) => l.includes('2 rule(s) from'))).toBe(true);
    expect(run(s, '/api/health', 50, now())).toBe(0);
  });

  it('should treat garbage and errors as a failure, keep the rules it has, and never throw', async () => {
    daemon = await startFakeXRayDaemon({ rules: [HEALTH, DEFAULT_RULE] });
    const log = capture();
    const s = startSampler(daemon.url, log);
    daemon.mode = 'garbage';
    await s.centralized!.refreshRules();
    expect(s.status().using).toBe('local rules until the service answers');
    expect(log.lines.join('\n')).toMatch(/answer that is not JSON/);
    daemon.mode = 'ok';
    await s.centralized!.refreshRules();
    run(s, '/api/health', 5, now());
    daemon.mode = 'garbage';
    await s.centralized!.reportStatistics();
    daemon.mode = 'error';
    await s.centralized!.refreshRules();
    expect(s.status().using).toBe('service rules');
    expect(log.lines.join('\n')).toMatch(/not a GetSamplingTargets response/);
    // Rate-limited: the rules failure was already logged once within 30 s; the status has the latest.
    expect(log.lines.filter((l) => l.includes('GetSamplingRules at'))).toHaveLength(1);
    expect(s.status().poller?.lastError).toMatch(/HTTP 500/);
  });

  it('should follow NextToken through 30 rules and report their statistics 25 to a call', async () => {
    const rules = Array.from({ length: 30 }, (_, i) => rule({ RuleName: `r${String(i).padStart(2, '0')}`, Priority: 10 + i, URLPath: `/p${i}`, FixedRate: 1 }));
    daemon = await startFakeXRayDaemon({ rules: [...rules, DEFAULT_RULE], pageSize: 10 });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    expect(daemon.ruleRequests).toEqual([{}, { NextToken: '10' }, { NextToken: '20' }, { NextToken: '30' }]);
    expect(s.status().rules).toHaveLength(31);
    for (let i = 0; i < 30; i++) run(s, `/p${i}`, 2, now());
    await s.centralized!.reportStatistics();
    expect(daemon.refused).toEqual([]);
    expect(daemon.targetRequests.map((r) => r.SamplingStatisticsDocuments.length)).toEqual([25, 5]);
    expect(daemon.targetRequests.flatMap((r) => r.SamplingStatisticsDocuments.map((d) => d.RuleName)).sort()).toEqual(rules.map((r) => r.RuleName));
  });

  it('should let the local rules decide a request no rule of the service matches (an answer without Default)', async () => {
    // X-Ray always returns its Default rule; a proxy serving a subset, or a Default this version cannot read, may not.
    daemon = await startFakeXRayDaemon({ rules: [HEALTH] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    expect(s.status().using).toBe('service rules');
    expect(run(s, '/api/health', 50, now())).toBe(0);
    const kept = run(s, '/api/activities/home', 400, now(), 2);
    expect(kept).toBeGreaterThanOrEqual(2 + 5); // 1 a second, then 5 %
    expect(kept).toBeLessThanOrEqual(2 + 50);
  });

  it('should keep the counts of a report that failed for the next one', async () => {
    daemon = await startFakeXRayDaemon({ rules: [CRUDDUR, DEFAULT_RULE] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    const t0 = now();
    const first = run(s, '/api/activities/home', 40, t0);
    daemon.mode = 'error';
    await s.centralized!.reportStatistics();
    daemon.mode = 'garbage';
    await s.centralized!.reportStatistics();
    daemon.mode = 'ok';
    const second = run(s, '/api/activities/home', 10, t0 + 2000);
    await s.centralized!.reportStatistics();
    expect(daemon.targetRequests).toHaveLength(1); // the fake records only the requests it answered properly
    const last = daemon.targetRequests[0]!.SamplingStatisticsDocuments;
    expect(last).toMatchObject([{ RuleName: 'Cruddur', RequestCount: 50, SampledCount: first + second, BorrowCount: 2 }]);
  });

  it("should keep a rule's counts and quota when the rules are fetched again with that rule changed", async () => {
    daemon = await startFakeXRayDaemon({ rules: [CRUDDUR, DEFAULT_RULE] });
    const s = startSampler(daemon.url);
    await s.centralized!.refreshRules();
    const t0 = now();
    run(s, '/api/activities/home', 1, t0);
    daemon.targets.set('Cruddur', { RuleName: 'Cruddur', ReservoirQuota: 5, ReservoirQuotaTTL: t0 / 1000 + 300, FixedRate: 0.1, Interval: 10 });
    await s.centralized!.reportStatistics();
    const kept = run(s, '/api/activities/home', 30, t0 + 1000);
    daemon.rules = [{ ...CRUDDUR, FixedRate: 0 }, DEFAULT_RULE]; // changed in the console
    await s.centralized!.refreshRules();
    expect(s.status().rules.find((r) => r.name === 'Cruddur')).toMatchObject({ fixedRate: 0, quota: 5, requests: 31 });
    expect(run(s, '/api/activities/home', 30, t0 + 2000)).toBe(5); // the quota, then the new rate (0)
    await s.centralized!.reportStatistics();
    expect(daemon.targetRequests.at(-1)!.SamplingStatisticsDocuments).toMatchObject([{ RuleName: 'Cruddur', RequestCount: 60, SampledCount: kept + 5 }]);
  });

  it('should refuse an answer with more rules than any account has, and keep deciding with what it has', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => rule({ RuleName: `r${i}`, Priority: 1 + (i % 9000), URLPath: `/never/${i}` }));
    daemon = await startFakeXRayDaemon({ rules: [...many, DEFAULT_RULE], pageSize: 100 });
    const log = capture();
    const s = startSampler(daemon.url, log);
    await s.centralized!.refreshRules();
    expect(s.status().using).toBe('local rules until the service answers');
    expect(log.lines.join('\n')).toMatch(/GetSamplingRules at .* failed \(more than 1000 rules\)/);
    expect(daemon.ruleRequests.length).toBeLessThanOrEqual(11);
  });

  it('should not take an Interval longer than a timer can hold (Node would fire it after 1 ms, again and again)', async () => {
    daemon = await startFakeXRayDaemon({ rules: [CRUDDUR, DEFAULT_RULE] });
    const config = resolveConfig({ xray: { sampling: 'centralized', samplingEndpoint: daemon.url } }, {}).sampler.xray;
    sampler = new XRayRules({ ...config, targetsIntervalMillis: 20 }, facts, capture());
    const overflow: string[] = [];
    const onWarning = (w: Error): void => void (w.name === 'TimeoutOverflowWarning' && overflow.push(w.message));
    process.on('warning', onWarning);
    try {
      sampler.start();
      await sampler.centralized!.refreshRules();
      run(sampler, '/api/activities/home', 3, now());
      daemon.targets.set('Cruddur', { RuleName: 'Cruddur', ReservoirQuota: 1, ReservoirQuotaTTL: Date.now() / 1000 + 60, FixedRate: 0.1, Interval: 10_000_000 });
      await vi.waitFor(() => expect(daemon!.targetRequests).toHaveLength(1));
      await sampler.centralized!.reportStatistics(); // the report under way (or an empty one): its timer is set when it settles
      await new Promise((resolve) => setImmediate(resolve));
      expect(overflow).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('should stop polling on stop() and leave no request behind', async () => {
    daemon = await startFakeXRayDaemon();
    const s = startSampler(daemon.url);
    s.start();
    s.stop();
    await s.centralized!.refreshRules();
    expect(s.status().using).toBe('local rules until the service answers');
  });
});
