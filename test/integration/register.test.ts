import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_KEY as KEY, useBackends } from '../helpers/backends';
import { FIXTURES, startServing, type ServingChild } from '../helpers/child';
import { send } from '../fixtures/adapter-harness';

// Runs the BUILT package (dist/; `npm test` builds first, or run `npx tsup`) with the exact command lines users type.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runNode(args: string[], env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // cwd is the package root, so `dualtrace/register` resolves through package.json "exports" (self-reference).
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DUALTRACE_XRAY_SAMPLING: 'all', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
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

  // A deployment's mistake in one variable must not stop the app: the variable is ignored with one warning and the
  // default (or the next setting) is used. Honeycomb is off (no key) wherever the bad variable is an endpoint that
  // would otherwise fall back to Honeycomb's real one: these tests only ever talk to loopback.
  const CLASSIC_KEY = '0123456789abcdef0123456789abcdef';
  it.each([
    { bad: 'AWS_XRAY_DAEMON_ADDRESS', set: () => ({ AWS_XRAY_DAEMON_ADDRESS: 'localhost' }), honeycomb: true, xray: false },
    { bad: 'AWS_XRAY_URL', set: () => ({ AWS_XRAY_URL: 'https://4567-abc.ws-us89.gitpod.io' }), honeycomb: true, xray: true },
    { bad: 'HONEYCOMB_API_ENDPOINT', set: () => ({ HONEYCOMB_API_ENDPOINT: 'api.eu1.honeycomb.io', OTEL_EXPORTER_OTLP_ENDPOINT: backends.honeycomb.url }), honeycomb: true, xray: true },
    { bad: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', set: () => ({ HONEYCOMB_API_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318/v1/traces', OTEL_EXPORTER_OTLP_ENDPOINT: backends.honeycomb.url }), honeycomb: true, xray: true },
    { bad: 'OTEL_EXPORTER_OTLP_ENDPOINT', set: () => ({ HONEYCOMB_API_KEY: '', HONEYCOMB_API_ENDPOINT: '', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' }), honeycomb: false, xray: true },
    { bad: 'HONEYCOMB_API_KEY', set: () => ({ HONEYCOMB_API_KEY: `${KEY.slice(0, 40)}\u00e9${KEY.slice(41)}` }), honeycomb: false, xray: true },
    { bad: 'HONEYCOMB_DATASET', set: () => ({ HONEYCOMB_API_KEY: CLASSIC_KEY, HONEYCOMB_DATASET: 'ds\u0007' }), honeycomb: false, xray: true },
    { bad: 'Classic key without a dataset', set: () => ({ HONEYCOMB_API_KEY: CLASSIC_KEY }), honeycomb: false, xray: true },
  ])('should start under --import with an unusable $bad, warn once, and keep tracing', async ({ bad, set, honeycomb, xray }) => {
    const result = await runNode(['--import', 'dualtrace/register', FIXTURES + 'register-app.mjs'], { ...env, ...set() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/ConfigError|\n\s+at /); // no stack: the app was not stopped
    const says = bad.startsWith('Classic') ? /is a Classic key, which needs a dataset/ : new RegExp(`Ignoring (the Honeycomb key in )?${bad}\\b`);
    expect(result.stderr.split('\n').filter((line) => says.test(line)), result.stderr).toHaveLength(1);
    expect(result.stderr).not.toContain(KEY.slice(6, 40));
    expect(result.stderr).not.toContain(CLASSIC_KEY);
    if (honeycomb) await backends.honeycomb.waitFor((s) => s.some((x) => x.name === 'register-esm'));
    else expect(backends.honeycomb.requests).toHaveLength(0);
    if (xray) await backends.xray.waitFor(1);
  });
});

describe('dualtrace/register with initTracing(options) in code', () => {
  const backends = useBackends();
  let app: ServingChild | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function run(scenario: string, flag = '--import'): Promise<{ service: unknown; stderr: string }> {
    app = await startServing([flag, 'dualtrace/register', `${FIXTURES}zero-code/ordering.mjs`, scenario], {
      OTEL_SERVICE_NAME: 'from-env',
      HONEYCOMB_API_KEY: KEY,
      HONEYCOMB_API_ENDPOINT: backends.honeycomb.url,
      AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress,
    });
    expect((await send(`http://127.0.0.1:${app.port}`, '/')).status).toBe(200);
    await app.stop();
    const spans = await backends.honeycomb.waitFor((s) => s.some((x) => x.kind === 2));
    return { service: spans.find((s) => s.kind === 2)!.resource['service.name'], stderr: app.output() };
  }

  // --require loads register's CommonJS bundle while the ES module app imports dualtrace's ESM one: they meet on globalThis.
  it.each([
    ['code-first', '--import'],
    ['late-init', '--import'],
    ['code-first', '--require'],
  ])('should honour the options of initTracing when it comes before any span (%s, %s)', async (scenario, flag) => {
    const { service, stderr } = await run(scenario, flag);
    expect(service).toBe('from-code');
    expect(stderr).not.toMatch(/ignored|No service name/);
  });

  it('should warn once, naming exactly the ignored options, when a span came first', async () => {
    const { service, stderr } = await run('span-first');
    expect(service).toBe('from-env');
    const warnings = stderr.split('\n').filter((line) => line.includes('these options were ignored'));
    expect(warnings).toHaveLength(1);
    // `sampleRate: 1` binds both backends to one shared decision, which the environment's set-up (X-Ray by its own
    // rules) does not: it differs from what runs, so it is listed.
    expect(warnings[0]).toContain('these options were ignored: `service`, `xrayUrl`, `sampleRate`.');
    expect(warnings[0]).toContain('a span needed it first');
    expect(warnings[0]).toContain('OTEL_SERVICE_NAME, AWS_XRAY_URL');
  });
});

describe('an adapter without initTracing', () => {
  it('should warn once that nothing is recorded', async () => {
    const app = await startServing([`${FIXTURES}zero-code/no-init.mjs`], {});
    try {
      const base = `http://127.0.0.1:${app.port}`;
      expect((await send(base, '/')).status).toBe(200);
      expect((await send(base, '/')).status).toBe(200);
    } finally {
      await app.stop();
    }
    const warnings = app.output().split('\n').filter((line) => line.includes('DUALTRACE_NOT_INITIALISED'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('dualtrace/express saw a request, but tracing was never initialised');
  });
});
