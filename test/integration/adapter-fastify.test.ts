import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import Fastify5 from 'fastify';
import { tracing } from '../../src/adapters/fastify';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, HOST, loadUser, otlpSpans, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';

type FastifyFactory = typeof Fastify5;
// fastify4 is an npm alias of fastify@4; its API for what these apps use is the same.
const Fastify4 = createRequire(import.meta.url)('fastify4') as FastifyFactory;

async function buildApp(Fastify: FastifyFactory, options: ServerTracingOptions) {
  const app = Fastify();
  await app.register(tracing(options));
  app.get<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
    reply.header('x-response-id', 'r-1');
    return loadUser(request.params.id);
  });
  app.get('/fail', async (_request, reply) => reply.code(500).send('failed'));
  app.get('/throw', async () => {
    throw new Error('kaboom');
  });
  app.get('/healthz', async () => 'ok');
  app.post<{ Body: { id: string } }>('/users', async (request) => loadUser(request.body.id));
  app.get('/bad-request', async () => {
    throw Object.assign(new Error('nope'), { statusCode: 400 });
  });
  return app;
}

for (const [label, Fastify] of [['fastify 5', Fastify5], ['fastify 4', Fastify4]] as const) {
  describeServerAdapter(label, {
    async start(options) {
      const app = await buildApp(Fastify, options);
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url, close: () => app.close() };
    },
    routes: true,
    peer: true,
  });

  describe(`${label}: plugin specifics`, () => {
    const s = useTracing();

    it('should keep the span active in a handler that runs after the body was parsed (inject)', async () => {
      const app = await buildApp(Fastify, {});
      try {
        const res = await app.inject({ method: 'POST', url: '/users', headers: { host: HOST }, payload: { id: '9' } });
        expect(res.statusCode).toBe(200);
        const [server] = await otlpSpans(s, 1);
        const [child] = await otlpSpans(s, 1, 'load-user');
        expect(server!.name).toBe('POST /users');
        expect(child!.parentSpanId).toBe(server!.spanId);
      } finally {
        await app.close();
      }
    });

    it('should not mark an error that asks for a 4xx, and should be one span per request', async () => {
      const app = await buildApp(Fastify, {});
      try {
        expect((await app.inject({ url: '/bad-request' })).statusCode).toBe(400);
        const spans = await otlpSpans(s, 1);
        expect(spans).toHaveLength(1);
        expect(spans[0]!.status.code).not.toBe(STATUS_ERROR);
        expect(spans[0]!.attributes['http.response.status_code']).toBe(400);
        expect(spans[0]!.events).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it('should carry the fastify-plugin metadata without depending on it', () => {
      const plugin = tracing();
      expect(plugin[Symbol.for('skip-override')]).toBe(true);
      expect(plugin[Symbol.for('fastify.display-name')]).toBe('dualtrace');
      expect(plugin[Symbol.for('plugin-meta')]).toEqual({ fastify: '4.x || 5.x', name: 'dualtrace' });
      expect(trace.getActiveSpan()).toBeUndefined();
    });
  });
}
