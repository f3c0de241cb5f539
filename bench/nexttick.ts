/**
 * The `process.nextTick` cost per server process: an investigation tool for the Node 20 slowdown seen with
 * AsyncLocalStorage active (bench/notes.md). For each variant, fresh server processes (bench/servers/) are put under
 * load by autocannon (10 connections, as in the runs where it was seen), and between loads each process measures what
 * one `process.nextTick` costs it (`ticks` in bench/servers/common.ts: best of 5 × 10,000 no-op ticks, queued inside a
 * fresh context). A process is flagged when its ticks cost more than 3× the median of all processes of the same
 * variant.
 *
 * Run: node --import tsx bench/nexttick.ts        (after npm run build)
 * Env: BENCH_NODES=20 (a list: other majors come from npx), BENCH_APPS=express, BENCH_VARIANTS=untraced,context,spans,
 *      dualtrace, BENCH_PROCS=6 per variant, BENCH_LOADS=2 loads of BENCH_DURATION_S=4 s each; BENCH_NODE_FLAGS extra
 *      flags for the servers.
 */
import { runLoad, startServer } from './lib/children';
import { CountingOtlpSink, CountingUdpSink } from './lib/sinks';
import { log, median } from './lib/util';
import { nodeBinary } from './lib/valgrind';
import { variantLaunch } from './lib/variants';

interface Ticks {
  queueNs: number;
  runNs: number;
}

interface ProcessTicks {
  node: string;
  app: string;
  variant: string;
  process: number;
  /** Before any load, then after each load. */
  ticks: Ticks[];
  reqPerSec: number[];
}

const list = (name: string, fallback: string): string[] => (process.env[name] ?? fallback).split(',').map((x) => x.trim()).filter(Boolean);
const procs = Number(process.env.BENCH_PROCS ?? 6);
const loads = Number(process.env.BENCH_LOADS ?? 2);
const seconds = Number(process.env.BENCH_DURATION_S ?? 4);
const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const otlp = await new CountingOtlpSink().start();
const udp = await new CountingUdpSink().start();
const results: ProcessTicks[] = [];
try {
  for (const major of list('BENCH_NODES', '20').map(Number)) {
    const node = nodeBinary(major);
    for (const app of list('BENCH_APPS', 'express')) {
      for (let p = 0; p < procs; p++) {
        // Variants interleaved per process index, so host noise spreads over all of them.
        for (const variant of list('BENCH_VARIANTS', 'untraced,context,spans,dualtrace')) {
          const launch = variantLaunch(app, variant, { otlpUrl: otlp.url, xrayAddress: udp.daemonAddress });
          const server = await startServer(`servers/${app}.ts`, launch.env, [...flags, ...launch.nodeArgs], { command: node.path, args: [], startTimeoutMs: 60_000 });
          try {
            const r: ProcessTicks = { node: node.version, app, variant, process: p, ticks: [await server.call<Ticks>('ticks')], reqPerSec: [] };
            for (let l = 0; l < loads; l++) {
              r.reqPerSec.push((await runLoad(`http://127.0.0.1:${server.port}/api/activities/home`, seconds)).reqPerSec);
              r.ticks.push(await server.call<Ticks>('ticks'));
            }
            results.push(r);
            log(`${node.version} ${app}/${variant} #${p}: ns per tick (queue+run) ${r.ticks.map((t) => (t.queueNs + t.runNs).toFixed(0)).join(' → ')}; req/s ${r.reqPerSec.map((x) => x.toFixed(0)).join(', ')}`);
          } finally {
            await server.stop();
          }
        }
      }
    }
  }
} finally {
  await otlp.close();
  await udp.close();
}

// Per variant: the last measurement of each process against the variant's median.
const groups = new Map<string, ProcessTicks[]>();
for (const r of results) groups.set(`${r.node} ${r.app} ${r.variant}`, [...(groups.get(`${r.node} ${r.app} ${r.variant}`) ?? []), r]);
const last = (r: ProcessTicks): number => {
  const t = r.ticks[r.ticks.length - 1]!;
  return t.queueNs + t.runNs;
};
for (const [name, rs] of groups) {
  const m = median(rs.map(last));
  const slow = rs.filter((r) => last(r) > 3 * m);
  process.stdout.write(`${name}: median ${m.toFixed(0)} ns per tick; per process ${rs.map((r) => last(r).toFixed(0)).join(', ')}; ${slow.length} of ${rs.length} above 3× the median\n`);
}
process.stdout.write(JSON.stringify(results) + '\n');
process.exit(0);
