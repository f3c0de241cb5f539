/**
 * Renders docs/benchmarks.md: the instruction counts (bench/instructions.ts, the deciding figures) and the figures under
 * load (bench/run.ts, secondary), each from its last results file, with bench/notes.md appended verbatim.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ThroughputResult } from '../export-throughput';
import type { IrReport } from './ir-types';
import type { OutageResult } from '../outage';
import type { ProfileResult } from '../profile';
import type { RunResult, VariantSummary } from '../request-overhead';
import type { Machine } from './machine';
import { irSection, irTargets } from './report-ir';
import type { P99Results } from './p99-summary';
import { lastP99, p99Section, p99Target } from './report-p99';
import { fmt, type BenchConfig } from './util';

export interface Report {
  config: BenchConfig;
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  argv: string;
  overhead?: { runs: RunResult[]; summary: VariantSummary[] };
  throughput?: ThroughputResult[];
  outage?: OutageResult;
  profiles?: ProfileResult[];
}

const LABEL: Record<string, string> = {
  untraced: 'untraced',
  context: 'cost decomposition: AsyncLocalStorage context only (`context.with` per request, no tracer)',
  spans: 'cost decomposition: dualtrace with both exporters off (context, propagation, SERVER span)',
  reference: 'reference: hand-written OTel middleware, one OTLP exporter',
  dualtrace: 'dualtrace (both exporters, 100 % sampled)',
  'dualtrace-otlp': 'dualtrace, X-Ray over OTLP (gzip, SigV4) instead of UDP',
  zerocode: 'dualtrace zero-code (`--import dualtrace/register`, no adapter)',
  otel: 'OTel auto-instrumentation (sdk-node + http + express), OTLP/proto',
  xray: 'aws-xray-sdk-express, 100 % sampled',
};
/** Variants that export nothing: their span columns show a dash. */
const NO_EXPORT = new Set(['untraced', 'context', 'spans']);
/** Express ratios from performance.md's reference table (same machine class, an earlier run), for orientation. */
const REFERENCE: Record<string, string> = { untraced: '1.00', reference: '0.80–0.87', otel: '0.53', xray: '0.43' };

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');

/** No span lost by the exporters: everything created arrived, or was lost in the sink's own receive buffer. */
function exporterNoDrops(t: ThroughputResult): boolean {
  const want = (on: boolean): number => (on ? t.created : 0);
  return t.otlpDelivered === want(t.mode !== 'xray') && t.xrayDelivered + t.udpKernelDrops === want(t.mode !== 'otlp');
}

function exporterDrops(t: ThroughputResult): string {
  if (!exporterNoDrops(t)) return 'EXPORTER DROPS';
  return t.udpKernelDrops ? `no exporter drops; ${fmt(t.udpKernelDrops)} datagrams lost in the sink's receive buffer` : 'no drops';
}

/** performance.md's targets: the instruction counts decide the request figures; the rest come from the load run. */
function targets(r: Report | undefined, ir: IrReport | undefined, p99: P99Results | undefined): string[] {
  const lines = [row(['figure', 'target', 'measured', 'verdict']), row(['---', '---', '---', '---'])];
  for (const t of irTargets(ir)) lines.push(row([t.figure, t.target, t.measured, verdict(t.ok)]));
  const both = (spans: number): ThroughputResult | undefined => r?.throughput?.find((t) => t.mode === 'both' && (t.traceSpans ?? 1) === spans);
  for (const [spans, limit, shape] of [[4, 150_000, '4-span traces'], [1, 60_000, 'lone spans']] as const) {
    const t = both(spans);
    lines.push(row([`both exports, spans per CPU-second, no drops, ${shape} (load run, best of ${r?.config.rounds ?? '–'} processes)`, `≥ ${fmt(limit)}`,
      t ? `${fmt(t.spansPerCoreSecond)} (${exporterDrops(t)})` : '–', verdict(t && exporterNoDrops(t) && t.spansPerCoreSecond >= limit)]));
  }
  const added = p99Target(p99);
  lines.push(row(['p99 latency added by dualtrace at 70 % of untraced max throughput, open-loop load (`npm run bench:p99`)', '≤ 1 ms', added.measured, verdict(added.ok)]));
  const o = r?.outage;
  lines.push(row(['RSS while both backends are down for 60 s under load, over the healthy run', '≤ +50 MB, drops counted', o ? `${fmt(o.rssGrowthMb, 1)} MB; ${fmt(o.droppedReported)} drops reported via diag` : '–', verdict(o && o.rssGrowthMb <= 50 && o.droppedReported > 0)]));
  return lines;
}

function overheadTables(r: Report): string[] {
  if (!r.overhead) return ['(not run)'];
  const out: string[] = [];
  for (const app of ['express', 'http'] as const) {
    out.push('', app === 'express' ? '#### Express 5, `GET /api/activities/home`' : '#### plain `node:http`, same JSON', '');
    out.push(row(['variant', 'req/s best (worst–best)', 'vs untraced', app === 'express' ? 'reference ratio' : '', 'p50 ms', 'p99 ms', 'CPU µs / req', 'extra CPU µs / req', 'peak RSS MB', 'OTLP spans / req', 'X-Ray segments / req', 'errors'].filter((c, i) => app === 'express' || i !== 3)));
    out.push(row(Array.from({ length: app === 'express' ? 12 : 11 }, () => '---')));
    for (const v of r.overhead.summary.filter((x) => x.app === app)) {
      const cells = [
        LABEL[v.variant] ?? v.variant,
        `${fmt(v.reqPerSec)} (${fmt(v.reqPerSecMin)}–${fmt(v.reqPerSecMax)})`,
        fmt(v.ratio, 2),
        REFERENCE[v.variant] ?? '',
        fmt(v.p50, 1),
        fmt(v.p99, 1),
        fmt(v.cpuPerRequest),
        v.variant === 'untraced' ? '–' : fmt(v.extraCpu),
        fmt(v.peakRssMb),
        NO_EXPORT.has(v.variant) ? '–' : fmt(v.otlpPerRequest, 3),
        NO_EXPORT.has(v.variant) ? '–' : fmt(v.xrayPerRequest, 3) + (v.udpKernelDrops ? ` (${v.udpKernelDrops} lost in the sink's buffer)` : ''),
        fmt(v.errors),
      ];
      out.push(row(app === 'express' ? cells : cells.filter((_, i) => i !== 3)));
    }
  }
  out.push(...decomposition(r.overhead.summary));
  out.push('', '<details><summary>Every run (round, variant, req/s, p99, CPU µs/req, served, spans received)</summary>', '');
  out.push(row(['app', 'round', 'variant', 'req/s', 'p99 ms', 'CPU µs/req', 'served', 'OTLP spans', 'X-Ray segments', 'diag lines']), row(Array.from({ length: 10 }, () => '---')));
  for (const x of r.overhead.runs) {
    out.push(row([x.app, String(x.round), x.variant, fmt(x.reqPerSec), fmt(x.p99), fmt(x.cpuPerRequest), fmt(x.served), fmt(x.otlpSpans), fmt(x.xraySegments), String(x.diagLines.length)]));
  }
  out.push('', '</details>');
  return out;
}

/** Where dualtrace's extra CPU per request goes, from the two decomposition variants (best figures of each). */
function decomposition(summary: readonly VariantSummary[]): string[] {
  const extra = (app: string, variant: string): number | undefined => summary.find((v) => v.app === app && v.variant === variant)?.extraCpu;
  const out = ['', '#### Where the extra CPU per request goes (µs, each step over the one before it)', ''];
  out.push(row(['app', 'AsyncLocalStorage context (`context` − untraced)', 'SERVER span, propagation, adapter (`spans` − `context`)', 'both exports (dualtrace − `spans`)', 'dualtrace − untraced']));
  out.push(row(Array.from({ length: 5 }, () => '---')));
  for (const app of ['express', 'http']) {
    const [c, s, d] = [extra(app, 'context'), extra(app, 'spans'), extra(app, 'dualtrace')];
    if (c === undefined || s === undefined || d === undefined) continue;
    out.push(row([app, fmt(c), fmt(s - c), fmt(d - s), fmt(d)]));
  }
  return out.length > 5 ? out : [];
}

function throughputTable(r: Report): string[] {
  if (!r.throughput) return ['(not run)'];
  const out = [row(['exporters on', 'spans per trace', 'spans/CPU-second, best (every round)', 'CPU µs / span', 'spans/s (wall)', 'spans created', 'OTLP delivered', 'X-Ray delivered', 'no exporter drops']), row(Array.from({ length: 9 }, () => '---'))];
  const mode = (t: ThroughputResult): string => (t.mode === 'both' ? 'both' : t.mode === 'otlp' ? 'Honeycomb (OTLP) only' : 'X-Ray only');
  for (const t of r.throughput) {
    const rounds = (t.rounds ?? []).map((x) => fmt(x)).join(', ');
    out.push(row([mode(t), String(t.traceSpans ?? 1), `${fmt(t.spansPerCoreSecond)}${rounds ? ` (${rounds})` : ''}`, fmt(t.cpuMicrosPerSpan, 2), fmt(t.wallSpansPerSec), fmt(t.created), fmt(t.otlpDelivered), fmt(t.xrayDelivered), exporterNoDrops(t) ? (t.noDrops ? 'yes' : 'yes (exporter); see below') : '**no**']));
  }
  for (const t of r.throughput) {
    const name = `${mode(t)}, ${t.traceSpans ?? 1}-span traces`;
    if (t.udpKernelDrops) out.push('', `- ${name}: ${fmt(t.udpKernelDrops)} datagrams were dropped by the kernel at the sink's socket (receive buffer full: a sink limit, not an exporter drop).`);
    if (t.diag) out.push('', `- ${name}: the generator logged: \`${t.diag.split('\n').slice(0, 3).join(' / ')}\``);
  }
  return out;
}

function outageTables(r: Report): string[] {
  const o = r.outage;
  if (!o) return ['(not run)'];
  const out = [row(['phase', 'seconds', 'requests served', 'OTLP spans received', 'X-Ray segments received', 'peak RSS MB', 'RSS at end MB']), row(Array.from({ length: 7 }, () => '---'))];
  for (const p of o.phases) out.push(row([p.phase, fmt(p.seconds), fmt(p.served), fmt(p.otlpReceived), fmt(p.xrayReceived), fmt(p.peakRssMb, 1), fmt(p.endRssMb, 1)]));
  out.push('', `- RSS growth, outage peak over healthy peak: **${fmt(o.rssGrowthMb, 1)} MB** (target ≤ 50 MB).`);
  const byBackend = o.droppedByBackend ? ` (Honeycomb ${fmt(o.droppedByBackend.honeycomb)}, X-Ray ${fmt(o.droppedByBackend.xray)})` : '';
  out.push(`- Spans lost over the whole run (served − received): Honeycomb ${fmt(o.otlpLost)}, X-Ray ${fmt(o.xrayLost)}; dropped spans reported through diag: ${fmt(o.droppedReported)}${byBackend}. UDP to a port nobody listens on fails only when an ICMP error comes back, so X-Ray's losses with no daemon are largely invisible to the sender.`);
  out.push(`- Export resumed: in the recovered phase (plus the final flush) the sinks got ${fmt(o.otlpResumeRatio, 2)} OTLP spans and ${fmt(o.xrayResumeRatio, 2)} X-Ray segments per request served then (above 1: spans queued during the outage went out too).`);
  out.push(`- Load generator errors (non-2xx or socket errors): ${fmt(o.loadErrors)} — the app kept serving.`);
  out.push('', 'What dualtrace logged through OTel diag (captured in the server, verbatim):', '', '```');
  for (const p of o.phases) for (const line of p.diagLines) out.push(`[${p.phase}] ${line.split('\n')[0]}`);
  out.push('```');
  return out;
}

/** Self time per request by package, untraced vs dualtrace (same app): where the extra CPU goes. */
function profileDiff(r: Report, app: string): string[] {
  const base = r.profiles?.find((p) => p.app === app && p.variant === 'untraced');
  const traced = r.profiles?.find((p) => p.app === app && p.variant === 'dualtrace');
  if (!base || !traced || !base.requests || !traced.requests) return [];
  const names = [...new Set([...traced.packages, ...base.packages].map((e) => e.name))];
  const per = (p: ProfileResult, name: string): number => (p.packages.find((e) => e.name === name)?.micros ?? 0) / p.requests;
  const rows = names.map((name) => ({ name, base: per(base, name), traced: per(traced, name) })).sort((a, b) => b.traced - b.base - (a.traced - a.base));
  const out = ['', `#### ${app}: self time per request by package, untraced vs dualtrace (wall-clock samples of the server's main thread)`, ''];
  out.push(row(['package', 'untraced µs / req', 'dualtrace µs / req', 'difference']), row(['---', '---', '---', '---']));
  for (const x of rows) out.push(row([x.name, fmt(x.base, 1), fmt(x.traced, 1), fmt(x.traced - x.base, 1)]));
  const total = (p: ProfileResult): number => p.packages.reduce((sum, e) => sum + e.micros, 0) / p.requests;
  out.push(row(['**total (top packages)**', fmt(total(base), 1), fmt(total(traced), 1), fmt(total(traced) - total(base), 1)]));
  return out;
}

function profileTables(r: Report): string[] {
  if (!r.profiles) return ['(not run)'];
  const out: string[] = [...profileDiff(r, 'express'), ...profileDiff(r, 'http')];
  for (const p of r.profiles) {
    out.push('', `#### ${p.app} / ${p.variant}: ${fmt(p.samples)} samples over ${fmt(p.requests)} requests`, '');
    out.push(`By package (self time): ${p.packages.map((e) => `${e.name} ${fmt(e.sharePct, 1)} %`).join(', ')}.`, '');
    out.push(row(['self %', 'function', 'where']), row(['---', '---', '---']));
    for (const f of p.functions) out.push(row([fmt(f.sharePct, 1), `\`${f.name}\``, f.where ? `\`${f.where}\`` : '(native)']));
  }
  return out;
}

/**
 * Instructions (`ir`) decide; the load run (`r`) and the open-loop run (`p99`, bench/results-p99.json by default) give
 * the secondary figures. Any may be missing.
 */
export function renderReport(r: Report | undefined, ir: IrReport | undefined, p99: P99Results | undefined = lastP99()): string {
  const notes = new URL('../notes.md', import.meta.url);
  return [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/instructions.ts (`npm run bench:ir`), bench/run.ts (`npm run bench`) and bench/p99.ts',
    '     (`npm run bench:p99`) from their last results;',
    '     do not edit by hand. Hand-written analysis lives in bench/notes.md. -->',
    '',
    'Two kinds of figures. **Instructions per request decide**: counted by valgrind in the server process, whatever else',
    'the machine is doing, the program\'s instructions repeat to a few thousand per request between runs, and garbage',
    'collection, which comes in lumps, to about ±15 k. **Figures under load** (throughput, latency, CPU time with',
    'autocannon) are secondary: on this 2-core machine shared with other work they move by up to 2× between runs, so each',
    'is the best of several fresh processes.',
    '',
    '## Targets',
    '',
    ...targets(r, ir, p99),
    '',
    '## Instructions per request (deciding figures)',
    '',
    '```sh',
    'npm run bench:ir                     # Node 20 and 24, every app and variant (~85 min here); -- --quick: ~15 min',
    'BENCH_NODES=24 BENCH_APPS=http BENCH_VARIANTS=reference,dualtrace npm run bench:ir   # a subset (untraced is always kept)',
    'BENCH_IR_KEEP=/tmp/ir npm run bench:ir && node --import tsx bench/ir-functions.ts /tmp/ir/callgrind.<pid> [<base>]',
    'node --import tsx bench/nexttick.ts    # the process.nextTick cost of fresh processes under load (Node 20 investigation)',
    'node bench/repro/nexttick-als.mjs als 200 mixed   # one tick with and without AsyncLocalStorage, plain Node',
    '```',
    ...irSection(ir),
    '',
    ...(r ? loadSections(r) : ['## Under load (secondary figures)', '', '(not run: `npm run bench`)']),
    '',
    ...p99Section(p99),
    '',
    existsSync(notes) ? readFileSync(notes, 'utf8').trim() : '',
    '',
  ].join('\n');
}

function loadSections(r: Report): string[] {
  const c = r.config;
  const m = r.machine;
  const mode = c.quick ? 'QUICK mode (smoke-run durations)' : 'full mode';
  return [
    '## Under load (secondary figures)',
    '',
    `Run ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC – ${r.finishedAt.slice(11, 16)} UTC, ${mode}, commit \`${m.commit}\`${m.srcDirty ? ' (src/ had uncommitted changes)' : ''}.`,
    '',
    `**Machine:** ${m.cores} cores, ${m.model}, ${fmt(m.memoryGb, 1)} GB RAM, ${m.platform}, Node ${m.node}. Load average at start ${m.loadAtStart}, at end ${m.loadAtEnd ?? '?'}.`,
    '',
    '> **Read these as the best of several runs, not as typical figures.** The machine has 2 cores shared by the server,',
    '> the load generator and the counting sinks, and other work ran on it at the same time: the host only ever slows a',
    '> run down. Each variant runs in a fresh server process per round, the order of variants rotated every round; a',
    '> variant\'s figure is its best round (most req/s, least CPU per request, lowest p99), and "extra" is its best minus',
    '> untraced\'s best.',
    '',
    '### How it was run',
    '',
    '```sh',
    `npm run bench${r.argv ? ' -- ' + r.argv : ''}          # npm run build, then node --import tsx bench/run.ts ${r.argv}`,
    `# warm-up ${c.warmupS} s + measured ${c.durationS} s per variant, ${c.rounds} rounds; throughput ${c.throughputS} s per mode and round;`,
    `# outage: healthy ${c.healthyS} s, backends down ${c.outageS} s (refusing ${c.outageS / 2} s, then hanging ${c.outageS / 2} s), recovered ${c.recoveryS} s`,
    'node --import tsx bench/request-overhead.ts   # one scenario alone (after npm run build); --quick for short windows',
    'BENCH_APPS=http BENCH_VARIANTS=spans,dualtrace node --import tsx bench/request-overhead.ts --quick   # a subset',
    'node --import tsx bench/export-throughput.ts',
    'node --import tsx bench/outage.ts',
    'node --import tsx bench/profile.ts express dualtrace',
    'node --import tsx bench/express-steps.ts      # Express cost step by step, in-process (no sockets)',
    '```',
    '',
    'Servers: bench/servers/{express,http}.ts in a child process each (BENCH_VARIANT picks untraced / context / spans /',
    'reference / dualtrace / dualtrace-otlp / zerocode / otel / xray; aws-xray-sdk-core is only ever loaded there).',
    'dualtrace is loaded by name from the built package (dist/), as an app would. Load: autocannon 8 in its own process,',
    '10 connections, loopback.',
    'Sinks (in the runner): an OTLP/HTTP receiver that decodes and counts spans, a UDP socket that counts X-Ray segments',
    '(nested subsegments included; kernel receive-buffer drops are read from /proc/net/udp). CPU per request is the',
    'server process\'s `process.cpuUsage()` over the measured window divided by the requests it served then; spans are',
    'counted after the server flushed and the sinks went quiet, against every request served (warm-up included).',
    '',
    '### Request overhead under load',
    ...overheadTables(r),
    '',
    '### Export throughput (real `initTracing` provider, counting sinks, batches of 2048 spans + `forceFlush()`)',
    '',
    'Lone spans: SERVER spans with 5 attributes, each its own trace (one X-Ray document and one datagram per span: the',
    'worst case for X-Ray packing). 4-span traces: a SERVER span with a database CLIENT, an HTTP CLIENT and an INTERNAL',
    'child (one X-Ray document with three subsegments). The generator is a child process; its CPU is what is divided.',
    '',
    ...throughputTable(r),
    '',
    '### Outage: both backends unreachable under load',
    '',
    ...outageTables(r),
    '',
    '### CPU profiles of dualtrace under load (inspector profiler, measured window only)',
    ...profileTables(r),
  ];
}
