import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DualtraceIdGenerator } from './id-generator';
import { TraceState } from '@opentelemetry/core';
import { resolveConfig } from '../config/resolve-config';
import { DualtracePropagator, W3C_SAMPLED, XRAY_SAMPLED } from './propagator';
import { DualtraceSampler } from './sampler';
import { wantedBy } from '../trace/sampling-decision';

const TRACE = '5759e988bd862e3fe1be46a994272793';
const XRAY_ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const PARENT = '53995c3f42cd8ad8';

const propagator = new DualtracePropagator();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  idGenerator: new DualtraceIdGenerator(),
  sampler: new DualtraceSampler(resolveConfig({ xray: { sampling: 'all' } }, {}).sampler),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
});
afterAll(() => {
  context.disable();
  propagation.disable();
});

/** Extracts `headers`, starts a server-like span inside that context (as the adapters do), and returns it. */
function continueFrom(headers: Record<string, string | string[]>) {
  const extracted = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  return context.with(extracted, () => tracer.startSpan('request'));
}

describe('DualtracePropagator', () => {
  it('should continue a W3C traceparent and keep tracestate', () => {
    const span = continueFrom({ traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'vendor=1' });
    const ctx = span.spanContext();
    expect(ctx.traceId).toBe(TRACE);
    expect((span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe(PARENT);
    expect(ctx.traceState?.get('vendor')).toBe('1');
    expect(span.isRecording()).toBe(true);
  });

  it('should continue an X-Amzn-Trace-Id with Root, Parent and Sampled', () => {
    const span = continueFrom({ 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${PARENT};Sampled=1` });
    expect(span.spanContext().traceId).toBe(TRACE);
    expect((span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe(PARENT);
  });

  it("should honour Sampled=0 from X-Ray for X-Ray, and pass it on, while Honeycomb still keeps the trace", () => {
    const span = continueFrom({ 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${PARENT};Sampled=0` });
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(span.isRecording()).toBe(true);
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    expect(carrier['x-amzn-trace-id']).toMatch(/;Sampled=0$/);
    expect(carrier.traceparent).toMatch(/-01$/);
    expect(carrier.tracestate).toBe('dt=x0h1');
    span.end();
  });

  it("should read X-Ray's Sampled= from the same trace's header when traceparent is the parent", () => {
    const both = propagator.extract(ROOT_CONTEXT, {
      traceparent: `00-${TRACE}-${PARENT}-01`,
      'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${PARENT};Sampled=0`,
    }, defaultTextMapGetter);
    expect([both.getValue(W3C_SAMPLED), both.getValue(XRAY_SAMPLED)]).toEqual([true, '0']);
    const other = propagator.extract(ROOT_CONTEXT, {
      traceparent: `00-${TRACE}-${PARENT}-00`,
      'x-amzn-trace-id': `Root=1-5759e988-000000000000000000000abc;Parent=${PARENT};Sampled=1`,
    }, defaultTextMapGetter);
    expect([other.getValue(W3C_SAMPLED), other.getValue(XRAY_SAMPLED)]).toEqual([false, undefined]);
  });

  it("should write Sampled= from X-Ray's decision and the traceparent flag from recording", () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: PARENT, traceFlags: TraceFlags.SAMPLED, traceState: new TraceState('dt=x0h1') });
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, defaultTextMapSetter);
    expect(carrier).toMatchObject({ traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'dt=x0h1', 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${PARENT};Sampled=0` });
  });

  it('should start a child of the Root for a Root-only header (ALB)', () => {
    const span = continueFrom({ 'x-amzn-trace-id': `Root=${XRAY_ROOT}` });
    expect(span.spanContext().traceId).toBe(TRACE);
    expect((span as unknown as { parentSpanContext?: unknown }).parentSpanContext).toBeUndefined();
    expect(span.isRecording()).toBe(true);
  });

  it('should let the sampler decide for Sampled=? and keep the parent', () => {
    const span = continueFrom({ 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${PARENT};Sampled=?` });
    expect(span.spanContext().traceId).toBe(TRACE);
    expect((span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe(PARENT);
    expect(span.isRecording()).toBe(true);
  });

  it('should prefer a valid traceparent over an X-Amzn-Trace-Id of another trace', () => {
    const other = '1-5759e988-000000000000000000000abc';
    const span = continueFrom({ traceparent: `00-${TRACE}-${PARENT}-01`, 'x-amzn-trace-id': `Root=${other};Parent=${PARENT};Sampled=1` });
    expect(span.spanContext().traceId).toBe(TRACE);
  });

  it('should prefer the X-Ray parent when both headers name the same trace (an AWS hop updated only X-Amzn-Trace-Id)', () => {
    const gateway = 'a1b2c3d4e5f60718';
    const span = continueFrom({
      traceparent: `00-${TRACE}-${PARENT}-01`,
      tracestate: 'vendor=1',
      'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${gateway};Sampled=1`,
    });
    expect(span.spanContext().traceId).toBe(TRACE);
    expect((span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe(gateway);
    expect(span.spanContext().traceState?.get('vendor')).toBe('1');
  });

  it("should follow the X-Ray header's sampling decision for X-Ray when it is the parent, and traceparent's for the rest", () => {
    const span = continueFrom({ traceparent: `00-${TRACE}-${PARENT}-01`, 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=a1b2c3d4e5f60718;Sampled=0` });
    expect((span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe('a1b2c3d4e5f60718');
    expect(span.isRecording()).toBe(true); // traceparent's flag: recorded (for Honeycomb)
    expect(wantedBy(span.spanContext(), 'x')).toBe(false);
    expect(wantedBy(span.spanContext(), 'h')).toBe(true);
    const dropped = continueFrom({ traceparent: `00-${TRACE}-${PARENT}-00`, 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=a1b2c3d4e5f60718;Sampled=0` });
    expect(dropped.isRecording()).toBe(false);
  });

  it('should keep the upstream tracestate (and its per-backend decisions) when the X-Ray parent wins', () => {
    const extracted = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'dt=x1h0,vendor=v', 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=a1b2c3d4e5f60718;Sampled=1` },
      defaultTextMapGetter,
    );
    const parent = trace.getSpanContext(extracted)!;
    expect(parent.spanId).toBe('a1b2c3d4e5f60718');
    expect(parent.traceState?.get('vendor')).toBe('v');
    expect(parent.traceState?.get('dt')).toBe('x1h0');
  });

  it('should keep the W3C parent when the X-Ray header has no usable parent (Root only, or invalid)', () => {
    for (const xray of [`Root=${XRAY_ROOT}`, `Root=${XRAY_ROOT};Parent=zz;Sampled=1`]) {
      const span = continueFrom({ traceparent: `00-${TRACE}-${PARENT}-01`, 'x-amzn-trace-id': xray });
      expect((span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe(PARENT);
    }
  });

  it.each([
    ['garbage', { 'x-amzn-trace-id': 'nonsense' }],
    ['a bad root', { 'x-amzn-trace-id': 'Root=1-zz-12;Parent=53995c3f42cd8ad8;Sampled=1' }],
    ['an all-zero root', { 'x-amzn-trace-id': 'Root=1-00000000-000000000000000000000000' }],
    ['an enormous header', { 'x-amzn-trace-id': `Root=${XRAY_ROOT};${'x'.repeat(100_000)}` }],
    ['a malformed traceparent', { traceparent: '00-xyz-abc-01' }],
    ['an enormous traceparent', { traceparent: `00-${TRACE}-${PARENT}-01${'0'.repeat(100_000)}` }],
  ])('should ignore %s and start a new trace', (_name, headers) => {
    const before = Math.floor(Date.now() / 1000);
    const span = continueFrom(headers);
    expect(span.spanContext().traceId).not.toBe(TRACE);
    expect(Math.abs(parseInt(span.spanContext().traceId.slice(0, 8), 16) - before)).toBeLessThanOrEqual(1);
  });

  it('should inject traceparent, X-Amzn-Trace-Id and baggage that extract back to the same context', () => {
    const span = tracer.startSpan('client');
    const baggage = propagation.createBaggage({ user: { value: 'alice' } });
    const ctx = propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, span), baggage);
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, defaultTextMapSetter);
    const { traceId, spanId } = span.spanContext();
    expect(carrier.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(carrier['x-amzn-trace-id']).toBe(`Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=1`);
    expect(carrier.baggage).toBe('user=alice');
    for (const only of ['traceparent', 'x-amzn-trace-id'] as const) {
      const back = propagator.extract(ROOT_CONTEXT, { [only]: carrier[only]! }, defaultTextMapGetter);
      expect(trace.getSpanContext(back)).toMatchObject({ traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    }
    expect(propagation.getBaggage(propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter))?.getEntry('user')?.value).toBe('alice');
    span.end();
  });

  it('should send no tracestate header for an empty trace state (a dt entry removed), and other vendors\' entries as they are', () => {
    const inject = (state: TraceState): Record<string, string> => {
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: PARENT, traceFlags: TraceFlags.SAMPLED, traceState: state }), carrier, defaultTextMapSetter);
      return carrier;
    };
    const emptied = inject(new TraceState('dt=x0h1').unset('dt'));
    expect(emptied).not.toHaveProperty('tracestate');
    expect(emptied.traceparent).toBe(`00-${TRACE}-${PARENT}-01`);
    expect(inject(new TraceState('vendor=a,dt=x0h1').unset('dt')).tracestate).toBe('vendor=a');
  });

  it('should list the fields it injects', () => {
    expect(propagator.fields()).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'baggage', 'x-amzn-trace-id']));
  });
});
