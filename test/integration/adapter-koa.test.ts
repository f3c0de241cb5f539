import { createServer, get, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { describe, expect, it } from 'vitest';
import Koa3 from 'koa';
import { traced } from '../../src/adapters/http';
import { tracing } from '../../src/adapters/koa';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, loadUser, otlpSpans, send, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';

type KoaClass = typeof Koa3;
// koa2 is an npm alias of koa@2; the middleware API used here is the same.
const Koa2 = createRequire(import.meta.url)('koa2') as KoaClass;

function buildApp(Koa: KoaClass, options: ServerTracingOptions) {
  const app = new Koa();
  app.silent = true; // Koa logs thrown errors to stderr by default.
  app.use(tracing(options));
  const router = new Router();
  router.get('/users/:id', async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    ctx.set('x-response-id', 'r-1');
    ctx.body = loadUser(ctx.params.id!);
  });
  router.get('/fail', (ctx) => {
    ctx.status = 500;
    ctx.body = 'failed';
  });
  router.get('/throw', () => {
    throw new Error('kaboom');
  });
  router.get('/slow/:id', async () => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    throw new Error('too late');
  });
  router.get('/stream', (ctx) => {
    // A body Koa pipes after the middleware settled: three chunks, 40 ms apart.
    ctx.body = Readable.from((async function* () {
      for (const chunk of ['a', 'b', 'c']) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        yield chunk;
      }
    })());
  });
  router.get('/healthz', (ctx) => {
    ctx.body = 'ok';
  });
  router.get('/missing/:id', (ctx) => ctx.throw(404, 'no such thing'));
  const api = new Router({ prefix: '/api' });
  api.get('/items/:item', (ctx) => {
    ctx.body = { item: ctx.params.item };
  });
  app.use(router.routes()).use(api.routes());
  return app;
}

async function listen(Koa: KoaClass, options: ServerTracingOptions, wrapInHttpAdapter = false) {
  const app = buildApp(Koa, options);
  const server: Server = await new Promise((resolve) => {
    const s = wrapInHttpAdapter ? createServer(traced(app.callback())) : createServer(app.callback());
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const [label, Koa] of [['koa 3', Koa3], ['koa 2', Koa2]] as const) {
  describeServerAdapter(label, { start: (options) => listen(Koa, options), routes: true, peer: true });

  describe(`${label}: router specifics`, () => {
    const s = useTracing();

    it('should name spans with the router prefix and leave thrown 4xx errors unmarked', async () => {
      const app = await listen(Koa, {});
      try {
        expect((await send(app.url, '/api/items/3')).status).toBe(200);
        expect((await send(app.url, '/missing/3')).status).toBe(404);
        const spans = await otlpSpans(s, 2);
        const byPath = (p: string) => spans.find((sp) => sp.attributes['url.path'] === p)!;
        expect(byPath('/api/items/3').name).toBe('GET /api/items/:item');
        expect(byPath('/missing/3').name).toBe('GET /missing/:id');
        expect(byPath('/missing/3').attributes['http.response.status_code']).toBe(404);
        expect(byPath('/missing/3').status.code).not.toBe(STATUS_ERROR);
        expect(byPath('/missing/3').events).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it('should keep the route and a later error when the client hangs up before the middleware settles', async () => {
      const app = await listen(Koa, {});
      try {
        await new Promise<void>((resolve) => {
          const req = get(`${app.url}/slow/7`);
          req.on('error', () => resolve());
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 30);
        });
        await new Promise((resolve) => setTimeout(resolve, 250)); // the handler throws at 150 ms
        const [span] = await otlpSpans(s, 1);
        expect(span!.name).toBe('GET /slow/:id');
        expect(span!.attributes['http.route']).toBe('/slow/:id');
        expect(span!.status.code).toBe(STATUS_ERROR);
        expect(span!.events.map((e) => e.name)).toEqual(['exception']);
      } finally {
        await app.close();
      }
    });

    it('should name and mark the dualtrace/http span when Koa runs inside traced(), not start a second one', async () => {
      const app = await listen(Koa, {}, true);
      try {
        expect((await send(app.url, '/api/items/3')).status).toBe(200);
        expect((await send(app.url, '/throw')).status).toBe(500);
        const spans = await otlpSpans(s, 2);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(s.honeycomb.spans.filter((sp) => sp.kind === 2)).toHaveLength(2); // one per request
        const byPath = (p: string) => spans.find((sp) => sp.attributes['url.path'] === p)!;
        expect(byPath('/api/items/3').name).toBe('GET /api/items/:item');
        expect(byPath('/throw').name).toBe('GET /throw');
        expect(byPath('/throw').status.code).toBe(STATUS_ERROR);
        expect(byPath('/throw').events.map((e) => e.name)).toEqual(['exception']);
      } finally {
        await app.close();
      }
    });

    it('should end the span when a streamed body has been sent, not when the middleware settles', async () => {
      const app = await listen(Koa, {});
      try {
        const reply = await send(app.url, '/stream');
        expect(reply.body).toBe('abc');
        const [span] = await otlpSpans(s, 1);
        expect(span!.name).toBe('GET /stream');
        expect(span!.attributes['http.response.status_code']).toBe(200);
        const millis = Number(span!.endTimeUnixNano - span!.startTimeUnixNano) / 1e6;
        expect(millis).toBeGreaterThanOrEqual(100); // three 40 ms waits happen after the handler returned
      } finally {
        await app.close();
      }
    });
  });
}
