/**
 * Instructions per request of zero-code tracing against the Express adapter, counted rather than timed: each variant's
 * server runs under valgrind's cachegrind (`--cache-sim=no`: instruction counts only) with
 * `node --predictable --predictable-gc-schedule`, once serving N1 requests and once N2, and the difference of the two
 * totals divided by N2 − N1 is the cost of one request: start-up, module loading and the exit flush cancel out, and
 * the figure does not move with the load of this (noisy, 2-core) machine. Requests go one at a time over one
 * keep-alive connection from this process; both exporters send to counting sinks here (so export work is in the
 * count, the same per span in every traced variant; batches leave only when full, so the count does not depend on
 * how fast valgrind runs).
 *
 * How it relates to `npm run bench:ir` (bench/instructions.ts), the yardstick: there zero-code is the `zerocode`
 * variant, counted like every other (callgrind parts, request thread and export apart, early tier-up). This runner
 * answers one narrower question the yardstick has no variant for: the Express adapter with zero-code tracing off
 * against zero-code alone, in one app. Its totals are whole-process differences at V8's default tier-up, so they are
 * not comparable with bench:ir's figures; docs/benchmarks.md and bench/notes.md quote them as such.
 *
 * Run: npm run bench:zero-code       (= npm run build, then node --import tsx bench/zero-code-ir.ts)
 *   env: ZC_N1 (default 400), ZC_N2 (default 1200), ZC_VARIANTS=untraced,adapter,zero-code,both
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CountingOtlpSink, CountingUdpSink } from './lib/sinks';
import { ensureValgrind } from './lib/valgrind';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SERVER = fileURLToPath(new URL('./servers/zero-code-express.mjs', import.meta.url));
const N1 = Number(process.env.ZC_N1 ?? 400);
const N2 = Number(process.env.ZC_N2 ?? 1200);
const VARIANTS = (process.env.ZC_VARIANTS ?? 'untraced,adapter,zero-code,both').split(',');
const KEY = `hcxik_${'0'.repeat(58)}`;

async function instructions(variant: string, requests: number, otlp: CountingOtlpSink, udp: CountingUdpSink): Promise<number> {
  const out = join(mkdtempSync(join(tmpdir(), 'zc-ir-')), 'cachegrind.out');
  const node = ['--predictable', '--predictable-gc-schedule', ...(variant === 'zero-code' || variant === 'both' ? ['--import', 'dualtrace/register'] : []), SERVER];
  const child = spawn('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--smc-check=all-non-file', `--cachegrind-out-file=${out}`, process.execPath, ...node], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ZC_VARIANT: variant,
      OTEL_SERVICE_NAME: 'activities-express',
      HONEYCOMB_API_KEY: KEY,
      HONEYCOMB_API_ENDPOINT: otlp.url,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${udp.port}`,
      // Batches leave only when full (512 spans) and at the exit flush, never on the timer: under valgrind a second
      // of wall time is a handful of requests, and timer-driven batches would make the count depend on speed.
      OTEL_BSP_SCHEDULE_DELAY: '3600000',
      ...(variant === 'adapter' ? { DUALTRACE_INSTRUMENT_SERVER: 'false' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let errors = ''; // valgrind's own report: shown only when the run fails
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  child.once('exit', (code, signal) => {
    if (!/\{"port":\d+\}/.test(text)) process.stderr.write(`${variant}: the server exited (${code ?? signal}) before listening\n${errors}`);
  });
  while (!/\{"port":\d+\}/.test(text)) await once(child.stdout, 'data');
  const port = Number(/\{"port":(\d+)\}/.exec(text)![1]);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < requests; i++) await get(port, `/api/activities/${i}`, agent);
  agent.destroy();
  child.kill('SIGTERM');
  await once(child, 'exit');
  const summary = /^summary: (\d+)/m.exec(readFileSync(out, 'utf8'));
  if (summary === null) throw new Error(`no cachegrind summary in ${out}`);
  return Number(summary[1]);
}

function get(port: number, path: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

ensureValgrind(); // as bench:ir: installed with apt when missing
const otlp = await new CountingOtlpSink().start();
const udp = await new CountingUdpSink().start();
const rows: { variant: string; perRequest: number; spans: number }[] = [];
for (const variant of VARIANTS) {
  otlp.reset();
  udp.reset();
  const small = await instructions(variant, N1, otlp, udp);
  const large = await instructions(variant, N2, otlp, udp);
  rows.push({ variant, perRequest: (large - small) / (N2 - N1), spans: otlp.spans });
  process.stderr.write(`${variant}: ${small} / ${large} instructions for ${N1} / ${N2} requests\n`);
}
await otlp.close();
await udp.close();
const base = rows.find((r) => r.variant === 'untraced')?.perRequest;
console.log(`| variant | instructions per request | over untraced | OTLP spans received (${N1 + N2} requests) |`);
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  const extra = base === undefined || r.variant === 'untraced' ? '' : Math.round(r.perRequest - base).toLocaleString('en-US');
  console.log(`| ${r.variant} | ${Math.round(r.perRequest).toLocaleString('en-US')} | ${extra} | ${r.spans} |`);
}
