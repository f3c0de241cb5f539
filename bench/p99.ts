/**
 * Latency added under an open-loop (constant-rate) load at 70 % of the untraced server's maximum throughput: the
 * target "p99 added ≤ 1 ms" (secondary figures, like every load figure here).
 *
 * 1. Maximum throughput: the untraced server (Express 5 and node:http, bench/servers) at full speed under autocannon
 *    (closed loop, 10 connections, as bench/request-overhead.ts), in BENCH_P99_MAX_ROUNDS fresh processes; the rate
 *    is 70 % of their *median*. Not the best: a rate a less lucky process cannot sustain makes the queue run away and
 *    the tail measure the backlog, not the tracer. Not the worst: one round squeezed by a neighbour would make the
 *    load too light to show anything.
 * 2. Every variant (untraced, reference, dualtrace by default) at that rate, in a fresh process per round, order
 *    rotated each round, warmed up at full speed (autocannon, BENCH_WARMUP_S), then under bench/lib/open-loop-child.ts
 *    (with its own BENCH_WARMUP_S at the rate before the measured window): its own process, a fixed timetable, each response timed
 *    from its scheduled send time (coordinated omission accounted for), up to BENCH_P99_CONNECTIONS keep-alive
 *    connections (the runs that found them all busy are counted). The exporters send to counting sinks in this
 *    process (bench/lib/sinks.ts).
 * 3. Per variant: p50, p90, p99, p99.9, max, each the minimum over the rounds (bench/lib/p99-summary.ts says why), the
 *    achieved rate, errors, and p99 added = variant p99 − untraced p99.
 *
 * Writes bench/results-p99.json (the last run of each Node major) and re-renders docs/benchmarks.md.
 * Run: npm run bench:p99 [-- --quick]     (= npm run build, then node --import tsx bench/p99.ts)
 *      npx -y node@24 --import tsx bench/p99.ts    # another Node: servers and generator run on the runner's node
 *      node --import tsx bench/p99.ts --render     # re-render docs/benchmarks.md only
 * Env: BENCH_APPS=express,http, BENCH_VARIANTS (any of bench/request-overhead.ts's; untraced is always kept),
 *      BENCH_ROUNDS (3; --quick 1), BENCH_P99_MAX_ROUNDS (3; --quick 1), BENCH_WARMUP_S (3; --quick 1),
 *      BENCH_DURATION_S (15; --quick 3), BENCH_P99_FRACTION (0.7), BENCH_P99_CONNECTIONS (256).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runJsonChild, runLoad, startServer } from './lib/children';
import { load, machineInfo } from './lib/machine';
import type { OpenLoopOptions, OpenLoopResult } from './lib/open-loop-child';
import { maxThroughput, mergeReport, summariseP99, type MaxRun, type P99Config, type P99Report, type P99Results, type P99Run } from './lib/p99-summary';
import { renderReport, type Report } from './lib/report';
import type { IrReport } from './lib/ir-types';
import { CountingOtlpSink, CountingUdpSink, settle } from './lib/sinks';
import { envNumber, isMain, log, selected } from './lib/util';
import { variantLaunch } from './lib/variants';
import { APPS, VARIANTS } from './request-overhead';

const RESULTS = new URL('./results-p99.json', import.meta.url);
const DEFAULT_VARIANTS = 'untraced,reference,dualtrace';

export function p99Config(argv: readonly string[] = process.argv): P99Config {
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  return {
    quick,
    fraction: envNumber('BENCH_P99_FRACTION', 0.7),
    maxRounds: envNumber('BENCH_P99_MAX_ROUNDS', quick ? 1 : 3),
    rounds: envNumber('BENCH_ROUNDS', quick ? 1 : 3),
    warmupS: envNumber('BENCH_WARMUP_S', quick ? 1 : 3),
    durationS: envNumber('BENCH_DURATION_S', quick ? 3 : 15),
    connections: envNumber('BENCH_P99_CONNECTIONS', 256),
  };
}

async function runMax(app: string, round: number, config: P99Config): Promise<MaxRun> {
  const launch = variantLaunch(app, 'untraced', { otlpUrl: 'http://127.0.0.1:9', xrayAddress: '127.0.0.1:9' });
  const server = await startServer(`servers/${app}.ts`, launch.env, launch.nodeArgs);
  try {
    const url = `http://127.0.0.1:${server.port}/api/activities/home`;
    await runLoad(url, config.warmupS);
    const loadAvg = load();
    const r = await runLoad(url, config.durationS);
    log(`${app} max r${round}: ${r.reqPerSec.toFixed(0)} req/s (load ${loadAvg})`);
    return { app, round, reqPerSec: r.reqPerSec, errors: r.errors + r.non2xx, load: loadAvg };
  } finally {
    await server.stop();
  }
}

async function runOne(app: string, variant: string, round: number, rate: number, config: P99Config, otlp: CountingOtlpSink, udp: CountingUdpSink): Promise<P99Run> {
  otlp.reset();
  udp.reset();
  const launch = variantLaunch(app, variant, { otlpUrl: otlp.url, xrayAddress: udp.daemonAddress });
  const server = await startServer(`servers/${app}.ts`, launch.env, launch.nodeArgs);
  try {
    const options: OpenLoopOptions = {
      url: `http://127.0.0.1:${server.port}/api/activities/home`,
      rate,
      warmupS: config.warmupS,
      durationS: config.durationS,
      connections: config.connections,
      timeoutMs: 10_000,
    };
    // JIT warm-up at full speed first (closed loop, as the maximum was measured): a cold server at 70 % of its warm
    // maximum falls behind, and with 30 % headroom the backlog takes longer to drain than the open-loop warm-up.
    await runLoad(options.url, config.warmupS);
    const loadAvg = load();
    const before = await server.stats();
    const result = await runJsonChild<OpenLoopResult>('lib/open-loop-child.ts', [JSON.stringify(options)], config.warmupS + config.durationS + 60);
    const after = await server.stats();
    await server.call('flush', 30_000);
    const expected = variant === 'untraced' ? 0 : after.served;
    await settle(() => otlp.spans + udp.segments, expected, 500, 10_000);
    const { lines } = await server.call<{ lines: string[] }>('logs');
    const l = result.latency;
    log(`${app}/${variant} r${round} @${rate}/s: p50 ${l.p50.toFixed(2)} p99 ${l.p99.toFixed(2)} p99.9 ${l.p999.toFixed(2)} max ${l.max.toFixed(1)} ms, ` +
      `${result.achievedRate.toFixed(0)} req/s, errors ${result.errors + result.non2xx + result.timeouts}, waited ${result.waitedForConnection}, ` +
      `send lag p99 ${result.sendLag.p99.toFixed(2)} ms, load ${loadAvg}`);
    return {
      app,
      variant,
      round,
      load: loadAvg,
      result,
      served: after.served,
      cpuPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, after.served - before.served),
      otlpSpans: otlp.spans,
      xraySegments: udp.segments,
      udpKernelDrops: udp.kernelDrops(),
      diagLines: lines.length,
    };
  } finally {
    await server.stop();
  }
}

export async function runP99(config: P99Config): Promise<P99Report> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const apps = selected(APPS, 'BENCH_APPS');
  const all = selected(VARIANTS, 'BENCH_VARIANTS', 'untraced');
  const variants = process.env.BENCH_VARIANTS ? all : all.filter((v) => DEFAULT_VARIANTS.split(',').includes(v));
  const maxRuns: MaxRun[] = [];
  for (let round = 1; round <= config.maxRounds; round++) for (const app of apps) maxRuns.push(await runMax(app, round, config));
  const maxes = apps.map((app) => maxThroughput(maxRuns, app, config.fraction));
  for (const m of maxes) log(`${m.app}: median max ${m.median.toFixed(0)} req/s → open loop at ${m.rate} req/s`);

  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const runs: P99Run[] = [];
  try {
    for (let round = 1; round <= config.rounds; round++) {
      for (const m of maxes) {
        const order = variants.map((_, i) => variants[(i + round - 1) % variants.length] as string);
        for (const variant of order) runs.push(await runOne(m.app, variant, round, m.rate, config, otlp, udp));
      }
    }
  } finally {
    await otlp.close();
    await udp.close();
  }
  machine.loadAtEnd = load();
  return { config, startedAt, finishedAt: new Date().toISOString(), machine, argv: process.argv.slice(2).join(' '), maxRuns, maxThroughput: maxes, runs, summary: summariseP99(runs) };
}

function readJson<T>(file: URL): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function render(): void {
  const last = readJson<Report>(new URL('./results.json', import.meta.url));
  const ir = readJson<IrReport>(new URL('./results-ir.json', import.meta.url));
  writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), renderReport(last, ir));
}

if (isMain(import.meta.url)) {
  if (!process.argv.includes('--render')) {
    const report = await runP99(p99Config());
    writeFileSync(RESULTS, JSON.stringify(mergeReport(readJson<P99Results>(RESULTS), report), null, 1));
    log('wrote bench/results-p99.json');
  }
  render();
  log('wrote docs/benchmarks.md');
  process.exit(0); // children are killed on exit
}
