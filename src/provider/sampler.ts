import type { SpanKind} from '@opentelemetry/api';
import { type Attributes, type Context, type Link, type SpanContext, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { type Sampler, type SamplingResult, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import type { SamplerConfig } from '../config/types';
import { decisionOf, decisionValue, DT_KEY, encodeDecision, rateOf, W3C_SAMPLED, WANT_HONEYCOMB, WANT_XRAY, XRAY_SAMPLED } from '../trace/sampling-decision';
import type { DecisionCounts } from '../trace/sampling-status';
import { ratioBound, traceIdBucket } from './trace-id-ratio';

/** X-Ray's rule engine as the sampler sees it (see xray-sampling/): 0 = not kept, else the kept trace's weight. */
export interface XRayDecider {
  decide(traceId: string, attributes: Attributes, kind: SpanKind, now: number): number;
}

/** Which backends receive spans (a backend that is off neither records nor states a decision). */
export interface SamplerBackends {
  readonly xray: boolean;
  readonly honeycomb: boolean;
}


/**
 * One decision per backend, made where a trace starts (or where X-Ray's `Sampled=?` asks) and carried by the trace:
 *
 * - Honeycomb: 1 trace in `sampleRate`, a ratio of the trace id, so every service with the same rate agrees; or, with
 *   `OTEL_TRACES_SAMPLER=xray`, what X-Ray keeps. Kept spans carry `SampleRate: N` when N > 1.
 * - X-Ray: its rules (centralized or local), every trace (`'all'`), or the shared sampler's ratio.
 * - A span is recorded when any backend keeps its trace; its `tracestate` `dt` entry says which (see decision.ts).
 * - Children follow their parent. A remote parent's decisions are honoured per backend: X-Ray's from the X-Ray header's
 *   `Sampled=1/0` or a `dt` entry, else the `traceparent` flag; Honeycomb's from a `dt` entry or the `traceparent` flag,
 *   but not from X-Ray's `Sampled=` alone (X-Ray's share must not limit Honeycomb's), unless both backends share one
 *   sampler. A `dt` entry that does not mention a backend comes from a service where it was off: it is decided here.
 *   The standard samplers without `parentbased_` ignore remote parents, as their names say.
 *
 * When nothing differs between the backends (both keep every trace), one frozen result is returned for every span.
 */
export class DualtraceSampler implements Sampler {
  readonly counts: DecisionCounts = { decided: 0, xray: 0, honeycomb: 0 };
  private readonly mask: number;
  private readonly honeycombBound: number;
  private readonly xrayBound: number;
  private readonly honeycombFollowsXRay: boolean;
  private readonly xrayMode: SamplerConfig['xray']['mode'];
  private readonly parentBasedHoneycomb: boolean;
  private readonly parentBasedXRay: boolean;
  private readonly xrayShared: boolean;
  private readonly decides: boolean;
  /** Frozen results by `wants | rate << 2`: for roots (with their `dt` state) and for children (inheriting it). */
  private readonly roots = new Map<number, SamplingResult>();
  private readonly children = new Map<number, SamplingResult>();
  private readonly encoded = new Map<number, string>();
  private lastValue: string | undefined;
  private lastChild: SamplingResult | undefined;

  constructor(
    private readonly config: SamplerConfig,
    backends: SamplerBackends = { xray: true, honeycomb: true },
    private readonly xrayRules?: XRayDecider,
  ) {
    // With neither backend on (console only), recording follows Honeycomb's policy: the shared sampler.
    this.mask = (backends.xray ? WANT_XRAY : 0) | (backends.honeycomb ? WANT_HONEYCOMB : 0) || WANT_HONEYCOMB;
    this.honeycombBound = ratioBound(config.honeycomb.ratio);
    this.xrayBound = ratioBound(config.ratio);
    this.honeycombFollowsXRay = config.honeycomb.decidedBy === 'xray';
    this.xrayMode = config.xray.mode;
    this.xrayShared = config.xray.mode === 'shared';
    this.parentBasedHoneycomb = config.name.startsWith('parentbased_');
    this.parentBasedXRay = this.xrayShared ? this.parentBasedHoneycomb : true;
    this.decides = (this.mask & WANT_XRAY) !== 0 || this.honeycombFollowsXRay;
  }

  shouldSample(context: Context, traceId: string, _spanName: string, spanKind: SpanKind, attributes: Attributes, _links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent !== undefined && isSpanContextValid(parent)) {
      if (parent.isRemote !== true) return this.inherit(parent);
      return this.fromRemote(context, parent, traceId, spanKind, attributes);
    }
    // An X-Ray header with a Root and a decision but no Parent ("Root=…;Sampled=1", the developer guide's first form:
    // a decision made before any segment) starts no parent span, but its decision is X-Ray's all the same.
    const stated = this.parentBasedXRay ? context.getValue(XRAY_SAMPLED) : undefined;
    if (stated === '1' || stated === '0') return this.fromRootHeader(stated === '1' ? 1 : 0, traceId);
    const x = this.decideXRay(traceId, spanKind, attributes);
    const h = this.honeycombFollowsXRay ? x : this.ratioHoneycomb(traceId);
    return this.result(this.count(x, h), this.honeycombFollowsXRay ? x : this.config.honeycomb.sampleRate, undefined);
  }

  /**
   * A root span under X-Ray's stated decision: Honeycomb decides here, unless one sampler decides for both. With X-Ray
   * off here, its decision still goes on to the next service, as below a parent (see `carry`).
   */
  private fromRootHeader(x: number, traceId: string): SamplingResult {
    const bound = this.honeycombFollowsXRay || this.xrayShared;
    const h = bound ? x : this.ratioHoneycomb(traceId);
    const wants = this.count(x, h);
    const weight = this.honeycombFollowsXRay ? x : this.config.honeycomb.sampleRate;
    if ((this.mask & WANT_XRAY) !== 0) return this.result(wants, weight, undefined);
    return this.result((wants & this.mask) | (x > 0 ? WANT_XRAY : 0), weight, undefined, WANT_XRAY);
  }

  toString(): string {
    return `DualtraceSampler{honeycomb=${this.config.honeycomb.decidedBy}:${this.config.honeycomb.sampleRate}, xray=${this.xrayMode}}`;
  }

  /** A local parent: same decisions, same state (nothing is re-decided within a process). */
  private inherit(parent: SpanContext): SamplingResult {
    if ((parent.traceFlags & TraceFlags.SAMPLED) === 0) return DROP;
    const value = decisionValue(parent.traceState);
    if (value === undefined) return this.child(this.mask, 1);
    if (value === this.lastValue) return this.lastChild!;
    const result = this.child(wantsOf(value), rateOf(value));
    this.lastValue = value;
    this.lastChild = result;
    return result;
  }

  private fromRemote(context: Context, parent: SpanContext, traceId: string, kind: SpanKind, attributes: Attributes): SamplingResult {
    const value = decisionValue(parent.traceState);
    const xraySampled = context.getValue(XRAY_SAMPLED) as string | undefined;
    const w3cSampled = context.getValue(W3C_SAMPLED) as boolean | undefined;
    const parentSampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0;

    // X-Ray: its own header first, then the dt entry, then the flag; `?` (or a sampler that ignores parents) decides here.
    let x: number;
    const stated = value === undefined ? -1 : decisionOf(value, 'x');
    if (xraySampled === '?' || !this.parentBasedXRay) x = this.decideXRay(traceId, kind, attributes);
    else if (xraySampled === '1' || xraySampled === '0') x = xraySampled === '1' ? 1 : 0;
    else if (stated >= 0) x = stated;
    else if (value !== undefined && !this.xrayShared) x = this.decideXRay(traceId, kind, attributes); // X-Ray was off upstream
    else x = parentSampled ? 1 : 0;

    let h: number;
    let rate = this.config.honeycomb.sampleRate;
    const statedH = value === undefined ? -1 : decisionOf(value, 'h');
    if (this.honeycombFollowsXRay && statedH < 0) {
      h = x;
      rate = x;
    } else if (!this.parentBasedHoneycomb) {
      h = this.ratioHoneycomb(traceId);
    } else if (statedH >= 0) {
      h = statedH;
      rate = rateOf(value!);
    } else if (value !== undefined && !this.xrayShared) {
      // A dt entry without Honeycomb's decision: Honeycomb was off upstream, and the flag is another backend's record.
      h = this.ratioHoneycomb(traceId);
    } else if (w3cSampled !== undefined) {
      h = w3cSampled ? 1 : 0; // the traceparent's flag
    } else if (xraySampled === undefined) {
      h = parentSampled ? 1 : 0; // a remote parent set without a propagator
    } else if (this.xrayShared && xraySampled !== '?') {
      h = x; // one sampler for both backends: X-Ray's Sampled= binds both, as it always did
    } else {
      h = this.ratioHoneycomb(traceId); // X-Ray's decision alone does not bind Honeycomb
    }
    const wants = this.count(x, h);
    if ((this.mask & BOTH) === BOTH) return this.result(wants, rate, parent);
    return this.carry(wants, rate, parent, value, xraySampled, w3cSampled);
  }

  /**
   * A backend that is off here records nothing, but a decision upstream stated for it (a `dt` entry, X-Ray's own
   * `Sampled=1/0`, or the flag of a `traceparent` without a `dt` entry) goes on to the next service: a service sending
   * to one backend, between two that send to both, must not cut the other backend's trace (as an X-Ray SDK service
   * would not, forwarding the header it received). One nobody decided stays undecided: the `dt` entry does not
   * mention it, and the next service that has it on decides for it.
   */
  private carry(wants: number, rate: number, parent: SpanContext, value: string | undefined, xraySampled: string | undefined, w3cSampled: boolean | undefined): SamplingResult {
    let kept = wants & this.mask;
    let stated = 0;
    // Upstream's flag with no dt entry: a decision for both backends (another OpenTelemetry service, or a dualtrace
    // service where both decided alike).
    const flag = (parent.traceFlags & TraceFlags.SAMPLED) !== 0 ? 1 : 0;
    if ((this.mask & WANT_XRAY) === 0) {
      const x = statedXRay(value, xraySampled, flag);
      if (x >= 0) stated |= WANT_XRAY;
      if (x === 1) kept |= WANT_XRAY;
    }
    if ((this.mask & WANT_HONEYCOMB) === 0) {
      const h = statedHoneycomb(value, xraySampled, w3cSampled, flag);
      if (h >= 0) stated |= WANT_HONEYCOMB;
      if (h === 1) {
        kept |= WANT_HONEYCOMB;
        rate = value === undefined ? 1 : rateOf(value);
      }
    }
    return this.result(kept, rate, parent, stated);
  }

  /** X-Ray's decision for a trace starting here: 0, or the weight of a kept trace. */
  private decideXRay(traceId: string, kind: SpanKind, attributes: Attributes): number {
    if (!this.decides) return 0;
    switch (this.xrayMode) {
      case 'all':
        return 1;
      case 'shared':
        return traceIdBucket(traceId) < this.xrayBound ? 1 : 0;
      default:
        // The wall clock on purpose: reservoirs count per wall-clock second and quota TTLs are X-Ray's epoch times.
        return this.xrayRules === undefined ? 1 : this.xrayRules.decide(traceId, attributes, kind, Date.now());
    }
  }

  private ratioHoneycomb(traceId: string): number {
    const bound = this.honeycombBound;
    if (bound === 0x100000000) return 1;
    return bound > 0 && traceIdBucket(traceId) < bound ? 1 : 0;
  }

  private count(x: number, h: number): number {
    const wants = (x > 0 ? WANT_XRAY : 0) | (h > 0 ? WANT_HONEYCOMB : 0);
    this.counts.decided++;
    if ((wants & this.mask & WANT_XRAY) !== 0) this.counts.xray++;
    if ((wants & this.mask & WANT_HONEYCOMB) !== 0) this.counts.honeycomb++;
    return wants;
  }

  /**
   * The result for these decisions. A root gets the cached result with its `dt` state; below a remote parent whose
   * state already says the same, the child result (inheriting it); otherwise the parent's state with `dt` replaced.
   * `stated`: backends off here whose upstream decision `wants` carries on (see `carry`).
   */
  private result(wants: number, weight: number, parent: SpanContext | undefined, stated = 0): SamplingResult {
    const rate = (wants & (this.mask | stated) & WANT_HONEYCOMB) !== 0 && weight > 1 ? weight : 1;
    const key = keyOf(wants, rate, stated);
    const state = parent?.traceState;
    if (state === undefined) return this.cached(this.roots, key, wants, rate, true, this.mask | stated);
    const value = this.encode(key, wants, rate, this.mask | stated);
    if ((state.get(DT_KEY) ?? '') === value) return this.child(wants, rate);
    const base = this.cached(this.children, key, wants, rate, false);
    return { ...base, traceState: value === '' ? state.unset(DT_KEY) : state.set(DT_KEY, value) };
  }

  private child(wants: number, rate: number): SamplingResult {
    return this.cached(this.children, keyOf(wants, rate, 0), wants, rate, false);
  }

  private cached(cache: Map<number, SamplingResult>, key: number, wants: number, rate: number, root: boolean, mask = this.mask): SamplingResult {
    let result = cache.get(key);
    if (result === undefined) {
      const value = this.encode(key, wants, rate, mask);
      const recorded = (wants & this.mask) !== 0;
      const sampleRate = (wants & this.mask & WANT_HONEYCOMB) !== 0 && rate > 1 ? Object.freeze({ SampleRate: rate }) : undefined;
      result = Object.freeze({
        decision: recorded ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
        attributes: recorded ? sampleRate : undefined,
        traceState: root && value !== '' ? new TraceState().set(DT_KEY, value) : undefined,
      });
      // Bounded: the rates seen are the configured one and the rules' (1 / FixedRate), a handful.
      if (cache.size < 256) cache.set(key, result);
    }
    return result;
  }

  private encode(key: number, wants: number, rate: number, mask = this.mask): string {
    let value = this.encoded.get(key);
    if (value === undefined) {
      value = encodeDecision(wants, rate, mask);
      if (this.encoded.size < 256) this.encoded.set(key, value);
    }
    return value;
  }
}

/**
 * X-Ray's decision as stated upstream, for a service with X-Ray off (see `carry`): 1 kept, 0 dropped, -1 undecided.
 * X-Ray's own `Sampled=1/0` first, then the `dt` entry, then the flag of a `traceparent` that came without an X-Ray
 * header. `Sampled=?`, an X-Ray header without `Sampled`, or a `dt` entry without `x` leave X-Ray undecided.
 */
function statedXRay(value: string | undefined, xraySampled: string | undefined, flag: number): number {
  if (xraySampled === '1') return 1;
  if (xraySampled === '0') return 0;
  if (value !== undefined) return decisionOf(value, 'x');
  return xraySampled === undefined ? flag : -1;
}

/**
 * Honeycomb's decision as stated upstream, for a service with Honeycomb off (see `carry`): the `dt` entry, else the
 * flag of a `traceparent`; an X-Ray header alone states nothing for Honeycomb (-1, undecided).
 */
function statedHoneycomb(value: string | undefined, xraySampled: string | undefined, w3cSampled: boolean | undefined, flag: number): number {
  if (value !== undefined) return decisionOf(value, 'h');
  if (w3cSampled !== undefined) return w3cSampled ? 1 : 0;
  return xraySampled === undefined ? flag : -1;
}

const DROP: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });
const BOTH = WANT_XRAY | WANT_HONEYCOMB;

/** A cache key for decisions, the backends off here they state (see `carry`), and the rate. */
function keyOf(wants: number, rate: number, stated: number): number {
  return wants + stated * 4 + rate * 16;
}

/** The decisions a `dt` value states; a backend it does not mention keeps the trace (the flag said it is recorded). */
function wantsOf(value: string): number {
  return (decisionOf(value, 'x') !== 0 ? WANT_XRAY : 0) | (decisionOf(value, 'h') !== 0 ? WANT_HONEYCOMB : 0);
}
