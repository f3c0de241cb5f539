import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from './with-span';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

describe('withSpan', () => {
  it('should run a sync function in an active span and return its value', () => {
    const result = withSpan('sync', (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      return 7;
    });
    expect(result).toBe(7);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['sync']);
  });

  it('should end an async span when its promise settles, with children parented', async () => {
    const value = await withSpan('outer', async () => {
      await new Promise((r) => setTimeout(r, 5));
      return withSpan('inner', async () => 'done');
    });
    expect(value).toBe('done');
    const [inner, outer] = exporter.getFinishedSpans();
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
  });

  it('should record a thrown error, set ERROR and rethrow the same error', () => {
    const boom = new Error('boom');
    expect(() => withSpan('fails', () => {
      throw boom;
    })).toThrow(boom);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span!.events[0]!.name).toBe('exception');
  });

  it('should record a rejection and rethrow it', async () => {
    await expect(withSpan('rejects', async () => Promise.reject(new TypeError('bad')))).rejects.toThrow('bad');
    expect(exporter.getFinishedSpans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('should end the span exactly once even when fn ends it', () => {
    withSpan('self-ended', (span) => span.end());
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('should pass span options through', () => {
    withSpan('with-attrs', () => undefined, { attributes: { a: 1 } });
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({ a: 1 });
  });
});
