/**
 * Per-backend sampling with the official X-Ray SDK downstream (aws-xray-sdk-core + aws-xray-sdk-express), over real
 * HTTP on 127.0.0.1: a dualtrace service keeps every trace for Honeycomb and ~30 % for X-Ray, and calls an X-Ray SDK
 * service whose own rules would keep everything. The SDK honours the `Sampled=` it receives, so it must record exactly
 * the traces X-Ray kept upstream. Own file: loading the SDK turns on cls-hooked for the whole process.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traced } from '../../src/adapters/http';
import { initTracing } from '../../src/init-tracing';
import type { Tracing } from '../../src/handle';
import { TEST_KEY } from '../helpers/backends';
import { OtlpSink } from '../helpers/otlp-sink';
import { startUdpSink, type UdpSink } from '../helpers/udp-sink';

type XRaySdk = {
  setDaemonAddress(address: string): void;
  setContextMissingStrategy(strategy: string): void;
  middleware: { disableCentralizedSampling(): void; setSamplingRules(rules: object): void };
  setLogger(logger: object): void;
};
type ExpressApp = { use(fn: unknown): void; get(path: string, fn: (req: unknown, res: http.ServerResponse) => void): void; listen(port: number, host: string, cb: () => void): Server };

let udp: UdpSink;
let otlp: OtlpSink;
let tracing: Tracing;
const servers: Server[] = [];
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) => {
    const ready = (): void => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (server.listening) ready();
    else server.once('listening', ready);
  });
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  udp = await startUdpSink();
  otlp = await new OtlpSink().start();
  tracing = initTracing({
    service: 'dualtrace-svc',
    honeycombKey: TEST_KEY,
    honeycomb: { endpoint: otlp.url },
    xray: { daemonAddress: udp.daemonAddress, sampling: 'local', samplingRules: { version: 2, default: { fixed_target: 0, rate: 0.3 } } },
    // The SDK service is a server in this process: zero-code tracing would trace it too (not the sinks: dualtrace's
    // own exports carry its user agent and are never traced).
    instrumentation: { http: true, fetch: false, server: false },
    logLevel: 'none',
    flushOnExit: false,
  });
  const core = (await import('aws-xray-sdk-core')) as unknown as { default?: XRaySdk } & XRaySdk;
  const xray = core.default ?? core;
  xray.setLogger(quiet);
  xray.setDaemonAddress(udp.daemonAddress);
  xray.setContextMissingStrategy('IGNORE_ERROR');
  xray.middleware.disableCentralizedSampling();
  // Left to itself the SDK service would record every request: what it records is what the header told it.
  xray.middleware.setSamplingRules({ version: 2, default: { fixed_target: 100, rate: 1 }, rules: [] });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await tracing?.shutdown();
  await udp?.close();
  await otlp?.close();
});

describe('per-backend sampling with an X-Ray SDK service downstream', () => {
  it('should have the X-Ray SDK service record exactly the traces X-Ray kept, and Honeycomb every trace', async () => {
    const mw = (await import('aws-xray-sdk-express')) as unknown as { default?: { openSegment(n: string): unknown; closeSegment(): unknown } };
    const xrayExpress = (mw.default ?? mw) as { openSegment(n: string): unknown; closeSegment(): unknown };
    const expressModule = 'express4';
    const express = ((await import(expressModule)) as { default: () => ExpressApp }).default;
    const app = express();
    app.use(xrayExpress.openSegment('sdk-downstream'));
    app.get('/d', (_req, res) => void res.end('from sdk'));
    app.use(xrayExpress.closeSegment());
    const sdkUrl = await listen(app.listen(0, '127.0.0.1', () => undefined));
    const ourUrl = await listen(http.createServer(traced(async (_req, res) => res.end(await get(`${sdkUrl}/d`)))).listen(0, '127.0.0.1'));

    const requests = 80;
    for (let i = 0; i < requests; i++) expect(await get(`${ourUrl}/x`)).toBe('from sdk');
    await tracing.forceFlush();
    const spans = await otlp.waitFor((s) => new Set(s.map((x) => x.traceId)).size >= requests);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(requests);

    // Our segments for X-Ray's share; give the SDK's (sent as each request ends) a moment to arrive as well.
    const traceIdsOf = (name: string): Set<string> => new Set(udp.segmentsFlat().filter((s) => s.doc.name === name).map((s) => s.traceId));
    const kept = traceIdsOf('dualtrace-svc');
    await udp.waitFor((docs) => docs.filter((d) => d.name === 'sdk-downstream').length >= kept.size, 5_000);
    expect(kept.size).toBeGreaterThanOrEqual(8);
    expect(kept.size).toBeLessThanOrEqual(45);
    expect([...traceIdsOf('sdk-downstream')].sort()).toEqual([...kept].sort());
  });
});
