import type { SourcedValue } from '../../config/sources';
import type { RuleStatus, SamplingStatus, XRaySamplingStatus } from '../../trace/sampling-status';

/** `ok`: checked and fine; `warn`: works, but worth a look; `fail`: a problem (exit code 1); `skip`: not checked. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of the report, with what to do when it is not `ok`. */
export interface CheckResult {
  /** Short name: `configuration`, `honeycomb key`, `xray daemon`, … */
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found, one sentence. Never a secret. */
  readonly summary: string;
  /** Extra lines: the sampling rules, the links. */
  readonly details?: readonly string[];
  /** How to fix it, when there is something to fix. */
  readonly fix?: string;
}

/** A sampling rule as `dualtrace doctor` lists it: the fields of `getSamplingStatus()`'s rules that define it. */
export type SamplingRuleSummary = Pick<RuleStatus, 'name' | 'priority' | 'fixedRate' | 'reservoirSize' | 'matches'>;

/** The sampling set-up the app will run with (the shapes of `getSamplingStatus()`, before any request is counted). */
export interface DoctorSampling {
  readonly honeycomb: SamplingStatus['honeycomb'];
  readonly xray: {
    readonly enabled: boolean;
    readonly mode: XRaySamplingStatus['mode'];
    /** Which option or variable chose the mode (`config.sampler.xray.source`). */
    readonly source: string;
    /** Where centralized rules come from (credentials masked). */
    readonly endpoint: string | undefined;
    /** Where the local rules come from. */
    readonly rulesSource: string | undefined;
    /** What decides: as `getSamplingStatus()` says it, or `not used` when nothing needs X-Ray's decision. */
    readonly using: XRaySamplingStatus['using'] | 'not used';
    /** The rules that decide, in the order they are tried: the service's, or the local ones. */
    readonly rules: readonly SamplingRuleSummary[];
    /** The local rules, when the service's are the ones listed (they apply again if it stays away for an hour). */
    readonly localRules: readonly SamplingRuleSummary[] | undefined;
  };
}

/** Everything `dualtrace doctor` found; `--json` prints this object. */
export interface DoctorReport {
  /** False when any check failed (exit code 1). */
  readonly ok: boolean;
  /** Every resolved value (secrets redacted) and where it came from; empty when the configuration did not resolve. */
  readonly config: readonly SourcedValue[];
  /** The sampling set-up; absent when the configuration did not resolve or tracing is disabled. */
  readonly sampling?: DoctorSampling;
  readonly checks: readonly CheckResult[];
  /** The test trace, when one was sent: its ids and where to see it. */
  readonly testTrace?: { readonly traceId: string; readonly xrayTraceId: string; readonly honeycomb?: string; readonly xray?: string };
}
