import { SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { annotate } from '../../src/api';
import { initTracingWith } from '../../src/init-tracing';
import { TEST_KEY as KEY, useBackends } from '../helpers/backends';

describe('Honeycomb export', () => {
  // Not backends.init(): the test resolves its options against an empty environment. The fixture still shuts it down.
  const backends = useBackends();

  it('should deliver spans to <endpoint>/v1/traces with the team header and service.name', async () => {
    const tracing = initTracingWith(
      { service: 'backend-flask', honeycombKey: KEY, honeycomb: { endpoint: backends.honeycomb.url }, xray: { enabled: false }, flushOnExit: false },
      {},
    );
    const started = Math.floor(Date.now() / 1000);
    trace.getTracer('test').startActiveSpan('GET /api/activities/home', { kind: SpanKind.SERVER }, (span) => {
      span.setAttribute('http.route', '/api/activities/home');
      span.end();
    });
    await tracing.forceFlush();
    const [span] = await backends.honeycomb.waitFor((s) => s.length === 1);
    const request = backends.honeycomb.requests[0]!;
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

  it('should apply the attribute limits from the environment in both backends, span-specific variables first', async () => {
    const tracing = initTracingWith(
      { service: 'limits', honeycombKey: KEY, honeycomb: { endpoint: backends.honeycomb.url }, xray: { daemonAddress: backends.xray.daemonAddress }, flushOnExit: false },
      { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '50', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3' },
    );
    const span = tracing.tracer.startSpan('limited', { attributes: { a: 'x'.repeat(2_000_000), b: ['y'.repeat(500)], c: 1, d: 2 } });
    span.end();
    await tracing.forceFlush();
    const [received] = await backends.honeycomb.waitFor((s) => s.length === 1);
    expect(received!.attributes).toEqual({ a: 'x'.repeat(100), b: ['y'.repeat(100)], c: 1 });
    await backends.xray.waitFor(1);
    const [segment] = backends.xray.segmentsFlat();
    expect(JSON.stringify(segment!.doc)).not.toContain('x'.repeat(101));
  });

  it('should send annotated attributes as columns, without the list of keys X-Ray indexes', async () => {
    const tracing = initTracingWith(
      { service: 'annotated', honeycombKey: KEY, honeycomb: { endpoint: backends.honeycomb.url }, xray: { enabled: false }, flushOnExit: false },
      {},
    );
    tracing.tracer.startActiveSpan('work', (span) => {
      annotate('tenant', 'acme');
      span.end();
    });
    await tracing.forceFlush();
    const [received] = await backends.honeycomb.waitFor((s) => s.length === 1);
    expect(received!.attributes).toEqual({ tenant: 'acme' });
  });
});
