/**
 * `dualtrace dev` in a traced process: started from a shell whose NODE_OPTIONS has `--import dualtrace/register` and
 * whose environment points tracing at the viewer, or beside an app in one process (the demo). Zero-code server
 * tracing is on here, and the process exports to the viewer it hosts: the viewer must show the app's traces only, not
 * its own receptions, sampling answers and page loads, each of which would otherwise come back as a new trace.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTracing, type Tracing } from '../../src';
import { startDevServer, type DevServer } from '../../src/dev/server/dev-server';
import { until } from '../reliability/support';

/** One GET from outside any span (so the call itself is not traced); resolves with the status. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('dualtrace dev in a traced process that exports to it', () => {
  let dev: DevServer;
  let tracing: Tracing;
  let app: Server;
  let appUrl: string;

  beforeAll(async () => {
    dev = await startDevServer({ otlpPort: 0, xrayPort: 0, uiPort: 0 });
    tracing = initTracing({
      service: 'backend-flask',
      dev: true,
      honeycomb: { endpoint: dev.urls.otlp },
      // Centralized sampling asks the viewer's sampling API, as an app pointed at it does.
      xray: { daemonAddress: dev.urls.daemonAddress, sampling: 'centralized', samplingEndpoint: `http://${dev.urls.daemonAddress}` },
      flushOnExit: false,
      logLevel: 'none',
      instrumentation: { server: true },
    });
    app = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await once(app, 'listening');
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await tracing?.shutdown();
    app?.closeAllConnections();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await dev?.close();
  });

  it("should show the app's trace only: no trace of what the viewer receives, answers or serves", async () => {
    expect(await get(`${appUrl}/api/activities/home`)).toBe(200);
    await tracing.forceFlush();
    await until(() => dev.store.entries()[0]?.datagrams.length === 1); // the X-Ray side, over UDP
    const [first] = dev.store.entries();
    expect(dev.store.size).toBe(1);

    // The browser's part: the page, the status, the list and the trace, reloaded on every change the viewer announces.
    for (const path of ['/', '/api/status', '/api/traces', `/api/traces/${first!.traceId}`]) expect(await get(`${dev.urls.ui}${path}`)).toBe(200);
    for (let i = 0; i < 4; i++) await tracing.forceFlush();

    expect(dev.status().sampling.rulesRequests).toBeGreaterThan(0);
    const traces = dev.store.entries().map((t) => ({
      spans: [...t.spans.values()].map(({ span }) => [span.name, span.attributes.find((a) => a.key === 'url.path')?.value]),
      datagrams: t.datagrams.length,
    }));
    expect(traces).toEqual([{ spans: [['GET', { stringValue: '/api/activities/home' }]], datagrams: 1 }]);
  });
});
