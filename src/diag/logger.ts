import { diag, type DiagLogger } from '@opentelemetry/api';

/** dualtrace's run-time log: OTel's `diag`, namespaced, so apps route it with the rest of their OTel logs. */
export function logger(): DiagLogger {
  // Looked up per call (cheap) so a logger the app installs after initTracing is honoured.
  return diag.createComponentLogger({ namespace: 'dualtrace' });
}

/** How often a repeating problem is reported again, with the count since the last report. */
export const REPORT_INTERVAL_MILLIS = 30_000;

/**
 * Reports a repeating problem once, then at most once per interval with how many times it happened since. Memory is
 * bounded by the number of distinct `kind`s, which callers keep to a fixed set.
 */
export class ThrottledReporter {
  private readonly state = new Map<string, { lastReport: number; suppressed: number; total: number }>();

  constructor(private readonly intervalMillis = REPORT_INTERVAL_MILLIS, private readonly now: () => number = Date.now) {}

  /** Counts one occurrence of `kind`; logs `message()` (plus counts) when due. Returns whether it logged. */
  report(kind: string, message: () => string, level: 'warn' | 'error' = 'warn', count = 1): boolean {
    const t = this.now();
    let s = this.state.get(kind);
    if (s === undefined) {
      s = { lastReport: t, suppressed: 0, total: count };
      this.state.set(kind, s);
      logger()[level](`${message()}${count > 1 ? ` (${count} at once)` : ''}`);
      return true;
    }
    s.total += count;
    if (t - s.lastReport < this.intervalMillis) {
      s.suppressed += count;
      return false;
    }
    const since = s.suppressed + count;
    s.lastReport = t;
    s.suppressed = 0;
    logger()[level](`${message()} (${since} more since the last report; ${s.total} in all)`);
    return true;
  }

  /** Total occurrences of `kind` so far. */
  count(kind: string): number {
    return this.state.get(kind)?.total ?? 0;
  }
}
