import { trace } from '@opentelemetry/api';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tracing as expressTracing } from '../../src/adapters/express';
import { tracing as fastifyTracing } from '../../src/adapters/fastify';
import { traced } from '../../src/adapters/http';
import { tracing as koaTracing } from '../../src/adapters/koa';
import { otlpSpans, send, SPAN_KIND_SERVER, useTracing } from '../fixtures/adapter-harness';
import { serveNode } from '../fixtures/adapter-serve';

// Adapters on their own (zero-code tracing off, as in these in-process tests): work done in the request's and the
// response's event callbacks — a body read with req.on('data'/'end'), as busboy and multer do, and res.on('finish'),
// as response loggers do — runs inside the request's span. Node emits those events from the socket, outside it.

/** Reads the body with callbacks, starts a span in the 'end' callback, another once the response has gone out. */
function work(req: IncomingMessage, res: ServerResponse, answer: (body: string) => void, onFinish = true): void {
  if (onFinish) res.on('finish', () => trace.getTracer('app').startSpan('after-response').end());
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    trace.getTracer('app').startSpan('after-body').end();
    answer(body);
  });
}

const APPS = {
  http: () => serveNode(createServer(traced((req, res) => work(req, res, (body) => res.end(body))))),
  express: () => {
    const app = express();
    app.use(expressTracing());
    app.use((req, res, next) => work(req, res, (body) => ((req as { text?: string }).text = body, next())));
    app.post('/echo', (req, res) => void res.send((req as { text?: string }).text));
    return serveNode(createServer(app));
  },
  koa: () => {
    const app = new Koa();
    app.use(koaTracing());
    app.use(async (ctx) => {
      ctx.respond = false; // answered by hand, from the 'end' callback
      work(ctx.req, ctx.res, (body) => ctx.res.end(body));
    });
    return serveNode(createServer(app.callback()));
  },
  // Fastify reads the body itself; a content-type parser may do it in callbacks, and onResponse hooks run on 'finish'.
  fastify: async () => {
    const app = Fastify();
    await app.register(fastifyTracing());
    app.addContentTypeParser('text/plain', (request, payload, done) => {
      work(payload, request.raw as unknown as ServerResponse, (body) => done(null, body), false);
    });
    app.addHook('onResponse', (_request, _reply, done) => {
      trace.getTracer('app').startSpan('after-response').end();
      done();
    });
    app.post('/echo', async (request) => request.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
};

describe('adapters: the request and response events run in the span', () => {
  const s = useTracing();

  it.each(Object.keys(APPS) as (keyof typeof APPS)[])('should parent spans started in req and res callbacks (%s)', async (name) => {
    const app = await APPS[name]();
    try {
      expect((await send(app.url, '/echo', { 'content-type': 'text/plain' }, 'POST', 'tea')).body).toBe('tea');
    } finally {
      await app.close();
    }
    const [server] = await otlpSpans(s, 1);
    const spans = await otlpSpans(s, 1, 'after-response');
    const afterBody = s.honeycomb.spans.find((span) => span.name === 'after-body');
    expect(server!.kind).toBe(SPAN_KIND_SERVER);
    expect(afterBody?.parentSpanId, 'after-body').toBe(server!.spanId);
    expect(spans[0]!.parentSpanId, 'after-response').toBe(server!.spanId);
  });
});
