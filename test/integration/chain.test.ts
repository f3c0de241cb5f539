import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tracing as expressTracing } from '../../src/adapters/express';
import { tracing as fastifyTracing } from '../../src/adapters/fastify';
import { useBackends } from '../helpers/backends';

const SERVER = 2;
const CLIENT = 3; // OTLP span kinds

/**
 * Two services in one test process: an Express "frontend" that calls a Fastify "activities" service with global
 * fetch. They share ONE initTracing (one provider, one service.name): what is under test is propagation across the
 * HTTP hop — Express SERVER → fetch CLIENT (traceparent + X-Amzn-Trace-Id) → Fastify SERVER — not per-service
 * resources. The X-Ray host pattern names each SERVER segment after the host:port it was called on.
 */
describe('a trace across two services (Express → fetch → Fastify)', () => {
  const backends = useBackends(
    {
      service: 'chain',
      xrayUrl: '127.0.0.1:*',
      // instrumentation defaults: fetch and node:http on, only inside a span
    },
    { init: true },
  );
  let activities: FastifyInstance;
  let frontend: Server;

  beforeEach(async () => {
    activities = Fastify();
    await activities.register(fastifyTracing());
    activities.get('/activities/:id', async (request) => ({ id: (request.params as { id: string }).id, message: 'hi' }));
    const activitiesUrl = await activities.listen({ port: 0, host: '127.0.0.1' });

    const app = express();
    app.use(expressTracing());
    app.get('/api/activities/home', async (_req, res) => {
      const upstream = await fetch(`${activitiesUrl}/activities/42`);
      res.json([await upstream.json()]);
    });
    frontend = await new Promise<Server>((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve(server));
    });
  });
  afterEach(async () => {
    frontend.closeAllConnections();
    await new Promise<void>((resolve) => frontend.close(() => resolve()));
    await activities.close();
  });

  it('should give one trace with the right parents in Honeycomb and in X-Ray', async () => {
    const port = (frontend.address() as AddressInfo).port;
    const body = await new Promise<string>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/api/activities/home`, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toEqual([{ id: '42', message: 'hi' }]);
    await backends.tracing.forceFlush();

    const spans = await backends.honeycomb.waitFor((s) => s.length === 3);
    const front = spans.find((s) => s.kind === SERVER && s.name === 'GET /api/activities/home')!;
    const call = spans.find((s) => s.kind === CLIENT)!;
    const back = spans.find((s) => s.kind === SERVER && s.name === 'GET /activities/:id')!;
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(front.parentSpanId).toBeUndefined();
    expect(call.parentSpanId).toBe(front.spanId);
    expect(back.parentSpanId).toBe(call.spanId);
    expect(call.attributes['url.full']).toMatch(/\/activities\/42$/);

    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length === 3);
    const xray = backends.xray.segmentsFlat();
    const traceIds = new Set(xray.map((s) => s.traceId));
    expect([...traceIds]).toEqual([`1-${front.traceId.slice(0, 8)}-${front.traceId.slice(8)}`]);
    const byId = new Map(xray.map((s) => [s.id, s]));
    expect(byId.get(front.spanId)!.parentId).toBeUndefined();
    expect(byId.get(front.spanId)!.doc.name).toBe(`127.0.0.1:${port}`);
    expect(byId.get(call.spanId)!.parentId).toBe(front.spanId);
    expect(byId.get(call.spanId)!.doc.namespace).toBe('remote');
    expect(byId.get(back.spanId)!.parentId).toBe(call.spanId);
    expect(byId.get(back.spanId)!.doc.name).toBe(`127.0.0.1:${new URL(call.attributes['url.full'] as string).port}`);
  });
});
