import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { tracing } from '../../src/adapters/hono';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, HOST, loadUser, otlpSpans, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';
import { serveFetch } from '../fixtures/adapter-serve';

function buildApp(options: ServerTracingOptions) {
  const app = new Hono();
  app.use(tracing(options));
  app.get('/users/:id', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    c.header('x-response-id', 'r-1');
    return c.json(loadUser(c.req.param('id')));
  });
  app.get('/fail', (c) => c.text('failed', 500));
  app.get('/throw', () => {
    throw new Error('kaboom');
  });
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/forbidden', () => {
    throw new HTTPException(403, { message: 'no' });
  });
  const api = new Hono();
  api.get('/items/:item', (c) => c.json({ item: c.req.param('item') }));
  app.route('/api', api);
  // Hono's default handler logs to stderr; answer the same without the noise.
  app.onError((error, c) => (error instanceof HTTPException ? error.getResponse() : c.text('Internal Server Error', 500)));
  return app;
}

describeServerAdapter('hono (node-server)', {
  start: (options) => serveFetch(buildApp(options).fetch),
  routes: true,
  peer: true,
});

describe('hono: in-process and sub-apps', () => {
  const s = useTracing();

  it('should trace app.request in-process, with sub-app routes and a 4xx HTTPException left unmarked', async () => {
    const app = buildApp({});
    expect((await app.request('/api/items/5', { headers: { host: HOST } })).status).toBe(200);
    expect((await app.request('/forbidden')).status).toBe(403);
    const spans = await otlpSpans(s, 2);
    const byPath = (p: string) => spans.find((sp) => sp.attributes['url.path'] === p)!;
    expect(byPath('/api/items/5').name).toBe('GET /api/items/:item');
    expect(byPath('/api/items/5').attributes['server.address']).toBe(HOST);
    expect(byPath('/forbidden').attributes['http.response.status_code']).toBe(403);
    expect(byPath('/forbidden').status.code).not.toBe(STATUS_ERROR);
  });
});
