import { describe, expect, it } from 'vitest';
import { makeSpan } from '../../../test/helpers/otlp-encoder';
import { shrinkSpan, TRUNCATED_ATTRIBUTE, TRUNCATION_MARK } from './shrink-span';
import { TraceRequestEncoder } from './trace-request';

const encoder = new TraceRequestEncoder();
const measure = (span: Parameters<typeof encoder.measureSpan>[0]) => encoder.measureSpan(span);

describe('shrinkSpan', () => {
  it('should cut long strings and arrays first, everywhere, and list what it cut', () => {
    const span = makeSpan({
      attributes: { sql: 's'.repeat(20_000), tags: Array.from({ length: 500 }, (_, i) => `t${i}`), short: 'ok', n: 1 },
      events: [{ name: 'exception', time: [1, 0], attributes: { 'exception.stacktrace': 'at x\n'.repeat(5_000) }, droppedAttributesCount: 0 }],
      status: { code: 2, message: 'm'.repeat(3_000) },
    });
    const small = shrinkSpan(span, 8_000, measure)!;
    expect(measure(small)).toBeLessThanOrEqual(8_000);
    expect(small.attributes.sql).toBe('s'.repeat(1_000) + TRUNCATION_MARK);
    expect(small.attributes.tags).toHaveLength(100);
    expect(small.attributes.short).toBe('ok');
    expect(small.events[0]!.attributes!['exception.stacktrace']).toMatch(/…\[truncated\]$/);
    expect(small.status.message).toHaveLength(1_000 + TRUNCATION_MARK.length);
    expect(small.attributes[TRUNCATED_ATTRIBUTE]).toEqual(['sql', 'tags', 'events.0.exception.stacktrace', 'status.message']);
    expect(small.spanContext()).toEqual(span.spanContext());
  });

  it('should keep the first events and links, then fall back to a skeleton that keeps the span in its trace', () => {
    const events = Array.from({ length: 2_000 }, (_, i) => ({ name: `e${i}`, time: [1, i] as [number, number], droppedAttributesCount: 0 }));
    const fewer = shrinkSpan(makeSpan({ events }), 2_000, measure)!;
    expect(fewer.events).toHaveLength(10);
    expect(fewer.droppedEventsCount).toBe(1_990);

    const many = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`key.${i}`, i]));
    const skeleton = shrinkSpan(makeSpan({ attributes: many, parent: { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7e', spanId: 'fedcba9876543210', traceFlags: 1 } }), 1_000, measure)!;
    expect(Object.keys(skeleton.attributes)).toEqual([TRUNCATED_ATTRIBUTE]);
    expect(skeleton.droppedAttributesCount).toBe(3_000);
    expect(skeleton.parentSpanContext?.spanId).toBe('fedcba9876543210');
    expect(skeleton.attributes[TRUNCATED_ATTRIBUTE]).toEqual(['*']);
  });

  it('should give up when even the skeleton is larger than the limit', () => {
    expect(shrinkSpan(makeSpan({ name: 'n'.repeat(5_000) }), 300, measure)).toBeUndefined();
  });
});
