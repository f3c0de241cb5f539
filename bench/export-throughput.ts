/**
 * Export throughput: spans/s through dualtrace's exporters with no drops, and CPU per span, for both exporters
 * together and for the OTLP and X-Ray paths alone (one exporter on at a time), with lone spans (one trace each) and
 * with 4-span request traces. The span generator is a child process (bench/servers/span-generator.ts) with the real
 * `initTracing` provider; the counting sinks are here, so their cost is not in the generator's CPU. delivered ==
 * created is checked after the last flush. Each mode runs in `rounds` fresh processes; its figure is the best one.
 *
 * Run: node --import tsx bench/export-throughput.ts [--quick]   (env: BENCH_THROUGHPUT_S)
 */
import { startServer } from './lib/children';
import { CountingOtlpSink, CountingUdpSink, settle } from './lib/sinks';
import { benchConfig, isMain, log, type BenchConfig } from './lib/util';

export type Mode = 'both' | 'otlp' | 'xray';
/** Exporters on, and spans per trace. */
export const MODES: readonly (readonly [Mode, 1 | 4])[] = [['both', 1], ['both', 4], ['otlp', 1], ['xray', 1], ['otlp', 4], ['xray', 4]];

export interface ThroughputResult {
  mode: Mode;
  traceSpans: 1 | 4;
  /** Spans per CPU-second of every round, best first. */
  rounds: number[];
  created: number;
  measured: number;
  wallSpansPerSec: number;
  cpuMicrosPerSpan: number;
  /** Spans per CPU-second of the generator process: "spans/s per core". */
  spansPerCoreSecond: number;
  otlpDelivered: number;
  xrayDelivered: number;
  udpKernelDrops: number;
  noDrops: boolean;
  diag: string;
}

export interface ThroughputProfile {
  mode: Mode;
  traceSpans: 1 | 4;
  nodes: unknown[];
  intervalMicros: number;
}

/** With `profile`, the generator also records a CPU profile of the measured loop (returned raw, summarised by profile.ts). */
export async function runExportThroughput(config: BenchConfig, profile = false, profiles: ThroughputProfile[] = []): Promise<ThroughputResult[]> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const all: ThroughputResult[] = [];
  try {
    for (let round = 1; round <= (profile ? 1 : config.rounds); round++) {
      for (const [mode, traceSpans] of MODES) {
        if (profile && traceSpans === 4) continue;
        all.push(await runMode(mode, traceSpans, config, otlp, udp, profile, profiles));
      }
    }
  } finally {
    await otlp.close();
    await udp.close();
  }
  // Per mode, the round with the most spans per CPU-second (the host only ever slows a round down).
  return MODES.flatMap(([mode, traceSpans]) => {
    const mine = all.filter((r) => r.mode === mode && r.traceSpans === traceSpans).sort((a, b) => b.spansPerCoreSecond - a.spansPerCoreSecond);
    const best = mine[0];
    return best ? [{ ...best, rounds: mine.map((r) => r.spansPerCoreSecond), noDrops: mine.every((r) => r.noDrops) }] : [];
  });
}

async function runMode(mode: Mode, traceSpans: 1 | 4, config: BenchConfig, otlp: CountingOtlpSink, udp: CountingUdpSink, profile: boolean, profiles: ThroughputProfile[]): Promise<ThroughputResult> {
  otlp.reset();
  udp.reset();
  const child = await startServer('servers/span-generator.ts', {
    BENCH_EXPORTERS: mode,
    BENCH_TRACE_SPANS: String(traceSpans),
    BENCH_SECONDS: String(config.throughputS),
    BENCH_OTLP_URL: otlp.url,
    BENCH_XRAY_ADDRESS: udp.daemonAddress,
    BENCH_PROFILE: profile ? '1' : '0',
  });
  try {
    const r = await child.call<{ created: number; measured: number; wallMs: number; cpuMicros: number; profile?: { nodes: { hitCount?: number }[]; startTime: number; endTime: number } }>('run', (config.throughputS + 60) * 1000);
    if (r.profile) {
      const hits = r.profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
      profiles.push({ mode, traceSpans, nodes: r.profile.nodes, intervalMicros: (r.profile.endTime - r.profile.startTime) / Math.max(1, hits) });
    }
    const wantOtlp = mode === 'xray' ? 0 : r.created;
    const wantXray = mode === 'otlp' ? 0 : r.created;
    await settle(() => otlp.spans + udp.segments, wantOtlp + wantXray, 1_000, 15_000);
    const result: ThroughputResult = {
      mode,
      traceSpans,
      rounds: [],
      created: r.created,
      measured: r.measured,
      wallSpansPerSec: (r.measured / r.wallMs) * 1000,
      cpuMicrosPerSpan: r.cpuMicros / r.measured,
      spansPerCoreSecond: r.measured / (r.cpuMicros / 1e6),
      otlpDelivered: otlp.spans,
      xrayDelivered: udp.segments,
      udpKernelDrops: udp.kernelDrops(),
      noDrops: otlp.spans === wantOtlp && udp.segments === wantXray,
      diag: child.stderr().trim().slice(0, 500),
    };
    log(`throughput ${mode} ${traceSpans}-span traces: ${result.wallSpansPerSec.toFixed(0)} spans/s wall, ${result.cpuMicrosPerSpan.toFixed(2)} µs CPU/span, ` +
      `created ${r.created}, otlp ${otlp.spans}, xray ${udp.segments}, udp kernel drops ${result.udpKernelDrops}`);
    return result;
  } finally {
    await child.stop();
  }
}

if (isMain(import.meta.url)) {
  process.stdout.write(JSON.stringify(await runExportThroughput(benchConfig()), null, 2) + '\n');
}
