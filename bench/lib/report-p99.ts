/** The open-loop latency section of docs/benchmarks.md (bench/p99.ts) and the "p99 added" target it decides. */
import { existsSync, readFileSync } from 'node:fs';
import { KEPT_UP_RATE, KEPT_UP_WAITED, type P99Report, type P99Results, type P99Summary } from './p99-summary';
import { fmt } from './util';

const RESULTS = new URL('../results-p99.json', import.meta.url);
/** The target (issue 15, "Overhead, round 2"): p99 added by dualtrace at 70 % of untraced max throughput, open loop. */
export const P99_TARGET_MS = 1;
const TARGET_FRACTION = 0.7;

const LABEL: Record<string, string> = {
  untraced: 'untraced',
  reference: 'reference: hand-written OTel middleware, one OTLP exporter',
  dualtrace: '**dualtrace** (both exporters, 100 % sampled)',
};
const APP: Record<string, string> = { express: 'Express 5', http: '`node:http`' };
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const signed = (ms: number): string => (Number.isFinite(ms) ? `${ms >= 0 ? '+' : '−'}${fmt(Math.abs(ms), 2)}` : '–');

export function lastP99(): P99Results | undefined {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as P99Results) : undefined;
}

export interface P99Target {
  measured: string;
  ok: boolean | undefined;
}

/** dualtrace's p99 added per Node version and app; met when every one is within the target. */
export function p99Target(results: P99Results | undefined): P99Target {
  const parts: string[] = [];
  let ok: boolean | undefined;
  for (const report of results?.reports ?? []) {
    const quick = report.config.quick ? ', QUICK' : '';
    const mine = report.summary.filter((s) => s.variant === 'dualtrace');
    if (mine.length === 0) continue;
    const base = (app: string): P99Summary | undefined => report.summary.find((s) => s.app === app && s.variant === 'untraced');
    const atTarget = report.config.fraction === TARGET_FRACTION;
    const apps = mine.map((s) => {
      const baseKept = (base(s.app)?.keptUp ?? 0) > 0;
      if (s.keptUp > 0 && baseKept) return `${APP[s.app] ?? s.app} ${signed(s.p99Added)} ms (medians ${signed(s.p99AddedMedian)})`;
      const who = s.keptUp === 0 && !baseKept ? 'untraced and dualtrace' : s.keptUp === 0 ? 'dualtrace' : 'untraced';
      return `${APP[s.app] ?? s.app} not measurable (${who} never kept up with the rate)`;
    });
    const loadAvg = `load average ${report.machine.loadAtStart.split(' ')[0]} → ${report.machine.loadAtEnd?.split(' ')[0] ?? '?'}`;
    parts.push(`Node ${report.machine.node}${quick}${atTarget ? '' : `, at ${fmt(report.config.fraction * 100)} % (not the target's load)`}, ${loadAvg}: ${apps.join('; ')}`);
    for (const s of mine) {
      if (!atTarget || s.keptUp === 0 || !base(s.app)?.keptUp) continue; // not measured: leaves `ok` as it is
      ok = (ok ?? true) && s.p99Added <= P99_TARGET_MS;
    }
  }
  if (parts.length === 0) return { measured: 'not run (`npm run bench:p99`)', ok: undefined };
  const how = ok === undefined ? '' : ' (Least p99 over fresh processes minus untraced\'s.)';
  return { measured: `${parts.join('. ')}.${how}`, ok };
}

function reportSection(r: P99Report): string[] {
  const c = r.config;
  const m = r.machine;
  const out = ['', `### Node ${m.node}`, ''];
  out.push(`Run ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC – ${r.finishedAt.slice(11, 16)} UTC, ${c.quick ? 'QUICK mode (smoke-run durations)' : 'full mode'}, commit \`${m.commit}\`${m.srcDirty ? ' (src/ had uncommitted changes)' : ''}; ` +
    `${m.cores} cores, ${m.model}. Load average (1, 5, 15 min) at start ${m.loadAtStart}, at end ${m.loadAtEnd ?? '?'}; at the start of each run in the table of every run below.`);
  out.push('', `Warm-up ${c.warmupS} s + measured ${c.durationS} s per run; maximum throughput from ${c.maxRounds} fresh untraced processes; ${c.rounds} fresh processes per variant; at most ${c.connections} connections.`);
  out.push('', row(['app', 'untraced max req/s, closed loop (each process)', 'median', `open-loop rate (${fmt(c.fraction * 100)} %)`]), row(['---', '---', '---', '---']));
  for (const x of r.maxThroughput) out.push(row([APP[x.app] ?? x.app, x.rounds.map((n) => fmt(n)).join(', '), fmt(x.median), fmt(x.rate)]));
  for (const app of [...new Set(r.summary.map((s) => s.app))]) {
    out.push('', `#### ${APP[app] ?? app}, ${fmt(r.maxThroughput.find((x) => x.app === app)?.rate ?? NaN)} req/s (ms from the scheduled send time; least over ${c.rounds} processes)`, '');
    out.push(row(['variant', 'rounds that kept up', 'p50', 'p90', 'p99', 'p99.9', 'max', '**p99 added**', 'p99 added, medians', 'p99, median', 'achieved req/s (least)', 'errors', 'waited for a connection', 'send lag p99']));
    out.push(row(Array.from({ length: 14 }, () => '---')));
    for (const s of r.summary.filter((x) => x.app === app)) {
      out.push(row([LABEL[s.variant] ?? s.variant, `${s.keptUp} of ${s.rounds}`, fmt(s.p50, 2), fmt(s.p90, 2), fmt(s.p99, 2), fmt(s.p999, 2), fmt(s.max, 1),
        s.variant === 'untraced' ? '–' : `**${signed(s.p99Added)}**`, s.variant === 'untraced' ? '–' : signed(s.p99AddedMedian), fmt(s.p99Median, 2),
        fmt(s.achievedRate), fmt(s.errors), fmt(s.waitedForConnection), fmt(s.sendLagP99, 2)]));
    }
  }
  out.push('', '<details><summary>Every run (load average at its start, latency from the scheduled time, latency from the actual send as a closed-loop tool would see it, spans received)</summary>', '');
  out.push(row(['app', 'round', 'variant', 'load avg', 'p50', 'p99', 'p99.9', 'max', 'p99 from send', 'send lag p99 / max', 'req/s', 'errors', 'waited', 'max in flight', 'connections', 'server CPU µs/req', 'generator CPU', 'OTLP spans / served', 'X-Ray segments / served']));
  out.push(row(Array.from({ length: 19 }, () => '---')));
  for (const x of r.runs) {
    const l = x.result.latency;
    const per = (n: number): string => (x.variant === 'untraced' ? '–' : fmt(n / Math.max(1, x.served), 3));
    out.push(row([x.app, String(x.round), x.variant, x.load, fmt(l.p50, 2), fmt(l.p99, 2), fmt(l.p999, 2), fmt(l.max, 1), fmt(x.result.service.p99, 2),
      `${fmt(x.result.sendLag.p99, 2)} / ${fmt(x.result.sendLag.max, 1)}`, fmt(x.result.achievedRate), fmt(x.result.errors + x.result.non2xx + x.result.timeouts),
      fmt(x.result.waitedForConnection), fmt(x.result.maxInFlight), fmt(x.result.connectionsOpened), fmt(x.cpuPerRequest), fmt(x.result.generatorCpu, 2), per(x.otlpSpans), per(x.xraySegments)]));
  }
  out.push('', '</details>');
  return out;
}

export function p99Section(results: P99Results | undefined): string[] {
  const out = ['## Latency under an open-loop load at 70 % of untraced maximum throughput (secondary figures)', ''];
  out.push(
    '```sh',
    'npm run bench:p99                       # npm run build, then node --import tsx bench/p99.ts; -- --quick for a smoke run',
    'npx -y node@24 --import tsx bench/p99.ts   # the same on Node 24 (results are kept per Node major)',
    'BENCH_APPS=http BENCH_VARIANTS=dualtrace node --import tsx bench/p99.ts --quick   # a subset (untraced is always kept)',
    '```',
    '',
    'First the untraced server\'s maximum throughput: autocannon at full speed (closed loop, 10 connections) against',
    'fresh processes; the open-loop rate is 70 % of their median (BENCH_P99_FRACTION). Then each variant, in fresh processes, under a',
    'constant-rate load from a separate generator process (bench/lib/open-loop-child.ts): requests go out on a fixed',
    'timetable over keep-alive connections (a precomputed request written to a socket, responses framed by',
    'Content-Length), and each is timed from its *scheduled* send time, so a request that waited (for a connection,',
    'for the generator\'s 1 ms timer, for a server that stopped reading) counts that wait: coordinated omission is',
    'accounted for. "Send lag" is the generator\'s own share (scheduled → written), the same for',
    'every variant; "p99 from send" in the table of every run is what a closed-loop tool would have reported. Each',
    'figure is the least over the fresh processes (the host only adds latency); the medians show the spread. The',
    'exporters send to counting sinks in the runner process, as in the closed-loop runs.',
    '',
    `A round *kept up* when its server answered at the rate (within ±${fmt(KEPT_UP_RATE * 100)} %; above it means a backlog`,
    `draining) and at most ${fmt(KEPT_UP_WAITED * 100, 1)} % of its requests found every connection busy. A round that did not measured`,
    'its own queue, not the tracer; the target\'s verdict is left open when untraced or dualtrace never kept up.',
  );
  if (!results?.reports.length) return [...out, '', '(not run: `npm run bench:p99`)'];
  for (const r of results.reports) out.push(...reportSection(r));
  return out;
}
