import { defaultTextMapSetter, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context, type SpanContext, type TraceState as ApiTraceState } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config';
import type { DualtraceOptions } from '../config/types';
import { wantedBy } from '../trace/sampling-decision';
import { W3C_SAMPLED, XRAY_SAMPLED, xrayAnswer } from '../trace/sampling-decision';
import { DualtracePropagator } from './propagator';
import { DualtraceSampler, type SamplerBackends, type XRayDecider } from './sampler';

const ids = Array.from({ length: 2000 }, (_, i) => `${(0x6900_0000 + i).toString(16)}${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}${'9e3779b97f4a7c15'}`);
const PARENT = '53995c3f42cd8ad8';

function sampler(options: DualtraceOptions, env: Record<string, string> = {}, backends?: SamplerBackends, rules?: XRayDecider) {
  return new DualtraceSampler(resolveConfig({ service: 'svc', ...options }, env).sampler, backends, rules);
}

function decide(s: DualtraceSampler, traceId: string, ctx: Context = ROOT_CONTEXT) {
  return s.shouldSample(ctx, traceId, 'span', SpanKind.SERVER, {}, []);
}

/** The span context a span started with this result would have. */
function contextOf(traceId: string, result: ReturnType<typeof decide>, parentState?: ApiTraceState): SpanContext {
  return {
    traceId,
    spanId: PARENT,
    traceFlags: result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
    traceState: result.traceState ?? parentState,
  };
}

function remote(traceId: string, flags: TraceFlags, state?: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: PARENT, isRemote: true, traceFlags: flags, traceState: state === undefined ? undefined : new TraceState(state) });
}

/** A decider keeping every n-th trace it is asked about, with weight `weight`. */
function everyNth(n: number, weight = 1): XRayDecider & { asked: number } {
  return {
    asked: 0,
    decide() {
      this.asked++;
      return this.asked % n === 0 ? weight : 0;
    },
  };
}

describe('DualtraceSampler', () => {
  it('should keep about 1 in N roots for both backends with sampleRate, deterministically, with SampleRate on kept spans', () => {
    const s = sampler({ sampleRate: 10 });
    const kept = ids.filter((id) => decide(s, id).decision === SamplingDecision.RECORD_AND_SAMPLED);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(320);
    expect(ids.filter((id) => decide(sampler({ sampleRate: 10 }), id).decision === SamplingDecision.RECORD_AND_SAMPLED)).toEqual(kept);
    const result = decide(s, kept[0]!);
    expect(result.attributes).toEqual({ SampleRate: 10 });
    const ctx = contextOf(kept[0]!, result);
    expect([wantedBy(ctx, 'x'), wantedBy(ctx, 'h')]).toEqual([true, true]);
  });

  it('should reuse one frozen result, with no trace state, when both backends keep every trace', () => {
    const s = sampler({ xray: { sampling: 'all' } });
    const first = decide(s, ids[0]!);
    expect(first.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(first.traceState).toBeUndefined();
    expect(first.attributes).toBeUndefined();
    expect(Object.isFrozen(first)).toBe(true);
    expect(decide(s, ids[1]!)).toBe(first);
    const child = s.shouldSample(trace.setSpanContext(ROOT_CONTEXT, contextOf(ids[0]!, first)), ids[0]!, 'c', SpanKind.INTERNAL, {}, []);
    expect(child.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(s, ids[2]!, trace.setSpanContext(ROOT_CONTEXT, contextOf(ids[2]!, first)))).toBe(child);
  });

  it('should follow a sampled or unsampled traceparent with the shared sampler', () => {
    const s = sampler({ sampleRate: 0 });
    expect(decide(s, ids[0]!, remote(ids[0]!, TraceFlags.SAMPLED).setValue(W3C_SAMPLED, true)).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(s, ids[0]!, remote(ids[0]!, TraceFlags.NONE).setValue(W3C_SAMPLED, false)).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('should ignore the parent for samplers without parentbased_', () => {
    const s = sampler({}, { OTEL_TRACES_SAMPLER: 'always_off' });
    expect(decide(s, ids[0]!, remote(ids[0]!, TraceFlags.SAMPLED).setValue(W3C_SAMPLED, true)).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it("should let X-Ray's rules decide X-Ray's share while Honeycomb keeps every trace", () => {
    const rules = everyNth(10);
    const s = sampler({ xray: { sampling: 'local' } }, {}, undefined, rules);
    const contexts = ids.slice(0, 200).map((id) => contextOf(id, decide(s, id)));
    expect(contexts.every((c) => c.traceFlags === TraceFlags.SAMPLED)).toBe(true);
    expect(contexts.filter((c) => wantedBy(c, 'h'))).toHaveLength(200);
    expect(contexts.filter((c) => wantedBy(c, 'x'))).toHaveLength(20);
    expect(contexts.find((c) => !wantedBy(c, 'x'))?.traceState?.serialize()).toBe('dt=x0h1');
    expect(s.counts).toEqual({ decided: 200, xray: 20, honeycomb: 200 });
  });

  it('should record nothing when neither backend keeps the trace', () => {
    const s = sampler({ honeycomb: { sampleRate: 0 }, xray: { sampling: 'local' } }, {}, undefined, everyNth(2));
    const results = ids.slice(0, 10).map((id) => decide(s, id));
    expect(results.filter((r) => r.decision === SamplingDecision.RECORD_AND_SAMPLED)).toHaveLength(5);
    expect(results.find((r) => r.decision === SamplingDecision.NOT_RECORD)?.traceState).toBeUndefined();
  });

  it("should honour X-Ray's Sampled=0 for X-Ray only, and decide Honeycomb itself", () => {
    const s = sampler({ xray: { sampling: 'all' } });
    const result = decide(s, ids[0]!, remote(ids[0]!, TraceFlags.NONE).setValue(XRAY_SAMPLED, '0'));
    const ctx = contextOf(ids[0]!, result);
    expect([wantedBy(ctx, 'x'), wantedBy(ctx, 'h')]).toEqual([false, true]);
    // One shared sampler (sampleRate): X-Ray's Sampled=0 still binds both, as before per-backend sampling.
    const shared = sampler({ sampleRate: 1 });
    expect(decide(shared, ids[0]!, remote(ids[0]!, TraceFlags.NONE).setValue(XRAY_SAMPLED, '0')).decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('should decide for X-Ray when the header said Sampled=?', () => {
    const rules = everyNth(1);
    const s = sampler({ xray: { sampling: 'local' } }, {}, undefined, rules);
    const ctx = contextOf(ids[0]!, decide(s, ids[0]!, remote(ids[0]!, TraceFlags.NONE).setValue(XRAY_SAMPLED, '?')));
    expect(rules.asked).toBe(1);
    expect(wantedBy(ctx, 'x')).toBe(true);
  });

  it("should honour an upstream dualtrace's dt entry per backend, keeping other vendors' entries", () => {
    const s = sampler({ xray: { sampling: 'local' } }, {}, undefined, everyNth(1));
    const ctx = remote(ids[0]!, TraceFlags.SAMPLED, 'vendor=a,dt=x1h0').setValue(W3C_SAMPLED, true);
    const result = decide(s, ids[0]!, ctx);
    const span = contextOf(ids[0]!, result, trace.getSpanContext(ctx)!.traceState);
    expect([wantedBy(span, 'x'), wantedBy(span, 'h')]).toEqual([true, false]);
    expect(span.traceState?.get('vendor')).toBe('a');
    // A W3C-only hop between two dualtrace services: no X-Ray header, the dt entry still says X-Ray does not keep it.
    const hop = decide(s, ids[1]!, remote(ids[1]!, TraceFlags.SAMPLED, 'dt=x0h1r5').setValue(W3C_SAMPLED, true));
    expect(hop.traceState).toBeUndefined(); // the parent's state already says it: inherited as is
    expect(hop.attributes).toEqual({ SampleRate: 5 });
  });

  it("should let children inherit the root's decisions and SampleRate", () => {
    const s = sampler({ honeycomb: { sampleRate: 4 }, xray: { sampling: 'all' } });
    const kept = ids.find((id) => wantedBy(contextOf(id, decide(s, id)), 'h'))!;
    const root = decide(s, kept);
    expect(root.traceState?.serialize()).toBe('dt=x1h1r4');
    const child = s.shouldSample(trace.setSpanContext(ROOT_CONTEXT, contextOf(kept, root)), kept, 'c', SpanKind.CLIENT, {}, []);
    expect(child.attributes).toEqual({ SampleRate: 4 });
    expect(child.traceState).toBeUndefined();
    const xrayOnly = ids.find((id) => wantedBy(contextOf(id, decide(s, id)), 'h') === false)!;
    const rootX = decide(s, xrayOnly);
    const childX = s.shouldSample(trace.setSpanContext(ROOT_CONTEXT, contextOf(xrayOnly, rootX)), xrayOnly, 'c', SpanKind.CLIENT, {}, []);
    expect(childX.attributes).toBeUndefined();
    expect(wantedBy(contextOf(xrayOnly, childX, rootX.traceState), 'h')).toBe(false);
  });

  it("should make X-Ray's rules decide for Honeycomb with OTEL_TRACES_SAMPLER=xray, weighting fixed-rate traces", () => {
    const s = sampler({}, { OTEL_TRACES_SAMPLER: 'xray' }, undefined, everyNth(2, 20));
    const results = ids.slice(0, 10).map((id) => decide(s, id));
    expect(results.filter((r) => r.decision === SamplingDecision.RECORD_AND_SAMPLED)).toHaveLength(5);
    expect(results[1]!.attributes).toEqual({ SampleRate: 20 });
    expect(results[0]!.decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it("should pass on the upstream decision of a backend that is off here (a one-backend service in the middle)", () => {
    const inject = (ctx: SpanContext): Record<string, string> => {
      const carrier: Record<string, string> = {};
      new DualtracePropagator().inject(trace.setSpanContext(ROOT_CONTEXT, ctx), carrier, defaultTextMapSetter);
      return carrier;
    };
    // Honeycomb only here; upstream: X-Ray keeps the trace, Honeycomb does not. Nothing is recorded here, and the next
    // service must still hear X-Ray's yes, in tracestate and in X-Amzn-Trace-Id.
    const honeycombOnly = sampler({}, {}, { xray: false, honeycomb: true });
    const parent = remote(ids[0]!, TraceFlags.SAMPLED, 'dt=x1h0').setValue(W3C_SAMPLED, true);
    const result = decide(honeycombOnly, ids[0]!, parent);
    expect(result.decision).toBe(SamplingDecision.NOT_RECORD);
    const out = inject(contextOf(ids[0]!, result, trace.getSpanContext(parent)!.traceState));
    expect(out.tracestate).toBe('dt=x1h0');
    expect(out['x-amzn-trace-id']).toMatch(/;Sampled=1$/);
    expect(out.traceparent).toMatch(/-00$/);
    // The same from an X-Ray SDK upstream (its header alone), Honeycomb keeping nothing here.
    const none = sampler({ honeycomb: { sampleRate: 0 } }, {}, { xray: false, honeycomb: true });
    const fromSdk = decide(none, ids[1]!, remote(ids[1]!, TraceFlags.SAMPLED).setValue(XRAY_SAMPLED, '1'));
    expect(inject(contextOf(ids[1]!, fromSdk))['x-amzn-trace-id']).toMatch(/;Sampled=1$/);
    // X-Ray only here; upstream: Honeycomb keeps it at 1 in 5, X-Ray does not.
    const xrayOnly = sampler({ xray: { sampling: 'all' } }, {}, { xray: true, honeycomb: false });
    const upstream = remote(ids[2]!, TraceFlags.SAMPLED, 'dt=x0h1r5').setValue(W3C_SAMPLED, true).setValue(XRAY_SAMPLED, '0');
    const passed = decide(xrayOnly, ids[2]!, upstream);
    expect(passed.decision).toBe(SamplingDecision.NOT_RECORD);
    expect(inject(contextOf(ids[2]!, passed, trace.getSpanContext(upstream)!.traceState)).tracestate).toBe('dt=x0h1r5');
    // Recorded here for its own backend: the other backend's upstream decision goes on with it.
    const both = decide(honeycombOnly, ids[3]!, remote(ids[3]!, TraceFlags.SAMPLED, 'dt=x0h1').setValue(W3C_SAMPLED, true));
    expect(both.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(inject(contextOf(ids[3]!, both, new TraceState('dt=x0h1'))).tracestate).toBe('dt=x0h1');
  });

  it('should not record what X-Ray drops when X-Ray is the only backend', () => {
    const s = sampler({ xray: { sampling: 'local' } }, {}, { xray: true, honeycomb: false }, everyNth(4));
    const recorded = ids.slice(0, 100).filter((id) => decide(s, id).decision === SamplingDecision.RECORD_AND_SAMPLED);
    expect(recorded).toHaveLength(25);
    // Honeycomb is off here: only X-Ray's refusal is stated, so a downstream service decides Honeycomb itself.
    expect(decide(s, ids[3]!).traceState?.serialize()).toBe('dt=x0');
  });

  it('should state only its own backend where a trace starts in a one-backend service, and leave the other undecided', () => {
    const inject = (ctx: SpanContext): Record<string, string> => {
      const carrier: Record<string, string> = {};
      new DualtracePropagator().inject(trace.setSpanContext(ROOT_CONTEXT, ctx), carrier, defaultTextMapSetter);
      return carrier;
    };
    // X-Ray only, keeping the trace: 'x1', not the bare flag a downstream Honeycomb would read as its own decision.
    const xrayOnly = sampler({ xray: { sampling: 'all' } }, {}, { xray: true, honeycomb: false });
    const kept = decide(xrayOnly, ids[0]!);
    expect(kept.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(inject(contextOf(ids[0]!, kept))).toMatchObject({ tracestate: 'dt=x1', 'x-amzn-trace-id': expect.stringMatching(/;Sampled=1$/) });
    // Below an X-Ray header alone, X-Ray only here: nothing was said about Honeycomb either.
    const fromSdk = decide(xrayOnly, ids[1]!, remote(ids[1]!, TraceFlags.SAMPLED).setValue(XRAY_SAMPLED, '1'));
    expect(fromSdk.traceState?.serialize()).toBe('dt=x1');
    // Below another OpenTelemetry service's traceparent (no dt): its flag is a decision for both, passed on as it came.
    const fromOtel = decide(xrayOnly, ids[2]!, remote(ids[2]!, TraceFlags.NONE).setValue(W3C_SAMPLED, false));
    expect(fromOtel.decision).toBe(SamplingDecision.NOT_RECORD);
    expect(inject(contextOf(ids[2]!, fromOtel))).not.toHaveProperty('tracestate');
    // Honeycomb only: 'h1' (or 'h0'), and an X-Ray header with no Sampled, so the next X-Ray service uses its rules.
    for (const [rate, dt, flag] of [[1, 'dt=h1', '01'], [0, 'dt=h0', '00'], [10, 'dt=h1r10', '01']] as const) {
      const honeycombOnly = sampler({ honeycomb: { sampleRate: rate } }, {}, { xray: false, honeycomb: true });
      const id = rate === 10 ? ids.find((i) => decide(honeycombOnly, i).decision === SamplingDecision.RECORD_AND_SAMPLED)! : ids[3]!;
      const out = inject(contextOf(id, decide(honeycombOnly, id)));
      expect(out.tracestate).toBe(dt);
      expect(out.traceparent).toBe(`00-${id}-${PARENT}-${flag}`);
      expect(out['x-amzn-trace-id']).toBe(`Root=1-${id.slice(0, 8)}-${id.slice(8)};Parent=${PARENT}`);
      // Nor is a Sampled=? request answered: this service has no X-Ray decision to give.
      expect(xrayAnswer(ROOT_CONTEXT.setValue(XRAY_SAMPLED, '?'), contextOf(id, decide(honeycombOnly, id)))).toBeUndefined();
    }
  });
});
