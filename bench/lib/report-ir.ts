/** The instruction-count sections of docs/benchmarks.md (bench/instructions.ts), and the targets they decide. */
import type { IrReport, IrRun } from './ir-types';
import { fmt } from './util';

export const IR_LABEL: Record<string, string> = {
  untraced: 'untraced',
  reference: '**reference**: hand-written OTel middleware, one OTLP exporter',
  spans: 'dualtrace, both exporters off',
  dualtrace: '**dualtrace**, both exporters',
  'dualtrace-otlp': 'dualtrace, X-Ray over OTLP (gzip, SigV4) instead of UDP',
  zerocode: 'dualtrace zero-code (`--import dualtrace/register`, no adapter)',
  otel: 'OTel auto-instrumentation (sdk-node, http + express)',
  xray: 'aws-xray-sdk-express, 100 % sampled',
  context: 'AsyncLocalStorage context only (`context.with` per request, no tracer)',
  'dualtrace-worker': 'dualtrace, export in a worker thread (prototype, bench/export-worker/): main thread only',
};

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const k = (ir: number): string => fmt(ir / 1000, 1);

export interface Extra {
  request: number;
  exported: number;
  gc: number;
  total: number;
}

/** A variant's instructions per request over untraced's, same node and app; undefined when either run failed. */
export function extra(ir: IrReport, node: number, app: string, variant: string): Extra | undefined {
  const find = (v: string): IrRun | undefined => ir.runs.find((r) => r.node === node && r.app === app && r.variant === v && r.error === undefined);
  const mine = find(variant)?.ir;
  const base = find('untraced')?.ir;
  if (!mine || !base) return undefined;
  return { request: mine.request - base.request, exported: mine.export - base.export, gc: mine.gc - base.gc, total: mine.total - base.total };
}

/** A variant that was asked to trace but delivered nothing (zero-code on sources before it traced). */
const tracesNothing = (r: IrRun): boolean => ['dualtrace', 'dualtrace-otlp', 'zerocode', 'reference', 'otel', 'xray'].includes(r.variant) && r.otlpPerRequest === 0 && r.xrayPerRequest === 0;

function appTable(ir: IrReport, node: number, app: string): string[] {
  const runs = ir.runs.filter((r) => r.node === node && r.app === app);
  if (runs.length === 0) return [];
  const version = runs[0]?.nodeVersion ?? String(node);
  const ref = extra(ir, node, app, 'reference');
  const out = ['', `### ${app === 'express' ? 'Express 5' : '`node:http`'}, Node ${version} (k instructions per request)`, ''];
  out.push(row(['variant', 'request thread', 'export', 'GC', 'total', 'extra: request thread', 'extra: export', 'extra: GC', '**extra: total**', 'extra total ÷ reference', 'request thread by cycle', 'GC by cycle', 'JIT compile, not counted', 'OTLP spans / req', 'X-Ray segments / req', 'every span arrived']));
  out.push(row(Array.from({ length: 16 }, () => '---')));
  const range = (xs: readonly number[]): string => (xs.length ? `${k(Math.min(...xs))}–${k(Math.max(...xs))}` : '–');
  for (const r of runs) {
    if (r.error !== undefined) {
      out.push(row([IR_LABEL[r.variant] ?? r.variant, `failed: ${r.error.slice(0, 120)}`, ...Array.from({ length: 14 }, () => '')]));
      continue;
    }
    const e = r.variant === 'untraced' ? undefined : extra(ir, node, app, r.variant);
    const label = (IR_LABEL[r.variant] ?? r.variant) + (r.variant === 'zerocode' && tracesNothing(r) ? ' — **delivered no span** on this source' : '') +
      (r.ir.worker ? ` — the worker thread besides: ${k(r.ir.worker.work)} k + GC ${k(r.ir.worker.gc)} k` : '');
    out.push(row([
      label,
      k(r.ir.request),
      k(r.ir.export),
      k(r.ir.gc),
      k(r.ir.total),
      e ? k(e.request) : '–',
      e ? k(e.exported) : '–',
      e ? k(e.gc) : '–',
      e ? `**${k(e.total)}**` : '–',
      e && ref && r.variant !== 'reference' && !tracesNothing(r) ? `${fmt(e.total / ref.total, 2)}×` : '–',
      range(r.ir.requestByCycle),
      range(r.ir.gcByCycle),
      k(r.ir.compile),
      fmt(r.otlpPerRequest, 2),
      fmt(r.xrayPerRequest, 2),
      r.complete ? 'yes' : '**NO**',
    ]));
  }
  return out;
}

export function irSection(ir: IrReport | undefined): string[] {
  if (!ir) return ['(not run: `npm run bench:ir`)'];
  const c = ir.config;
  const out = [
    '',
    `Run ${ir.startedAt.slice(0, 16).replace('T', ' ')} UTC – ${ir.finishedAt.slice(11, 16)} UTC${c.quick ? ', QUICK mode' : ''}, commit \`${ir.machine.commit}\`${ir.machine.srcDirty ? ' (src/ had uncommitted changes)' : ''}, ${ir.valgrind}, ` +
      `${ir.nodes.map((n) => `Node ${n.version}`).join(' and ')}; per process ${c.warmupCycles} cycles of warm-up, then ${c.cycles} measured cycles of ${fmt(c.batch)} requests. Every figure below was measured on the source of that commit, which may be older than the source beside this file.`,
    '',
    'Each figure is instructions per request (thousands) counted by valgrind (callgrind) in the server process alone, one',
    `keep-alive connection, one request at a time. A cycle is ${fmt(c.batch)} requests, then a flush that exports them as one full`,
    'batch per exporter (the batch timers are out of the way), then nothing; the counts are taken at the end of each.',
    '**Request thread** = the program\'s instructions in the requests\' part, **export** = in the flush\'s part (encoding and',
    'sending; both run on the one JavaScript thread, the export after the responses), each less a mark\'s own cost (the',
    'median empty part), divided by the requests. **GC** is garbage collection wherever it fell: a major collection comes',
    'in one lump, in some cycles and not others and often during a flush, so it is shown apart and not assigned to either',
    '(the by-cycle ranges show the lumps). The JIT compiler\'s instructions are not counted (warm-up work, on background',
    'threads in production; here tier-up is made about 8× sooner so that the warm-up reaches the optimised steady state).',
    '**Extra** is over untraced in the same run, same node and app; **total** = request thread + export + GC. The sinks ran',
    'in the runner process (not counted) and every part was checked against what they received.',
  ];
  for (const n of ir.nodes) for (const app of ['express', 'http']) out.push(...appTable(ir, n.major, app));
  return out;
}

export interface IrTargetRow {
  figure: string;
  target: string;
  measured: string;
  ok: boolean | undefined;
}

/** The instruction-count targets of performance.md, for every node and app measured. */
export function irTargets(ir: IrReport | undefined): IrTargetRow[] {
  const cases = ir ? ir.nodes.flatMap((n) => ['express', 'http'].map((app) => ({ node: n.major, app }))) : [];
  const name = (c: { node: number; app: string }): string => `${c.app === 'express' ? 'Express' : 'node:http'} (Node ${c.node})`;
  const rowFor = (figure: string, target: string, limit: number, other: string, part: keyof Extra): IrTargetRow => {
    const parts: string[] = [];
    let ok: boolean | undefined;
    for (const c of cases) {
      const d = extra(ir!, c.node, c.app, 'dualtrace');
      const o = extra(ir!, c.node, c.app, other);
      if (!d || !o) continue;
      const ratio = d[part] / o[part];
      parts.push(`${name(c)}: ${k(d[part])} k vs ${k(o[part])} k = **${fmt(ratio, 2)}×**`);
      ok = (ok ?? true) && ratio <= limit;
    }
    return { figure, target, measured: parts.length ? parts.join('; ') : '–', ok };
  };
  return [
    rowFor('extra instructions per traced request, both exports, 100 % sampled', '≤ 1.2× the reference (hand-written OTel middleware, one OTLP exporter)', 1.2, 'reference', 'total'),
    rowFor('extra instructions on the request thread (GC apart)', '≤ 0.8× the reference', 0.8, 'reference', 'request'),
    rowFor('extra instructions per request vs aws-xray-sdk-express', '≤ 0.2×', 0.2, 'xray', 'total'),
    rowFor('extra instructions per request vs OTel auto-instrumentation', '≤ 0.25×', 0.25, 'otel', 'total'),
  ];
}
