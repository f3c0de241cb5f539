import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DualtraceIdGenerator } from '../provider/id-generator';
import { honeycombUiHost, traceLinks } from './trace-links';

const tracer = new BasicTracerProvider({ idGenerator: new DualtraceIdGenerator() }).getTracer('test');
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());

describe('traceLinks', () => {
  it('should be undefined outside a span', () => {
    expect(traceLinks()).toBeUndefined();
  });

  it('should link the X-Ray console and give a Honeycomb template without the team slug', () => {
    tracer.startActiveSpan('s', (span) => {
      const { traceId, spanId } = span.spanContext();
      const links = traceLinks({ region: 'eu-west-1' })!;
      expect(links.xrayTraceId).toBe(`1-${traceId.slice(0, 8)}-${traceId.slice(8)}`);
      expect(links.xray).toBe(`https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/${links.xrayTraceId}`);
      expect(links.honeycombIsTemplate).toBe(true);
      const start = Number.parseInt(traceId.slice(0, 8), 16);
      expect(links.honeycomb).toBe(
        `https://ui.honeycomb.io/<team>/environments/<environment>/datasets/unknown_service%3Anode/trace?trace_id=${traceId}&span=${spanId}&trace_start_ts=${start}&trace_end_ts=${start + 3600}`,
      );
      span.end();
    });
  });

  it('should give a working Honeycomb link with team and environment', () => {
    tracer.startActiveSpan('s', (span) => {
      const links = traceLinks({ team: 'acme', environment: 'prod', dataset: 'backend-flask' })!;
      expect(links.honeycombIsTemplate).toBe(false);
      expect(links.honeycomb.startsWith('https://ui.honeycomb.io/acme/environments/prod/datasets/backend-flask/trace?trace_id=')).toBe(true);
      span.end();
    });
  });

  it('should map EU API endpoints to the EU UI host', () => {
    expect(honeycombUiHost('https://api.eu1.honeycomb.io/v1/traces')).toBe('ui.eu1.honeycomb.io');
    expect(honeycombUiHost('https://api.honeycomb.io/v1/traces')).toBe('ui.honeycomb.io');
    expect(honeycombUiHost('http://127.0.0.1:4318/v1/traces')).toBe('ui.honeycomb.io');
    expect(honeycombUiHost('not a url')).toBe('ui.honeycomb.io');
  });
});
