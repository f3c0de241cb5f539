import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEST_KEY as KEY, useBackends } from '../helpers/backends';
import { runFixture } from '../helpers/child';

// These run the BUILT package (dist/) in child processes, as apps do: `npm test` builds before testing.

describe('the built package in a real process', () => {
  const backends = useBackends();
  let env: Record<string, string>;

  beforeEach(() => {
    env = { TEST_ENDPOINT: backends.honeycomb.url, TEST_KEY: KEY, TEST_DAEMON: backends.xray.daemonAddress };
  });

  it.each(['consumer.mjs', 'consumer.cjs'])('should work when loaded as %s', async (fixture) => {
    const result = await runFixture(fixture, env);
    expect(result.stderr).not.toContain(KEY);
    const out = JSON.parse(result.stdout) as { configError: { isConfigError: boolean; code: string }; key: string };
    expect(out.configError).toEqual({ isConfigError: true, code: 'DT_CONFIG_XRAY_URL_IS_URL' });
    expect(out.key).toBe('hcxi…');
    const name = fixture.endsWith('.mjs') ? 'esm-span' : 'cjs-span';
    const [span] = await backends.honeycomb.waitFor((spans) => spans.some((s) => s.name === name));
    expect(span!.resource['service.name']).toBe('backend-flask');
    expect(backends.honeycomb.requests[0]!.headers['x-honeycomb-team']).toBe(KEY);
    await backends.xray.waitFor(1);
  });

  it('should run the dualtrace bin', () => {
    const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
    const out = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('should flush on SIGTERM and then die by SIGTERM when the app has no handler', async () => {
    const result = await runFixture('exit-app.mjs', { ...env, MODE: 'signal' }, {
      onStdout: (out, child) => out.includes('ready') && child.kill('SIGTERM'),
    });
    expect(result.signal).toBe('SIGTERM');
    expect(backends.honeycomb.spans.map((s) => s.name)).toContain('span-signal');
  });

  it('should flush on SIGINT and then die by SIGINT', async () => {
    const result = await runFixture('exit-app.mjs', { ...env, MODE: 'signal' }, {
      onStdout: (out, child) => out.includes('ready') && child.kill('SIGINT'),
    });
    expect(result.signal).toBe('SIGINT');
    expect(backends.honeycomb.spans.map((s) => s.name)).toContain('span-signal');
  });

  it('should leave the exit to the app when it handles SIGTERM itself, and still flush', async () => {
    const result = await runFixture('exit-app.mjs', { ...env, MODE: 'own-handler' }, {
      onStdout: (out, child) => out === 'ready\n' && child.kill('SIGTERM'),
    });
    expect(result.stdout).toContain('app-handler');
    expect(result.code).toBe(0);
    expect(result.signal).toBeNull();
    expect(backends.honeycomb.spans.map((s) => s.name)).toContain('span-own-handler');
  });

  it('should flush on beforeExit when the app ends by itself', async () => {
    const result = await runFixture('exit-app.mjs', { ...env, MODE: 'natural' });
    expect(result.code).toBe(0);
    expect(backends.honeycomb.spans.map((s) => s.name)).toContain('span-natural');
  });

  it('should leave no handles open after shutdown', async () => {
    const result = await runFixture('exit-app.mjs', { ...env, MODE: 'shutdown' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ open: [] });
    expect(backends.honeycomb.spans.map((s) => s.name)).toContain('span-shutdown');
  });
});
