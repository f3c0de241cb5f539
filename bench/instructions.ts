/**
 * Instructions per request: the deciding figures of docs/benchmarks.md. A count of instructions does not move with the
 * host's load, where CPU time and throughput on this 2-core shared machine swing 2× between runs.
 *
 * Each (node, app, variant) runs its server (bench/servers/) in a fresh process under `valgrind --tool=callgrind` with
 * `node --predictable`, fixed seeds, a fixed GC schedule and early tier-up (countingNodeFlags). The client (one keep-alive connection, one request
 * at a time) and the counting sinks live in this process and are not counted; the sinks keep their connections open.
 * Every tracer's timer is moved out of the way and its queue made large (BENCH_BATCH), so nothing is exported until a
 * flush is asked for; the runner asks for one every `batch` requests (512: OpenTelemetry's default batch), so each
 * flush exports one full batch, as under load, and no more spans are held than a real queue holds. After a warm-up,
 * each measured cycle is three parts, each ended by a mark (a callgrind dump):
 *
 *   `batch` requests | flush (one full batch per exporter) | nothing (the cost of a mark alone)
 *
 * Each part's instructions are split by function into the program, garbage collection and the JIT compiler
 * (bench/lib/callgrind.ts); `countCycles` turns them into per-request figures: the request thread and the export (the
 * program in the requests' and the flushes' parts, less a mark's cost), GC wherever it fell, and the compiler apart
 * (not counted). Everything runs on the one JavaScript thread; "request thread" is the work done while serving,
 * "export" what the batch processors do afterwards. Callgrind counts each thread apart (`--separate-threads=yes`):
 * these columns are the main thread's; a worker thread that marks itself (the `dualtrace-worker` prototype) gets its
 * own figures (`countThread`), reported beside them and not added to `total`. The sinks' counts are checked after every cycle: a run that lost
 * spans is marked.
 *
 * Run: npm run bench:ir [-- --quick]        (= npm run build, then node --import tsx bench/instructions.ts)
 *      --quick: this node only, untraced / reference / dualtrace, 2 + 2 cycles of 256 requests (~15 min here).
 *      BENCH_IR_KEEP=<dir> npm run bench:ir -- --recount: the figures again from the files a run kept.
 * Env: BENCH_NODES=20,24  BENCH_APPS=express,http  BENCH_VARIANTS=untraced,reference,…  BENCH_IR_JOBS (parallel
 *      processes, default 2: counts do not depend on contention)  BENCH_IR_WARMUP / BENCH_IR_CYCLES (batches of
 *      requests)  BENCH_IR_BATCH (requests per cycle)  BENCH_IR_NODE_FLAGS (more node flags, for experiments)
 *      BENCH_IR_KEEP=<dir> keeps the callgrind files, with `--perf-basic-prof` maps naming JIT code, for
 *      bench/ir-functions.ts.
 * Writes bench/results-ir.json and re-renders docs/benchmarks.md (with the last bench/results.json, if any).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerChild } from './lib/children';
import { OneConnection } from './lib/one-connection';
import { renderReport, type Report } from './lib/report';
import { CountingOtlpSink, CountingUdpSink, settle } from './lib/sinks';
import { load, machineInfo } from './lib/machine';
import { envInt, isMain, log, selected } from './lib/util';
import { partPhases, type Phase } from './lib/callgrind';
import { callgrindArgs, countingNodeFlags, ensureValgrind, nodeBinary, threadPartFiles, type NodeBinary } from './lib/valgrind';
import { variantLaunch } from './lib/variants';
import type { CycleIr, IrConfig, IrReport, IrRun, Received, ThreadIr } from './lib/ir-types';

export const IR_APPS = ['express', 'http'] as const;
/** `context` (AsyncLocalStorage only, no tracer) and `spans` (dualtrace, exporters off) decompose dualtrace's cost. */
export const IR_VARIANTS = ['untraced', 'reference', 'context', 'spans', 'dualtrace', 'dualtrace-otlp', 'dualtrace-worker', 'zerocode', 'otel', 'xray'] as const;
/** `--quick`: the three that decide the first targets. */
const QUICK_VARIANTS: readonly (typeof IR_VARIANTS)[number][] = ['untraced', 'reference', 'dualtrace'];
const PATH = '/api/activities/home';

type Part = Record<Phase, number>;

/** The measured cycles' parts (three per cycle: requests, flush, empty) and a mark's own cost: the median empty part. */
function cycleParts(parts: readonly Part[]): { cycles: number; ids: number[]; at: (cycle: number, part: number) => Part; mark: number } {
  const cycles = Math.floor(parts.length / 3);
  const ids = Array.from({ length: cycles }, (_, i) => i);
  const at = (cycle: number, part: number): Part => parts[3 * cycle + part]!;
  const empties = ids.map((i) => at(i, 2).mutator).sort((a, b) => a - b);
  return { cycles, ids, at, mark: empties[Math.floor(empties.length / 2)] ?? 0 };
}

/** Parts of the measured cycles, three per cycle (requests, flush, empty), to per-request figures. */
export function countCycles(parts: readonly Part[], batch: number): CycleIr {
  const { cycles, ids, at, mark } = cycleParts(parts);
  const requestByCycle = ids.map((i) => (at(i, 0).mutator - mark) / batch);
  const exportByCycle = ids.map((i) => (at(i, 1).mutator - mark) / batch);
  const gcByCycle = ids.map((i) => (at(i, 0).gc + at(i, 1).gc + at(i, 2).gc) / batch);
  const compile = ids.reduce((t, i) => t + at(i, 0).compile + at(i, 1).compile + at(i, 2).compile, 0) / (cycles * batch);
  const mean = (xs: number[]): number => xs.reduce((t, x) => t + x, 0) / xs.length;
  const ir = { request: mean(requestByCycle), export: mean(exportByCycle), gc: mean(gcByCycle) };
  return { ...ir, compile, total: ir.request + ir.export + ir.gc, requestByCycle, gcByCycle, mark };
}

/** A self-marking worker thread's parts (three per cycle, like the main thread's) to per-request figures. */
export function countThread(parts: readonly Part[], batch: number): ThreadIr {
  const { cycles, ids, at, mark } = cycleParts(parts);
  const sum = (i: number, k: keyof Part): number => at(i, 0)[k] + at(i, 1)[k] + at(i, 2)[k];
  const workByCycle = ids.map((i) => (sum(i, 'mutator') - 3 * mark) / batch);
  const gcByCycle = ids.map((i) => sum(i, 'gc') / batch);
  const mean = (xs: number[]): number => xs.reduce((t, x) => t + x, 0) / Math.max(1, xs.length);
  const compile = ids.reduce((t, i) => t + sum(i, 'compile'), 0) / Math.max(1, cycles * batch);
  return { work: mean(workByCycle), gc: mean(gcByCycle), compile, workByCycle, gcByCycle };
}

/** The main thread's figures, plus a self-marking worker thread's when there is one. */
function countProcess(outDir: string, pid: number, config: IrConfig): CycleIr {
  const measuredParts = (files: string[]): string[] => files.slice(1, 1 + 3 * config.cycles);
  const byThread = threadPartFiles(outDir, pid);
  const files = measuredParts(byThread.get(1) ?? []);
  if (files.length < 3 * config.cycles) throw new Error(`callgrind wrote ${files.length + 1} parts, expected ${3 * config.cycles + 1}`);
  const ir = countCycles(files.map(partPhases), config.batch);
  const workers = [...byThread].filter(([thread]) => thread !== 1);
  if (workers.length > 1) throw new Error(`threads ${workers.map(([t]) => t).join(', ')} all marked: expected one worker`);
  const worker = workers[0];
  if (worker === undefined) return ir;
  const workerFiles = measuredParts(worker[1]);
  if (workerFiles.length < 3 * config.cycles) throw new Error(`the worker thread wrote ${workerFiles.length + 1} parts, expected ${3 * config.cycles + 1}`);
  return { ...ir, worker: countThread(workerFiles.map(partPhases), config.batch) };
}

export function irConfig(argv: readonly string[] = process.argv): IrConfig {
  const quick = argv.includes('--quick');
  return {
    quick,
    batch: envInt('BENCH_IR_BATCH', quick ? 256 : 512),
    warmupCycles: envInt('BENCH_IR_WARMUP', quick ? 2 : 3),
    cycles: envInt('BENCH_IR_CYCLES', quick ? 2 : 8),
    jobs: envInt('BENCH_IR_JOBS', Math.max(1, Math.min(2, cpus().length))),
  };
}

interface Job {
  node: NodeBinary;
  app: string;
  variant: string;
}

/** Runs one process through warm-up and the measured cycles; returns what the sinks received: warm-up, then per cycle. */
async function runCycles(server: ServerChild, client: OneConnection, config: IrConfig, sinks: { otlp: CountingOtlpSink; udp: CountingUdpSink }): Promise<Received[]> {
  const received: Received[] = [];
  const count = (): Received => ({ otlp: sinks.otlp.spans, xray: sinks.udp.segments });
  const quiet = (): Promise<number> => settle(() => sinks.otlp.spans + sinks.udp.segments, Number.POSITIVE_INFINITY, 500, 30_000);
  const flush = (): Promise<unknown> => server.call('flush', 600_000);
  const mark = (): Promise<unknown> => server.call('mark', 600_000);
  let before = count();
  for (let i = 0; i < config.warmupCycles; i++) {
    await client.run(config.batch);
    await flush();
  }
  await quiet();
  await mark();
  const after = count();
  received.push({ otlp: after.otlp - before.otlp, xray: after.xray - before.xray });
  for (let i = 0; i < config.cycles; i++) {
    before = count();
    await client.run(config.batch);
    await quiet();
    await mark();
    await flush();
    await quiet();
    await mark();
    await mark();
    const now = count();
    received.push({ otlp: now.otlp - before.otlp, xray: now.xray - before.xray });
  }
  return received;
}

async function measure(job: Job, config: IrConfig, outDir: string, keep: boolean): Promise<IrRun> {
  const started = Date.now();
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const { node, app, variant } = job;
  const base = { node: node.major, nodeVersion: node.version, app, variant };
  // Queues far larger than a cycle (OTel auto-instrumentation makes two spans per Express request): only flushes export.
  const launch = variantLaunch(app, variant, { otlpUrl: otlp.url, xrayAddress: udp.daemonAddress }, 8 * config.batch);
  const extraFlags = (process.env.BENCH_IR_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const nodeArgs = [...countingNodeFlags(node.major), ...extraFlags, ...(keep ? ['--perf-basic-prof', `--logfile=${join(outDir, 'v8-%p.log')}`] : []), ...launch.nodeArgs];
  let server: ServerChild | undefined;
  let client: OneConnection | undefined;
  try {
    server = await startServer(`servers/${app}.ts`, launch.env, nodeArgs, { command: 'valgrind', args: [...callgrindArgs(outDir), node.path], startTimeoutMs: envInt('BENCH_IR_START_TIMEOUT_S', 600) * 1000 });
    client = await OneConnection.open(server.port, PATH);
    const received = await runCycles(server, client, config, { otlp, udp });
    const { lines } = await server.call<{ lines: string[] }>('logs');
    client.close();
    await server.stop(300_000);
    // Part 1: start-up and warm-up; then (requests, flush, empty) per cycle, per thread that marks.
    const ir = countProcess(outDir, server.pid, config);
    const measured = received.slice(1);
    const perRequest = (k: keyof Received): number[] => received.map((r, i) => r[k] / (i === 0 ? config.warmupCycles * config.batch : config.batch));
    return {
      ...base,
      pid: server.pid,
      ir,
      otlpPerRequest: measured.reduce((t, r) => t + r.otlp, 0) / (config.cycles * config.batch),
      xrayPerRequest: measured.reduce((t, r) => t + r.xray, 0) / (config.cycles * config.batch),
      complete: (['otlp', 'xray'] as const).every((k) => perRequest(k).every((x, _, all) => Number.isInteger(x) && x === all[0])),
      udpKernelDrops: udp.kernelDrops(),
      diagLines: lines,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    log(`${node.major}/${app}/${variant}: ${String(error)} ${server?.stderr().slice(-600) ?? ''}`);
    const none: CycleIr = { request: NaN, export: NaN, gc: NaN, compile: NaN, total: NaN, requestByCycle: [], gcByCycle: [], mark: NaN };
    return { ...base, ir: none, otlpPerRequest: NaN, xrayPerRequest: NaN, complete: false, udpKernelDrops: 0, diagLines: [], wallSeconds: (Date.now() - started) / 1000, error: String(error) };
  } finally {
    client?.close();
    await server?.stop(5_000).catch(() => undefined);
    await otlp.close();
    await udp.close();
  }
}

export async function runInstructions(config: IrConfig): Promise<IrReport> {
  const startedAt = new Date().toISOString();
  const machineAtStart = machineInfo();
  const valgrind = ensureValgrind().split('\n')[0] ?? '?';
  const majors = (process.env.BENCH_NODES ?? (config.quick ? process.versions.node.split('.')[0] : '20,24')!).split(',').map(Number);
  const nodes = majors.map(nodeBinary);
  const keepDir = process.env.BENCH_IR_KEEP;
  const outDir = keepDir ? (mkdirSync(keepDir, { recursive: true }), keepDir) : mkdtempSync(join(tmpdir(), 'bench-ir-'));
  const jobs: Job[] = [];
  for (const node of nodes) {
    for (const app of selected(IR_APPS, 'BENCH_APPS')) {
      const variants = process.env.BENCH_VARIANTS ? selected(IR_VARIANTS, 'BENCH_VARIANTS', 'untraced') : config.quick ? QUICK_VARIANTS : IR_VARIANTS;
      for (const variant of variants) jobs.push({ node, app, variant });
    }
  }
  log(`instructions: ${jobs.length} processes under ${valgrind}, ${config.jobs} at a time; ${config.warmupCycles} + ${config.cycles} cycles of ${config.batch} requests`);
  const runs: IrRun[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const r = await measure(job, config, outDir, keepDir !== undefined);
      runs.push(r);
      const k = (x: number): string => (x / 1000).toFixed(1);
      log(`node ${r.node} ${r.app}/${r.variant}: request ${k(r.ir.request)} k (by cycle ${r.ir.requestByCycle.map(k).join('/')}), export ${k(r.ir.export)} k, ` +
        `GC ${k(r.ir.gc)} k (${r.ir.gcByCycle.map(k).join('/')}), compile ${k(r.ir.compile)} k Ir/req; ` +
        (r.ir.worker ? `worker ${k(r.ir.worker.work)} k (${r.ir.worker.workByCycle.map(k).join('/')}) + GC ${k(r.ir.worker.gc)} k (${r.ir.worker.gcByCycle.map(k).join('/')}), compile ${k(r.ir.worker.compile)} k; ` : '') +
        `OTLP ${r.otlpPerRequest}, X-Ray ${r.xrayPerRequest} per request${r.complete ? '' : ' (INCOMPLETE)'}; ${r.wallSeconds.toFixed(0)} s`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(config.jobs, jobs.length) }, worker));
  } finally {
    if (!keepDir) rmSync(outDir, { recursive: true, force: true });
  }
  const order = (r: IrRun): number => jobs.findIndex((j) => j.node.major === r.node && j.app === r.app && j.variant === r.variant);
  runs.sort((a, b) => order(a) - order(b));
  return { startedAt, finishedAt: new Date().toISOString(), config, valgrind, machine: { ...machineAtStart, loadAtEnd: load() }, nodes: nodes.map(({ major, version }) => ({ major, version })), runs };
}

/** `--recount`: the figures again from the callgrind files a run kept (BENCH_IR_KEEP), after a change to the counting. */
function recount(report: IrReport, dir: string): IrReport {
  const skip = new Set(['request', 'export', 'requestByCycle', 'markIr']); // fields of older results files
  const runs = report.runs.map((r) => {
    const kept = Object.fromEntries(Object.entries(r).filter(([key]) => !skip.has(key))) as unknown as IrRun;
    if (r.pid === undefined || r.error !== undefined) return kept;
    return { ...kept, ir: countProcess(dir, r.pid, report.config) };
  });
  return { ...report, runs };
}

if (isMain(import.meta.url)) {
  // BENCH_IR_OUT=<file>: an experiment's run goes there, and results-ir.json and docs/benchmarks.md stay as they are.
  const out = process.env.BENCH_IR_OUT;
  const file = new URL('./results-ir.json', import.meta.url);
  const keep = process.env.BENCH_IR_KEEP;
  const report = process.argv.includes('--recount') && keep
    ? recount(JSON.parse(readFileSync(file, 'utf8')) as IrReport, keep)
    : await runInstructions(irConfig());
  if (out !== undefined) {
    writeFileSync(out, JSON.stringify(report, null, 1));
    log(`wrote ${out}`);
    process.exit(0);
  }
  writeFileSync(file, JSON.stringify(report, null, 1));
  const last = new URL('./results.json', import.meta.url);
  const loadResults = existsSync(last) ? (JSON.parse(readFileSync(last, 'utf8')) as Report) : undefined;
  writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), renderReport(loadResults, report));
  log('wrote bench/results-ir.json and docs/benchmarks.md');
  process.exit(0); // children are killed on exit
}
