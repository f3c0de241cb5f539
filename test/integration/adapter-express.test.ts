import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import express5 from 'express';
import { errorTracing, tracing } from '../../src/adapters/express';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, loadUser, otlpSpans, send, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';

type ExpressFactory = typeof express5;
// express4 is an npm alias of express@4 (no types of its own); Express 4's API is a subset of what the app uses.
const express4 = createRequire(import.meta.url)('express4') as ExpressFactory;

function buildApp(express: ExpressFactory, options: ServerTracingOptions) {
  const app = express();
  app.use(tracing(options));
  app.get('/users/:id', (req, res) => {
    res.set('x-response-id', 'r-1').json(loadUser(req.params.id!));
  });
  app.get('/fail', (_req, res) => {
    res.status(500).send('failed');
  });
  app.get('/throw', () => {
    throw new Error('kaboom');
  });
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  const api = express.Router();
  // Express 4 does not catch rejected promises: pass the error to next, as Express 4 apps do.
  api.get('/items/:item', (req, res, next) => {
    setTimeout(() => {
      if (req.params.item === 'bad') next(Object.assign(new TypeError('bad item'), { status: 503 }));
      else res.json(loadUser(req.params.item!));
    }, 5);
  });
  app.use('/api', api);
  app.use(errorTracing());
  return app;
}

async function listen(express: ExpressFactory, options: ServerTracingOptions) {
  const server: Server = await new Promise((resolve) => {
    const s = buildApp(express, options).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const [label, express] of [['express 5', express5], ['express 4', express4]] as const) {
  describeServerAdapter(label, { start: (options) => listen(express, options), routes: true, peer: true });

  describe(`${label}: routers and errorTracing`, () => {
    const s = useTracing();

    it('should join the router mount path and record an async error with its own type', async () => {
      const app = await listen(express, {});
      try {
        expect((await send(app.url, '/api/items/7')).status).toBe(200);
        expect((await send(app.url, '/api/items/bad')).status).toBe(503);
        const spans = await otlpSpans(s, 2);
        expect(spans.map((sp) => sp.name)).toEqual(['GET /api/items/:item', 'GET /api/items/:item']);
        const failed = spans.find((sp) => sp.attributes['url.path'] === '/api/items/bad')!;
        expect(failed.status.code).toBe(STATUS_ERROR);
        expect(failed.attributes['error.type']).toBe('TypeError');
        expect(failed.events.map((e) => e.name)).toEqual(['exception']);
        const [child] = await otlpSpans(s, 1, 'load-user');
        expect(child!.parentSpanId).toBe(spans.find((sp) => sp.attributes['url.path'] === '/api/items/7')!.spanId);
      } finally {
        await app.close();
      }
    });
  });
}
