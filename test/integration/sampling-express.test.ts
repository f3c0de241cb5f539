/**
 * A decision per backend through a real Express app with both sinks and a fake X-Ray daemon proxy on 127.0.0.1:
 * Honeycomb receives every trace, X-Ray the share its rules keep; the headers going out say so (`X-Amzn-Trace-Id`
 * `Sampled=` = X-Ray's decision, `traceparent` = recorded, `tracestate` `dt=`), and those coming in are honoured.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tracing } from '../../src/adapters/express';
import { getSamplingStatus } from '../../src/handle';
import { useBackends } from '../helpers/backends';
import { DEFAULT_RULE, rule, startFakeXRayDaemon, type FakeXRayDaemon } from '../helpers/fake-xray-daemon';

const CRUDDUR = rule({ RuleName: 'Cruddur', ServiceName: 'backend-flask', FixedRate: 0.1, ReservoirSize: 5, Priority: 9000 });
const HEALTH = rule({ RuleName: 'health', URLPath: '/api/health*', FixedRate: 0, ReservoirSize: 0, Priority: 1 });
const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const TRACE = '5759e988bd862e3fe1be46a994272793';
const PARENT = '53995c3f42cd8ad8';

describe('sampling per backend (Express, both sinks, fake daemon)', () => {
  const backends = useBackends({ instrumentation: { fetch: true, http: false } });
  let daemon: FakeXRayDaemon;
  let app: Server;
  let downstream: Server;
  const received: http.IncomingHttpHeaders[] = [];
  let base: string;

  beforeEach(async () => {
    daemon = await startFakeXRayDaemon({ rules: [CRUDDUR, HEALTH, DEFAULT_RULE] });
    received.length = 0;
    downstream = http.createServer((req, res) => {
      received.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/`;
    backends.init({ xray: { sampling: 'centralized', samplingEndpoint: daemon.url } });
    await vi.waitFor(() => expect(getSamplingStatus()?.xray.using).toBe('service rules'));
    const server = express();
    server.use(tracing());
    server.get('/api/activities/home', (_req, res) => void res.json([]));
    server.get('/api/health', (_req, res) => void res.send('ok'));
    server.get('/api/call', async (_req, res) => {
      await fetch(downstreamUrl);
      res.send('called');
    });
    app = server.listen(0, '127.0.0.1');
    await new Promise((resolve) => app.once('listening', resolve));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
    downstream.closeAllConnections();
    await new Promise((resolve) => downstream.close(resolve));
    await daemon.close();
  });

  const xrayTraces = (): Set<string> => new Set(backends.xray.segmentsFlat().map((s) => s.traceId.replace(/^1-/, '').replace('-', '')));

  it("should send every trace to Honeycomb and X-Ray's share to X-Ray, none of the health checks", async () => {
    for (let i = 0; i < 150; i++) await fetch(`${base}/api/activities/home`).then((r) => r.text());
    for (let i = 0; i < 30; i++) await fetch(`${base}/api/health`).then((r) => r.text());
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length >= 180);
    expect(spans).toHaveLength(180);
    const inXRay = xrayTraces();
    const healthTraces = new Set(spans.filter((s) => s.attributes['url.path'] === '/api/health').map((s) => s.traceId));
    expect([...inXRay].filter((t) => healthTraces.has(t))).toEqual([]);
    // Before its first quota the rule borrows 1 trace a second, then keeps ~10 % (150 requests: 15 ± a few).
    expect(inXRay.size).toBeGreaterThanOrEqual(5);
    expect(inXRay.size).toBeLessThanOrEqual(60);
    const honeycombTraces = new Set(spans.map((s) => s.traceId));
    expect([...inXRay].every((t) => honeycombTraces.has(t))).toBe(true);
    expect(getSamplingStatus()?.decisions).toEqual({ decided: 180, honeycomb: 180, xray: inXRay.size });
    expect(getSamplingStatus()?.xray.rules.find((r) => r.name === 'health')).toMatchObject({ requests: 30, sampled: 0 });
  });

  it('should answer Sampled=? and Root-only headers with X-Ray\'s decision, and honour Sampled=1 and 0', async () => {
    const asked = await fetch(`${base}/api/health`, { headers: { 'x-amzn-trace-id': `Root=${ROOT};Parent=${PARENT};Sampled=?` } });
    expect(asked.headers.get('x-amzn-trace-id')).toBe(`Root=${ROOT};Sampled=0`); // the health rule keeps nothing
    const alb = await fetch(`${base}/api/activities/home`, { headers: { 'x-amzn-trace-id': 'Root=1-5759e988-000000000000000000000abc' } });
    expect(alb.headers.get('x-amzn-trace-id')).toMatch(/^Root=1-5759e988-000000000000000000000abc;Sampled=[01]$/);
    const decided = await fetch(`${base}/api/health`, { headers: { 'x-amzn-trace-id': `Root=1-5759e988-00000000000000000000000b;Parent=${PARENT};Sampled=1` } });
    expect(decided.headers.get('x-amzn-trace-id')).toBeNull();
    await fetch(`${base}/api/activities/home`, { headers: { 'x-amzn-trace-id': `Root=1-5759e988-00000000000000000000000c;Parent=${PARENT};Sampled=0` } });
    await backends.tracing.forceFlush();
    await backends.honeycomb.waitFor((s) => s.length >= 4);
    const inXRay = xrayTraces();
    expect(inXRay.has(TRACE)).toBe(false);
    expect(inXRay.has('5759e98800000000000000000000000b')).toBe(true); // upstream said 1: kept despite the health rule
    expect(inXRay.has('5759e98800000000000000000000000c')).toBe(false); // upstream said 0
    expect(inXRay.has('5759e988000000000000000000000abc')).toBe(alb.headers.get('x-amzn-trace-id')!.endsWith('Sampled=1'));
    expect(backends.honeycomb.spans.map((s) => s.traceId)).toEqual(expect.arrayContaining([TRACE, '5759e98800000000000000000000000b', '5759e98800000000000000000000000c']));
  });

  it('should honour Sampled=1 and 0 on a header with a Root and no Parent (the developer guide\'s first form)', async () => {
    // "X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1": a decision made before any segment.
    const kept = await fetch(`${base}/api/health`, { headers: { 'x-amzn-trace-id': 'Root=1-5759e988-00000000000000000000000d;Sampled=1' } });
    expect(kept.headers.get('x-amzn-trace-id')).toBeNull(); // decided upstream: nothing to answer
    await fetch(`${base}/api/activities/home`, { headers: { 'x-amzn-trace-id': 'Root=1-5759e988-00000000000000000000000e;Sampled=0' } });
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length >= 2);
    expect(spans.map((s) => s.traceId).sort()).toEqual(['5759e98800000000000000000000000d', '5759e98800000000000000000000000e']);
    await backends.xray.waitFor(1);
    const inXRay = xrayTraces();
    expect(inXRay.has('5759e98800000000000000000000000d')).toBe(true); // despite the health rule, which keeps nothing
    expect(inXRay.has('5759e98800000000000000000000000e')).toBe(false);
  });

  it("should tell the next service X-Ray's decision in X-Amzn-Trace-Id and tracestate, and recording in traceparent", async () => {
    // Upstream says X-Ray keeps it: the call downstream carries Sampled=1 and no dt entry (both backends keep it).
    await fetch(`${base}/api/call`, { headers: { 'x-amzn-trace-id': `Root=${ROOT};Parent=${PARENT};Sampled=1` } });
    // Upstream says X-Ray does not: Sampled=0, but recorded (Honeycomb keeps it), and dt says which.
    await fetch(`${base}/api/call`, { headers: { 'x-amzn-trace-id': `Root=1-5759e988-00000000000000000000000c;Parent=${PARENT};Sampled=0` } });
    expect(received).toHaveLength(2);
    expect(received[0]!['x-amzn-trace-id']).toMatch(new RegExp(`^Root=${ROOT};Parent=[0-9a-f]{16};Sampled=1$`));
    expect(received[0]!.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(received[0]!.tracestate).toBeUndefined();
    expect(received[1]!['x-amzn-trace-id']).toMatch(/;Sampled=0$/);
    expect(received[1]!.traceparent).toMatch(/-01$/);
    expect(received[1]!.tracestate).toBe('dt=x0h1');
  });
});
