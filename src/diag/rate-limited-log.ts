import type { DiagLogger } from '@opentelemetry/api';

/** How often one kind of problem may be logged again (ms). Repeats in between are only counted. */
export const LOG_INTERVAL_MS = 30_000;

/**
 * Logs the first occurrence of each kind of problem at once, then at most once per interval with the count since, so
 * drops and send errors are reported with a count, never once per span: a backend that is down for minutes must not
 * flood the app's log.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: DiagLogger,
    private readonly intervalMs = LOG_INTERVAL_MS,
    /** Monotonic by default: a wall-clock step must neither silence a problem for long nor let its repeats through. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** @param key what kind of problem (e.g. `send:ECONNREFUSED`); @param message the text, without counts */
  warn(key: string, message: string): void {
    const now = this.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const since = entry && entry.suppressed > 0 ? ` (${entry.suppressed} more since the last report)` : '';
    this.last.set(key, { at: now, suppressed: 0 });
    try {
      this.logger.warn(message + since);
    } catch {
      // A broken diag logger must not break exporting.
    }
  }
}
