/**
 * The shapes `getSamplingStatus()` returns (types only: they sit here, at the bottom of the import graph, so the handle
 * can name them without loading the provider).
 */

/**
 * What sampling is doing now (`getSamplingStatus()`): each backend's set-up, the X-Ray rules in use with their quotas
 * and counts, and how many traces this process decided and each backend kept.
 *
 * @example
 * import { getSamplingStatus } from 'dualtrace';
 * const status = getSamplingStatus();
 * console.log(status?.xray.using, status?.decisions);
 * // 'service rules' { decided: 1200, xray: 71, honeycomb: 1200 }
 * @see docs/sampling.md#status
 */
export interface SamplingStatus {
  /** Honeycomb: whether it receives spans, and how its share is chosen. */
  readonly honeycomb: {
    readonly enabled: boolean;
    readonly decidedBy: 'ratio' | 'xray';
    readonly sampleRate: number;
    readonly source: string;
  };
  /** X-Ray: the mode, the endpoint, what decides now, the rules with quotas and counts. */
  readonly xray: XRaySamplingStatus;
  /**
   * Since start: traces this process decided (roots, and X-Ray's `Sampled=?`), and how many each backend kept. Traces
   * whose decisions came with the request are not counted.
   */
  readonly decisions: Readonly<DecisionCounts>;
}

/**
 * Traces decided in this process, and how many each backend kept.
 *
 * @example
 * const { decided, xray, honeycomb } = getSamplingStatus()!.decisions;
 * console.log(`X-Ray keeps ${((100 * xray) / decided).toFixed(1)} % of ${decided}`);
 * @see docs/sampling.md#status
 */
export interface DecisionCounts {
  /** Traces this process decided on. */
  decided: number;
  /** Of those, the ones X-Ray keeps (0 when X-Ray is off). */
  xray: number;
  /** Of those, the ones Honeycomb keeps (0 when Honeycomb is off). */
  honeycomb: number;
}

/**
 * X-Ray's sampling in `getSamplingStatus()`: the resolved set-up, what decides right now, and each rule with its quota
 * and counts.
 *
 * @example
 * const { xray } = getSamplingStatus() ?? {};
 * console.log(xray?.using, xray?.rules.map((r) => `${r.name}: ${r.sampled}/${r.requests}`));
 * @see docs/sampling.md#status
 */
export interface XRaySamplingStatus {
  /** Whether spans go to X-Ray. */
  readonly enabled: boolean;
  /** `centralized`, `local`, `all`, or `shared` (X-Ray keeps what the shared `sampleRate` keeps). */
  readonly mode: 'centralized' | 'local' | 'all' | 'shared';
  /** Where rules and quotas are asked for (centralized). */
  readonly endpoint: string | undefined;
  /** Where the local rules came from. */
  readonly rulesSource: string | undefined;
  /** What decides now: the service's rules, the local rules (or the X-Ray SDK default), every trace, or the shared ratio. */
  readonly using: 'service rules' | 'local rules' | 'local rules until the service answers' | 'every trace' | 'shared sampler';
  /** The rules deciding now, in the order they are tried. */
  readonly rules: readonly RuleStatus[];
  /** The local rules, when the service's rules are in use (they apply again if the service stays away for an hour). */
  readonly localRules: readonly RuleStatus[] | undefined;
  /** Centralized: the client id sent with statistics, when rules and quotas last arrived, and the last failure. */
  readonly poller: PollerStatus | undefined;
}

/**
 * One X-Ray sampling rule in `getSamplingStatus()`: its definition, the quota the service assigned to this process,
 * and its counts since start.
 *
 * @example
 * const health = getSamplingStatus()?.xray.rules.find((r) => r.name === 'health');
 * console.log(health?.matches, health?.quota, health?.sampled, health?.requests);
 * @see docs/sampling.md#status
 */
export interface RuleStatus {
  /** `RuleName`, a local rule's description (or `rules[i]`), or `default`. */
  readonly name: string;
  /** Lower is tried first (local rules: their position). */
  readonly priority: number;
  /** The rate in force (the service's target, once it sent one). */
  readonly fixedRate: number;
  /** The rule's reservoir (centralized: shared by every client; local: `fixed_target`). */
  readonly reservoirSize: number;
  /** The match criteria that are not `*` (`URLPath`, `HTTPMethod`, `Attributes.<key>`, …). */
  readonly matches: Readonly<Record<string, string>>;
  /** Traces per second this process may keep before the rate applies, while it lasts (local: `fixed_target`). */
  readonly quota: number | undefined;
  /** When the service's quota runs out (ISO time). */
  readonly quotaExpiresAt: string | undefined;
  /** Requests that matched the rule, since start. */
  readonly requests: number;
  /** Traces it kept, since start. */
  readonly sampled: number;
  /** Of those, the ones borrowed (1 per second) before the service assigned a quota. */
  readonly borrowed: number;
}

/**
 * Centralized sampling's traffic with the X-Ray service, in `getSamplingStatus()`.
 *
 * @example
 * const poller = getSamplingStatus()?.xray.poller;
 * if (poller?.lastError) console.warn('X-Ray sampling:', poller.lastError);
 * @see docs/sampling.md#status
 */
export interface PollerStatus {
  /** The 24-hex-character id sent with the statistics. */
  readonly clientId: string;
  /** When the rules last arrived (ISO time). */
  readonly rulesFetchedAt: string | undefined;
  /** When quotas last arrived (ISO time). */
  readonly targetsFetchedAt: string | undefined;
  /** The last failure (the warning it logged), if any. */
  readonly lastError: string | undefined;
}
