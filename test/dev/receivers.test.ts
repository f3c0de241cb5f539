import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceRequestEncoder } from '../../src/exporters/otlp/trace-request';
import { rulesFromFile } from '../../src/dev/receivers/sampling-rules';
import { startDevServer, type DevServer } from '../../src/dev/server/dev-server';
import { PortInUseError } from '../../src/dev/server/listen';
import { makeSpan, SPAN_ID, TRACE_ID } from '../helpers/otlp-encoder';

const CLASSIC_KEY = '0123456789abcdef0123456789abcdef';
const ENV_KEY = 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c';
const XRAY_TRACE = `1-${TRACE_ID.slice(0, 8)}-${TRACE_ID.slice(8)}`;
const servers: DevServer[] = [];
const start = async (options: Parameters<typeof startDevServer>[0] = {}) => {
  const server = await startDevServer({ otlpPort: 0, xrayPort: 0, uiPort: 0, ...options });
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const post = (url: string, body: Uint8Array | string, headers: Record<string, string>) => fetch(url, { method: 'POST', body, headers });
const sendUdp = (port: number, text: string | Buffer) => new Promise<void>((resolve, reject) => {
  const socket = createSocket('udp4');
  socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, '127.0.0.1', (error) => {
    socket.close();
    if (error) reject(error);
    else resolve();
  });
});
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('OTLP/HTTP receiver (real HTTP on loopback)', () => {
  it('should take protobuf, gzip and JSON bodies and answer as a collector does', async () => {
    const dev = await start();
    const spans = [makeSpan()];
    const proto = new TraceRequestEncoder().encode(spans);
    const r1 = await post(dev.urls.otlpTraces, proto, { 'content-type': 'application/x-protobuf', 'x-honeycomb-team': ENV_KEY });
    expect(r1.status).toBe(200);
    expect(r1.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await r1.arrayBuffer()).byteLength).toBe(0);
    const r2 = await post(dev.urls.otlpTraces, gzipSync(proto), { 'content-type': 'application/protobuf', 'content-encoding': 'gzip' });
    expect(r2.status).toBe(200);
    const r3 = await post(dev.urls.otlpTraces, Buffer.from(JsonTraceSerializer.serializeRequest([makeSpan({ name: 'json span', context: { traceId: TRACE_ID, spanId: 'abcdefabcdefabcd', traceFlags: 1 } })])!), { 'content-type': 'application/json', 'x-honeycomb-team': CLASSIC_KEY, 'x-honeycomb-dataset': 'backend' });
    expect(r3.status).toBe(200);
    expect(await r3.json()).toEqual({});
    const entry = dev.store.get(TRACE_ID)!;
    expect([...entry.spans.values()].map((s) => [s.span.name, s.delivery])).toEqual([
      ['GET /api/activities/home', { keyKind: 'none', encoding: 'protobuf' }], // the gzip resend (no key) replaced the first copy
      ['json span', { keyKind: 'classic', dataset: 'backend', encoding: 'json' }],
    ]);
    expect(JSON.stringify(entry)).not.toContain(ENV_KEY); // only the key's kind is kept
  });

  it('should refuse what it cannot take: 413 above the limit (also once decompressed), 415, 400, 404', async () => {
    const dev = await start({ maxRequestBytes: 1024 });
    const big = new TraceRequestEncoder().encode([makeSpan({ attributes: { blob: 'x'.repeat(5000) } })]);
    expect((await post(dev.urls.otlpTraces, big, { 'content-type': 'application/x-protobuf' })).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(100_000));
    expect(bomb.length).toBeLessThan(1024);
    expect((await post(dev.urls.otlpTraces, bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post(dev.urls.otlpTraces, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const bad = await post(dev.urls.otlpTraces, Buffer.from([0x0a, 0x05, 0x01]), { 'content-type': 'application/x-protobuf' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('truncated');
    expect((await post(dev.urls.otlpTraces, '{"resourceSpans":{}}', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post(`${dev.urls.otlp}/v1/metrics`, '{}', { 'content-type': 'application/json' })).status).toBe(404);
    const preflight = await fetch(dev.urls.otlpTraces, { method: 'OPTIONS' });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(dev.status().otlp).toEqual({ refused: { 413: 2, 415: 1, 400: 2, 404: 1 }, otherSignals: 1 });
  });
});

describe('X-Ray daemon stand-in (real UDP and TCP on one port)', () => {
  it('should file datagrams under their trace with the problems found, and keep the rest apart', async () => {
    const dev = await start();
    const now = Date.now() / 1000;
    await sendUdp(dev.ports.xray, `{"format":"json","version":1}\n${JSON.stringify({ name: 'api', id: SPAN_ID, trace_id: XRAY_TRACE, start_time: now, end_time: now + 1 })}`);
    await sendUdp(dev.ports.xray, `{"format":"json","version":1}\n${JSON.stringify({ name: 'bad', id: 'nothex', trace_id: XRAY_TRACE, type: 'subsegment', start_time: now })}`);
    await sendUdp(dev.ports.xray, 'no header at all');
    await until(() => dev.store.stats.datagrams === 3);
    const entry = dev.store.get(TRACE_ID)!;
    expect(entry.datagrams.map((d) => d.problems.filter((p) => p.severity === 'error').length)).toEqual([0, 3]);
    expect(dev.store.unattributed[0]!.problems[0]!.message).toContain('Missing header');
  });

  it('should answer the sampling API with a permissive default, or with rules from a file', async () => {
    const dev = await start();
    const base = `http://${dev.urls.daemonAddress}`;
    const rules = await (await fetch(`${base}/GetSamplingRules`, { method: 'POST', body: '{}' })).json() as { SamplingRuleRecords: { SamplingRule: { RuleName: string; FixedRate: number } }[] };
    expect(rules.SamplingRuleRecords.map((r) => [r.SamplingRule.RuleName, r.SamplingRule.FixedRate])).toEqual([['Default', 1]]);
    // OpenTelemetry's sampler posts no body at all.
    expect((await fetch(`${base}/GetSamplingRules`, { method: 'POST' })).status).toBe(200);
    const targets = await (await fetch(`${base}/SamplingTargets`, { method: 'POST', body: JSON.stringify({ SamplingStatisticsDocuments: [
      { RuleName: 'Default', ClientID: '0123456789abcdef01234567', Timestamp: 1, RequestCount: 3, SampledCount: 3, BorrowCount: 0 },
      { RuleName: 'gone', ClientID: '0123456789abcdef01234567', Timestamp: 1, RequestCount: 1, SampledCount: 0 },
    ] }) })).json() as { SamplingTargetDocuments: { RuleName: string; FixedRate: number; ReservoirQuotaTTL: number; Interval: number }[]; UnprocessedStatistics: { RuleName: string }[] };
    expect(targets.SamplingTargetDocuments).toMatchObject([{ RuleName: 'Default', FixedRate: 1, Interval: 10 }]);
    expect(targets.SamplingTargetDocuments[0]!.ReservoirQuotaTTL).toBeGreaterThan(Date.now() / 1000);
    expect(targets.UnprocessedStatistics.map((u) => u.RuleName)).toEqual(['gone']);
    expect((await fetch(`${base}/Other`, { method: 'POST' })).status).toBe(404);
    expect(dev.status().sampling).toMatchObject({ rulesRequests: 2, targetsRequests: 1 });

    const local = rulesFromFile({ version: 2, rules: [{ description: 'health', host: '*', http_method: 'GET', url_path: '/health*', fixed_target: 0, rate: 0 }], default: { fixed_target: 1, rate: 0.05 } });
    const fromFile = await start({ samplingRules: local, samplingSource: 'rules.json' });
    const served = await (await fetch(`http://${fromFile.urls.daemonAddress}/GetSamplingRules`, { method: 'POST', body: '{}' })).json() as typeof rules;
    expect(served.SamplingRuleRecords.map((r) => [r.SamplingRule.RuleName, r.SamplingRule.FixedRate])).toEqual([['local-1', 0], ['Default', 0.05]]);
    expect(() => rulesFromFile({ version: 3, default: {} })).toThrow(/version/);
    expect(rulesFromFile({ SamplingRule: { RuleName: 'gitpod', Host: '*gitpod.io*', FixedRate: 1 } })[0]!.SamplingRule.Host).toBe('*gitpod.io*');
  });
});

describe('dev server lifecycle', () => {
  it('should name the port and the flag when a port is taken, and free what it had bound', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startDevServer({ otlpPort: port, xrayPort: 0, uiPort: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toBe(`port ${port} (OTLP/HTTP receiver) is already in use on 127.0.0.1. Stop what is using it, or choose another port with --otlp-port <port>.`);
    } finally {
      blocker.close();
    }
  });

  it('should write nothing unless asked, and replay a --save file with --load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dualtrace-dev-'));
    const file = join(dir, 'traces.jsonl');
    const dev = await start({ save: file });
    await post(dev.urls.otlpTraces, new TraceRequestEncoder().encode([makeSpan()]), { 'content-type': 'application/x-protobuf' });
    await sendUdp(dev.ports.xray, `{"format":"json","version":1}\n${JSON.stringify({ name: 'api', id: SPAN_ID, trace_id: XRAY_TRACE, start_time: 1, annotations: { 'bad key': 1 } })}`);
    await until(() => dev.store.stats.datagrams === 1);
    await dev.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const again = await start({ load: file });
    const entry = again.store.get(TRACE_ID)!;
    expect(entry.spans.size).toBe(1);
    expect(entry.datagrams[0]!.problems.some((p) => p.path === 'annotations.bad key')).toBe(true);
    expect(again.status().loaded).toEqual({ file, lines: 2 });
  });
});
