import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../../examples/express-activities/demo.ts', import.meta.url));

// `npm run demo` as a test, on the BUILT package (npm test builds first), so the README's first command keeps working.
describe('npm run demo', () => {
  it('should show every trace reaching both backends and exit 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', demo], { timeout: 30_000 });
    expect(stdout).toContain('Every trace reached both backends.');
    expect(stdout).toContain('segment            "4567-abc.ws-us89.gitpod.io"');
    expect(stdout).toMatch(/users-service\s+SERVER/);
    expect(stdout).toContain('http 500  fault');
    expect(stdout).toMatch(/In the viewer: http:\/\/127\.0\.0\.1:\d+\/traces\/[0-9a-f]{32}/);
    expect(stdout).not.toContain('hcxik_demo00000000'); // the key is never printed
  }, 40_000);

  it('should leave the viewer open with --keep, print its URL, and stop on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', demo, '--keep'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    const exited = once(child, 'exit');
    for (let i = 0; i < 1500 && !out.includes('Ctrl-C stops.'); i++) await new Promise((r) => setTimeout(r, 20));
    const ui = /The viewer stays open at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(ui).toBeDefined();
    const list = (await (await fetch(`${ui}/api/traces`)).json()) as { traces: unknown[] };
    expect(list.traces).toHaveLength(3);
    child.kill('SIGINT');
    expect((await exited)[0]).toBe(0);
  }, 40_000);
});
