import { readFileSync } from 'node:fs';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { traced, type LambdaContextLike } from '../../src/adapters/lambda';
import { useBackends } from '../helpers/backends';
import { FIXTURES } from '../helpers/child';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(`${FIXTURES}lambda/${name}.json`, 'utf8')) as Record<string, unknown>;
const lambdaContext = (): LambdaContextLike => ({ ...(fixture('context') as LambdaContextLike), getRemainingTimeInMillis: () => 3000 });
const SERVER = 2; // OTLP SpanKind SERVER

describe('dualtrace/lambda traced()', () => {
  const backends = useBackends(
    {
      service: 'activities-api',
      batch: { scheduledDelayMillis: 60_000 }, // only the wrapper's flush can send before the handler returns
    },
    { init: true },
  );
  const savedTraceEnv = process.env._X_AMZN_TRACE_ID;

  beforeEach(() => {
    delete process.env._X_AMZN_TRACE_ID;
  });
  afterEach(() => {
    if (savedTraceEnv === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = savedTraceEnv;
  });

  it('should trace an API Gateway REST event like the server adapters, continue its X-Ray header, and flush before returning', async () => {
    const handler = traced(async () => {
      trace.getTracer('app').startSpan('db').end();
      return { statusCode: 200, body: '[]' };
    });
    const result = await handler(fixture('api-gateway-rest'), lambdaContext());
    expect(result).toEqual({ statusCode: 200, body: '[]' });
    // Already in the OTLP sink when the handler's promise resolved (the batch delay is a minute).
    expect(backends.honeycomb.spans).toHaveLength(2);
    const server = backends.honeycomb.spans.find((s) => s.kind === SERVER)!;
    expect(server.name).toBe('GET /api/activities/{uuid}');
    expect(server.traceId).toBe('67891233abcdef012345678912345678');
    expect(server.parentSpanId).toBe('53995c3f42cd8ad8');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/activities/{uuid}',
      'url.path': '/api/activities/5f2a6e4c-0b1d-4c3e-9f3a-2b7f1c9d8e01',
      'url.query': 'verbose=1&token=REDACTED',
      'url.scheme': 'https',
      'server.address': 'abc123.execute-api.us-east-1.amazonaws.com',
      'client.address': '203.0.113.7',
      'user_agent.original': 'curl/8.5.0',
      'http.response.status_code': 200,
      'faas.trigger': 'http',
      'faas.invocation_id': '8f5a3c2e-1d4b-4e6f-a7b8-9c0d1e2f3a4b',
      'cloud.account.id': '123456789012',
    });
    expect(typeof server.attributes['faas.coldstart']).toBe('boolean');
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length === 2, 1000);
    const segment = backends.xray.segmentsFlat().find((s) => s.id === server.spanId)!;
    expect(segment.doc).toMatchObject({ trace_id: '1-67891233-abcdef012345678912345678', parent_id: '53995c3f42cd8ad8', http: { response: { status: 200 } } });
  });

  it('should use the HTTP API route key, prefer traceparent, and record the status', async () => {
    const handler = traced(async () => ({ statusCode: 201, body: '{}' }));
    await handler(fixture('api-gateway-http'), lambdaContext());
    const [server] = backends.honeycomb.spans;
    expect(server!.name).toBe('POST /api/activities');
    expect(server!.traceId).toBe('5759e988bd862e3fe1be46a994272793');
    expect(server!.parentSpanId).toBe('53995c3f42cd8ad8');
    expect(server!.attributes).toMatchObject({ 'http.route': '/api/activities', 'url.query': 'draft=true', 'http.response.status_code': 201 });
  });

  it('should name a function URL call by method only and mark a 5xx result', async () => {
    const handler = traced(async () => ({ statusCode: 503 }));
    await handler(fixture('function-url'), lambdaContext());
    const [server] = backends.honeycomb.spans;
    expect(server!.name).toBe('GET');
    expect(server!.status.code).toBe(SpanStatusCode.ERROR);
    expect(server!.attributes['server.address']).toBe('abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws');
  });

  it("should leave dualtrace's own request untraced (an OTLP receiver on Lambda), as the server adapters do", async () => {
    const handler = traced(async () => ({ statusCode: 200 }));
    const own = fixture('function-url');
    own.headers = { ...(own.headers as Record<string, string>), 'user-agent': 'dualtrace/0.1.0' };
    expect(await handler(own, lambdaContext())).toEqual({ statusCode: 200 });
    await handler(fixture('function-url'), lambdaContext());
    expect(backends.honeycomb.spans.map((s) => [s.name, s.attributes['user_agent.original']])).toEqual([['GET', 'curl/8.5.0']]);
  });

  it('should join the trace of an ALB Root-only header', async () => {
    const handler = traced(async () => ({ statusCode: 200, statusDescription: '200 OK', body: 'ok' }));
    const result = (await handler(fixture('alb'), lambdaContext())) as { headers?: Record<string, string> };
    // The function decided X-Ray's share, and answers it as the X-Ray SDK does (the ALB passes the header on).
    expect(result.headers?.['X-Amzn-Trace-Id']).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
    const [server] = backends.honeycomb.spans;
    expect(server!.traceId).toBe('5759e988bd862e3fe1be46a994272793');
    expect(server!.parentSpanId).toBeUndefined();
    expect(server!.attributes).toMatchObject({ 'url.scheme': 'http', 'url.query': 'query=1234ABCD' });
  });

  it('should trace a plain (SQS) invocation from _X_AMZN_TRACE_ID, named after the function; cold start only once', async () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1a2b3c4d5e6f7081;Sampled=1;Lineage=a87bd80c:1';
    const handler = traced(async () => 'done');
    expect(await handler(fixture('sqs'), lambdaContext())).toBe('done');
    expect(await handler(fixture('sqs'), lambdaContext())).toBe('done');
    const [first, second] = backends.honeycomb.spans;
    expect(first!.name).toBe('activities-api');
    expect(first!.kind).toBe(SERVER);
    expect(first!.parentSpanId).toBe('1a2b3c4d5e6f7081');
    expect(first!.attributes['faas.trigger']).toBe('pubsub');
    await backends.xray.waitFor(() => backends.xray.documents.length === 2, 1000);
    expect(backends.xray.documents[0]!.links).toEqual([{ trace_id: '1-5759e988-bd862e3fe1be46a994272793', id: '53995c3f42cd8ad8' }]);
    expect(second!.attributes['faas.coldstart']).toBe(false);
  });

  it("should prefer a sampled _X_AMZN_TRACE_ID (active tracing) to the event's trace headers", async () => {
    // Lambda's own segment is the parent the X-Ray service map needs: the event's headers name the hop before it.
    process.env._X_AMZN_TRACE_ID = 'Root=1-67891233-abcdef012345678912345678;Parent=1a2b3c4d5e6f7081;Sampled=1';
    await traced(async () => ({ statusCode: 200, body: '' }))(fixture('api-gateway-rest'), lambdaContext());
    const server = backends.honeycomb.spans.find((s) => s.kind === SERVER)!;
    expect(server.traceId).toBe('67891233abcdef012345678912345678');
    expect(server.parentSpanId).toBe('1a2b3c4d5e6f7081');
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1a2b3c4d5e6f7081;Sampled=1';
    await traced(async () => undefined)({ headers: { traceparent: '00-67891233abcdef012345678912345678-53995c3f42cd8ad8-01' } }, lambdaContext());
    expect(backends.honeycomb.spans.at(-1)!.parentSpanId).toBe('1a2b3c4d5e6f7081');
  });

  it('should ignore an unsampled _X_AMZN_TRACE_ID (active tracing off) and start a sampled root', async () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1a2b3c4d5e6f7081;Sampled=0';
    await traced(async () => undefined)({}, lambdaContext());
    const [span] = backends.honeycomb.spans;
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.traceId).not.toBe('5759e988bd862e3fe1be46a994272793');
    expect(span!.attributes['faas.trigger']).toBe('other');
  });

  it('should record a thrown error, flush, and rethrow it unchanged', async () => {
    const boom = new Error('boom');
    const handler = traced(async () => {
      throw boom;
    });
    await expect(handler(fixture('api-gateway-http'), lambdaContext())).rejects.toBe(boom);
    const [server] = backends.honeycomb.spans;
    expect(server!.status.code).toBe(SpanStatusCode.ERROR);
    expect(server!.events.map((e) => e.name)).toContain('exception');
  });

  it('should support callback-style handlers', async () => {
    const handler = traced((_event: unknown, _ctx: LambdaContextLike, callback: (error?: unknown, result?: unknown) => void) => {
      setTimeout(() => callback(null, { statusCode: 204 }), 5);
    });
    expect(await handler(fixture('api-gateway-rest'), lambdaContext())).toEqual({ statusCode: 204 });
    expect(backends.honeycomb.spans[0]!.attributes['http.response.status_code']).toBe(204);
  });
});
