import type { Attributes, SpanKind } from '@opentelemetry/api';
import type { XRayLocalRules } from '../../config/sampling-types';
import { RequestView, type ServiceFacts } from './request';
import type { RuleStatus } from '../../trace/sampling-status';
import { NOT_SAMPLED, SamplingRule, sameDefinition, type RuleDefinition } from './rule';

/** A rules cache older than this is not trusted; the local rules apply again (aws-xray-sdk rule cache TTL: 1 hour). */
export const RULES_TTL_MILLIS = 60 * 60_000;


/**
 * X-Ray's rules for one process: the local rules (the mode `'local'`, and the fallback of `'centralized'` until the
 * service's rules arrive or when they are more than an hour old), and the centralized ones. Rules are tried in
 * Priority order, then by name (local rules: in the order written, then `default`); the first that matches decides.
 */
export class RuleSet {
  private readonly fallback: readonly SamplingRule[];
  private centralized: SamplingRule[] | undefined;
  private fetchedAt = 0;
  private readonly view: RequestView;

  constructor(local: XRayLocalRules, facts: ServiceFacts) {
    this.fallback = localDefinitions(local).map((d) => new SamplingRule(d, true));
    this.view = new RequestView(facts);
  }

  /** Decides for a root span: {@link NOT_SAMPLED}, or the trace's weight (see `SamplingRule.decide`). */
  decide(traceId: string, attributes: Attributes, kind: SpanKind, now: number): number {
    const rules = this.active(now);
    const request = this.view.reset(attributes, kind);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.matches(request)) return rule.decide(traceId, now);
    }
    // The service always sends its Default rule, which matches everything; an answer without one (a proxy serving a
    // subset, a Default this version could not read) leaves the request to the local rules, as the X-Ray SDKs and
    // OpenTelemetry's sampler do. The local rules end with their default, which matches everything.
    if (rules === this.fallback) return NOT_SAMPLED;
    for (let i = 0; i < this.fallback.length; i++) {
      const rule = this.fallback[i]!;
      if (rule.matches(request)) return rule.decide(traceId, now);
    }
    return NOT_SAMPLED;
  }

  /** Whether the service's rules are in use (else the local ones). */
  usingCentralized(now: number): boolean {
    return this.centralized !== undefined && now - this.fetchedAt <= RULES_TTL_MILLIS;
  }

  /** Replaces the centralized rules; a rule of the same name keeps its counts and quota (see `inheritFrom`). */
  setCentralized(definitions: readonly RuleDefinition[], now: number): void {
    const old = new Map((this.centralized ?? []).map((r) => [r.definition.name, r]));
    const rules = definitions.map((d) => {
      const rule = new SamplingRule(d, false);
      const previous = old.get(d.name);
      if (previous !== undefined) rule.inheritFrom(previous, sameDefinition(previous.definition, d));
      return rule;
    });
    rules.sort((a, b) => a.definition.priority - b.definition.priority || (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
    this.centralized = rules;
    this.fetchedAt = now;
  }

  get rulesFetchedAt(): number | undefined {
    return this.centralized === undefined ? undefined : this.fetchedAt;
  }

  /** The centralized rules that counted requests since the last report, with their counts (reset). */
  takeStatistics(): { rule: SamplingRule; requests: number; sampled: number; borrowed: number }[] {
    const out: { rule: SamplingRule; requests: number; sampled: number; borrowed: number }[] = [];
    for (const rule of this.centralized ?? []) {
      if (rule.window.requests > 0) out.push({ rule, ...rule.takeWindow() });
    }
    return out;
  }

  /** The centralized rule of that name, if any. */
  rule(name: string): SamplingRule | undefined {
    return this.centralized?.find((r) => r.definition.name === name);
  }

  status(now: number): { centralized: RuleStatus[] | undefined; local: RuleStatus[] } {
    return { centralized: this.centralized?.map((r) => ruleStatus(r, now)), local: this.fallback.map((r) => ruleStatus(r, now)) };
  }

  private active(now: number): readonly SamplingRule[] {
    return this.usingCentralized(now) ? this.centralized! : this.fallback;
  }
}

function localDefinitions(local: XRayLocalRules): RuleDefinition[] {
  const common = { serviceName: '*', serviceType: '*', resourceArn: '*', attributes: {} };
  const rules: RuleDefinition[] = local.rules.map((r, i) => ({
    ...common,
    name: r.description ?? `rules[${i}]`,
    priority: i + 1,
    fixedRate: r.rate,
    reservoirSize: r.fixedTarget,
    host: r.host,
    httpMethod: r.httpMethod,
    urlPath: r.urlPath,
  }));
  rules.push({
    ...common,
    name: 'default',
    priority: rules.length + 1,
    fixedRate: local.default.rate,
    reservoirSize: local.default.fixedTarget,
    host: '*',
    httpMethod: '*',
    urlPath: '*',
  });
  return rules;
}

function ruleStatus(rule: SamplingRule, now: number): RuleStatus {
  const d = rule.definition;
  const matches: Record<string, string> = {};
  const fields = { ServiceName: d.serviceName, ServiceType: d.serviceType, Host: d.host, HTTPMethod: d.httpMethod, URLPath: d.urlPath, ResourceARN: d.resourceArn };
  for (const [key, value] of Object.entries(fields)) if (value !== '*') matches[key] = value;
  for (const [key, value] of Object.entries(d.attributes)) matches[`Attributes.${key}`] = value;
  const quota = rule.currentQuota(now);
  return {
    name: d.name,
    priority: d.priority,
    fixedRate: rule.fixedRate,
    reservoirSize: d.reservoirSize,
    matches,
    quota: quota?.quota,
    quotaExpiresAt: quota === undefined || !Number.isFinite(quota.expiresAt) ? undefined : new Date(quota.expiresAt).toISOString(),
    requests: rule.total.requests,
    sampled: rule.total.sampled,
    borrowed: rule.total.borrowed,
  };
}
