import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { annotate } from './annotate';
import { setUser } from './set-user';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());
beforeEach(() => exporter.reset());

const inSpan = (fn: () => void) => tracer.startActiveSpan('s', (span) => (fn(), span.end()));
const attrs = () => exporter.getFinishedSpans()[0]!.attributes;

describe('annotate', () => {
  it('should set the attribute and list its key in aws.xray.annotations once', () => {
    inSpan(() => {
      annotate('activity.uuid', 'a-1');
      annotate('count', 3);
      annotate('activity.uuid', 'a-2');
      annotate('flag', false);
    });
    expect(attrs()).toEqual({ 'activity.uuid': 'a-2', count: 3, flag: false, 'aws.xray.annotations': ['activity.uuid', 'count', 'flag'] });
  });

  it('should ignore bad keys and values and never throw', () => {
    inSpan(() => {
      annotate('', 'x');
      annotate(undefined as unknown as string, 'x');
      annotate('obj', { a: 1 } as unknown as string);
      annotate('nan', Number.NaN);
      annotate('aws.xray.annotations', 'x');
    });
    expect(attrs()).toEqual({});
  });

  it('should do nothing outside a span', () => {
    expect(() => annotate('k', 'v')).not.toThrow();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

describe('setUser', () => {
  it('should set enduser.id and user.id', () => {
    inSpan(() => setUser(42));
    expect(attrs()).toEqual({ 'enduser.id': '42', 'user.id': '42' });
  });

  it('should ignore empty and invalid ids', () => {
    inSpan(() => {
      setUser('');
      setUser(null as unknown as string);
      setUser(Number.POSITIVE_INFINITY);
    });
    expect(attrs()).toEqual({});
    expect(() => setUser('u')).not.toThrow();
  });
});
