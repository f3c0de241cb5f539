import { describe, expect, it } from 'vitest';
import { resolveConfig } from './resolve-config';
import { redactConfig } from './redact';
import * as messages from './messages';

const ENV_KEY = 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c';

describe('the dev switch (dev option, DUALTRACE_DEV)', () => {
  it('should point Honeycomb at the local receiver, on without a key and without the no-key warning', () => {
    const c = resolveConfig({ service: 'api' }, { DUALTRACE_DEV: '1' });
    expect(c.dev).toBe(true);
    expect(c.honeycomb).toMatchObject({ enabled: true, url: 'http://127.0.0.1:4318/v1/traces', apiKey: undefined });
    expect(c.warnings).not.toContain(messages.WARN_NO_HONEYCOMB_KEY);
    expect(c.xray.daemonAddress.udp).toEqual({ host: '127.0.0.1', port: 2000, family: 4 });
    expect(c.xray.daemonAddress.tcp).toEqual({ host: '127.0.0.1', port: 2000, family: 4 });
    expect(c.batch.scheduledDelayMillis).toBe(200);
  });

  it('should take the option over the variable, and be off by default', () => {
    expect(resolveConfig({}, {}).dev).toBe(false);
    expect(resolveConfig({ dev: false }, { DUALTRACE_DEV: 'true' }).dev).toBe(false);
    expect(resolveConfig({ dev: true }, {}).honeycomb.url).toBe('http://127.0.0.1:4318/v1/traces');
    expect(resolveConfig({}, {}).batch.scheduledDelayMillis).toBe(1000);
  });

  it('should leave every explicit endpoint, address, enabled flag and batch delay as set', () => {
    const env = { DUALTRACE_DEV: 'on' };
    expect(resolveConfig({ honeycomb: { endpoint: 'http://collector:4318' } }, env).honeycomb.url).toBe('http://collector:4318/v1/traces');
    expect(resolveConfig({}, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).honeycomb.url).toBe('http://collector:4318/v1/traces');
    expect(resolveConfig({}, { ...env, HONEYCOMB_API_ENDPOINT: 'https://api.eu1.honeycomb.io' }).honeycomb.url).toBe('https://api.eu1.honeycomb.io/v1/traces');
    expect(resolveConfig({}, { ...env, AWS_XRAY_DAEMON_ADDRESS: 'xray:3000' }).xray.daemonAddress.udp.host).toBe('xray');
    expect(resolveConfig({ xray: { daemonAddress: '127.0.0.1:3001' } }, env).xray.daemonAddress.udp.port).toBe(3001);
    expect(resolveConfig({ honeycomb: { enabled: false } }, env).honeycomb.enabled).toBe(false);
    expect(resolveConfig({}, { ...env, AWS_XRAY_SDK_ENABLED: 'false' }).xray.enabled).toBe(false);
    expect(resolveConfig({}, { ...env, OTEL_BSP_SCHEDULE_DELAY: '50' }).batch.scheduledDelayMillis).toBe(50);
  });

  it('should still send a key that is set, and show the switch in the redacted config', () => {
    const c = resolveConfig({}, { DUALTRACE_DEV: '1', HONEYCOMB_API_KEY: ENV_KEY });
    expect(c.honeycomb.headers['x-honeycomb-team']).toBe(ENV_KEY);
    const shown = redactConfig(c);
    expect(shown.dev).toBe(true);
    expect(JSON.stringify(shown)).not.toContain(ENV_KEY);
  });

  it('should ignore an unusable DUALTRACE_DEV with a warning', () => {
    const c = resolveConfig({}, { DUALTRACE_DEV: 'maybe' });
    expect(c.dev).toBe(false);
    expect(c.warnings.join('\n')).toContain('Ignoring DUALTRACE_DEV="maybe"');
  });

  it('should reject a dev option that is not a boolean', () => {
    expect(() => resolveConfig({ dev: 'yes' as unknown as boolean }, {})).toThrow(/dev/);
  });
});
