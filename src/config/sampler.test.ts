import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrorCode } from '../errors';
import { redactConfig } from './redact';
import { resolveConfig } from './resolve-config';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/sampling/${name}`, import.meta.url));

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig sampling', () => {
  it('should default to centralized X-Ray rules through the daemon TCP address, and every trace for Honeycomb', () => {
    const { sampler } = resolveConfig({}, { AWS_XRAY_DAEMON_ADDRESS: 'udp:10.0.0.5:2000 tcp:10.0.0.6:2001' });
    expect(sampler.honeycomb).toEqual({ decidedBy: 'ratio', ratio: 1, sampleRate: 1, source: 'default' });
    expect(sampler.xray).toMatchObject({
      mode: 'centralized',
      source: 'default',
      endpoint: 'http://10.0.0.6:2001',
      rulesSource: 'X-Ray SDK default (1/s, then 5 %)',
      rulesIntervalMillis: 300_000,
      targetsIntervalMillis: 10_000,
    });
  });

  it('should use the local default on Lambda, where the Lambda service decides and there is no proxy', () => {
    expect(resolveConfig({}, { AWS_LAMBDA_FUNCTION_NAME: 'fn' }).sampler.xray).toMatchObject({ mode: 'local', source: 'lambda', endpoint: undefined });
  });

  it.each([
    ['option', { xray: { sampling: 'all' as const } }, {}, 'all', 'xray.sampling'],
    ['env', {}, { DUALTRACE_XRAY_SAMPLING: 'Local' }, 'local', 'DUALTRACE_XRAY_SAMPLING'],
    ['option over env', { xray: { sampling: 'centralized' as const } }, { DUALTRACE_XRAY_SAMPLING: 'all' }, 'centralized', 'xray.sampling'],
    ['rules imply local', { xray: { samplingRules: fixture('v2.json') } }, {}, 'local', 'xray.samplingRules'],
    ['sampleRate keeps the backends together', { sampleRate: 10 }, {}, 'shared', 'sampleRate / OTEL_TRACES_SAMPLER'],
    ['a standard OTEL_TRACES_SAMPLER too', {}, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, 'shared', 'sampleRate / OTEL_TRACES_SAMPLER'],
  ])('should pick the X-Ray mode from the %s', (_name, options, env, mode, source) => {
    expect(resolveConfig(options, env).sampler.xray).toMatchObject({ mode, source });
  });

  it('should keep 1 in N for Honeycomb from honeycomb.sampleRate, SAMPLE_RATE, or the shared sampleRate', () => {
    expect(resolveConfig({ honeycomb: { sampleRate: 20 }, sampleRate: 5 }, {}).sampler.honeycomb).toEqual({ decidedBy: 'ratio', ratio: 0.05, sampleRate: 20, source: 'honeycomb.sampleRate' });
    expect(resolveConfig({}, { SAMPLE_RATE: '4' }).sampler.honeycomb).toMatchObject({ ratio: 0.25, sampleRate: 4, source: 'SAMPLE_RATE' });
    expect(resolveConfig({ sampleRate: 5 }, {}).sampler.honeycomb).toMatchObject({ ratio: 0.2, sampleRate: 5, source: 'sampleRate' });
    const bad = resolveConfig({}, { SAMPLE_RATE: 'lots' });
    expect(bad.sampler.honeycomb.source).toBe('default');
    expect(bad.warnings.some((w) => w.includes('SAMPLE_RATE'))).toBe(true);
  });

  it('should make X-Ray decide for both with OTEL_TRACES_SAMPLER=xray and read the ADOT argument', () => {
    const { sampler, warnings } = resolveConfig({}, { OTEL_TRACES_SAMPLER: 'xray', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://collector:2000/,polling_interval=60' });
    expect(warnings.filter((w) => w.includes('OTEL_TRACES_SAMPLER'))).toEqual([]);
    expect(sampler.honeycomb).toMatchObject({ decidedBy: 'xray', source: 'OTEL_TRACES_SAMPLER' });
    expect(sampler.xray).toMatchObject({ mode: 'centralized', source: 'OTEL_TRACES_SAMPLER', endpoint: 'http://collector:2000', rulesIntervalMillis: 60_000 });
    expect(resolveConfig({ xray: { samplingEndpoint: 'http://127.0.0.1:2999' } }, { OTEL_TRACES_SAMPLER: 'xray', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://collector:2000' }).sampler.xray.endpoint).toBe('http://127.0.0.1:2999');
  });

  it('should refuse a polling_interval the rules cache would outlive (or a timer could not hold), with a warning', () => {
    // Above 2^31 - 1 ms Node fires a timer after 1 ms; above the hour the cache trusts rules, they would expire between polls.
    for (const seconds of ['2200000', '7200']) {
      const { sampler, warnings } = resolveConfig({}, { OTEL_TRACES_SAMPLER: 'xray', OTEL_TRACES_SAMPLER_ARG: `polling_interval=${seconds}` });
      expect(sampler.xray.rulesIntervalMillis).toBe(300_000);
      expect(warnings.some((w) => w.includes('polling_interval') && w.includes(seconds))).toBe(true);
    }
    expect(resolveConfig({}, { OTEL_TRACES_SAMPLER: 'xray', OTEL_TRACES_SAMPLER_ARG: 'polling_interval=1800' }).sampler.xray.rulesIntervalMillis).toBe(1_800_000);
  });

  it('should read local rules in both versions of the X-Ray SDK format, from a file or an object', () => {
    const v2 = resolveConfig({ xray: { samplingRules: fixture('v2.json') } }, {}).sampler.xray;
    expect(v2.rulesSource).toBe(fixture('v2.json'));
    expect(v2.rules?.rules[0]).toEqual({ description: 'health checks', host: '*', httpMethod: 'GET', urlPath: '/api/health*', fixedTarget: 0, rate: 0 });
    const v1 = resolveConfig({}, { DUALTRACE_XRAY_SAMPLING_RULES: fixture('v1.json') }).sampler.xray;
    expect(v1.rules).toMatchObject({ version: 1, rules: [{ host: '*', urlPath: '/api/move/*', rate: 0.05 }], default: { fixedTarget: 1, rate: 0.1 } });
    const inline = resolveConfig({ xray: { sampling: 'centralized', samplingRules: { version: 2, default: { fixed_target: 3, rate: 0.2 } } } }, {}).sampler.xray;
    expect(inline).toMatchObject({ mode: 'centralized', rulesSource: 'xray.samplingRules (object)', rules: { default: { fixedTarget: 3, rate: 0.2 } } });
  });

  it.each([
    ['a rate above 1, naming the rule and field', fixture('bad-rate.json'), 'xray.samplingRules.rules[0].rate', /\("health checks"\) in ".*bad-rate\.json" is 1\.5/],
    ['a file that is not JSON', fixture('not-json.json'), 'xray.samplingRules', /is not JSON/],
    ['a missing file', fixture('nope.json'), 'xray.samplingRules', /cannot be read \(ENOENT\)/],
    ['version 3', { version: 3, default: { fixed_target: 1, rate: 0.1 } }, 'xray.samplingRules.version', /is 3/],
    ['no default', { version: 2, rules: [] }, 'xray.samplingRules.default', /is missing/],
    ['a fractional fixed_target', { version: 2, default: { fixed_target: 1.5, rate: 0.1 } }, 'xray.samplingRules.default.fixed_target', /is 1\.5/],
    ['a v1 field in a v2 rule', { version: 2, rules: [{ service_name: '*', http_method: '*', url_path: '*', fixed_target: 1, rate: 1 }], default: { fixed_target: 1, rate: 0.1 } }, 'xray.samplingRules.rules[0].service_name', /version 2 rule/],
    ['a missing url_path', { version: 2, rules: [{ description: 'x', host: '*', http_method: '*', fixed_target: 1, rate: 1 }], default: { fixed_target: 1, rate: 0.1 } }, 'xray.samplingRules.rules[0].url_path', /\("x"\) is missing/],
    ['an extra key in default', { version: 2, default: { fixed_target: 1, rate: 0.1, host: '*' } }, 'xray.samplingRules.default.host', /not allowed/],
  ])('should refuse %s with a ConfigError', (_name, rules, option, problem) => {
    const error = configError(() => resolveConfig({ xray: { samplingRules: rules as never } }, {}));
    expect(error.code).toBe(ConfigErrorCode.BAD_SAMPLING_RULES);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(problem);
  });

  it('should refuse a bad mode, rate or endpoint', () => {
    expect(configError(() => resolveConfig({ xray: { sampling: 'some' as never } }, {})).message).toContain('Use one of centralized, local, all');
    expect(configError(() => resolveConfig({ honeycomb: { sampleRate: 2.5 } }, {})).option).toBe('honeycomb.sampleRate');
    expect(configError(() => resolveConfig({ xray: { samplingEndpoint: 'udp://x:2000' } }, {})).code).toBe(ConfigErrorCode.BAD_ENDPOINT);
    expect(resolveConfig({}, { DUALTRACE_XRAY_SAMPLING: 'sometimes' }).warnings.some((w) => w.includes('DUALTRACE_XRAY_SAMPLING'))).toBe(true);
  });

  it('should mask credentials in the sampling endpoint shown in config', () => {
    const config = redactConfig(resolveConfig({ xray: { samplingEndpoint: 'http://user:secret@127.0.0.1:2000' } }, {}));
    expect(JSON.stringify(config)).not.toContain('secret');
  });
});
