import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { DualtraceSampler } from './sampler';
import { XRAY_SAMPLED } from './propagator';

const ids = Array.from({ length: 2000 }, (_, i) => `${(0x6900_0000 + i).toString(16)}${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${'9e3779b97f4a7c15'}`);

function decide(sampler: DualtraceSampler, traceId: string, ctx = ROOT_CONTEXT) {
  return sampler.shouldSample(ctx, traceId, 'span', SpanKind.SERVER, {}, []);
}

describe('DualtraceSampler', () => {
  it('should keep about 1 in N roots, deterministically by trace id, with SampleRate on kept spans', () => {
    const sampler = new DualtraceSampler({ name: 'parentbased_traceidratio', ratio: 0.1, sampleRate: 10, source: 'sampleRate' });
    const kept = ids.filter((id) => decide(sampler, id).decision === SamplingDecision.RECORD_AND_SAMPLED);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(320);
    const again = new DualtraceSampler({ name: 'parentbased_traceidratio', ratio: 0.1, sampleRate: 10, source: 'sampleRate' });
    expect(ids.filter((id) => decide(again, id).decision === SamplingDecision.RECORD_AND_SAMPLED)).toEqual(kept);
    expect(decide(sampler, kept[0]!).attributes).toEqual({ SampleRate: 10 });
  });

  it('should follow a sampled or unsampled parent', () => {
    const sampler = new DualtraceSampler({ name: 'parentbased_traceidratio', ratio: 0, sampleRate: 1, source: 'sampleRate' });
    const parent = { traceId: ids[0]!, spanId: '53995c3f42cd8ad8', isRemote: true };
    const on = trace.setSpanContext(ROOT_CONTEXT, { ...parent, traceFlags: TraceFlags.SAMPLED });
    const off = trace.setSpanContext(ROOT_CONTEXT, { ...parent, traceFlags: TraceFlags.NONE });
    expect(decide(sampler, ids[0]!, on).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, ids[0]!, off).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('should decide as for a root when X-Ray said Sampled=?', () => {
    const sampler = new DualtraceSampler({ name: 'parentbased_always_on', ratio: 1, sampleRate: 1, source: 'default' });
    const ctx = trace
      .setSpanContext(ROOT_CONTEXT, { traceId: ids[0]!, spanId: '53995c3f42cd8ad8', isRemote: true, traceFlags: TraceFlags.NONE })
      .setValue(XRAY_SAMPLED, '?');
    expect(decide(sampler, ids[0]!, ctx).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('should not add SampleRate when every trace is kept', () => {
    const sampler = new DualtraceSampler({ name: 'parentbased_always_on', ratio: 1, sampleRate: 1, source: 'default' });
    expect(decide(sampler, ids[0]!).attributes).toBeUndefined();
  });

  it('should ignore the parent for non-parent-based samplers', () => {
    const sampler = new DualtraceSampler({ name: 'always_off', ratio: 0, sampleRate: 1, source: 'OTEL_TRACES_SAMPLER' });
    const on = trace.setSpanContext(ROOT_CONTEXT, { traceId: ids[0]!, spanId: '53995c3f42cd8ad8', isRemote: true, traceFlags: TraceFlags.SAMPLED });
    expect(decide(sampler, ids[0]!, on).decision).toBe(SamplingDecision.NOT_RECORD);
  });
});
