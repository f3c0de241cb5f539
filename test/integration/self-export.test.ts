/**
 * A traced process that receives dualtrace's exports (an OTLP relay or sink written in Node, two services exporting to
 * each other, `dualtrace dev` under `--import dualtrace/register`) must not trace those receptions: each would be a
 * span, exported again, received again, for ever. Here the receivers are real servers in the traced process itself,
 * zero-code server tracing is on, and what arrives is decoded for real.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DualtraceOptions } from '../../src';
import { VERSION } from '../../src/version';
import { useBackends } from '../helpers/backends';
import { OtlpSink } from '../helpers/otlp-sink';
import { startFakeXRayDaemon, type FakeXRayDaemon } from '../helpers/fake-xray-daemon';
import { until } from '../reliability/support';

const SERVER = 2; // OTLP's SPAN_KIND_SERVER

/** AWS's documentation example key pair: SigV4 signs with it, nobody checks it here. */
const AWS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_EC2_METADATA_DISABLED: 'true' };

/** One GET to a server in this process, from outside any span (so the call itself is not traced). */
function get(server: Server, path: string): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('a traced process that receives its own exports (zero-code server tracing on)', () => {
  const backends = useBackends({ instrumentation: { server: true } });
  let app: Server;
  let other: OtlpSink;
  const saved: Partial<Record<string, string>> = {};
  beforeEach(async () => {
    app = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await once(app, 'listening');
    other = await new OtlpSink().start();
    for (const [name, value] of Object.entries(AWS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(async () => {
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await other.close();
    for (const name of Object.keys(AWS)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  // Every path through dualtrace's OTLP transport: Honeycomb, X-Ray over OTLP (SigV4-signed) beside it, a collector.
  // A `user-agent` among the configured headers does not replace dualtrace's.
  const modes: [string, () => DualtraceOptions, () => OtlpSink[]][] = [
    ['Honeycomb and the X-Ray daemon', () => ({ honeycomb: { headers: { 'user-agent': 'my-relay/1.0' } } }), () => [backends.honeycomb]],
    [
      'Honeycomb and X-Ray over OTLP with SigV4',
      () => ({ xray: { transport: 'otlp', endpoint: other.url, region: 'us-west-2', sigv4: true } }),
      () => [backends.honeycomb, other],
    ],
    ['collector mode', () => ({ collector: { endpoint: other.url, headers: { 'User-Agent': 'my-relay/1.0' } } }), () => [other]],
  ];

  it.each(modes)('%s: should receive only the app spans, and flushes after them send nothing', async (_mode, options, sinks) => {
    const tracing = backends.init(options());
    const receivers = sinks();
    expect(await get(app, '/api/activities/home')).toBe(200);
    expect(await get(app, '/api/activities/@Worf')).toBe(200);
    await tracing.forceFlush();
    for (const sink of receivers) await sink.waitFor((spans) => spans.length >= 2);
    const requests = receivers.map((sink) => sink.requests.length);
    const datagrams = backends.xray.documents.length;

    // Each flush would otherwise send the spans of the previous flush's receptions: one more export, for ever.
    for (let i = 0; i < 4; i++) await tracing.forceFlush();

    for (const sink of receivers) {
      expect(sink.spans.map((s) => [s.name, s.kind, s.attributes['url.path']])).toEqual([
        ['GET', SERVER, '/api/activities/home'],
        ['GET', SERVER, '/api/activities/@Worf'],
      ]);
      expect(new Set(sink.requests.map((r) => r.headers['user-agent']))).toEqual(new Set([`dualtrace/${VERSION}`]));
    }
    expect(receivers.map((sink) => sink.requests.length)).toEqual(requests);
    expect(backends.xray.documents).toHaveLength(datagrams);
    expect(backends.xray.documents.every((d) => !JSON.stringify(d).includes('/v1/traces'))).toBe(true);
  });
});

describe('X-Ray sampling polls answered by a server in the traced process', () => {
  const backends = useBackends({ instrumentation: { server: true } });
  let daemon: FakeXRayDaemon;
  beforeEach(async () => {
    daemon = await startFakeXRayDaemon();
  });
  afterEach(() => daemon.close());

  it('should not become spans', async () => {
    const tracing = backends.init({ xray: { sampling: 'centralized', samplingEndpoint: daemon.url } });
    // The rules are asked for at start; a statistics report follows a decision.
    await until(() => daemon.ruleRequests.length > 0);
    tracing.tracer.startSpan('work').end();
    await tracing.forceFlush();
    await tracing.forceFlush();
    await backends.honeycomb.waitFor((spans) => spans.length >= 1);
    expect(daemon.ruleRequests.length).toBeGreaterThan(0);
    expect(backends.honeycomb.spans.map((s) => s.name)).toEqual(['work']);
  });
});
