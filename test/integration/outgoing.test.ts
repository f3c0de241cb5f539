import http, { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enableOutgoingInstrumentation } from '../../src/instrument';
import { useBackends } from '../helpers/backends';

describe('outgoing instrumentation (fetch and node:http)', () => {
  const backends = useBackends(
    {
      service: 'caller',
      instrumentation: { fetch: false, http: false }, // each test turns on what it tests
    },
    { init: true },
  );
  let server: Server;
  let base: string;
  let received: IncomingHttpHeaders[];
  let disable: () => void;

  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      received.push(req.headers);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/sized') return void res.writeHead(200, { 'content-length': '11' }).end('hello world');
      const status = Number(url.searchParams.get('status') ?? 200);
      res.writeHead(status).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    disable?.();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const inSpan = <T>(fn: () => Promise<T>): Promise<T> => trace.getTracer('test').startActiveSpan('parent', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });

  it('should trace a fetch as a CLIENT span and send traceparent and X-Amzn-Trace-Id', async () => {
    disable = enableOutgoingInstrumentation();
    await inSpan(async () => (await fetch(`${base}/items?id=7&X-Amz-Signature=secret`)).text());
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 2);
    const client = spans.find((s) => s.kind === SpanKind.CLIENT + 1)!; // OTLP kinds are the API's + 1
    const parent = spans.find((s) => s.name === 'parent')!;
    expect(client.name).toBe('GET');
    expect(client.parentSpanId).toBe(parent.spanId);
    expect(client.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${base}/items?id=7&X-Amz-Signature=REDACTED`,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(received[0]!.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
    expect(received[0]!['x-amzn-trace-id']).toBe(`Root=1-${client.traceId.slice(0, 8)}-${client.traceId.slice(8)};Parent=${client.spanId};Sampled=1`);
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length >= 2);
    const sub = backends.xray.segmentsFlat().find((s) => s.id === client.spanId)!;
    expect(sub.doc).toMatchObject({ name: '127.0.0.1', namespace: 'remote', http: { request: { method: 'GET' }, response: { status: 200 } } });
  });

  it("should record the response's Content-Length (http.response.body.size, X-Ray content_length) for fetch and node:http", async () => {
    disable = enableOutgoingInstrumentation();
    await inSpan(async () => {
      await (await fetch(`${base}/sized`)).text();
      await new Promise<void>((resolve, reject) => {
        http.get(`${base}/sized`, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
    });
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 3);
    const clients = spans.filter((s) => s.kind === SpanKind.CLIENT + 1);
    expect(clients.map((c) => c.attributes['http.response.body.size'])).toEqual([11, 11]);
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length >= 3);
    for (const client of clients) {
      const sub = backends.xray.segmentsFlat().find((s) => s.id === client.spanId)!;
      // What the X-Ray SDK's subsegments carry (segment_utils getHttpResponseData: the Content-Length header).
      expect(sub.doc).toMatchObject({ http: { response: { status: 200, content_length: 11 } } });
    }
  });

  it('should replace a trace header the caller set instead of sending two', async () => {
    disable = enableOutgoingInstrumentation({ http: false });
    await inSpan(async () => (await fetch(base, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } })).text());
    expect(received[0]!.traceparent).not.toContain('0af7651916cd43dd8448eb211c80319c');
    expect(String(received[0]!.traceparent).split(',')).toHaveLength(1);
  });

  it('should mark a 500 and a refused connection as errors and still end the spans', async () => {
    disable = enableOutgoingInstrumentation({ http: false });
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await inSpan(async () => {
      await (await fetch(`${base}/?status=503`)).text();
      await fetch(`http://127.0.0.1:${closedPort}/`).catch(() => undefined);
    });
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 3);
    const [unavailable, refused] = spans.filter((s) => s.name === 'GET').sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect(unavailable!.status.code).toBe(SpanStatusCode.ERROR);
    expect(unavailable!.attributes['error.type']).toBe('503');
    expect(refused!.status.code).toBe(SpanStatusCode.ERROR);
    expect(refused!.attributes['error.type']).toBe('ECONNREFUSED');
  });

  it('should not trace calls outside a span by default, nor dualtrace\'s own export traffic', async () => {
    disable = enableOutgoingInstrumentation();
    await (await fetch(base)).text();
    expect(received[0]!.traceparent).toBeUndefined();
    disable();
    disable = enableOutgoingInstrumentation({ requireParent: false });
    trace.getTracer('test').startSpan('only').end();
    await backends.tracing.forceFlush(); // the OTLP POST goes through node:http inside suppressTracing
    await backends.tracing.forceFlush();
    await backends.honeycomb.waitFor((s) => s.length >= 1);
    expect(backends.honeycomb.spans.map((s) => s.name)).toEqual(['only']);
  });

  it('should trace node:http request and get, and restore both on disable', async () => {
    const original = http.request;
    disable = enableOutgoingInstrumentation({ fetch: false });
    await inSpan(async () => {
      await new Promise<void>((resolve) => http.get(`${base}/g`, (res) => res.resume().on('end', resolve)));
      await new Promise<void>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: Number(new URL(base).port), path: '/p', method: 'POST' }, (res) => res.resume().on('end', resolve));
        req.end('body');
      });
    });
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 3);
    const clients = spans.filter((s) => s.kind === SpanKind.CLIENT + 1);
    expect(clients.map((s) => s.name).sort()).toEqual(['GET', 'POST']);
    expect(clients.map((s) => s.attributes['url.full']).sort()).toEqual([`${base}/g`, `${base}/p`]);
    expect(received.map((h) => String(h.traceparent).split('-')[2]).sort()).toEqual(clients.map((s) => s.spanId).sort());
    expect(received.every((h) => typeof h['x-amzn-trace-id'] === 'string')).toBe(true);
    disable();
    expect(http.request).toBe(original);
  });

  it('should be idempotent', async () => {
    disable = enableOutgoingInstrumentation({ fetch: true, http: false });
    enableOutgoingInstrumentation({ fetch: true, http: false });
    await inSpan(async () => (await fetch(base)).text());
    await backends.tracing.forceFlush();
    await backends.honeycomb.waitFor((s) => s.length === 2);
    expect(backends.honeycomb.spans.filter((s) => s.name === 'GET')).toHaveLength(1);
  });
});
