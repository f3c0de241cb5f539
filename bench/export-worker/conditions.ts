/**
 * Does the export-worker prototype lose spans where dualtrace's own processors do not? Each scenario runs in a fresh
 * process (conditions-child.ts) against loopback sinks (real OTLP/HTTP and UDP, spans decoded), once with the
 * library's processors and once with export in the worker, and reports what each sink received.
 * Run: node --import tsx bench/export-worker/conditions.ts
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { CountingOtlpSink, CountingUdpSink, settle } from '../lib/sinks';

const here = fileURLToPath(new URL('.', import.meta.url));
const SPANS = 100;
// The worker as a library would ship it: one bundled file (tsx would compile it at start-up in the worker).
const bundle = join(tmpdir(), `export-worker-${process.pid}.mjs`);
buildSync({
  entryPoints: [join(here, 'worker.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: bundle,
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'error',
});

async function run(scenario: string, worker: boolean): Promise<string> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'conditions-child.ts')], {
    env: { ...process.env, EW_SCENARIO: scenario, EW_SPANS: String(SPANS), EW_WORKER: worker ? '1' : '0', EW_WORKER_BUNDLE: bundle, EW_OTLP_URL: otlp.url, EW_XRAY_ADDRESS: udp.daemonAddress },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  if (scenario === 'sigterm') {
    await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()));
    child.kill('SIGTERM');
  }
  // A child that never ends is a finding too (a hang at exit): killed after 60 s and reported as such.
  const hang = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = await new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? String(code))));
  clearTimeout(hang);
  const ms = Date.now() - started;
  await settle(() => otlp.spans + udp.segments, Number.POSITIVE_INFINITY, 300, 3_000);
  const invocation = /invocation (\d+) ms/.exec(stdout)?.[1];
  const line = `${scenario.padEnd(12)} ${worker ? 'worker ' : 'library'}  exit ${exit.padEnd(7)} ${String(ms).padStart(5)} ms  OTLP ${otlp.spans}/${SPANS}  X-Ray ${udp.segments}/${SPANS}${invocation ? `  (last invocation ${invocation} ms)` : ''}${stderr.trim() ? `  stderr: ${stderr.trim().slice(-200)}` : ''}`;
  await otlp.close();
  await udp.close();
  return line;
}

const only = process.argv.slice(2);
for (const scenario of ['shutdown', 'flush-exit', 'before-exit', 'sigterm', 'lambda', 'lambda-warm']) {
  if (only.length > 0 && !only.includes(scenario)) continue;
  for (const worker of [false, true]) console.log(await run(scenario, worker));
}
