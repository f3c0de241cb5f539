import { ratioBound, traceIdBucket } from '../trace-id-ratio';
import type { RequestView } from './request';
import { Pattern } from './wildcard';

/** A sampling rule's definition: a centralized `SamplingRule` record, or a local rule mapped onto the same fields. */
export interface RuleDefinition {
  readonly name: string;
  readonly priority: number;
  readonly fixedRate: number;
  /** Centralized: the rule's reservoir size (> 0 lets this client borrow 1/s until it has a quota). Local: `fixed_target`. */
  readonly reservoirSize: number;
  readonly serviceName: string;
  readonly serviceType: string;
  readonly host: string;
  readonly httpMethod: string;
  readonly urlPath: string;
  readonly resourceArn: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Counts since the last report to the service. */
export interface RuleCounts {
  requests: number;
  sampled: number;
  borrowed: number;
}

/** What {@link SamplingRule.decide} returns for a trace it does not keep. */
export const NOT_SAMPLED = 0;

/**
 * One rule: whether it matches a request, and its reservoir (traces per second) then fixed rate, as the X-Ray SDKs
 * apply them (AWS X-Ray developer guide, "Sampling rules"; aws-xray-sdk-go `CentralizedRule.Sample`):
 *
 * - centralized: the quota from `SamplingTargets` while its TTL lasts; without one (before the first answer, or once
 *   it expired) the client borrows 1 trace per second when the rule has a reservoir; then `FixedRate`;
 * - local: `fixed_target` traces per second, then `rate`.
 *
 * The reservoir counts per whole second, like the SDKs. The fixed rate is a ratio of the trace id (the OpenTelemetry
 * JS `TraceIdRatioBasedSampler` function, the one Honeycomb's ratio uses), so a trace X-Ray keeps at 5 % is also among
 * the traces Honeycomb keeps at 1 in 10.
 */
export class SamplingRule {
  private readonly criteria: Criteria;
  private quota: number | undefined;
  private quotaExpiresAt = 0;
  private readonly canBorrow: boolean;
  private second = -1;
  private taken = 0;
  private bound: number;
  private weight: number;
  /** The rate the service last assigned (centralized), else the rule's. */
  fixedRate: number;
  readonly window: RuleCounts = { requests: 0, sampled: 0, borrowed: 0 };
  readonly total: RuleCounts = { requests: 0, sampled: 0, borrowed: 0 };
  /** When the current quota was assigned, ms. */
  quotaAssignedAt: number | undefined;

  constructor(
    readonly definition: RuleDefinition,
    readonly local: boolean,
  ) {
    this.criteria = new Criteria(definition, local);
    this.fixedRate = definition.fixedRate;
    this.bound = ratioBound(definition.fixedRate);
    this.weight = weightOf(definition.fixedRate);
    if (local) {
      this.quota = definition.reservoirSize;
      this.quotaExpiresAt = Number.POSITIVE_INFINITY;
    }
    this.canBorrow = !local && definition.reservoirSize > 0;
  }

  matches(request: RequestView): boolean {
    return this.criteria.matches(request);
  }

  /**
   * Counts the request and decides: {@link NOT_SAMPLED}, 1 when the reservoir kept it, or the weight of a trace kept
   * by the fixed rate (1 / rate, rounded), which Honeycomb's `SampleRate` can use when X-Ray decides for it.
   */
  decide(traceId: string, now: number): number {
    this.window.requests++;
    this.total.requests++;
    if (this.quota !== undefined && now < this.quotaExpiresAt) {
      if (this.take(this.quota, now)) return this.keep(1, false);
    } else if (this.canBorrow && this.take(1, now)) {
      return this.keep(1, true);
    }
    if (this.bound > 0 && traceIdBucket(traceId) < this.bound) return this.keep(this.weight, false);
    return NOT_SAMPLED;
  }

  /** Applies a `SamplingTargetDocument`: the quota until its TTL (epoch seconds), and the rate. */
  applyTarget(target: { FixedRate?: unknown; ReservoirQuota?: unknown; ReservoirQuotaTTL?: unknown }, now: number): void {
    if (isRate(target.FixedRate)) {
      this.fixedRate = target.FixedRate;
      this.bound = ratioBound(target.FixedRate);
      this.weight = weightOf(target.FixedRate);
    }
    if (isCount(target.ReservoirQuota) && typeof target.ReservoirQuotaTTL === 'number' && Number.isFinite(target.ReservoirQuotaTTL)) {
      this.quota = target.ReservoirQuota;
      this.quotaExpiresAt = target.ReservoirQuotaTTL * 1000;
      this.quotaAssignedAt = now;
    }
  }

  /** The quota while it lasts, for status; `undefined` when borrowing (or none was assigned). */
  currentQuota(now: number): { quota: number; expiresAt: number } | undefined {
    return this.quota !== undefined && now < this.quotaExpiresAt ? { quota: this.quota, expiresAt: this.quotaExpiresAt } : undefined;
  }

  /**
   * Keeps the state a refreshed copy of the rule of the same name should not lose: its counts (the service expects
   * them in the next report) and its quota, which the service assigned until its TTL, as the X-Ray SDKs keep a rule's
   * reservoir across a refresh. The rate the service last assigned is kept only when the definition is unchanged: a
   * rule changed in the console brings its own `FixedRate`.
   */
  inheritFrom(old: SamplingRule, unchanged: boolean): void {
    this.quota = old.quota;
    this.quotaExpiresAt = old.quotaExpiresAt;
    this.quotaAssignedAt = old.quotaAssignedAt;
    if (unchanged) {
      this.fixedRate = old.fixedRate;
      this.bound = old.bound;
      this.weight = old.weight;
    }
    Object.assign(this.window, old.window);
    Object.assign(this.total, old.total);
  }

  /** The counts since the last report, reset. */
  takeWindow(): RuleCounts {
    const counts = { ...this.window };
    this.window.requests = 0;
    this.window.sampled = 0;
    this.window.borrowed = 0;
    return counts;
  }

  /** Puts back counts taken for a report that did not reach the service, so the next report carries them. */
  restoreWindow(counts: RuleCounts): void {
    this.window.requests += counts.requests;
    this.window.sampled += counts.sampled;
    this.window.borrowed += counts.borrowed;
  }

  private take(limit: number, now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.taken = 0;
    }
    if (this.taken >= limit) return false;
    this.taken++;
    return true;
  }

  private keep(weight: number, borrowed: boolean): number {
    this.window.sampled++;
    this.total.sampled++;
    if (borrowed) {
      this.window.borrowed++;
      this.total.borrowed++;
    }
    return weight;
  }
}

/** Same rule, same definition: a refresh keeps its state. */
export function sameDefinition(a: RuleDefinition, b: RuleDefinition): boolean {
  for (const key of Object.keys(a) as (keyof RuleDefinition)[]) {
    if (key === 'attributes') continue;
    if (a[key] !== b[key]) return false;
  }
  const ka = Object.keys(a.attributes);
  return ka.length === Object.keys(b.attributes).length && ka.every((k) => a.attributes[k] === b.attributes[k]);
}

/**
 * A rule's criteria: only the fields whose pattern is not `*` are tested, cheapest first (the method and path a request
 * always has, then the Host, then what comes from the resource, then attributes).
 */
class Criteria {
  private readonly method: Pattern | undefined;
  private readonly path: Pattern | undefined;
  private readonly host: Pattern | undefined;
  private readonly serviceName: Pattern | undefined;
  private readonly serviceType: Pattern | undefined;
  private readonly resourceArn: Pattern | undefined;
  private readonly attributes: readonly (readonly [string, Pattern])[];
  /** The service's `Default` rule "matches what no other rule does" (developer guide), whatever its fields say. */
  private readonly always: boolean;

  constructor(d: RuleDefinition, local: boolean) {
    this.always = d.name === 'Default' && !local;
    this.method = specific(d.httpMethod);
    this.path = specific(d.urlPath);
    this.host = specific(d.host);
    this.serviceName = specific(d.serviceName);
    this.serviceType = specific(d.serviceType);
    this.resourceArn = specific(d.resourceArn);
    this.attributes = Object.entries(d.attributes).map(([key, pattern]) => [key, new Pattern(pattern)] as const);
  }

  matches(r: RequestView): boolean {
    if (this.always) return true;
    if (this.method !== undefined && !r.methodMatches(this.method)) return false;
    if (this.path !== undefined && !r.pathMatches(this.path)) return false;
    if (this.host !== undefined && !r.hostMatches(this.host)) return false;
    if (this.serviceName !== undefined && !r.serviceNameMatches(this.serviceName)) return false;
    if (this.serviceType !== undefined && !r.serviceTypeMatches(this.serviceType)) return false;
    if (this.resourceArn !== undefined && !r.resourceArnMatches(this.resourceArn)) return false;
    for (let i = 0; i < this.attributes.length; i++) {
      const [key, pattern] = this.attributes[i]!;
      if (!r.attributeMatches(key, pattern)) return false;
    }
    return true;
  }
}

function specific(pattern: string): Pattern | undefined {
  const compiled = new Pattern(pattern);
  return compiled.any ? undefined : compiled;
}

function weightOf(rate: number): number {
  return rate > 0 ? Math.max(1, Math.round(1 / rate)) : 1;
}

function isRate(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= 1;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
