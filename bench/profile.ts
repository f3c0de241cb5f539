/**
 * CPU profile of one server variant under the same load as request-overhead (inspector Profiler in the server child,
 * started after warm-up, stopped after the measured window). Prints self time by function and by package.
 *
 * Run: node --import tsx bench/profile.ts [express|http] [dualtrace|untraced|otel|xray] [--quick]
 */
import { runLoad, startServer } from './lib/children';
import { CountingOtlpSink, CountingUdpSink } from './lib/sinks';
import { benchConfig, isMain, type BenchConfig } from './lib/util';
import type { App, Variant } from './request-overhead';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface ProfileEntry {
  name: string;
  where: string;
  sharePct: number;
  /** Self time in µs (samples × the mean sampling interval). */
  micros: number;
}

export interface ProfileResult {
  app: string;
  variant: string;
  requests: number;
  samples: number;
  functions: ProfileEntry[];
  packages: ProfileEntry[];
}

const ROOT = new URL('../', import.meta.url).pathname;

function packageOf(url: string, name: string): string {
  if (name === '(garbage collector)' || name === '(program)') return name;
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(ROOT + 'dist/') || path.startsWith(ROOT + 'src/')) return 'dualtrace';
  if (path.startsWith(ROOT + 'bench/')) return 'bench app';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (module) return module[1] ?? 'node_modules';
  return url.startsWith('node:') ? 'node core' : path;
}

/** Mean sampling interval in µs: the profile's duration over all its samples, idle included. */
export function intervalMicros(profile: { nodes: readonly ProfileNode[]; startTime: number; endTime: number }): number {
  const all = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  return (profile.endTime - profile.startTime) / Math.max(1, all);
}

export function summariseProfile(nodes: readonly ProfileNode[], top = 20, interval = 0): { samples: number; functions: ProfileEntry[]; packages: ProfileEntry[] } {
  const byFunction = new Map<string, { name: string; where: string; hits: number }>();
  const byPackage = new Map<string, number>();
  let samples = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || functionName === '(idle)') continue;
    samples += hits;
    const name = functionName || '(anonymous)';
    const where = url === '' ? '' : `${url.replace(/^file:\/\//, '').replace(ROOT, '')}:${lineNumber + 1}`;
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, hits: 0 };
    entry.hits += hits;
    byFunction.set(key, entry);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const pct = (hits: number): number => (100 * hits) / Math.max(1, samples);
  return {
    samples,
    functions: [...byFunction.values()].sort((a, b) => b.hits - a.hits).slice(0, top).map((e) => ({ name: e.name, where: e.where, sharePct: pct(e.hits), micros: e.hits * interval })),
    packages: [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([name, hits]) => ({ name, where: '', sharePct: pct(hits), micros: hits * interval })),
  };
}

export async function runProfile(app: App, variant: Variant, config: BenchConfig): Promise<ProfileResult> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const server = await startServer(`servers/${app}.ts`, { BENCH_VARIANT: variant, BENCH_OTLP_URL: otlp.url, BENCH_XRAY_ADDRESS: udp.daemonAddress });
  try {
    const url = `http://127.0.0.1:${server.port}/api/activities/home`;
    await runLoad(url, config.warmupS);
    await server.call('profile-start');
    const load = await runLoad(url, config.durationS);
    const { profile } = await server.call<{ profile: { nodes: ProfileNode[]; startTime: number; endTime: number } }>('profile-stop', 60_000);
    return { app, variant, requests: load.requests, ...summariseProfile(profile.nodes, Number(process.env.BENCH_PROFILE_TOP ?? 20), intervalMicros(profile)) };
  } finally {
    await server.stop();
    await otlp.close();
    await udp.close();
  }
}

if (isMain(import.meta.url)) {
  const [app = 'express', variant = 'dualtrace'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const result = await runProfile(app as App, variant as Variant, benchConfig());
  for (const e of result.packages) process.stdout.write(`${e.sharePct.toFixed(1).padStart(5)} %  ${e.name}\n`);
  process.stdout.write('\n');
  for (const e of result.functions) process.stdout.write(`${e.sharePct.toFixed(1).padStart(5)} %  ${e.name}  ${e.where}\n`);
}
