import { type Attributes, type Context, type Link, type SpanKind, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { type Sampler, type SamplingResult, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { SamplerConfig } from '../config/types';
import { XRAY_SAMPLED } from './propagator';

const DROP: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * One sampler for both backends (so they always hold the same traces). The root decision is a ratio of the trace id
 * (the OTel JS `TraceIdRatioBasedSampler` algorithm, so every service with the same rate agrees); parent-based variants
 * follow a parent's sampled flag, except for X-Ray's `Sampled=?`, which means "decide here". Sampled spans carry
 * `SampleRate: N` when N > 1 so Honeycomb reweights counts.
 */
export class DualtraceSampler implements Sampler {
  private readonly parentBased: boolean;
  private readonly ratio: Sampler;
  private readonly keep: SamplingResult;

  constructor(private readonly config: SamplerConfig) {
    this.parentBased = config.name.startsWith('parentbased_');
    this.ratio = new TraceIdRatioBasedSampler(config.ratio);
    // One frozen result reused for every sampled span: no allocation per span.
    this.keep = Object.freeze({
      decision: SamplingDecision.RECORD_AND_SAMPLED,
      attributes: config.sampleRate > 1 ? Object.freeze({ SampleRate: config.sampleRate }) : undefined,
    });
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (this.parentBased) {
      const parent = trace.getSpanContext(context);
      const xraySampled = context.getValue(XRAY_SAMPLED);
      if (parent !== undefined && isSpanContextValid(parent) && xraySampled !== '?') {
        return (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? this.keep : DROP;
      }
      if (parent === undefined && xraySampled === '1') return this.keep;
      if (parent === undefined && xraySampled === '0') return DROP;
    }
    return this.decideRoot(context, traceId, spanName, spanKind, attributes, links);
  }

  private decideRoot(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (this.config.ratio >= 1) return this.keep;
    if (this.config.ratio <= 0) return DROP;
    const result = this.ratio.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return result.decision === SamplingDecision.RECORD_AND_SAMPLED ? this.keep : DROP;
  }

  toString(): string {
    return `DualtraceSampler{${this.config.name}, ratio=${this.config.ratio}}`;
  }
}
