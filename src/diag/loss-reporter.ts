import type { DiagLogger } from '@opentelemetry/api';
import { logger } from './logger';
import { LOG_INTERVAL_MS } from './rate-limited-log';

/**
 * Where an exporter, a transport or a queue reports spans that did not reach their backend, and deliveries that did.
 * One per backend; everything that can lose that backend's spans reports to the same one.
 *
 * - `lost(cause, count, detail)`: `count` spans were lost for `cause`, a short stable code: an errno
 *   (`ECONNREFUSED`, `ENOBUFS`, `ENOTFOUND`), `HTTP 413`, `TIMEOUT`, `QUEUE_FULL`, … (`lossCause` maps an export
 *   error to one). `detail` is the log text: what happened and what to do, never a secret. Pass `outage: false` for
 *   spans refused for what they are (malformed, too large even alone): counted and reported alike, but the backend is
 *   not failing, so no "recovered" line follows.
 * - `delivered()`: spans reached the backend. Ends an outage; cheap when there is none.
 *
 * @example
 * loss.lost('HTTP 413', 1, 'a span too large for Honeycomb even alone was dropped.', false);
 * loss.lost(lossCause(error), batch.length, describe(error));
 * loss.delivered();
 */
export interface LossSink {
  lost(cause: string, count: number, detail: string, outage?: boolean): void;
  delivered(): void;
}

interface CauseState {
  /** Spans lost since this cause's last line. */
  pending: number;
  total: number;
  /** The latest detail: the line says what is happening now. */
  detail: string;
  reportedAt: number;
}

/**
 * Counts every loss per cause and reports it through `diag` at `warn`: the first loss of a cause at once, then one line
 * per cause per interval (30 s) with the count since its last line, written by an unref'd timer, so a count is never
 * held back waiting for another failure. Recovery (a delivery after an outage) is reported once per outage, and at
 * most once per interval while a fault flaps. `flush()` (at shutdown) writes whatever is still unreported.
 * `forceFlush()` does not: an app that flushes often (Lambda, after every invocation) would otherwise log a line per
 * flush for as long as a backend is down.
 */
export class LossReporter implements LossSink {
  private readonly causes = new Map<string, CauseState>();
  /** Spans were lost (for an outage cause) since the last delivery. */
  private failing = false;
  /** Spans lost to outages since the last recovery line. */
  private lostSinceRecovery = 0;
  /** An outage ended but the rate limit held its line back. */
  private recoveryPending = false;
  private recoveredAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly backend: string,
    private readonly log: DiagLogger = logger(),
    private readonly intervalMs = LOG_INTERVAL_MS,
    /** Monotonic by default: a wall-clock step must not hold a count back for as long, nor defeat the interval. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  lost(cause: string, count: number, detail: string, outage = true): void {
    if (!(count > 0)) return;
    let state = this.causes.get(cause);
    if (state === undefined) {
      state = { pending: 0, total: 0, detail, reportedAt: Number.NEGATIVE_INFINITY };
      this.causes.set(cause, state);
    }
    state.pending += count;
    state.total += count;
    state.detail = detail;
    if (outage) {
      this.failing = true;
      this.recoveryPending = false;
      this.lostSinceRecovery += count;
    }
    const now = this.now();
    if (now - state.reportedAt >= this.intervalMs) this.reportCause(cause, state, now);
    else this.schedule(state.reportedAt + this.intervalMs - now);
  }

  delivered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.recoveryPending = true;
    const now = this.now();
    if (now - this.recoveredAt >= this.intervalMs) this.reportRecovery(now);
    else this.schedule(this.recoveredAt + this.intervalMs - now);
  }

  /** Writes every count not yet reported, and a recovery not yet reported, whatever the interval; for shutdown. */
  flush(): void {
    this.clearTimer();
    const now = this.now();
    for (const [cause, state] of this.causes) if (state.pending > 0) this.reportCause(cause, state, now);
    if (this.recoveryPending && !this.failing) this.reportRecovery(now);
  }

  /** Spans lost so far, by cause. */
  totals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [cause, state] of this.causes) totals[cause] = state.total;
    return totals;
  }

  /** Spans lost so far, all causes. */
  get lostSpans(): number {
    let sum = 0;
    for (const state of this.causes.values()) sum += state.total;
    return sum;
  }

  private reportCause(cause: string, state: CauseState, now: number): void {
    const count = state.pending;
    const first = state.total === count;
    state.pending = 0;
    state.reportedAt = now;
    const spans = `${count} ${first ? '' : 'more '}span${count === 1 ? '' : 's'}`;
    const line = first
      ? `${this.backend}: ${spans} lost (${cause}): ${state.detail} Further losses are counted and reported at most every ${this.seconds()} s.`
      : `${this.backend}: ${spans} lost (${cause}), ${state.total} in all: ${state.detail}`;
    this.write(line);
  }

  private reportRecovery(now: number): void {
    const lost = this.lostSinceRecovery;
    this.recoveryPending = false;
    this.recoveredAt = now;
    this.lostSinceRecovery = 0;
    this.write(`${this.backend} export recovered after losing ${lost} span${lost === 1 ? '' : 's'}.`);
  }

  /** One timer for every line held back, at the earliest moment one of them may be written. */
  private schedule(delayMs: number): void {
    if (this.timer !== undefined) return; // it reschedules itself for whatever is still pending when it fires
    this.timer = setTimeout(this.onTimer, Math.max(0, delayMs));
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [cause, state] of this.causes) {
      if (state.pending === 0) continue;
      const due = state.reportedAt + this.intervalMs;
      if (due <= now) this.reportCause(cause, state, now);
      else next = Math.min(next, due);
    }
    if (this.recoveryPending && !this.failing) {
      const due = this.recoveredAt + this.intervalMs;
      if (due <= now) this.reportRecovery(now);
      else next = Math.min(next, due);
    }
    if (next !== Number.POSITIVE_INFINITY) this.schedule(next - now);
  };

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private seconds(): number {
    return Math.round(this.intervalMs / 1000);
  }

  private write(line: string): void {
    try {
      this.log.warn(line);
    } catch {
      // A broken diag logger must not break exporting.
    }
  }
}
