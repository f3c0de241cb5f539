/**
 * Interop with the official X-Ray SDK (aws-xray-sdk-core + aws-xray-sdk-express), over real HTTP on 127.0.0.1, with
 * both sides sending to one UDP sink. Loading the SDK turns on cls-hooked for the whole process, so it lives in its own
 * test file (vitest runs each file in its own forked process).
 *
 *   (a) X-Ray SDK Express service ──HTTP──▶ dualtrace node:http service
 *   (b) dualtrace (SERVER → CLIENT span, propagation.inject) ──HTTP──▶ X-Ray SDK Express service
 *   (c) the same through dualtrace's outgoing node:http instrumentation
 */
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { initTracing } from '../../src/init-tracing';
import type { Tracing } from '../../src/handle';
import { enableOutgoingInstrumentation } from '../../src/instrument';
import { startUdpSink, type FlatSegment, type UdpSink } from '../helpers/udp-sink';

// Loaded after the sink exists; types kept loose on purpose (the SDK is a devDependency used only here).
type XRaySdk = {
  Segment: new (name: string) => { close(): void };
  getNamespace(): { run(fn: () => void): void };
  setSegment(segment: unknown): void;
  setDaemonAddress(address: string): void;
  setContextMissingStrategy(strategy: string): void;
  captureHTTPs<T>(module: T, downstreamXRayEnabled?: boolean): T;
  middleware: { disableCentralizedSampling(): void; setSamplingRules(rules: object): void };
  setLogger(logger: object): void;
};
type Handler = (req: IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void;
type ExpressApp = { use(fn: unknown): void; get(path: string, fn: Handler): void; listen(port: number, host: string, cb: () => void): Server };

let sink: UdpSink;
let tracing: Tracing;
let xray: XRaySdk;
let xrayExpress: { openSegment(name: string): unknown; closeSegment(): unknown };
let express: () => ExpressApp;
const servers: Server[] = [];

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function get(url: string, httpModule: typeof http = http, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    httpModule.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Every document of the trace forms one tree: one root, and every other parent id is a document of the trace. */
function expectOneTree(segments: readonly FlatSegment[], traceId: string): FlatSegment {
  const ofTrace = segments.filter((s) => s.traceId === traceId);
  const ids = new Set(ofTrace.map((s) => s.id));
  const roots = ofTrace.filter((s) => s.parentId === undefined || !ids.has(s.parentId));
  expect(roots.map((r) => r.doc.name)).toHaveLength(1);
  return roots[0]!;
}

beforeAll(async () => {
  sink = await startUdpSink();
  tracing = initTracing({
    service: 'dualtrace-svc',
    honeycomb: { enabled: false },
    xray: { daemonAddress: sink.daemonAddress, sampling: 'all' },
    // (b) injects by hand with propagation.inject; (c) turns the outgoing http instrumentation on itself.
    instrumentation: { http: false, fetch: false, server: false },
  });
  const core = (await import('aws-xray-sdk-core')) as unknown as { default?: XRaySdk } & XRaySdk;
  xray = core.default ?? core;
  xray.setLogger(quiet);
  xray.setDaemonAddress(sink.daemonAddress);
  xray.setContextMissingStrategy('IGNORE_ERROR');
  xray.middleware.disableCentralizedSampling();
  xray.middleware.setSamplingRules({ version: 2, default: { fixed_target: 100, rate: 1 }, rules: [] });
  const mw = (await import('aws-xray-sdk-express')) as unknown as { default?: typeof xrayExpress } & typeof xrayExpress;
  xrayExpress = mw.default ?? mw;
  const expressModule = 'express4'; // Express 4 (npm alias) has no bundled types; the shape used is declared above
  const ex = (await import(expressModule)) as { default: () => ExpressApp };
  express = ex.default;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await tracing?.shutdown();
  await sink?.close();
});

describe('interop with aws-xray-sdk-node', () => {
  it('(a) should continue an X-Ray SDK trace: our segment has its trace id and its subsegment as parent', async () => {
    const dualtraceUrl = await listen(http.createServer((req, res) => {
      const parent = propagation.extract(context.active(), req.headers);
      tracing.tracer.startActiveSpan('GET /b', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } },
        parent, (span) => {
          res.end('from dualtrace');
          span.end();
        });
    }));
    const tracedHttp = xray.captureHTTPs(http, true);
    const app = express();
    app.use(xrayExpress.openSegment('sdk-upstream'));
    app.get('/a', (_req, res, next) => {
      get(`${dualtraceUrl}/b`, tracedHttp).then((body) => res.end(`sdk got: ${body}`), next);
    });
    app.use(xrayExpress.closeSegment());
    const sdkUrl = await listen(app.listen(0, '127.0.0.1', () => undefined));

    expect(await get(`${sdkUrl}/a`)).toBe('sdk got: from dualtrace');
    await tracing.forceFlush();
    await sink.waitFor((docs) => docs.some((d) => d.name === 'sdk-upstream') && docs.some((d) => d.name === 'dualtrace-svc'), 5_000);

    expect(sink.rejected).toEqual([]);
    const flat = sink.segmentsFlat();
    const sdkSegment = flat.find((s) => s.doc.name === 'sdk-upstream')!;
    const sdkCall = flat.find((s) => s.parentId === sdkSegment.id && s.nested)!;
    const ours = flat.find((s) => s.doc.name === 'dualtrace-svc' && s.traceId === sdkSegment.traceId)!;
    expect(sdkCall).toBeDefined();
    expect(ours).toBeDefined();
    expect(ours.parentId).toBe(sdkCall.id);
    expect(ours.doc.type).toBeUndefined();
    expect(expectOneTree(flat, sdkSegment.traceId).id).toBe(sdkSegment.id);
  });

  it('(b) should be continued by an X-Ray SDK service: its segment has our trace id and our CLIENT span as parent', async () => {
    const app = express();
    app.use(xrayExpress.openSegment('sdk-downstream'));
    app.get('/c', (_req, res) => res.end('from sdk'));
    app.use(xrayExpress.closeSegment());
    const sdkUrl = await listen(app.listen(0, '127.0.0.1', () => undefined));

    const tracer = tracing.tracer;
    const ids = await tracer.startActiveSpan('GET /start', { kind: SpanKind.SERVER }, async (server) => {
      const clientIds = await tracer.startActiveSpan('GET', { kind: SpanKind.CLIENT, attributes: {
        'http.request.method': 'GET', 'url.full': `${sdkUrl}/c`, 'server.address': '127.0.0.1' } }, async (client) => {
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        expect(Object.keys(headers).map((h) => h.toLowerCase())).toContain('x-amzn-trace-id');
        expect(await get(`${sdkUrl}/c`, http, headers)).toBe('from sdk');
        client.end();
        return client.spanContext();
      });
      server.end();
      return { client: clientIds, server: trace.getSpan(context.active())!.spanContext() };
    });
    await tracing.forceFlush();
    await sink.waitFor((docs) => docs.some((d) => d.name === 'sdk-downstream') && docs.some((d) => d.id === ids.server.spanId), 5_000);

    const flat = sink.segmentsFlat();
    const xrayTraceId = `1-${ids.client.traceId.slice(0, 8)}-${ids.client.traceId.slice(8)}`;
    const sdkSegment = flat.find((s) => s.doc.name === 'sdk-downstream')!;
    expect(sdkSegment.traceId).toBe(xrayTraceId);
    expect(sdkSegment.parentId).toBe(ids.client.spanId);
    const ourClient = flat.find((s) => s.id === ids.client.spanId)!;
    expect(ourClient.parentId).toBe(ids.server.spanId);
    expect(expectOneTree(flat, xrayTraceId).id).toBe(ids.server.spanId);
  });

  it('(c) should be continued by an X-Ray SDK service through the outgoing http instrumentation', async () => {
    const disable = enableOutgoingInstrumentation({ http: true, fetch: false });
    try {
      const app = express();
      app.use(xrayExpress.openSegment('sdk-downstream-c'));
      app.get('/c', (_req, res) => res.end('from sdk'));
      app.use(xrayExpress.closeSegment());
      const sdkUrl = await listen(app.listen(0, '127.0.0.1', () => undefined));
      const server = await tracing.tracer.startActiveSpan('GET /start-c', { kind: SpanKind.SERVER }, async (span) => {
        expect(await get(`${sdkUrl}/c`)).toBe('from sdk');
        span.end();
        return span.spanContext();
      });
      await tracing.forceFlush();
      await sink.waitFor((docs) => docs.some((d) => d.name === 'sdk-downstream-c') && docs.some((d) => d.id === server.spanId), 5_000);
      const flat = sink.segmentsFlat();
      const sdkSegment = flat.find((s) => s.doc.name === 'sdk-downstream-c')!;
      const parent = flat.find((s) => s.id === sdkSegment.parentId)!;
      expect(parent).toMatchObject({ parentId: server.spanId, nested: true });
      expect(expectOneTree(flat, sdkSegment.traceId).id).toBe(server.spanId);
    } finally {
      disable();
    }
  });

  it('(d) should send a root call (a script) as the X-Ray SDK does: a segment named after the service, the call nested in it', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-length': '5' }).end('hello'));
    const url = await listen(server);
    // The X-Ray SDK: a script opens a segment named after itself and makes the call inside it. (Its URL leaves the
    // port out; dualtrace's keeps it, so the URL is not compared.)
    const tracedHttp = xray.captureHTTPs(http, false);
    await new Promise<void>((resolve, reject) => {
      const segment = new xray.Segment('sdk-script');
      xray.getNamespace().run(() => {
        xray.setSegment(segment);
        get(`${url}/report`, tracedHttp).then(() => {
          segment.close();
          resolve();
        }, reject);
      });
    });
    // dualtrace: a CLIENT span without a parent, as a script's call (or requireParent: false) makes.
    const call = tracing.tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: {
      'http.request.method': 'GET', 'url.full': `${url}/report`, 'server.address': '127.0.0.1',
      'http.response.status_code': 200, 'http.response.body.size': 5 } });
    call.end();
    await tracing.forceFlush();
    const isOurs = (d: Record<string, unknown>): boolean =>
      ((d.subsegments ?? []) as Record<string, unknown>[]).some((sub) => sub.id === call.spanContext().spanId);
    await sink.waitFor((docs) => docs.some((d) => d.name === 'sdk-script') && docs.some(isOurs), 5_000);
    const sdk = sink.documents.find((d) => d.name === 'sdk-script')!;
    const ours = sink.documents.find(isOurs)!;
    expect(ours.name).toBe('dualtrace-svc'); // the service, as the script's segment is named after the script
    const shape = (doc: Record<string, unknown>) => {
      const [sub] = doc.subsegments as Record<string, unknown>[];
      const httpBlock = sub!.http as { request: Record<string, unknown>; response: Record<string, unknown> };
      return { type: doc.type, subsegments: (doc.subsegments as unknown[]).length, sub: { name: sub!.name, namespace: sub!.namespace,
        method: httpBlock.request.method, status: httpBlock.response.status,
        content_length: httpBlock.response.content_length } };
    };
    expect(shape(ours)).toEqual(shape(sdk));
  });
});
