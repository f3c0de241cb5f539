/**
 * What sampling costs, in instructions (a count does not move with the load of this shared 2-core machine, where
 * times swing 2× between runs). Each figure is the difference of two runs of the same program under
 * `valgrind --tool=cachegrind`, with `node --predictable --predictable-gc-schedule`, that differ only in how many
 * decisions or requests they make: start-up, JIT warm-up and the final flush cancel out.
 *
 * 1. Decision per root span (bench/sampling-decisions.ts): both backends 100 % (the frozen result), and X-Ray with 10
 *    local rules where the request matches only the last (all 10 tried) + Honeycomb 100 %.
 * 2. Request overhead of a `node:http` app (bench/servers/sampling-http.mjs, the built package, one keep-alive
 *    connection, one request at a time): untraced; dualtrace 100 % / 100 %; X-Ray 5 % (10 rules) + Honeycomb 100 %.
 *    Both exports included (the exporters run in the server's process; the sinks run here and are not counted).
 *
 * Run: npm run build && node --import tsx bench/sampling-instructions.ts
 * Env: BENCH_QUICK=1 (fewer iterations: JIT warm-up no longer cancels, figures are higher), BENCH_PARTS=decisions|requests,
 *      BENCH_ROUNDS (default 2: each figure is shown as the range of that many measurements).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { CountingOtlpSink, CountingUdpSink } from './lib/sinks';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const DECISIONS = quick ? [2_000, 12_000] : [100_000, 600_000];
/** Each figure is measured this many times (fresh processes) and shown as a range. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 2));
const REQUESTS = quick ? [100, 300] : [200, 1_200];

interface Run {
  irefs: number;
  stdout: string;
}

/** Runs `node --predictable --predictable-gc-schedule ...args` under cachegrind; `drive` talks to it once it printed a line. */
function counted(args: string[], env: Record<string, string>, drive?: (firstLine: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--predictable', '--predictable-gc-schedule', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let driving = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (drive !== undefined && !driving && stdout.includes('\n')) {
        driving = true;
        drive(stdout.slice(0, stdout.indexOf('\n'))).catch(reject);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /I\s+refs:\s+([\d,]+)/.exec(stderr);
      if (code !== 0 || m === null) reject(new Error(`exit ${code}: ${stderr.slice(-2000)}`));
      else resolve({ irefs: Number(m[1]!.replace(/,/g, '')), stdout });
    });
  });
}

async function perDecision(variant: string): Promise<number> {
  const [a, b] = await Promise.all(
    DECISIONS.map((n) => counted(['--import', 'tsx', 'bench/sampling-decisions.ts'], { BENCH_SAMPLING: variant, BENCH_DECISIONS: String(n) })),
  );
  return (b!.irefs - a!.irefs) / (DECISIONS[1]! - DECISIONS[0]!);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

async function perRequest(variant: string, otlp: CountingOtlpSink, udp: CountingUdpSink): Promise<{ ir: number; otlp: number; xray: number }> {
  const runs: Run[] = [];
  for (const n of REQUESTS) {
    otlp.reset();
    udp.reset();
    runs.push(
      await counted(['bench/servers/sampling-http.mjs'], { BENCH_SAMPLING: variant, BENCH_OTLP_URL: otlp.url, BENCH_XRAY_ADDRESS: `127.0.0.1:${udp.port}` }, async (line) => {
        const { port } = JSON.parse(line) as { port: number };
        for (let i = 0; i < n; i++) await get(port, '/api/activities/home');
        await get(port, '/__exit');
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last datagrams
  }
  const n = REQUESTS[1]!;
  return { ir: (runs[1]!.irefs - runs[0]!.irefs) / (n - REQUESTS[0]!), otlp: otlp.spans / n, xray: udp.segments / n };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const range = (values: number[]): string => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
};
async function rounds<T>(measure: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await measure());
  return out;
}

const parts = process.env.BENCH_PARTS ?? 'decisions,requests';
const decisions: [string, number[]][] = [];
if (parts.includes('decisions')) {
  for (const variant of ['both-100', 'xray-10-rules']) decisions.push([variant, await rounds(() => perDecision(variant))]);
console.log('\n| decision per root span | instructions |\n|---|---:|');
for (const [variant, ir] of decisions) console.log(`| ${variant} | ${range(ir)} |`);
}
if (parts.includes('requests')) {
const otlp = await new CountingOtlpSink().start();
const udp = await new CountingUdpSink().start();
const requests: [string, Awaited<ReturnType<typeof perRequest>>[]][] = [];
for (const variant of ['untraced', 'both-100', 'xray-5']) requests.push([variant, await rounds(() => perRequest(variant, otlp, udp))]);
await otlp.close();
await udp.close();
agent.destroy();
// Paired by round: each round's traced figure minus the same round's untraced one.
const base = requests[0]![1];
console.log('\n| node:http request | instructions | over untraced | OTLP spans / request | X-Ray segments / request |\n|---|---:|---:|---:|---:|');
for (const [variant, r] of requests) {
  const over = r.map((x, i) => x.ir - base[i]!.ir);
  console.log(`| ${variant} | ${range(r.map((x) => x.ir))} | ${range(over)} | ${r[0]!.otlp.toFixed(3)} | ${r[0]!.xray.toFixed(3)} |`);
}
}
console.log(`\nnode ${process.version}, decisions ${DECISIONS.join(' vs ')}, requests ${REQUESTS.join(' vs ')}`);
