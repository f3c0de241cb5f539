import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../version';
import { createServerSpans } from './server-span';

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

function nodeRequest(url: string, headers: Record<string, string | string[]> = {}, method = 'GET'): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.url = url;
  req.method = method;
  req.httpVersion = '1.1';
  req.headers = { host: 'example.com:8080', ...headers };
  return req;
}

describe('createServerSpans', () => {
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    context.disable();
    propagation.disable();
  });
  beforeEach(() => exporter.reset());

  it('should start a SERVER span with the request attributes and end it once', () => {
    const spans = createServerSpans('test', { tracerProvider, captureRequestHeaders: ['X-Id'] });
    const s = spans.startNode(nodeRequest('/a?b=1&password=x', { 'x-id': ['1', '2'], 'user-agent': 'ua' }))!;
    s.setRoute('/a');
    s.end(204);
    s.end(500);
    const [span, ...rest] = exporter.getFinishedSpans();
    expect(rest).toEqual([]);
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.name).toBe('GET /a');
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET', 'url.path': '/a', 'url.query': 'b=1&password=REDACTED', 'http.route': '/a',
      'server.address': 'example.com', 'server.port': 8080, 'user_agent.original': 'ua', 'http.request.header.x-id': ['1', '2'],
      'http.response.status_code': 204, 'network.protocol.version': '1.1',
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('should make the span active inside run and parent it on an extracted traceparent', () => {
    const spans = createServerSpans('test', { tracerProvider });
    const s = spans.startNode(nodeRequest('/', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }))!;
    const active = s.run((x: number) => (trace.getActiveSpan() === s.span ? x : -1), undefined, 7);
    s.end(200);
    expect(active).toBe(7);
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('should record an error once, ignore 4xx errors, and survive an error whose getters throw', () => {
    const spans = createServerSpans('test', { tracerProvider });
    const client = spans.startNode(nodeRequest('/'))!;
    client.recordError(new Error('not found'), 404);
    client.end(404);
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', { get: () => { throw new Error('getter'); } });
    const server = spans.startNode(nodeRequest('/'))!;
    expect(() => server.recordError(hostile)).not.toThrow();
    server.recordError(new TypeError('second'));
    server.end(500);
    const [a, b] = exporter.getFinishedSpans();
    expect(a!.status.code).toBe(SpanStatusCode.UNSET);
    expect(a!.events).toEqual([]);
    expect(b!.events.filter((e) => e.name === 'exception').length).toBeLessThanOrEqual(1);
    expect(b!.status.code).toBe(SpanStatusCode.ERROR);
    expect(b!.attributes['http.response.status_code']).toBe(500);
  });

  it('should serve untraced when the propagator or spanName throws, and skip ignored paths', () => {
    const broken: TextMapPropagator = { inject() {}, extract() { throw new Error('broken'); }, fields: () => [] };
    propagation.disable();
    propagation.setGlobalPropagator(broken);
    try {
      expect(createServerSpans('test', { tracerProvider }).startNode(nodeRequest('/'))).toBeUndefined();
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
    const spans = createServerSpans('test', { tracerProvider, ignorePaths: ['/healthz'], spanName: () => { throw new Error('no'); } });
    expect(spans.startNode(nodeRequest('/healthz?x=1'))).toBeUndefined();
    const s = spans.startNode(nodeRequest('/x', {}, 'PROPFIND'))!;
    s.end(200);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('PROPFIND');
    expect(span!.attributes).toMatchObject({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PROPFIND' });
  });

  it('should read a Fetch Request, without credentials from its URL', () => {
    const spans = createServerSpans('test', { tracerProvider });
    const s = spans.startFetch(new Request('https://api.example.com/items/1?sig=abc', { headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } }), '/items/:id')!;
    s.end(200);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('GET /items/:id');
    expect(span!.attributes).toMatchObject({ 'url.scheme': 'https', 'server.address': 'api.example.com', 'url.query': 'sig=REDACTED', 'client.address': '203.0.113.9' });
  });

  it("should leave dualtrace's own requests (user-agent dualtrace/…) untraced, Node and Fetch alike", () => {
    const spans = createServerSpans('test', { tracerProvider });
    const own = { 'user-agent': `dualtrace/${VERSION}` };
    expect(spans.startNode(nodeRequest('/v1/traces', own, 'POST'))).toBeUndefined();
    expect(spans.startNode(nodeRequest('/GetSamplingRules', { 'user-agent': 'dualtrace/0.0.1' }, 'POST'))).toBeUndefined();
    expect(spans.startFetch(new Request('http://127.0.0.1:4318/v1/traces', { method: 'POST', headers: own }))).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);

    // Anything else is traced: another exporter's agent, a name that merely contains dualtrace, none at all.
    for (const agent of ['OTel-OTLP-Exporter-JavaScript/0.57.0', 'curl/8.5.0 dualtrace/0.1.0', 'Dualtrace/0.1.0']) {
      spans.startNode(nodeRequest('/v1/traces', { 'user-agent': agent }, 'POST'))!.end(200);
      spans.startFetch(new Request('http://127.0.0.1:4318/v1/traces', { method: 'POST', headers: { 'user-agent': agent } }))!.end(200);
    }
    spans.startNode(nodeRequest('/v1/traces', {}, 'POST'))!.end(200);
    spans.startFetch(new Request('http://127.0.0.1:4318/v1/traces', { method: 'POST' }))!.end(200);
    const finished = exporter.getFinishedSpans();
    expect(finished).toHaveLength(8);
    expect(finished.map((s) => s.attributes['user_agent.original'])).toEqual([
      'OTel-OTLP-Exporter-JavaScript/0.57.0', 'OTel-OTLP-Exporter-JavaScript/0.57.0', 'curl/8.5.0 dualtrace/0.1.0', 'curl/8.5.0 dualtrace/0.1.0',
      'Dualtrace/0.1.0', 'Dualtrace/0.1.0', undefined, undefined,
    ]);
  });
});

describe('ignorePaths given as a function that throws', () => {
  it('should trace the request instead of throwing into the app', () => {
    const spans = createServerSpans('test', { ignorePaths: () => { throw new Error('bad predicate'); } });
    expect(() => spans.startFetch(new Request('http://localhost/x'))).not.toThrow();
  });
});
