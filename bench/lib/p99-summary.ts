/**
 * What bench/p99.ts records and how its runs are summarised (pure; test/bench/open-loop.test.ts). Every latency figure
 * of a variant is its minimum over the fresh server processes (rounds): on this shared machine the host only ever
 * adds latency, so the least disturbed process is the closest to the code's own figure, as in the closed-loop bench.
 * The medians are kept beside them, to show how far the rounds spread.
 */
import type { OpenLoopResult } from './open-loop-child';
import type { Machine } from './machine';
import { median, min } from './util';

/** One closed-loop run of the untraced server at full speed (autocannon, as bench/request-overhead.ts). */
export interface MaxRun {
  app: string;
  round: number;
  reqPerSec: number;
  errors: number;
  load: string;
}

export interface MaxThroughput {
  app: string;
  /** req/s of each fresh process. */
  rounds: number[];
  /** The median of `rounds`: the rate the open-loop load is a fraction of. */
  median: number;
  /** The open-loop rate, req/s: `fraction` × `median`, rounded. */
  rate: number;
}

/** One open-loop run: one variant, one fresh server process. */
export interface P99Run {
  app: string;
  variant: string;
  round: number;
  load: string;
  result: OpenLoopResult;
  served: number;
  cpuPerRequest: number;
  otlpSpans: number;
  xraySegments: number;
  udpKernelDrops: number;
  diagLines: number;
}

export interface P99Summary {
  app: string;
  variant: string;
  rounds: number;
  /** Rounds whose server kept up with the rate (`keptUp`); the others measured a backlog. */
  keptUp: number;
  /** Minimum over the rounds, ms (each percentile on its own). */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  p99Median: number;
  /** Least achieved rate over the rounds, req/s. */
  achievedRate: number;
  /** Errors, non-2xx answers and timeouts over every round. */
  errors: number;
  waitedForConnection: number;
  /** Minimum p99 of this variant − minimum untraced p99 (same app), ms; 0 for untraced. */
  p99Added: number;
  /** Median p99 of this variant − median untraced p99, ms. */
  p99AddedMedian: number;
  /** Least p99 of the generator's own send lag over the rounds, ms. */
  sendLagP99: number;
}

export interface P99Config {
  quick: boolean;
  fraction: number;
  maxRounds: number;
  rounds: number;
  warmupS: number;
  durationS: number;
  connections: number;
}

export interface P99Report {
  config: P99Config;
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  argv: string;
  maxRuns: MaxRun[];
  maxThroughput: MaxThroughput[];
  runs: P99Run[];
  summary: P99Summary[];
}

/** bench/results-p99.json: the last report of each Node major version. */
export interface P99Results {
  reports: P99Report[];
}

/** Achieved rate within this fraction of the rate, either way (above: a backlog draining). */
export const KEPT_UP_RATE = 0.03;
/** Requests that found every connection busy, as a fraction of those scheduled. */
export const KEPT_UP_WAITED = 0.001;

/**
 * Whether the server kept up with the open-loop rate: it answered at the rate (not below, nor above while draining a
 * backlog) and almost no request found every connection busy. A run that did not measured its queue, not the tracer.
 */
export function keptUp(r: OpenLoopResult): boolean {
  return Math.abs(r.achievedRate - r.rate) <= KEPT_UP_RATE * r.rate && r.waitedForConnection <= KEPT_UP_WAITED * r.scheduled;
}

export function maxThroughput(runs: readonly MaxRun[], app: string, fraction: number): MaxThroughput {
  const rounds = runs.filter((r) => r.app === app).map((r) => r.reqPerSec);
  const mid = median(rounds);
  return { app, rounds, median: mid, rate: Math.round(fraction * mid) };
}

export function summariseP99(runs: readonly P99Run[]): P99Summary[] {
  const out: P99Summary[] = [];
  const apps = [...new Set(runs.map((r) => r.app))];
  for (const app of apps) {
    const base = runs.filter((r) => r.app === app && r.variant === 'untraced').map((r) => r.result.latency.p99);
    for (const variant of [...new Set(runs.filter((r) => r.app === app).map((r) => r.variant))]) {
      const mine = runs.filter((r) => r.app === app && r.variant === variant);
      const least = (f: (x: OpenLoopResult) => number): number => min(mine.map((r) => f(r.result)));
      const p99s = mine.map((r) => r.result.latency.p99);
      out.push({
        app,
        variant,
        rounds: mine.length,
        keptUp: mine.filter((r) => keptUp(r.result)).length,
        p50: least((x) => x.latency.p50),
        p90: least((x) => x.latency.p90),
        p99: least((x) => x.latency.p99),
        p999: least((x) => x.latency.p999),
        max: least((x) => x.latency.max),
        p99Median: median(p99s),
        achievedRate: least((x) => x.achievedRate),
        errors: mine.reduce((s, r) => s + r.result.errors + r.result.non2xx + r.result.timeouts, 0),
        waitedForConnection: mine.reduce((s, r) => s + r.result.waitedForConnection, 0),
        p99Added: base.length ? min(p99s) - min(base) : NaN,
        p99AddedMedian: base.length ? median(p99s) - median(base) : NaN,
        sendLagP99: least((x) => x.sendLag.p99),
      });
    }
  }
  return out;
}

/** Replaces the report of the same Node major version (or adds it), newest major last. */
export function mergeReport(results: P99Results | undefined, report: P99Report): P99Results {
  const major = (r: P99Report): number => Number(r.machine.node.replace(/^v/, '').split('.')[0]);
  const kept = (results?.reports ?? []).filter((r) => major(r) !== major(report));
  return { reports: [...kept, report].sort((a, b) => major(a) - major(b)) };
}
