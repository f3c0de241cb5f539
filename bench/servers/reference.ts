/**
 * The reference "price of one": what a team writes by hand with the OpenTelemetry SDK to send one SERVER span per
 * request to one backend — a BasicTracerProvider with one BatchSpanProcessor and the OTLP/proto exporter, W3C
 * propagation, the AsyncLocalStorage context manager — and a ~30-line middleware that records the same request
 * attributes dualtrace records (so the comparison is of the machinery, not of the attribute count).
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type BufferConfig } from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Registers the reference provider globally; returns its flush. */
export function setUpReference(service: string, otlpUrl: string, batch: BufferConfig | undefined): () => Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` }), batch)],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return () => provider.forceFlush();
}

type Next = () => void;

/** The hand-written middleware (Express shape; `route` names the span when the framework does not, as in node:http). */
export function referenceMiddleware(route?: string): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const tracer = trace.getTracer('reference');
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const [host, port] = (req.headers.host ?? '').split(':');
    const span = tracer.startSpan(route ? `${method} ${route}` : method, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.scheme': 'http',
        'url.path': q < 0 ? url : url.slice(0, q),
        'server.address': host,
        'server.port': port ? Number(port) : undefined,
        'user_agent.original': req.headers['user-agent'],
        'client.address': req.socket.remoteAddress,
        'network.peer.address': req.socket.remoteAddress,
        'network.peer.port': req.socket.remotePort,
        'network.protocol.version': req.httpVersion,
        'http.route': route,
      },
    }, parent);
    res.once('finish', () => {
      const matched = (req as { route?: { path?: unknown } }).route?.path;
      if (typeof matched === 'string') {
        span.setAttribute('http.route', matched);
        span.updateName(`${method} ${matched}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
