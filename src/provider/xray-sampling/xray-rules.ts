import type { Attributes, DiagLogger, SpanKind } from '@opentelemetry/api';
import type { XRaySampling } from '../../config/sampling-types';
import type { ResolvedConfig } from '../../config/types';
import { DEFAULT_LOCAL_RULES } from '../../config/sampling-rules';
import type { XRayDecider } from '../sampler';
import type { XRaySamplingStatus } from '../../trace/sampling-status';
import { CentralizedPoller } from './centralized';
import type { ServiceFacts } from './request';
import { RuleSet } from './rule-set';

/**
 * Whether X-Ray's rules (local, or centralized with the poller) decide anything: for X-Ray's export (or a Collector's,
 * which gets X-Ray's decision in `tracestate`), or for Honeycomb's with `OTEL_TRACES_SAMPLER=xray`.
 */
export function usesXRayRules(config: ResolvedConfig): boolean {
  const { mode } = config.sampler.xray;
  return (mode === 'centralized' || mode === 'local') && (config.xray.enabled || config.collector.enabled || config.sampler.honeycomb.decidedBy === 'xray');
}

/**
 * X-Ray's rules for the sampler: local rules, or centralized ones with their poller. `decide` is the hot path: rule
 * matching, the reservoir and the fixed rate, with no allocation.
 */
export class XRayRules implements XRayDecider {
  private readonly rules: RuleSet;
  private readonly poller: CentralizedPoller | undefined;

  constructor(
    private readonly config: XRaySampling,
    facts: ServiceFacts,
    log: DiagLogger,
  ) {
    const local = config.rules ?? DEFAULT_LOCAL_RULES;
    this.rules = new RuleSet(local, facts);
    if (config.mode === 'centralized' && config.endpoint !== undefined) {
      const fallback =
        config.rules === undefined || config.rules === DEFAULT_LOCAL_RULES
          ? `${local.default.fixedTarget} trace(s) per second, then ${local.default.rate * 100} %`
          : `to the local rules (${config.rulesSource ?? 'xray.samplingRules'})`;
      this.poller = new CentralizedPoller(this.rules, {
        endpoint: config.endpoint,
        rulesIntervalMillis: config.rulesIntervalMillis,
        targetsIntervalMillis: config.targetsIntervalMillis,
        fallback,
      }, log);
    }
  }

  /** Starts polling (centralized); nothing to do for local rules. */
  start(): this {
    this.poller?.start();
    return this;
  }

  stop(): void {
    this.poller?.stop();
  }

  decide(traceId: string, attributes: Attributes, kind: SpanKind, now: number): number {
    return this.rules.decide(traceId, attributes, kind, now);
  }

  /** For tests and the CLI: fetch rules / report statistics now (centralized), resolving when done. */
  get centralized(): CentralizedPoller | undefined {
    return this.poller;
  }

  status(now = Date.now()): Pick<XRaySamplingStatus, 'using' | 'rules' | 'localRules' | 'poller'> {
    const { centralized, local } = this.rules.status(now);
    const usingService = this.rules.usingCentralized(now);
    return {
      using: usingService ? 'service rules' : this.poller === undefined ? 'local rules' : 'local rules until the service answers',
      rules: usingService ? centralized! : local,
      localRules: usingService ? local : undefined,
      poller: this.poller?.status(),
    };
  }
}

