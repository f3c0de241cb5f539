import { SpanKind, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initTracingWith } from '../../src/init-tracing';
import type { Tracing } from '../../src/handle';
import { TEST_KEY as KEY } from '../helpers/backends';
import { OtlpSink } from '../helpers/otlp-sink';

describe('Honeycomb export', () => {
  let sink: OtlpSink;
  let tracing: Tracing | undefined;

  beforeEach(async () => {
    sink = await new OtlpSink().start();
  });
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    await sink.close();
  });

  it('should deliver spans to <endpoint>/v1/traces with the team header and service.name', async () => {
    tracing = initTracingWith(
      { service: 'backend-flask', honeycombKey: KEY, honeycomb: { endpoint: sink.url }, xray: { enabled: false }, flushOnExit: false },
      {},
    );
    const started = Math.floor(Date.now() / 1000);
    trace.getTracer('test').startActiveSpan('GET /api/activities/home', { kind: SpanKind.SERVER }, (span) => {
      span.setAttribute('http.route', '/api/activities/home');
      span.end();
    });
    await tracing.forceFlush();
    const [span] = await sink.waitFor((s) => s.length === 1);
    const request = sink.requests[0]!;
    expect(request.path).toBe('/v1/traces');
    expect(request.headers['x-honeycomb-team']).toBe(KEY);
    expect(request.headers['x-honeycomb-dataset']).toBeUndefined();
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(span!.resource['service.name']).toBe('backend-flask');
    expect(span!.resource['telemetry.sdk.language']).toBe('nodejs');
    expect(span!.attributes['http.route']).toBe('/api/activities/home');
    const epoch = parseInt(span!.traceId.slice(0, 8), 16);
    expect(Math.abs(epoch - started)).toBeLessThanOrEqual(1);
  });
});
