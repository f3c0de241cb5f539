import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from '../../../test/helpers/otlp-proto';
import { makeSpan } from '../../../test/helpers/otlp-encoder';
import { planRequests } from './request-plan';
import { TRUNCATED_ATTRIBUTE } from './shrink-span';
import { TraceRequestEncoder } from './trace-request';

const spanId = (i: number): string => i.toString(16).padStart(16, '0');
const spans = (n: number, attributes = {}) =>
  Array.from({ length: n }, (_, i) => makeSpan({ name: `span ${i}`, context: { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7e', spanId: spanId(i + 1), traceFlags: 1 }, attributes }));
const UNLIMITED = { maxRequestBytes: 10_000_000, maxRequestSpans: 100_000, maxSpanBytes: 10_000_000 };

describe('planRequests', () => {
  it('should send a batch within the limits as one request, encoded once', () => {
    const encoder = new TraceRequestEncoder();
    const batch = spans(50);
    const plan = planRequests(batch, encoder, UNLIMITED);
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]!.spans).toBe(batch);
    expect(plan.requests[0]!.body.equals(encoder.encode(batch))).toBe(true);
  });

  it('should split a batch by bytes, every request within the limit, every span once and in order', () => {
    const encoder = new TraceRequestEncoder();
    const batch = spans(300, { 'db.statement': 'select * from activities where uuid = $1 '.repeat(20) });
    const whole = encoder.encode(batch).length;
    const limits = { ...UNLIMITED, maxRequestBytes: 40_000 };
    const plan = planRequests(batch, encoder, limits);
    expect(whole).toBeGreaterThan(200_000);
    expect(plan.requests.length).toBeGreaterThan(5);
    for (const request of plan.requests) expect(request.body.length).toBeLessThanOrEqual(40_000);
    const sent = plan.requests.flatMap((request) => decodeTraceRequest(request.body).map((s) => s.name));
    expect(sent).toEqual(batch.map((s) => s.name));
  });

  it('should split a batch by count', () => {
    const plan = planRequests(spans(25), new TraceRequestEncoder(), { ...UNLIMITED, maxRequestSpans: 10 });
    expect(plan.requests.map((r) => r.spans.length)).toEqual([10, 10, 5]);
  });

  it('should shrink a span over maxSpanBytes, mark it, and send the rest as they are', () => {
    const encoder = new TraceRequestEncoder();
    const batch = [...spans(3), makeSpan({ name: 'big', attributes: { payload: 'p'.repeat(50_000), small: 'kept' } })];
    const plan = planRequests(batch, encoder, { ...UNLIMITED, maxSpanBytes: 10_000 });
    expect(plan.shrunk).toBe(1);
    expect(plan.tooLarge).toBe(0);
    const sent = plan.requests.flatMap((request) => decodeTraceRequest(request.body));
    expect(sent.map((s) => s.name)).toEqual(['span 0', 'span 1', 'span 2', 'big']);
    const big = sent[3]!;
    expect((big.attributes.payload as string).length).toBeLessThan(1_100);
    expect(big.attributes.small).toBe('kept');
    expect(big.attributes[TRUNCATED_ATTRIBUTE]).toEqual(['payload']);
    expect(batch[3]!.attributes.payload).toHaveLength(50_000); // the span itself is untouched (X-Ray reads it too)
  });

  it('should drop and count a span that does not fit even as a skeleton', () => {
    const plan = planRequests([...spans(2), makeSpan({ name: 'n'.repeat(5_000) })], new TraceRequestEncoder(), { ...UNLIMITED, maxSpanBytes: 500 });
    expect(plan.tooLarge).toBe(1);
    expect(plan.requests.flatMap((r) => r.spans)).toHaveLength(2);
  });
});
