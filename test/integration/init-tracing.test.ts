import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { diag, DiagLogLevel, propagation, SpanKind, trace, type DiagLogger, type ProxyTracerProvider } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initTracing } from '../../src/init-tracing';
import type { Tracing } from '../../src/handle';
import { TEST_KEY as KEY, useBackends } from '../helpers/backends';

const CLASSIC_KEY = '0123456789abcdef0123456789abcdef';

/** Captures everything dualtrace logs through OTel's diag. */
function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: push, verbose: push };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return lines;
}

describe('initTracing', () => {
  let logs: string[];
  let rejections: unknown[];
  const onRejection = (reason: unknown) => rejections.push(reason);

  // Registered before useBackends, so they run around it: the log and the rejection check cover the shutdown too.
  beforeEach(() => {
    logs = captureDiag();
    rejections = [];
    process.on('unhandledRejection', onRejection);
  });
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
    diag.disable();
    expect(rejections).toEqual([]);
  });
  const backends = useBackends();

  it('should send the same trace to Honeycomb and to X-Ray', async () => {
    backends.init({ xrayUrl: '*4567-abc.ws-us89.gitpod.io*' });
    const tracer = trace.getTracer('app');
    tracer.startActiveSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: { 'server.address': '4567-abc.ws-us89.gitpod.io' } }, (server) => {
      tracer.startActiveSpan('db', (child) => child.end());
      server.end();
    });
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 2);
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length >= 2);
    const xray = backends.xray.segmentsFlat();
    const traceId = spans[0]!.traceId;
    expect(xray.map((s) => s.traceId)).toEqual([`1-${traceId.slice(0, 8)}-${traceId.slice(8)}`, `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`]);
    expect(new Set(xray.map((s) => s.id))).toEqual(new Set(spans.map((s) => s.spanId)));
    expect(xray.find((s) => !s.nested)?.doc.name).toBe('4567-abc.ws-us89.gitpod.io');
  });

  it('should deliver every span to both backends with the three options and the environment (the README set-up)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { HONEYCOMB_API_ENDPOINT: backends.honeycomb.url, AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress, OTEL_LOG_LEVEL: 'none', DUALTRACE_FLUSH_ON_EXIT: 'false', DUALTRACE_XRAY_SAMPLING: 'all', DUALTRACE_INSTRUMENT_SERVER: 'false' });
    let tracing: Tracing;
    try {
      tracing = initTracing({ service: 'backend-flask', xrayUrl: '*4567-abc.ws-us89.gitpod.io*', honeycombKey: KEY });
    } finally {
      process.env = saved;
    }
    const tracer = trace.getTracer('app');
    for (let i = 0; i < 20; i++) {
      tracer.startActiveSpan(`request ${i}`, { kind: SpanKind.SERVER, attributes: { 'server.address': '4567-abc.ws-us89.gitpod.io' } }, (span) => {
        tracer.startSpan('child').end();
        span.end();
      });
    }
    await tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 40);
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length === 40);
    const xrayIds = new Set(backends.xray.segmentsFlat().map((s) => `${s.traceId}/${s.id}`));
    for (const span of spans) expect(xrayIds.has(`1-${span.traceId.slice(0, 8)}-${span.traceId.slice(8)}/${span.spanId}`)).toBe(true);
    expect(backends.xray.rejected).toEqual([]);
    expect(Math.max(...backends.xray.sizes)).toBeLessThanOrEqual(64_000);
  });

  it('should send x-honeycomb-dataset for a classic key only', async () => {
    backends.init({ honeycombKey: CLASSIC_KEY, honeycomb: { dataset: 'backend' } });
    trace.getTracer('app').startSpan('classic').end();
    await backends.tracing.forceFlush();
    await backends.honeycomb.waitFor((s) => s.length === 1);
    expect(backends.honeycomb.requests[0]!.headers['x-honeycomb-team']).toBe(CLASSIC_KEY);
    expect(backends.honeycomb.requests[0]!.headers['x-honeycomb-dataset']).toBe('backend');
  });

  it('should return the first handle on a second call and warn once', () => {
    const first = backends.init();
    expect(initTracing({ service: 'other' })).toBe(first);
    expect(initTracing()).toBe(first);
    expect(logs.filter((l) => l.includes('initTracing was called again'))).toHaveLength(1);
  });

  it('should give a no-op handle and register nothing when disabled', async () => {
    const handle = initTracing({ disabled: true, honeycombKey: KEY });
    expect(handle.enabled).toBe(false);
    handle.tracer.startSpan('nothing').end();
    trace.getTracer('app').startSpan('nothing either').end();
    await handle.forceFlush();
    await handle.shutdown();
    expect(backends.honeycomb.requests).toHaveLength(0);
    expect(trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
    expect(handle.config.honeycomb.apiKey).toBe('hcxi…');
  });

  it('should finish shutdown within its bound while Honeycomb hangs', async () => {
    backends.honeycomb.respond = () => 'hang';
    backends.init({ shutdownTimeoutMillis: 300 });
    trace.getTracer('app').startSpan('hanging').end();
    const started = Date.now();
    await backends.tracing.shutdown();
    expect(Date.now() - started).toBeLessThan(2000);
    await backends.tracing.shutdown(); // idempotent
  });

  it('should log a rejected key once, clearly, without the key', async () => {
    backends.honeycomb.respond = () => 401;
    backends.init();
    for (let i = 0; i < 3; i++) {
      trace.getTracer('app').startSpan(`s${i}`).end();
      await backends.tracing.forceFlush();
    }
    const keyLines = logs.filter((l) => l.includes('rejected the API key'));
    expect(keyLines).toHaveLength(1);
    expect(keyLines[0]).toContain('HONEYCOMB_API_KEY');
    expect(logs.join('\n')).not.toContain(KEY.slice(5));
  });

  it('should keep working, without unhandled rejections, when Honeycomb refuses connections', async () => {
    const closed = await freePort();
    backends.init({ honeycomb: { endpoint: `http://127.0.0.1:${closed}`, timeoutMillis: 500 } });
    for (let i = 0; i < 5; i++) trace.getTracer('app').startSpan(`s${i}`).end();
    await backends.tracing.forceFlush();
    await backends.xray.waitFor(5); // X-Ray still gets every span
    const failures = logs.filter((l) => l.includes('honeycomb: 5 spans lost (ECONNREFUSED)'));
    expect(failures).toHaveLength(1);
  });

  it('should print readable spans with the console option and mask secrets', async () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      backends.init({ console: true });
      trace.getTracer('app').startSpan('GET /x', { attributes: { 'http.request.header.authorization': 'Bearer t0p', 'http.route': '/x' } }).end();
      await backends.tracing.forceFlush();
    } finally {
      process.stdout.write = original;
    }
    const line = written.join('');
    expect(line).toContain('[dualtrace] backend-flask GET /x');
    expect(line).toContain('http.route=/x');
    expect(line).not.toContain('t0p');
  });
});

describe('initTracing: outgoing calls', () => {
  const backends = useBackends();
  let seen: Record<string, string | string[] | undefined>[];
  let server: Server;
  let url: string;

  beforeEach(async () => {
    seen = [];
    server = createHttpServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const callInsideSpan = () =>
    trace.getTracer('app').startActiveSpan('handler', async (span) => {
      await (await fetch(url)).text();
      span.end();
      return span.spanContext();
    });

  it('should trace fetch and inject both trace headers by default', async () => {
    backends.init({ service: 's' });
    const parent = await callInsideSpan();
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 2);
    const client = spans.find((s) => s.kind === 3)!; // OTLP SPAN_KIND_CLIENT
    expect(client.parentSpanId).toBe(parent.spanId);
    expect(seen[0]!.traceparent).toBe(`00-${parent.traceId}-${client.spanId}-01`);
    expect(seen[0]!['x-amzn-trace-id']).toBe(`Root=1-${parent.traceId.slice(0, 8)}-${parent.traceId.slice(8)};Parent=${client.spanId};Sampled=1`);
  });

  it('should leave fetch alone with instrumentation.fetch false, and after shutdown', async () => {
    backends.init({ service: 's', instrumentation: { fetch: false } });
    await callInsideSpan();
    expect(seen[0]!.traceparent).toBeUndefined();
    await backends.tracing.shutdown();
    backends.init({ service: 's' });
    await backends.tracing.shutdown();
    await fetch(url);
    expect(seen[1]!.traceparent).toBeUndefined();
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('initTracing next to another OpenTelemetry SDK', () => {
  const backends = useBackends();

  it('should warn, and leave the other SDK registered after its own shutdown', async () => {
    const other = new BasicTracerProvider();
    const otherPropagator = new W3CTraceContextPropagator();
    expect(trace.setGlobalTracerProvider(other)).toBe(true);
    expect(propagation.setGlobalPropagator(otherPropagator)).toBe(true);
    const lines = captureDiag();
    try {
      const tracing = backends.init();
      expect(lines.some((l) => l.includes('Another OpenTelemetry SDK is already registered'))).toBe(true);
      await tracing.shutdown();
      expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(other);
      expect(propagation.fields()).toEqual(otherPropagator.fields());
    } finally {
      trace.disable();
      propagation.disable();
      diag.disable();
    }
  });
});
