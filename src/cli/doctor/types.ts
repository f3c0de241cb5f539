import type { SourcedValue } from '../../config/sources';

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

/** Everything `dualtrace doctor` found; `--json` prints this object. */
export interface DoctorReport {
  /** False when any check failed (exit code 1). */
  readonly ok: boolean;
  /** Every resolved value (secrets redacted) and where it came from; empty when the configuration did not resolve. */
  readonly config: readonly SourcedValue[];
  readonly checks: readonly CheckResult[];
  /** The test trace, when one was sent: its ids and where to see it. */
  readonly testTrace?: { readonly traceId: string; readonly xrayTraceId: string; readonly honeycomb?: string; readonly xray?: string };
}
