/**
 * Outage: the dualtrace Express app under steady load while both backends go away — Honeycomb refusing connections
 * for the first half, then accepting and never answering (hanging) for the second half; no X-Ray daemon (UDP port
 * closed) throughout — and then come back on the same ports. RSS is sampled every second in each phase; the drops
 * and send failures dualtrace reports through OTel diag are captured in the child and counted; after recovery we
 * check that spans flow again.
 *
 * Run: node --import tsx bench/outage.ts [--quick]   (env: BENCH_HEALTHY_S, BENCH_OUTAGE_S, BENCH_RECOVERY_S)
 */
import { runLoad, sleep, startServer, type ServerChild } from './lib/children';
import { CountingOtlpSink, CountingUdpSink, settle } from './lib/sinks';
import { benchConfig, isMain, log, type BenchConfig } from './lib/util';

export interface PhaseResult {
  phase: 'healthy' | 'refusing' | 'hanging' | 'recovered';
  seconds: number;
  served: number;
  otlpReceived: number;
  xrayReceived: number;
  peakRssMb: number;
  endRssMb: number;
  diagLines: string[];
}

export interface OutageResult {
  phases: PhaseResult[];
  rssGrowthMb: number;
  /** Spans delivered after recovery (including the final flush) over requests served in the recovered phase. */
  otlpResumeRatio: number;
  xrayResumeRatio: number;
  loadErrors: number;
  /** Requests served over the whole run minus spans each backend received (one span per request). */
  otlpLost: number;
  xrayLost: number;
  /** Spans the diag lines report as dropped, all backends together. */
  droppedReported: number;
  /** The same by backend: queue-full drops plus failed export batches ("honeycomb: N spans dropped …"). */
  droppedByBackend: { honeycomb: number; xray: number };
}

/** Sums the span drops dualtrace's diag lines report, by backend. */
export function droppedIn(lines: readonly string[]): { honeycomb: number; xray: number } {
  const out = { honeycomb: 0, xray: 0 };
  for (const line of lines) {
    for (const match of line.matchAll(/\b(honeycomb|xray)(?::| export failed,) (\d+) spans? dropped/g)) {
      out[match[1] as 'honeycomb' | 'xray'] += Number(match[2]);
    }
  }
  return out;
}

async function phase(name: PhaseResult['phase'], seconds: number, server: ServerChild, otlp: CountingOtlpSink, udp: CountingUdpSink): Promise<PhaseResult> {
  const start = await server.stats();
  const otlp0 = otlp.spans;
  const xray0 = udp.segments;
  let peak = start.rss;
  let last = start.rss;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(1000, Math.max(0, end - Date.now())));
    last = (await server.stats()).rss;
    peak = Math.max(peak, last);
  }
  const stop = await server.stats();
  const { lines } = await server.call<{ lines: string[] }>('logs');
  const result: PhaseResult = {
    phase: name,
    seconds,
    served: stop.served - start.served,
    otlpReceived: otlp.spans - otlp0,
    xrayReceived: udp.segments - xray0,
    peakRssMb: peak / 2 ** 20,
    endRssMb: last / 2 ** 20,
    diagLines: lines,
  };
  log(`outage ${name}: served ${result.served}, otlp ${result.otlpReceived}, xray ${result.xrayReceived}, ` +
    `peak RSS ${result.peakRssMb.toFixed(1)} MB, ${lines.length} diag lines`);
  return result;
}

export async function runOutage(config: BenchConfig): Promise<OutageResult> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const server = await startServer('servers/express.ts', { BENCH_VARIANT: 'dualtrace', BENCH_OTLP_URL: otlp.url, BENCH_XRAY_ADDRESS: udp.daemonAddress });
  try {
    const total = config.healthyS + config.outageS + config.recoveryS + 2;
    const load = runLoad(`http://127.0.0.1:${server.port}/api/activities/home`, total);
    await sleep(1000); // connections up
    const phases: PhaseResult[] = [];
    phases.push(await phase('healthy', config.healthyS, server, otlp, udp));
    await udp.setUp(false);
    await otlp.setMode('refuse');
    phases.push(await phase('refusing', config.outageS / 2, server, otlp, udp));
    await otlp.setMode('hang');
    phases.push(await phase('hanging', config.outageS / 2, server, otlp, udp));
    await otlp.setMode('ok');
    await udp.setUp(true);
    const recovered = await phase('recovered', config.recoveryS, server, otlp, udp);
    phases.push(recovered);
    const result = await load;
    // Spans of the recovered phase that were still queued: flush, then count them with the phase.
    const otlpBefore = otlp.spans;
    const xrayBefore = udp.segments;
    await server.call('flush', 30_000);
    await settle(() => otlp.spans + udp.segments, Number.MAX_SAFE_INTEGER, 1_000, 15_000);
    recovered.otlpReceived += otlp.spans - otlpBefore;
    recovered.xrayReceived += udp.segments - xrayBefore;
    recovered.diagLines.push(...(await server.call<{ lines: string[] }>('logs')).lines);
    const served = (await server.stats()).served;
    const healthy = phases[0];
    const outagePeak = Math.max(...phases.slice(1, 3).map((p) => p.peakRssMb));
    const dropped = droppedIn(phases.flatMap((p) => p.diagLines));
    return {
      phases,
      rssGrowthMb: outagePeak - (healthy?.peakRssMb ?? 0),
      otlpResumeRatio: recovered.otlpReceived / Math.max(1, recovered.served),
      xrayResumeRatio: recovered.xrayReceived / Math.max(1, recovered.served),
      loadErrors: result.errors + result.non2xx,
      otlpLost: served - otlp.spans,
      xrayLost: served - udp.segments,
      droppedByBackend: dropped,
      droppedReported: dropped.honeycomb + dropped.xray,
    };
  } finally {
    await server.stop();
    await otlp.close();
    await udp.close();
  }
}

if (isMain(import.meta.url)) {
  process.stdout.write(JSON.stringify(await runOutage(benchConfig()), null, 2) + '\n');
}
