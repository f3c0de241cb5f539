/**
 * Request overhead under load (secondary figures: bench/instructions.ts gives the deciding ones): the same Express 5
 * app and a plain node:http app, each in its own child process, untraced, with dualtrace (both exporters, 100 %
 * sampled; in code and zero-code), with the hand-written OTel middleware of one OTLP exporter (the reference), with
 * OTel auto-instrumentation (sdk-node + http + express, OTLP/proto) and with aws-xray-sdk-express (100 % sampled).
 * autocannon runs in its own process on loopback, 10 connections, warm-up then a measured window; variants
 * interleaved (order rotated each round), several rounds, a fresh server process each time. A variant's figure is its
 * best over the rounds (most req/s, least CPU per request, lowest p99): the host only ever adds noise. The counting
 * sinks live in this process; after each run the server flushes and we wait until the sinks settle before counting.
 *
 * Two more variants decompose dualtrace's cost (bench/servers/common.ts): `context` (AsyncLocalStorage context only) and
 * `spans` (dualtrace with both exporters off). `dualtrace-otlp` is dualtrace with X-Ray sent over OTLP (gzip, SigV4 with
 * test credentials) instead of UDP, to the same OTLP sink as Honeycomb.
 *
 * Run: node --import tsx bench/request-overhead.ts [--quick]
 *   env: BENCH_WARMUP_S, BENCH_DURATION_S, BENCH_ROUNDS; BENCH_APPS=express,http and BENCH_VARIANTS=untraced,dualtrace
 *   run a subset (untraced is always kept: every ratio is against it).
 */
import { runLoad, startServer } from './lib/children';
import { CountingOtlpSink, CountingUdpSink, settle } from './lib/sinks';
import { benchConfig, isMain, log, max, min, selected, type BenchConfig } from './lib/util';
import { variantLaunch } from './lib/variants';

export const APPS = ['express', 'http'] as const;
export const VARIANTS = ['untraced', 'context', 'spans', 'reference', 'dualtrace', 'dualtrace-otlp', 'zerocode', 'otel', 'xray'] as const;
export type App = (typeof APPS)[number];
export type Variant = (typeof VARIANTS)[number];

export interface RunResult {
  app: App;
  variant: Variant;
  round: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  maxRssMb: number;
  served: number;
  otlpSpans: number;
  xraySegments: number;
  udpKernelDrops: number;
  errors: number;
  diagLines: string[];
}

export interface VariantSummary {
  app: App;
  variant: Variant;
  reqPerSec: number;
  reqPerSecMin: number;
  reqPerSecMax: number;
  /** Best req/s of this variant over best req/s untraced. */
  ratio: number;
  /** Lowest over the rounds. */
  p50: number;
  p99: number;
  cpuPerRequest: number;
  /** Least CPU µs per request of this variant − least untraced. */
  extraCpu: number;
  /** Lowest p99 of this variant − lowest untraced p99, ms. */
  extraP99: number;
  peakRssMb: number;
  served: number;
  otlpPerRequest: number;
  xrayPerRequest: number;
  udpKernelDrops: number;
  errors: number;
}

async function runOne(app: App, variant: Variant, round: number, config: BenchConfig, otlp: CountingOtlpSink, udp: CountingUdpSink): Promise<RunResult> {
  otlp.reset();
  udp.reset();
  const launch = variantLaunch(app, variant, { otlpUrl: otlp.url, xrayAddress: udp.daemonAddress });
  const server = await startServer(`servers/${app}.ts`, launch.env, launch.nodeArgs);
  try {
    const url = `http://127.0.0.1:${server.port}/api/activities/home`;
    await runLoad(url, config.warmupS);
    const before = await server.stats();
    const load = await runLoad(url, config.durationS);
    const after = await server.stats();
    await server.call('flush', 30_000);
    // dualtrace and zerocode send one copy to each sink; dualtrace-otlp sends Honeycomb's and X-Ray's copies (signed,
    // gzipped) to the one OTLP sink.
    const dual = variant === 'dualtrace' || variant === 'dualtrace-otlp' || variant === 'zerocode';
    const expected = dual ? 2 * after.served : variant === 'context' || variant === 'spans' ? 0 : after.served; // at least
    await settle(() => otlp.spans + udp.segments, expected, 1_000, 15_000);
    const { lines } = await server.call<{ lines: string[] }>('logs');
    const result: RunResult = {
      app,
      variant,
      round,
      reqPerSec: load.reqPerSec,
      p50: load.p50,
      p99: load.p99,
      cpuPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, after.served - before.served),
      maxRssMb: after.maxRssKb / 1024,
      served: after.served,
      otlpSpans: otlp.spans,
      xraySegments: udp.segments,
      udpKernelDrops: udp.kernelDrops(),
      errors: load.errors + load.non2xx,
      diagLines: lines,
    };
    log(`${app}/${variant} r${round}: ${result.reqPerSec.toFixed(0)} req/s, p99 ${result.p99} ms, ${result.cpuPerRequest.toFixed(0)} µs/req, ` +
      `served ${result.served}, otlp ${result.otlpSpans}, xray ${result.xraySegments}, udp drops ${result.udpKernelDrops}`);
    return result;
  } finally {
    await server.stop();
  }
}

export function summarise(runs: readonly RunResult[]): VariantSummary[] {
  const out: VariantSummary[] = [];
  for (const app of APPS) {
    const base = runs.filter((r) => r.app === app && r.variant === 'untraced');
    for (const variant of VARIANTS) {
      const mine = runs.filter((r) => r.app === app && r.variant === variant);
      if (mine.length === 0) continue;
      const best = (rs: readonly RunResult[], f: (r: RunResult) => number): number => (rs.length ? min(rs.map(f)) : NaN);
      const served = mine.reduce((s, r) => s + r.served, 0);
      const reqPerSec = max(mine.map((r) => r.reqPerSec));
      out.push({
        app,
        variant,
        reqPerSec,
        reqPerSecMin: min(mine.map((r) => r.reqPerSec)),
        reqPerSecMax: reqPerSec,
        ratio: reqPerSec / (base.length ? max(base.map((r) => r.reqPerSec)) : NaN),
        p50: best(mine, (r) => r.p50),
        p99: best(mine, (r) => r.p99),
        cpuPerRequest: best(mine, (r) => r.cpuPerRequest),
        extraCpu: best(mine, (r) => r.cpuPerRequest) - best(base, (r) => r.cpuPerRequest),
        extraP99: best(mine, (r) => r.p99) - best(base, (r) => r.p99),
        peakRssMb: max(mine.map((r) => r.maxRssMb)),
        served,
        otlpPerRequest: mine.reduce((s, r) => s + r.otlpSpans, 0) / served,
        xrayPerRequest: mine.reduce((s, r) => s + r.xraySegments, 0) / served,
        udpKernelDrops: mine.reduce((s, r) => s + r.udpKernelDrops, 0),
        errors: mine.reduce((s, r) => s + r.errors, 0),
      });
    }
  }
  return out;
}

export async function runRequestOverhead(config: BenchConfig): Promise<{ runs: RunResult[]; summary: VariantSummary[] }> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const runs: RunResult[] = [];
  try {
    for (let round = 1; round <= config.rounds; round++) {
      for (const app of selected(APPS, 'BENCH_APPS')) {
        // Interleaved, and rotated each round so no variant always runs first (or right after another).
        const variants = selected(VARIANTS, 'BENCH_VARIANTS', 'untraced');
        const order = variants.map((_, i) => variants[(i + round - 1) % variants.length] as Variant);
        for (const variant of order) runs.push(await runOne(app, variant, round, config, otlp, udp));
      }
    }
  } finally {
    await otlp.close();
    await udp.close();
  }
  return { runs, summary: summarise(runs) };
}

if (isMain(import.meta.url)) {
  const result = await runRequestOverhead(benchConfig());
  process.stdout.write(JSON.stringify(result.summary, null, 2) + '\n');
}
