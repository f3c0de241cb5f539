import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `dualtrace dev` as a user runs it: its own process, real ports, real signals.
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

function runDev(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'dev', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (err += c));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, out: () => out, err: () => err, exited };
}

async function untilOutput(get: () => string, text: string): Promise<void> {
  for (let i = 0; i < 500 && !get().includes(text); i++) await new Promise((r) => setTimeout(r, 20));
  expect(get()).toContain(text);
}

describe('dualtrace dev (CLI)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('should report its ports, serve, and exit 0 on %s', async (signal) => {
    const dev = runDev(['--ui-port', '0', '--otlp-port', '0', '--xray-port', '0', '--max-traces', '5']);
    await untilOutput(dev.out, 'Ctrl-C stops.');
    const ui = /UI\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(dev.out())![1]!;
    expect(dev.out()).toMatch(/OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
    expect(dev.out()).toMatch(/X-Ray daemon\s+udp 127\.0\.0\.1:(\d+) \(segments\), tcp 127\.0\.0\.1:\1 \(sampling/);
    expect(dev.out()).toContain('the last 5 traces');
    expect(dev.out()).toContain('Nothing is written to disk');
    expect((await fetch(`${ui}/api/status`)).status).toBe(200);
    dev.child.kill(signal);
    expect(await dev.exited).toEqual([0, null]);
    expect(dev.out()).toContain('dualtrace dev: stopping');
  });

  it('should name the port and the flag when a port is in use, and exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dev = runDev(['--ui-port', String(port), '--otlp-port', '0', '--xray-port', '0']);
      expect((await dev.exited)[0]).toBe(1);
      expect(dev.err()).toBe(`dualtrace: port ${port} (web UI) is already in use on 127.0.0.1. Stop what is using it, or choose another port with --ui-port <port>.\n`);
    } finally {
      blocker.close();
    }
  });

  it('should document every flag in --help, and refuse bad values with exit code 2', async () => {
    const help = runDev(['--help']);
    expect((await help.exited)[0]).toBe(0);
    for (const flag of ['--otlp-port', '--xray-port', '--ui-port', '--host', '--max-traces', '--max-spans', '--max-request-bytes', '--sampling-rules', '--save', '--load', '--help']) {
      expect(help.out()).toContain(flag);
    }
    const bad = runDev(['--ui-port', '70000']);
    expect((await bad.exited)[0]).toBe(2);
    expect(bad.err()).toContain('--ui-port must be a whole number from 0 to 65535');
    const rules = runDev(['--sampling-rules', '/nonexistent/rules.json', '--ui-port', '0', '--otlp-port', '0', '--xray-port', '0']);
    expect((await rules.exited)[0]).toBe(1);
    expect(rules.err()).toContain('--sampling-rules /nonexistent/rules.json: ENOENT');
  });
});
