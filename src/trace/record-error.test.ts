import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createSegmentTranslator } from '../exporters/xray/translate';
import { recordError } from './record-error';

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');

function failWith(error: unknown, type?: string) {
  exporter.reset();
  const span = tracer.startSpan('op');
  recordError(span, error, type);
  span.end();
  return exporter.getFinishedSpans()[0]!;
}

describe('recordError', () => {
  it('should set ERROR, error.type and an exception event', () => {
    const span = failWith(new TypeError('bad input'));
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.events[0]!.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'bad input' });
  });

  it('should keep the cause chain so X-Ray shows linked exceptions', () => {
    let thrown: Error | undefined;
    try {
      try {
        throw new RangeError('socket closed');
      } catch (cause) {
        throw new Error('query failed', { cause });
      }
    } catch (error) {
      thrown = error as Error;
    }
    const span = failWith(thrown);
    expect(String(span.events[0]!.attributes!['exception.stacktrace'])).toContain('Caused by: RangeError: socket closed');
    const doc = createSegmentTranslator()(span)!;
    const messages = (doc.cause as { exceptions: { message?: string }[] }).exceptions.map((e) => e.message);
    expect(messages).toEqual(expect.arrayContaining(['query failed', 'socket closed']));
  });

  it('should take an explicit error.type and non-Error values', () => {
    expect(failWith(new Error('x'), 'ECONNREFUSED').attributes['error.type']).toBe('ECONNREFUSED');
    const span = failWith('plain string');
    expect(span.attributes['error.type']).toBe('_OTHER');
    expect(span.status.message).toBe('plain string');
  });

  it('should never throw, even for an error whose getters throw', () => {
    class Hostile extends Error {
      override get message(): string {
        throw new Error('gotcha');
      }
    }
    const span = failWith(new Hostile());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('recordError on a span that refuses everything', () => {
  it('should not throw when the span itself throws', () => {
    const span = tracer.startSpan('broken');
    const hostile = Object.assign(Object.create(span) as typeof span, {
      setStatus: () => { throw new Error('no'); },
      setAttribute: () => { throw new Error('no'); },
      recordException: () => { throw new Error('no'); },
    });
    expect(() => recordError(hostile, new Error('x'))).not.toThrow();
    span.end();
  });
});
