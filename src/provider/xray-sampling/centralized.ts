import { randomBytes } from 'node:crypto';
import type { DiagLogger } from '@opentelemetry/api';
import { RateLimitedLog } from '../../diag/rate-limited-log';
import { safeUrl } from '../../http/redact';
import type { PollerStatus } from '../../trace/sampling-status';
import { postJson } from './client';
import { fetchSamplingRules, type FetchedRules } from './fetch-rules';
import { readTargets } from './records';
import type { RuleSet } from './rule-set';

/** `SamplingStatisticsDocuments` holds at most 25 documents per request (X-Ray API reference, GetSamplingTargets). */
export const MAX_STATISTICS_PER_REQUEST = 25;
const REQUEST_TIMEOUT_MILLIS = 5_000;
/**
 * The `Interval` a targets answer may set, in bounds: at least 1 s, and at most the 5 minutes of a rules refresh (the
 * service asks for 10 s). Unbounded, a huge value would overflow Node's timer, which then fires after 1 ms.
 */
const MIN_TARGETS_INTERVAL_MILLIS = 1_000;
const MAX_TARGETS_INTERVAL_MILLIS = 5 * 60_000;

export interface PollerOptions {
  /** Base URL, e.g. `http://127.0.0.1:2000`. */
  readonly endpoint: string;
  readonly rulesIntervalMillis: number;
  readonly targetsIntervalMillis: number;
  /** What applies while there are no rules, for the warning (`1 trace per second, then 5 %`). */
  readonly fallback: string;
}


/**
 * Centralized sampling's traffic with the X-Ray service through the daemon's TCP proxy (which signs and forwards any
 * path): `POST /GetSamplingRules` now and then every 5 minutes (with jitter), following `NextToken`; every 10 s (or the
 * `Interval` the service asks for) `POST /SamplingTargets` with the statistics of the rules that saw requests, at most
 * 25 documents a call, applying the quotas and rates that come back, and fetching the rules again at once when the
 * answer says they changed. Until the first rules arrive it asks for them on every 10 s tick.
 *
 * Failures stay inside: one warning naming the endpoint, then at most one every 30 s with a count; the local rules
 * keep deciding. Timers are unref'd, requests are bounded and aborted by `stop()`.
 */
export class CentralizedPoller {
  readonly clientId = randomBytes(12).toString('hex');
  private readonly abort = new AbortController();
  private readonly warn: RateLimitedLog;
  private rulesTimer: NodeJS.Timeout | undefined;
  private targetsTimer: NodeJS.Timeout | undefined;
  private rulesInFlight: Promise<void> | undefined;
  private targetsInFlight: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  private nextTargetsMillis: number;
  private targetsAt: number | undefined;
  private lastError: string | undefined;
  /** The endpoint as logs and the status show it: credentials in the URL (a proxy's basic auth) masked. */
  private readonly shownEndpoint: string;

  constructor(
    private readonly rules: RuleSet,
    private readonly options: PollerOptions,
    private readonly log: DiagLogger,
    /** The wall clock on purpose: statistics carry epoch seconds, and rules and quotas age on X-Ray's time. */
    private readonly now: () => number = Date.now,
  ) {
    this.shownEndpoint = safeUrl(options.endpoint, '****');
    this.warn = new RateLimitedLog(log);
    this.nextTargetsMillis = options.targetsIntervalMillis;
  }

  start(): void {
    void this.refreshRules();
    this.scheduleTargets();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.rulesTimer);
    clearTimeout(this.targetsTimer);
    this.abort.abort();
  }

  status(): PollerStatus {
    const at = this.rules.rulesFetchedAt;
    return {
      clientId: this.clientId,
      rulesFetchedAt: at === undefined ? undefined : new Date(at).toISOString(),
      targetsFetchedAt: this.targetsAt === undefined ? undefined : new Date(this.targetsAt).toISOString(),
      lastError: this.lastError,
    };
  }

  /** Fetches every page of rules and installs them; on failure the rules in use stay. Never rejects. */
  refreshRules(): Promise<void> {
    this.rulesInFlight ??= this.fetchRules().finally(() => {
      this.rulesInFlight = undefined;
      this.scheduleRules();
    });
    return this.rulesInFlight;
  }

  /** Reports the statistics and applies the targets that come back (or fetches rules while there are none). Never rejects. */
  reportStatistics(): Promise<void> {
    this.targetsInFlight ??= (this.rules.rulesFetchedAt === undefined ? this.refreshRules() : this.sendStatistics()).finally(() => {
      this.targetsInFlight = undefined;
    });
    return this.targetsInFlight;
  }

  private async fetchRules(): Promise<void> {
    const url = `${this.shownEndpoint}/GetSamplingRules`;
    let fetched: FetchedRules;
    try {
      fetched = await fetchSamplingRules(this.options.endpoint, REQUEST_TIMEOUT_MILLIS, this.abort.signal);
    } catch (error) {
      this.failed('rules', `GetSamplingRules at ${url} failed (${reason(error)}); ${this.fallbackText()} until it answers. ` +
        "Check that the X-Ray daemon (or the CloudWatch agent, or a collector's awsproxy) listens on TCP there, or set xray.samplingEndpoint.");
      return;
    }
    if (this.stopped) return;
    const { definitions, skipped } = fetched;
    if (definitions.length === 0) {
      this.failed('rules', `GetSamplingRules at ${url} answered with no usable rule; ${this.fallbackText()}.`);
      return;
    }
    if (skipped.length > 0) this.warn.warn('rules-skipped', `X-Ray sampling: ignoring ${skipped.length} rule(s) from ${url}: ${skipped.slice(0, 5).join('; ')}.`);
    const wasUsing = this.rules.rulesFetchedAt !== undefined;
    this.rules.setCentralized(definitions, this.now());
    if (!wasUsing || this.failing) this.info(`X-Ray sampling: ${definitions.length} rule(s) from ${url}.`);
    this.failing = false;
  }

  private async sendStatistics(): Promise<void> {
    const url = `${this.options.endpoint}/SamplingTargets`;
    const shown = `${this.shownEndpoint}/SamplingTargets`;
    const now = this.now();
    const timestamp = Math.floor(now / 1000);
    const statistics = this.rules.takeStatistics();
    const documents = statistics.map((s) => ({
      RuleName: s.rule.definition.name,
      ClientID: this.clientId,
      Timestamp: timestamp,
      RequestCount: s.requests,
      SampledCount: s.sampled,
      BorrowCount: s.borrowed,
    }));
    let interval: number | undefined;
    let refresh = false;
    for (let i = 0; i < documents.length && !this.stopped; i += MAX_STATISTICS_PER_REQUEST) {
      let body: unknown;
      try {
        body = await postJson(url, { SamplingStatisticsDocuments: documents.slice(i, i + MAX_STATISTICS_PER_REQUEST) }, REQUEST_TIMEOUT_MILLIS, this.abort.signal);
      } catch (error) {
        this.failed('targets', `SamplingTargets at ${shown} failed (${reason(error)}); the rules keep their last quota, or borrow 1 trace per second, then their fixed rate.`);
        restore(statistics, i);
        return;
      }
      const answer = readTargets(body);
      if (answer === undefined) {
        this.failed('targets', `SamplingTargets at ${shown} answered with something that is not a GetSamplingTargets response.`);
        restore(statistics, i);
        return;
      }
      this.targetsAt = this.now();
      for (const target of answer.targets) {
        this.rules.rule(target.RuleName)?.applyTarget(target, this.targetsAt);
        if (typeof target.Interval === 'number' && target.Interval > 0) interval = Math.min(interval ?? Infinity, target.Interval * 1000);
      }
      for (const u of answer.unprocessed) {
        this.warn.warn(`unprocessed:${String(u.ErrorCode)}`, `X-Ray sampling: the service did not take the statistics of rule ${JSON.stringify(u.RuleName)} (${String(u.ErrorCode)}: ${String(u.Message)}).`);
      }
      const fetched = this.rules.rulesFetchedAt;
      if (answer.lastRuleModification !== undefined && fetched !== undefined && answer.lastRuleModification * 1000 > fetched) refresh = true;
    }
    this.nextTargetsMillis = Math.min(MAX_TARGETS_INTERVAL_MILLIS, Math.max(MIN_TARGETS_INTERVAL_MILLIS, interval ?? this.options.targetsIntervalMillis));
    if (refresh && !this.stopped) await this.refreshRules();
  }

  private scheduleRules(): void {
    if (this.stopped) return;
    clearTimeout(this.rulesTimer);
    this.rulesTimer = setTimeout(() => void this.refreshRules(), this.options.rulesIntervalMillis + Math.random() * 5_000);
    this.rulesTimer.unref();
  }

  private scheduleTargets(): void {
    if (this.stopped) return;
    this.targetsTimer = setTimeout(() => {
      void this.reportStatistics().finally(() => this.scheduleTargets());
    }, this.nextTargetsMillis + Math.random() * 100);
    this.targetsTimer.unref();
  }

  private fallbackText(): string {
    return this.rules.rulesFetchedAt === undefined ? `X-Ray keeps ${this.options.fallback}` : 'the rules fetched before stay in use (for up to an hour)';
  }

  private failed(kind: string, message: string): void {
    if (this.stopped) return;
    this.failing = true;
    this.lastError = message;
    this.warn.warn(kind, `X-Ray sampling: ${message}`);
  }

  private info(message: string): void {
    try {
      this.log.info(message);
    } catch {
      // A broken diag logger must not break sampling.
    }
  }
}

/** The counts from `from` on were not taken by the service: back into their rules' windows for the next report. */
function restore(statistics: ReturnType<RuleSet['takeStatistics']>, from: number): void {
  for (let i = from; i < statistics.length; i++) statistics[i]!.rule.restoreWindow(statistics[i]!);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
