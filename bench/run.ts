/**
 * Runs every comparative benchmark (request overhead, export throughput, outage, CPU profiles of dualtrace) and
 * writes docs/benchmarks.md. Bounded in time; loopback only; every child process is killed at the end, even on error.
 *
 * Run: npm run bench [-- --quick]     (= node --import tsx bench/run.ts [--quick]); raw results go to bench/results.json,
 * and `--render` rewrites the doc from them (after editing bench/notes.md) without measuring again.
 * Env: BENCH_WARMUP_S, BENCH_DURATION_S, BENCH_ROUNDS, BENCH_THROUGHPUT_S, BENCH_HEALTHY_S, BENCH_OUTAGE_S,
 *      BENCH_RECOVERY_S; BENCH_ONLY=overhead,throughput,outage,profile to run a subset (the doc then lacks the rest).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runExportThroughput, type ThroughputProfile } from './export-throughput';
import { runOutage } from './outage';
import { runProfile, summariseProfile } from './profile';
import { runRequestOverhead } from './request-overhead';
import type { IrReport } from './lib/ir-types';
import { load, machineInfo } from './lib/machine';
import { renderReport, type Report } from './lib/report';
import { benchConfig, log } from './lib/util';

const config = benchConfig();
const only = (process.env.BENCH_ONLY ?? 'overhead,throughput,outage,profile').split(',');
const started = new Date();

// --render: rewrite docs/benchmarks.md from the last run's bench/results.json (e.g. after editing bench/notes.md).
const resultsFile = new URL('./results.json', import.meta.url);
const irFile = new URL('./results-ir.json', import.meta.url);
const lastIr = (): IrReport | undefined => (existsSync(irFile) ? (JSON.parse(readFileSync(irFile, 'utf8')) as IrReport) : undefined);
if (process.argv.includes('--render')) {
  const last = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Report) : undefined;
  writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), renderReport(last, lastIr()));
  log('re-rendered docs/benchmarks.md from bench/results.json');
  process.exit(0);
}

const report: Report = {
  config,
  startedAt: started.toISOString(),
  finishedAt: '',
  machine: machineInfo(),
  argv: process.argv.slice(2).join(' '),
};

if (only.includes('overhead')) {
  log('request overhead…');
  report.overhead = await runRequestOverhead(config);
}
if (only.includes('throughput')) {
  log('export throughput…');
  report.throughput = await runExportThroughput(config);
}
if (only.includes('outage')) {
  log('outage…');
  report.outage = await runOutage(config);
}
if (only.includes('profile')) {
  log('profiles…');
  report.profiles = [
    await runProfile('express', 'untraced', config),
    await runProfile('express', 'dualtrace', config),
    await runProfile('http', 'untraced', config),
    await runProfile('http', 'dualtrace', config),
  ];
  // The export paths alone: a shorter profiled pass of the throughput generator (profiling slows it a little).
  const raw: ThroughputProfile[] = [];
  await runExportThroughput({ ...config, throughputS: Math.min(config.throughputS, 4) }, true, raw);
  for (const p of raw) {
    report.profiles.push({ app: 'span generator', variant: `exporters: ${p.mode}`, requests: 0, ...summariseProfile(p.nodes as Parameters<typeof summariseProfile>[0], 20, p.intervalMicros) });
  }
}
report.finishedAt = new Date().toISOString();
report.machine.loadAtEnd = load();

writeFileSync(resultsFile, JSON.stringify(report, null, 1));
const out = new URL('../docs/benchmarks.md', import.meta.url);
writeFileSync(out, renderReport(report, lastIr()));
log(`wrote ${out.pathname}`);
process.exit(0); // children are killed on exit
