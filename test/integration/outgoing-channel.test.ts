import { channel } from 'node:diagnostics_channel';
import http, { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outgoingTracer } from '../../src/instrument/client-span';
import { hasRequestCreatedChannel, instrumentHttpClient } from '../../src/instrument/http-client';
import { useBackends } from '../helpers/backends';

describe('node:http through http.client.request.created (the Node ≥ 22.12 path)', () => {
  it('should know which Node versions publish the channel', () => {
    expect(['20.20.2', '22.11.0', '23.1.0'].map((v) => hasRequestCreatedChannel(v))).toEqual([false, false, false]);
    expect(['22.12.0', '23.2.0', '24.0.0', '25.1.0'].map((v) => hasRequestCreatedChannel(v))).toEqual([true, true, true, true]);
  });

  describe('with the channel', () => {
    const backends = useBackends({ service: 'caller', instrumentation: { fetch: false, http: false } }, { init: true });
    let server: Server;
    let received: IncomingHttpHeaders[];
    let disable: () => void;

    beforeEach(async () => {
      received = [];
      server = createServer((req, res) => (received.push(req.headers), res.end('ok')));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      disable();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('should start the span and inject headers from the channel message, without wrapping http.request', async () => {
      const original = http.request;
      disable = instrumentHttpClient({ requireParent: true, tracer: outgoingTracer() }, true);
      expect(http.request).toBe(original);
      const { port } = server.address() as AddressInfo;
      await trace.getTracer('test').startActiveSpan('parent', async (parent) => {
        await new Promise<void>((resolve) => {
          const req = http.request({ host: '127.0.0.1', port, path: '/c' }, (res) => res.resume().on('end', resolve));
          // Node 20 does not publish this channel; Node ≥ 22.12 publishes exactly this from the ClientRequest
          // constructor, before headers are flushed. Publishing it here exercises the same subscriber on this Node.
          if (!hasRequestCreatedChannel()) channel('http.client.request.created').publish({ request: req });
          req.end();
        });
        parent.end();
      });
      await backends.tracing.forceFlush();
      const spans = await backends.honeycomb.waitFor((s) => s.length === 2);
      const client = spans.find((s) => s.name === 'GET')!;
      expect(client.attributes).toMatchObject({ 'url.full': `http://127.0.0.1:${port}/c`, 'http.response.status_code': 200 });
      expect(received[0]!.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
    });
  });
});
