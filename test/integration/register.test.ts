import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEST_KEY as KEY, useBackends } from '../helpers/backends';
import { FIXTURES } from '../helpers/child';

// Runs the BUILT package (dist/; `npm test` builds first, or run `npx tsup`) with the exact command lines users type.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runNode(args: string[], env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // cwd is the package root, so `dualtrace/register` resolves through package.json "exports" (self-reference).
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('dualtrace/register (zero-code start from the environment)', () => {
  const backends = useBackends();
  let env: Record<string, string>;

  beforeEach(() => {
    env = {
      OTEL_SERVICE_NAME: 'registered-app',
      HONEYCOMB_API_KEY: KEY,
      HONEYCOMB_API_ENDPOINT: backends.honeycomb.url,
      AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress,
    };
  });

  it.each([
    ['--import', 'register-app.mjs', 'register-esm'],
    ['--require', 'register-app.cjs', 'register-cjs'],
  ])('should trace `node %s dualtrace/register %s` to both backends', async (flag, app, spanName) => {
    const result = await runNode([flag, 'dualtrace/register', FIXTURES + app], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain(KEY);
    const spans = await backends.honeycomb.waitFor((s) => s.some((x) => x.name === spanName));
    expect(spans.find((s) => s.name === spanName)!.resource['service.name']).toBe('registered-app');
    expect(backends.honeycomb.requests[0]!.headers['x-honeycomb-team']).toBe(KEY);
    await backends.xray.waitFor(1);
    expect(backends.xray.documents[0]).toMatchObject({ name: spanName, trace_id: expect.stringMatching(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/) });
  });
});
