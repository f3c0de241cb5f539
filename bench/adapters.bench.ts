/**
 * Per-request cost of each server adapter against the same app untraced. Run: npx vitest bench --run bench/adapters.bench.ts
 *
 * The traced apps use the real `initTracing` provider (100 % sampled) with both exporters doing their real work —
 * OTLP protobuf over HTTP and X-Ray segment documents over UDP — to sinks on loopback that only count, so
 * serialisation and sends are in the measurement, not mocked away.
 *
 * Each iteration is a batch of requests plus a `forceFlush()`: divide by 100 (loopback) or 500 (in-process) for one
 * request. The flush waits for both sinks, so traced times include that round trip: an upper bound on the CPU cost.
 *
 * Drive: Fastify through `inject`, Hono through `app.request`, the fetch wrapper by calling it with a `Request` (all
 * in-process); Express, Koa and node:http over a keep-alive loopback connection (client and server share this
 * process, so those ratios include the client's cost and understate the overhead; compare the µs differences).
 * Target (docs/benchmarks.md, "Targets"): ≤ 20 µs extra CPU per traced request.
 */
import { createServer, request as httpRequest, Agent, type Server, type ServerResponse } from 'node:http';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { bench, describe } from 'vitest';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { initTracing } from '../src/init-tracing';
import { createServerSpans } from '../src/adapters/shared/server-span';
import { tracing as expressTracing } from '../src/adapters/express';
import { traced as fetchTraced } from '../src/adapters/fetch';
import { tracing as fastifyTracing } from '../src/adapters/fastify';
import { tracing as honoTracing } from '../src/adapters/hono';
import { traced as httpTraced } from '../src/adapters/http';
import { tracing as koaTracing } from '../src/adapters/koa';

const OPTIONS = { time: 2000, warmupTime: 300 };
// One bench iteration = a batch of requests, then `forceFlush()` (also in the untraced runs, where it has nothing to
// do): every span's export is inside the timed iteration, none spills into the next bench, and none is dropped. 500
// in-process requests make about one full OTLP batch (512), as in steady state; loopback runs use 100 to get samples.
const IN_PROCESS = 500;
const LOOPBACK = 100;
async function batch(size: number, request: () => unknown): Promise<void> {
  for (let i = 0; i < size; i++) await request();
  await tracing.forceFlush();
}
const HOST = '4567-abc.ws-us89.gitpod.io';
const BODY = JSON.stringify([{ uuid: '68f126b0-1ceb-4a33-88be-d90fa7109eee', handle: 'andrewbrown', message: 'Cloud is fun!' }]);

// Counting-only sinks: an OTLP/HTTP endpoint that drains and answers 200, and a UDP socket that counts datagrams
// (one per traced request here: a lone SERVER span is one segment document).
const counts = { tracedRequests: 0, otlpRequests: 0, udpDatagrams: 0 };
const otlp = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    counts.otlpRequests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => otlp.listen(0, '127.0.0.1', resolve));
const udp = createSocket('udp4').on('message', () => counts.udpDatagrams++);
await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));

const tracing = initTracing({
  service: 'bench',
  honeycombKey: 'hcaik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c',
  xrayUrl: '*4567-abc.ws-us89.gitpod.io*',
  flushOnExit: false,
  logLevel: 'none',
  honeycomb: { endpoint: `http://127.0.0.1:${(otlp.address() as AddressInfo).port}` },
  xray: { daemonAddress: `127.0.0.1:${udp.address().port}`, sampling: 'all' }, // every trace, as before X-Ray sampling
});

// ── over loopback ────────────────────────────────────────────────────────────────────────────────────────────────
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
function get(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent, headers: { host: HOST } }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject).end();
  });
}

function expressApp(traced: boolean) {
  const app = express();
  if (traced) app.use(expressTracing());
  app.get('/api/activities/:id', (_req, res) => {
    if (traced) counts.tracedRequests++;
    res.type('json').send(BODY);
  });
  return createServer(app);
}
function koaApp(traced: boolean) {
  const app = new Koa();
  if (traced) app.use(koaTracing());
  const router = new Router();
  router.get('/api/activities/:id', (ctx) => {
    if (traced) counts.tracedRequests++;
    ctx.type = 'json';
    ctx.body = BODY;
  });
  app.use(router.routes());
  return createServer(app.callback());
}
const plain = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
const plainTraced = (req: IncomingMessage, res: ServerResponse) => (counts.tracedRequests++, plain(req, res));

const ports = {
  express: [await listen(expressApp(false)), await listen(expressApp(true))],
  koa: [await listen(koaApp(false)), await listen(koaApp(true))],
  http: [await listen(createServer(plain)), await listen(createServer(httpTraced(plainTraced)))],
} as const;

// ── in-process ───────────────────────────────────────────────────────────────────────────────────────────────────
async function fastifyApp(traced: boolean) {
  const app = Fastify();
  if (traced) await app.register(fastifyTracing());
  app.get('/api/activities/:id', async (_request, reply) => {
    if (traced) counts.tracedRequests++;
    return reply.type('application/json').send(BODY);
  });
  await app.ready();
  return app;
}
function honoApp(traced: boolean) {
  const app = new Hono();
  if (traced) app.use(honoTracing());
  app.get('/api/activities/:id', (c) => {
    if (traced) counts.tracedRequests++;
    return c.body(BODY, 200, { 'content-type': 'application/json' });
  });
  return app;
}
const fastifyApps = [await fastifyApp(false), await fastifyApp(true)] as const;
const honoApps = [honoApp(false), honoApp(true)] as const;
const fetchHandler = () => new Response(BODY, { headers: { 'content-type': 'application/json' } });
const fetchApps = [fetchHandler, fetchTraced(() => (counts.tracedRequests++, fetchHandler()), { route: '/api/activities/[id]' })] as const;

for (const [name, [untraced, traced]] of Object.entries(ports)) {
  describe(`${name} (loopback)`, () => {
    bench('untraced', () => batch(LOOPBACK, () => get(untraced, '/api/activities/home')), OPTIONS);
    bench('traced', () => batch(LOOPBACK, () => get(traced, '/api/activities/home')), OPTIONS);
  });
}
describe('fastify (inject)', () => {
  for (const [label, app] of [['untraced', fastifyApps[0]], ['traced', fastifyApps[1]]] as const) {
    bench(label, () => batch(IN_PROCESS, () => app.inject({ url: '/api/activities/home', headers: { host: HOST } })), OPTIONS);
  }
});
describe('hono (app.request)', () => {
  for (const [label, app] of [['untraced', honoApps[0]], ['traced', honoApps[1]]] as const) {
    bench(label, () => batch(IN_PROCESS, () => app.request(`http://${HOST}/api/activities/home`)), OPTIONS);
  }
});
describe('fetch (direct call)', () => {
  for (const [label, handler] of [['untraced', fetchApps[0]], ['traced', fetchApps[1]]] as const) {
    bench(label, () => batch(IN_PROCESS, () => handler(new Request(`http://${HOST}/api/activities/home`))), OPTIONS);
  }
});
// What the adapter itself adds over a bare span (extract, ~14 attributes, route rename, status), with a provider that
// has no processors, so export cost is out of this one.
const noExport = new BasicTracerProvider();
const bareTracer = noExport.getTracer('bench');
const serverSpans = createServerSpans('bench', { tracerProvider: noExport });
const incoming = new IncomingMessage(new Socket());
incoming.url = '/api/activities/home?page=2';
incoming.method = 'GET';
incoming.httpVersion = '1.1';
incoming.headers = { host: HOST, 'user-agent': 'Mozilla/5.0', accept: '*/*', 'x-forwarded-for': '203.0.113.9' };
describe('server-span only (no export)', () => {
  bench('bare span: startSpan + setSpan + end', () => {
    const span = bareTracer.startSpan('GET', { kind: SpanKind.SERVER });
    trace.setSpan(context.active(), span);
    span.end();
  }, OPTIONS);
  bench('adapter span: startNode + setRoute + end', () => {
    const span = serverSpans.startNode(incoming)!;
    span.setRoute('/api/activities/:id');
    span.end(200);
  }, OPTIONS);
});
describe('delivery check', () => {
  // Not a measurement: flushes and prints what the sinks received, so a fast run that lost spans shows.
  bench('flush', async () => {
    await tracing.forceFlush();
    await new Promise((resolve) => setTimeout(resolve, 200)); // Let the last datagrams land.
  }, { time: 1, iterations: 1, warmupIterations: 0, teardown: () => console.log(`delivered: ${JSON.stringify(counts)}`) });
});
