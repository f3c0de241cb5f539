import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEY, useBackends } from '../helpers/backends';
import { FIXTURES, runFixture, startServing, type ServingChild } from '../helpers/child';
import type { ReceivedSpan } from '../helpers/otlp-proto';
import { send } from '../fixtures/adapter-harness';

// `node --import dualtrace/register` / `--require` with apps that contain no dualtrace code at all (fixtures/zero-code):
// the BUILT package (`npm test` builds first, or run `npx tsup`), in a child process, as users run it.
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const ROUTED = { get: 'GET /users/:id', post: 'POST /items', boom: 'GET /boom' };
const UNROUTED = { get: 'GET', post: 'POST', boom: 'GET' };
// What each framework exposes publicly for route names (docs/adapters.md#zero-code).
const FRAMEWORKS = [
  ['express', ROUTED],
  ['express4', ROUTED],
  ['fastify', ROUTED],
  ['fastify4', ROUTED],
  ['koa', UNROUTED],
  ['koa2', UNROUTED],
  ['hono', UNROUTED],
  ['http', UNROUTED],
] as const;
const LOADERS = [
  ['--import', 'app.mjs'],
  ['--require', 'app.cjs'],
] as const;
const CASES = FRAMEWORKS.flatMap(([framework, names]) => LOADERS.map(([flag, entry]) => [framework, flag, entry, names] as const));

const TRACE_ID = '5f9b1e2a0123456789abcdef01234567';
const CALLER_SPAN = '1122334455667788';

describe('zero-code server tracing (dualtrace/register, no adapter code)', () => {
  let upstream: Server;
  let upstreamUrl: string;
  const backends = useBackends();
  let app: ServingChild | undefined;

  beforeAll(async () => {
    // The service the apps call: a plain server in this process (nothing here is traced).
    upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"bio":"starship"}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const env = (): Record<string, string> => ({
    OTEL_SERVICE_NAME: 'zero-code-app',
    HONEYCOMB_API_KEY: TEST_KEY,
    HONEYCOMB_API_ENDPOINT: backends.honeycomb.url,
    AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress,
    UPSTREAM: upstreamUrl,
  });

  it.each(CASES)('should trace %s under `node %s dualtrace/register %s` to both backends', async (framework, flag, entry, names) => {
    app = await startServing([flag, 'dualtrace/register', `${FIXTURES}zero-code/${entry}`, framework], env());
    const base = `http://127.0.0.1:${app.port}`;
    expect((await send(base, '/users/42', { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` })).status).toBe(200);
    const posted = await send(base, '/items', { 'content-type': 'application/json' }, 'POST', '{"name":"tea"}');
    expect(JSON.parse(posted.body)).toEqual({ name: 'tea' });
    expect((await send(base, '/boom')).status).toBe(500);
    const { code, signal } = await app.stop(); // SIGTERM: dualtrace flushes both backends, then the process ends by it
    expect(code === 0 || signal === 'SIGTERM', app.output()).toBe(true);
    expect(app.output()).not.toContain(TEST_KEY);

    const spans = await backends.honeycomb.waitFor((all) => all.filter((s) => s.kind === SERVER).length >= 3);
    const servers = spans.filter((s) => s.kind === SERVER);
    const byPath = (path: string): ReceivedSpan => servers.find((s) => s.attributes['url.path'] === path)!;
    const get = byPath('/users/42');
    const post = byPath('/items');
    const boom = byPath('/boom');
    expect([get.name, post.name, boom.name]).toEqual([names.get, names.post, names.boom]);
    expect(get.resource['service.name']).toBe('zero-code-app');
    expect(get).toMatchObject({ traceId: TRACE_ID, parentSpanId: CALLER_SPAN, scope: 'dualtrace/server' });
    expect(get.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'server.address': '4567-abc.ws-us89.gitpod.io' });
    expect(boom.status.code).toBe(ERROR);
    expect(boom.attributes['http.response.status_code']).toBe(500);
    if (framework.startsWith('fastify')) expect(boom.events.map((e) => e.name)).toContain('exception');

    // The handlers' outgoing calls are CLIENT spans under their request's SERVER span, before and after body parsing.
    for (const server of [get, post]) {
      const client = spans.find((s) => s.kind === CLIENT && s.parentSpanId === server.spanId);
      expect(client, `${server.name}: no CLIENT child`).toMatchObject({ traceId: server.traceId, name: 'GET' });
    }

    // The same spans reach X-Ray: the request's segment, and the call as a subsegment of it.
    const client = spans.find((s) => s.kind === CLIENT && s.parentSpanId === get.spanId)!;
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().some((s) => s.id === client.spanId));
    const docs = backends.xray.segmentsFlat();
    const segment = docs.find((s) => s.id === get.spanId)!;
    expect(segment.traceId).toBe(`1-${TRACE_ID.slice(0, 8)}-${TRACE_ID.slice(8)}`);
    expect(segment.doc).toMatchObject({ name: 'zero-code-app', http: { request: { method: 'GET' }, response: { status: 200 } } });
    expect(docs.find((s) => s.id === client.spanId)!.parentId).toBe(get.spanId);
  });

  it.each([
    ...FRAMEWORKS.filter(([f]) => !f.endsWith('4') && f !== 'koa2').map(([f]) => [f, 'app.mjs'] as const),
    ...(['express', 'fastify', 'koa', 'hono', 'http'] as const).map((f) => [f, 'with-adapters.mjs'] as const),
  ])("should answer X-Ray's Sampled=? and Root-only headers with the decision (%s, %s)", async (framework, entry) => {
    app = await startServing(['--import', 'dualtrace/register', `${FIXTURES}zero-code/${entry}`, framework], env());
    const base = `http://127.0.0.1:${app.port}`;
    const root = `1-${TRACE_ID.slice(0, 8)}-${TRACE_ID.slice(8)}`;
    const alb = await send(base, '/users/9', { 'x-amzn-trace-id': `Root=${root}` });
    expect(alb.status).toBe(200);
    expect(alb.headers['x-amzn-trace-id']).toMatch(new RegExp(`^Root=${root};Sampled=[01]$`));
    const asked = await send(base, '/users/9', { 'x-amzn-trace-id': `Root=${root};Parent=${CALLER_SPAN};Sampled=?` });
    expect(asked.headers['x-amzn-trace-id']).toMatch(new RegExp(`^Root=${root};Sampled=[01]$`));
    const decided = await send(base, '/users/9', { 'x-amzn-trace-id': `Root=${root};Parent=${CALLER_SPAN};Sampled=1` });
    expect(decided.status).toBe(200);
    expect(decided.headers['x-amzn-trace-id']).toBeUndefined(); // the caller decided: nothing to answer
  });

  it.each([
    ['express', 'GET /boom'],
    ['fastify', 'GET /boom'],
    ['koa', 'GET /boom'],
    ['hono', 'GET /boom'],
    ['http', 'GET /users/:id'],
  ])('should keep one span per request when the %s adapter is added on top, with its options', async (framework, boomName) => {
    app = await startServing(['--import', 'dualtrace/register', `${FIXTURES}zero-code/with-adapters.mjs`, framework], env());
    const base = `http://127.0.0.1:${app.port}`;
    expect((await send(base, '/users/7', { 'x-request-id': 'r-7' })).status).toBe(200);
    expect((await send(base, '/healthz')).status).toBe(200);
    expect((await send(base, '/boom')).status).toBe(500);
    await app.stop();

    const spans = await backends.honeycomb.waitFor((all) => all.filter((s) => s.kind === SERVER).length >= 2);
    const servers = spans.filter((s) => s.kind === SERVER);
    expect(servers.map((s) => s.attributes['url.path']).sort()).toEqual(['/boom', '/users/7']); // one each; no /healthz
    const get = servers.find((s) => s.attributes['url.path'] === '/users/7')!;
    expect(get.name).toBe('GET /users/:id');
    expect(get.attributes['http.request.header.x-request-id']).toEqual(['r-7']);
    expect(spans.find((s) => s.kind === CLIENT)!.parentSpanId).toBe(get.spanId);
    const boom = servers.find((s) => s.attributes['url.path'] === '/boom')!;
    expect(boom).toMatchObject({ name: boomName, status: { code: ERROR } });
    if (framework !== 'http') expect(boom.events.map((e) => e.name)).toContain('exception');
  });
  it('should trace a node:https server the same way', async () => {
    app = await startServing(['--import', 'dualtrace/register', `${FIXTURES}zero-code/https.mjs`], env());
    const ca = readFileSync(`${FIXTURES}tls/cert.pem`);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet({ host: '127.0.0.1', port: app!.port, path: '/secure?x=1', ca, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toContain('starship');
    await app.stop();
    const spans = await backends.honeycomb.waitFor((all) => all.some((s) => s.kind === CLIENT));
    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server).toMatchObject({ name: 'GET', scope: 'dualtrace/server' });
    expect(server.attributes).toMatchObject({ 'url.scheme': 'https', 'url.path': '/secure', 'http.response.status_code': 200 });
    expect(spans.find((s) => s.kind === CLIENT)!.parentSpanId).toBe(server.spanId);
  });

  it('should put emit back on shutdown, and pass through when another wrapper sits on top of it', async () => {
    const { code, stdout, stderr } = await runFixture('zero-code/emit-wrappers.mjs', {});
    expect(code, stderr).toBe(0);
    const steps = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const row = (step: string) => steps.find((s) => s.step === step);
    // Upgrades pass through untouched in every step: no span.
    expect(steps.filter((s) => 'upgrade' in s).every((s) => s.upgrade === 'none')).toBe(true);
    expect(row('untraced')).toMatchObject({ handler: 'none', ownEmit: false });
    expect(row('traced')).toMatchObject({ handler: 'span', ownEmit: true });
    expect(row('after shutdown')).toMatchObject({ handler: 'none', ownEmit: false }); // the prototype is as it was
    expect(row('wrapped over')).toMatchObject({ handler: 'span', wrapperSaw: 1 });
    expect(row('shutdown under a wrapper')).toMatchObject({ handler: 'none', wrapperSaw: 1 }); // theirs stays, ours passes through
    expect(row('traced again')).toMatchObject({ handler: 'span', wrapperSaw: 1 });
    expect(row('shutdown again')).toMatchObject({ handler: 'none', wrapperSaw: 1 });
    expect(row('traced over a wrapper')).toMatchObject({ handler: 'span', wrapperSaw: 1 });
    expect(row('shutdown over a wrapper')).toMatchObject({ handler: 'none', wrapperSaw: 1 });
    expect(row('restored')).toEqual({ step: 'restored', same: true });
  });

  it('should hand a request emitted by hand with stand-in objects to the listener, never throw', async () => {
    const { code, stdout, stderr } = await runFixture('zero-code/hand-emitted.mjs', {});
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      received: [['/plain', 'object'], ['/none', 'no response'], [null, 'no response']],
      errors: [],
    });
  });

  // Node runs a request's stream events (and the response's) from the socket, outside the context the request was
  // emitted in: work done in those callbacks must still belong to the request's span.
  it('should keep the span active in the request and response event callbacks', async () => {
    app = await startServing(['--import', 'dualtrace/register', `${FIXTURES}zero-code/callbacks.mjs`], env());
    const base = `http://127.0.0.1:${app.port}`;
    expect((await send(base, '/echo', { 'content-type': 'text/plain' }, 'POST', 'tea')).body).toBe('tea');
    expect(await postInTwoWrites(app.port, '/echo', 'coffee')).toContain('coffee'); // the body comes after the headers
    expect((await send(base, '/audit')).status).toBe(200);
    // The audit call starts after the response: stopping before it has its answer would race its span's end.
    await waitForOutput(app, 'audit done');
    await app.stop();

    const spans = await backends.honeycomb.waitFor((all) => all.filter((s) => s.kind === CLIENT).length >= 3);
    const servers = spans.filter((s) => s.kind === SERVER);
    expect(servers).toHaveLength(3);
    for (const server of servers) {
      const client = spans.find((s) => s.kind === CLIENT && s.parentSpanId === server.spanId);
      expect(client, `${server.attributes['url.path']}: no CLIENT child`).toMatchObject({ traceId: server.traceId });
    }
  });

  it.each([
    ['http', 'app.mjs', 'http'],
    ['express', 'app.mjs', 'express'],
    ['express with its adapter', 'with-adapters.mjs', 'express'],
    ['fastify with its adapter', 'with-adapters.mjs', 'fastify'],
  ])('should answer an X-Amzn-Trace-Id that asks for a decision (%s)', async (_name, entry, framework) => {
    app = await startServing(['--import', 'dualtrace/register', `${FIXTURES}zero-code/${entry}`, framework], { ...env(), DUALTRACE_XRAY_SAMPLING: 'all' });
    const root = '1-5f9b1e2a-0123456789abcdef01234567';
    const reply = await send(`http://127.0.0.1:${app.port}`, '/users/1', { 'x-amzn-trace-id': `Root=${root}` });
    expect(reply.headers['x-amzn-trace-id']).toBe(`Root=${root};Sampled=1`);
    const decided = await send(`http://127.0.0.1:${app.port}`, '/users/1', { 'x-amzn-trace-id': `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1` });
    expect(decided.headers['x-amzn-trace-id']).toBeUndefined(); // the caller decided: nothing to answer
  });
});

/** A POST whose body is written after its headers, in a second write, as a slow client sends it. */
function postInTwoWrites(port: number, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      setTimeout(() => socket.write(body), 50);
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Resolves once the child has printed `text` (the fixture says when its own background work is over). */
async function waitForOutput(child: { output: () => string }, text: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!child.output().includes(text)) {
    if (Date.now() > until) throw new Error(`the child did not print "${text}" within ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
