import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { resolveConfig } from './resolve-config';
import { redactConfig } from './redact';
import * as messages from './messages';
import type { XRayOptions } from './types';

const ENV_KEY = 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c';
const CLASSIC_KEY = '0123456789abcdef0123456789abcdef';
const CLASSIC_INGEST = `hcaic_${'a1'.repeat(29)}`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig precedence (options > env > defaults)', () => {
  const cases: [string, Parameters<typeof resolveConfig>[0], Record<string, string>, (c: ReturnType<typeof resolveConfig>) => unknown, unknown][] = [
    ['service: default', {}, {}, (c) => c.serviceName, 'unknown_service:node'],
    ['service: env', {}, { OTEL_SERVICE_NAME: 'from-env' }, (c) => c.serviceName, 'from-env'],
    ['service: option wins', { service: 'opt' }, { OTEL_SERVICE_NAME: 'from-env' }, (c) => c.serviceName, 'opt'],
    ['service: from OTEL_RESOURCE_ATTRIBUTES', {}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=res' }, (c) => c.serviceName, 'res'],
    ['key: env', {}, { HONEYCOMB_API_KEY: ENV_KEY }, (c) => c.honeycomb.apiKey, ENV_KEY],
    ['key: OTLP headers', {}, { OTEL_EXPORTER_OTLP_HEADERS: `x-honeycomb-team=${ENV_KEY}` }, (c) => c.honeycomb.apiKey, ENV_KEY],
    ['key: option wins', { honeycombKey: 'opt-key' }, { HONEYCOMB_API_KEY: ENV_KEY }, (c) => c.honeycomb.apiKey, 'opt-key'],
    ['endpoint: default', {}, {}, (c) => c.honeycomb.url, 'https://api.honeycomb.io/v1/traces'],
    ['endpoint: EU base', { honeycomb: { endpoint: 'https://api.eu1.honeycomb.io' } }, {}, (c) => c.honeycomb.url, 'https://api.eu1.honeycomb.io/v1/traces'],
    ['endpoint: full path kept', { honeycomb: { endpoint: 'http://127.0.0.1:4318/v1/traces' } }, {}, (c) => c.honeycomb.url, 'http://127.0.0.1:4318/v1/traces'],
    ['endpoint: HONEYCOMB_API_ENDPOINT', {}, { HONEYCOMB_API_ENDPOINT: 'https://api.eu1.honeycomb.io/' }, (c) => c.honeycomb.url, 'https://api.eu1.honeycomb.io/v1/traces'],
    ['endpoint: OTEL_EXPORTER_OTLP_ENDPOINT', {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://api.honeycomb.io' }, (c) => c.honeycomb.url, 'https://api.honeycomb.io/v1/traces'],
    ['endpoint: TRACES_ENDPOINT as is', {}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' }, (c) => c.honeycomb.url, 'http://collector:4318/custom'],
    ['endpoint: option beats env', { honeycomb: { endpoint: 'http://a' } }, { HONEYCOMB_API_ENDPOINT: 'http://b' }, (c) => c.honeycomb.url, 'http://a/v1/traces'],
    ['daemon: default', {}, {}, (c) => c.xray.daemonAddress.udp, { host: '127.0.0.1', port: 2000, family: 4 }],
    ['daemon: env', {}, { AWS_XRAY_DAEMON_ADDRESS: 'xray:3000' }, (c) => c.xray.daemonAddress.udp, { host: 'xray', port: 3000, family: 4 }],
    ['daemon: option wins', { xray: { daemonAddress: '[::1]:2001' } }, { AWS_XRAY_DAEMON_ADDRESS: 'xray:3000' }, (c) => c.xray.daemonAddress.udp, { host: '::1', port: 2001, family: 6 }],
    ['xrayUrl: env', {}, { AWS_XRAY_URL: '*4567-abc.ws-us89.gitpod.io*' }, (c) => c.xray.namePattern, '*4567-abc.ws-us89.gitpod.io*'],
    ['xrayUrl: option wins', { xrayUrl: '*.example.com' }, { AWS_XRAY_URL: '*4567*' }, (c) => c.xray.namePattern, '*.example.com'],
    ['tracingName: env wins over option (X-Ray SDK rule)', { xray: { tracingName: 'opt' } }, { AWS_XRAY_TRACING_NAME: 'env' }, (c) => c.xray.tracingName, 'env'],
    ['xray.enabled: AWS_XRAY_SDK_ENABLED=false', {}, { AWS_XRAY_SDK_ENABLED: 'false' }, (c) => c.xray.enabled, false],
    ['xray.enabled: option wins', { xray: { enabled: true } }, { AWS_XRAY_SDK_ENABLED: 'false' }, (c) => c.xray.enabled, true],
    ['console: OTEL_TRACES_EXPORTER', {}, { OTEL_TRACES_EXPORTER: 'otlp,console' }, (c) => c.console, true],
    ['console: option false wins', { console: false }, { OTEL_TRACES_EXPORTER: 'console' }, (c) => c.console, false],
    ['disabled: env', {}, { OTEL_SDK_DISABLED: 'true' }, (c) => c.disabled, true],
    ['disabled: option false wins', { disabled: false }, { OTEL_SDK_DISABLED: 'true' }, (c) => c.disabled, false],
    ['sampler: default', {}, {}, (c) => c.sampler.name, 'parentbased_always_on'],
    ['sampler: sampleRate', { sampleRate: 10 }, {}, (c) => [c.sampler.name, c.sampler.ratio, c.sampler.sampleRate], ['parentbased_traceidratio', 0.1, 10]],
    ['sampler: env ratio', {}, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, (c) => [c.sampler.ratio, c.sampler.sampleRate], [0.25, 4]],
    ['sampler: sampleRate beats env', { sampleRate: 2 }, { OTEL_TRACES_SAMPLER: 'always_off' }, (c) => c.sampler.ratio, 0.5],
    ['resource: option merges over env', { resourceAttributes: { team: 'b' } }, { OTEL_RESOURCE_ATTRIBUTES: 'team=a,region=eu%2Dwest' }, (c) => c.resourceAttributes, { team: 'b', region: 'eu-west' }],
    ['environment: env', {}, { DEPLOYMENT_ENVIRONMENT: 'prod' }, (c) => c.environment, 'prod'],
    ['batch: env', {}, { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50' }, (c) => [c.batch.maxQueueSize, c.batch.maxExportBatchSize], [100, 50]],
    ['logLevel: env', {}, { OTEL_LOG_LEVEL: 'DEBUG' }, (c) => c.logLevel, 'debug'],
  ];
  for (const [name, options, env, pick, expected] of cases) {
    it(`should resolve ${name}`, () => {
      expect(pick(resolveConfig(options, env))).toEqual(expected);
    });
  }
});

describe('resolveConfig: Honeycomb keys and datasets', () => {
  it('should send the dataset only for classic keys', () => {
    const classic = resolveConfig({ honeycombKey: CLASSIC_KEY, honeycomb: { dataset: 'ds' } }, {});
    expect(classic.honeycomb.keyKind).toBe('classic');
    expect(classic.honeycomb.headers['x-honeycomb-dataset']).toBe('ds');
    const ingest = resolveConfig({ honeycombKey: CLASSIC_INGEST }, { HONEYCOMB_DATASET: 'ds2' });
    expect(ingest.honeycomb.headers['x-honeycomb-dataset']).toBe('ds2');
    const env = resolveConfig({ honeycombKey: ENV_KEY, honeycomb: { dataset: 'ds' } }, {});
    expect(env.honeycomb.keyKind).toBe('environment');
    expect(env.honeycomb.headers['x-honeycomb-dataset']).toBeUndefined();
    expect(env.warnings).toContain(messages.WARN_DATASET_IGNORED);
  });

  it('should throw DT_CONFIG_DATASET_REQUIRED for a classic key without a dataset', () => {
    const error = configError(() => resolveConfig({ honeycombKey: CLASSIC_KEY }, {}));
    expect(error.code).toBe('DT_CONFIG_DATASET_REQUIRED');
    expect(error.option).toBe('honeycomb.dataset');
    expect(error.message).toContain('HONEYCOMB_DATASET');
    expect(error.message).not.toContain(CLASSIC_KEY);
  });

  it('should turn Honeycomb off with one warning when there is no key', () => {
    const c = resolveConfig({ service: 's' }, {});
    expect(c.honeycomb.enabled).toBe(false);
    expect(c.warnings).toEqual([messages.WARN_NO_HONEYCOMB_KEY]);
  });

  it('should keep Honeycomb on without a key when enabled explicitly (e.g. for an OTel Collector endpoint)', () => {
    const c = resolveConfig({ service: 's', honeycomb: { enabled: true, endpoint: 'http://collector:4318' } }, {});
    expect(c.honeycomb.enabled).toBe(true);
    expect(c.honeycomb.headers['x-honeycomb-team']).toBeUndefined();
  });

  it('should merge OTEL_EXPORTER_OTLP_HEADERS with option headers, options winning', () => {
    const c = resolveConfig({ honeycombKey: ENV_KEY, honeycomb: { headers: { 'X-Extra': 'opt' } } }, { OTEL_EXPORTER_OTLP_HEADERS: 'x-extra=env,x-other=1' });
    expect(c.honeycomb.headers).toEqual({ 'x-extra': 'opt', 'x-other': '1', 'x-honeycomb-team': ENV_KEY });
  });
});

describe('resolveConfig errors', () => {
  const cases: [string, Parameters<typeof resolveConfig>[0], Record<string, string>, string, string][] = [
    ['an xrayUrl with ://', { xrayUrl: 'https://4567-abc.ws-us89.gitpod.io' }, {}, 'DT_CONFIG_XRAY_URL_IS_URL', 'xrayUrl'],
    ['a malformed endpoint', { honeycomb: { endpoint: 'api.honeycomb.io' } }, {}, 'DT_CONFIG_BAD_ENDPOINT', 'honeycomb.endpoint'],
    ['a non-http endpoint', { honeycomb: { endpoint: 'ftp://x' } }, {}, 'DT_CONFIG_BAD_ENDPOINT', 'honeycomb.endpoint'],
    ['a bad daemon address', { xray: { daemonAddress: 'nope' } }, {}, 'DT_CONFIG_BAD_DAEMON_ADDRESS', 'xray.daemonAddress'],
    ['a key that cannot be a header (NUL)', { honeycombKey: 'hcxik_abc\0def' }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycombKey'],
    ['a key that cannot be a header (non-ASCII)', { honeycombKey: 'hcxik_abcdé' }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycombKey'],
    ['a key that cannot be a header (DEL)', { honeycombKey: 'hcxik_abc\x7f' }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycombKey'],
    ['a dataset that cannot be a header', { honeycombKey: CLASSIC_KEY, honeycomb: { dataset: 'données\u2028' } }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycomb.dataset'],
    ['a header name that is not a token', { honeycomb: { headers: { 'x bad': '1' } } }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycomb.headers."x bad"'],
    ['a header value with a NUL', { honeycomb: { headers: { 'x-tenant': 'a\0b' } } }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycomb.headers.x-tenant'],
    ['a wrong type', { service: 42 as unknown as string }, {}, 'DT_CONFIG_INVALID_TYPE', 'service'],
    ['a nested wrong type', { xray: { enabled: 'yes' as unknown as boolean } }, {}, 'DT_CONFIG_INVALID_TYPE', 'xray.enabled'],
    ['an unknown option', { honeycombkey: 'x' } as never, {}, 'DT_CONFIG_UNKNOWN_OPTION', 'honeycombkey'],
    ['a fractional sampleRate', { sampleRate: 2.5 }, {}, 'DT_CONFIG_BAD_NUMBER', 'sampleRate'],
    ['a tiny maxDocumentBytes', { xray: { maxDocumentBytes: 10 } }, {}, 'DT_CONFIG_BAD_NUMBER', 'xray.maxDocumentBytes'],
    ['a bad logLevel', { logLevel: 'loud' as never }, {}, 'DT_CONFIG_BAD_VALUE', 'logLevel'],
    ['CR/LF in a header', { honeycomb: { headers: { a: 'b\r\nc: d' } } }, {}, 'DT_CONFIG_BAD_VALUE', 'honeycomb.headers.a'],
  ];
  for (const [name, options, env, code, option] of cases) {
    it(`should throw ${code} for ${name}`, () => {
      const error = configError(() => resolveConfig(options, env));
      expect(error.code).toBe(code);
      expect(error.option).toBe(option);
      expect(error.message.startsWith(`dualtrace: ${option} `)).toBe(true);
      expect(error.message).not.toMatch(/abc.?def|abcdé|données/); // a key or dataset is never echoed
    });
  }

  it('should suggest the closest option for a typo', () => {
    expect(configError(() => resolveConfig({ honeycombkey: 'x' } as never, {})).message).toContain('`honeycombKey`');
  });

  it('should point xrayUrl users to xray.daemonAddress', () => {
    expect(configError(() => resolveConfig({ xrayUrl: 'udp://127.0.0.1:2000' }, {})).message).toContain('xray.daemonAddress');
  });

  it('should ignore unusable env numbers and booleans with a warning', () => {
    const c = resolveConfig({}, { OTEL_BSP_MAX_QUEUE_SIZE: 'lots', OTEL_SDK_DISABLED: 'maybe' });
    expect(c.batch.maxQueueSize).toBe(2048);
    expect(c.disabled).toBe(false);
    expect(c.warnings.some((w) => w.includes('OTEL_BSP_MAX_QUEUE_SIZE'))).toBe(true);
    expect(c.warnings.some((w) => w.includes('OTEL_SDK_DISABLED'))).toBe(true);
  });
});

describe('redactConfig', () => {
  it('should show at most the first 4 characters of the key, anywhere in the config', () => {
    const shown = redactConfig(resolveConfig({ honeycombKey: ENV_KEY, honeycomb: { headers: { authorization: 'Bearer abcdefgh' } } }, {}));
    const text = JSON.stringify(shown);
    expect(text).not.toContain(ENV_KEY);
    expect(text).not.toContain(ENV_KEY.slice(0, 5));
    expect(shown.honeycomb.apiKey).toBe('hcxi…');
    expect(shown.honeycomb.headers['x-honeycomb-team']).toBe('hcxi…');
    expect(text).not.toContain('abcdefgh');
  });

  it('should mask credentials in the endpoint URL', () => {
    const shown = redactConfig(resolveConfig({ honeycomb: { endpoint: 'https://user:s3cret@collector.internal:4318' } }, {}));
    expect(shown.honeycomb.url).toBe('https://****@collector.internal:4318/v1/traces');
  });

  it('should mask the whole password, an @ in it included, in the shown URL and in every error message', () => {
    const shown = redactConfig(resolveConfig({ honeycomb: { endpoint: 'https://user:p@ss@collector.internal:4318' } }, {}));
    expect(shown.honeycomb.url).toBe('https://****@collector.internal:4318/v1/traces');
    for (const options of [{ honeycomb: { endpoint: 'ftp://user:p@ssw0rd@x' } }, { xrayUrl: 'https://user:p@ssw0rd@x' }]) {
      const message = configError(() => resolveConfig(options, {})).message;
      expect(message).toContain('://****@x');
      expect(message).not.toContain('ssw0rd');
    }
    for (const env of [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:p@ssw0rd@x' }, { AWS_XRAY_URL: 'https://user:p@ssw0rd@x' }]) {
      const [warning] = resolveConfig({}, env).warnings.filter((w) => w.startsWith('Ignoring'));
      expect(warning).toContain('://****@x');
      expect(warning).not.toContain('ssw0rd');
    }
  });
});

describe('resolveConfig warnings never carry header values', () => {
  it('should show only the header name of an undecodable OTEL_EXPORTER_OTLP_HEADERS pair', () => {
    const c = resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3tTOKEN%zz,x-honeycomb-team=hcaik_SECRETKEY%' });
    const text = c.warnings.join('\n');
    expect(text).toContain('authorization=…');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('SECRETKEY');
  });
});

describe('honeycomb.timeoutMillis', () => {
  it('should take whole milliseconds only, like every other duration', () => {
    expect(() => resolveConfig({ honeycomb: { timeoutMillis: 1.5 } }, {})).toThrow(/honeycomb\.timeoutMillis is 1\.5/);
    expect(resolveConfig({ honeycomb: { timeoutMillis: 2500 } }, {}).honeycomb.timeoutMillis).toBe(2500);
  });
});

describe('spanLimits', () => {
  it('should default to limits that fit Honeycomb (16,384 characters, 128 attributes)', () => {
    expect(resolveConfig({}, {}).spanLimits).toEqual({ attributeValueLengthLimit: 16_384, attributeCountLimit: 128 });
  });

  it('should read the general variables, let the span-specific ones win, and let options win over both', () => {
    const general = { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '500', OTEL_ATTRIBUTE_COUNT_LIMIT: '20' };
    expect(resolveConfig({}, general).spanLimits).toEqual({ attributeValueLengthLimit: 500, attributeCountLimit: 20 });
    const specific = { ...general, OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '300', OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '10' };
    expect(resolveConfig({}, specific).spanLimits).toEqual({ attributeValueLengthLimit: 300, attributeCountLimit: 10 });
    expect(resolveConfig({ spanLimits: { attributeValueLengthLimit: 64 } }, specific).spanLimits).toEqual({ attributeValueLengthLimit: 64, attributeCountLimit: 10 });
  });

  it('should ignore an unusable variable with a warning and fall back to the next source', () => {
    const c = resolveConfig({}, { OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'lots', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '700', OTEL_ATTRIBUTE_COUNT_LIMIT: '-1' });
    expect(c.spanLimits).toEqual({ attributeValueLengthLimit: 700, attributeCountLimit: 128 });
    expect(c.warnings.filter((w) => /OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT|OTEL_ATTRIBUTE_COUNT_LIMIT/.test(w))).toHaveLength(2);
  });

  it('should refuse an unusable option with a ConfigError naming it', () => {
    expect(configError(() => resolveConfig({ spanLimits: { attributeValueLengthLimit: 0 } }, {})).option).toBe('spanLimits.attributeValueLengthLimit');
    expect(configError(() => resolveConfig({ spanLimits: { attributeCountLimit: 1.5 } }, {})).option).toBe('spanLimits.attributeCountLimit');
  });
});

describe('environment values that cannot be used: one warning each, then the default (never a ConfigError)', () => {
  // Every variable whose value, given as an option, would be a ConfigError. Under `node --import dualtrace/register`
  // a throw here would stop the app before it starts; a deployment's mistake must not do that.
  const BAD_KEY = `${ENV_KEY.slice(0, 30)}\u00e9${ENV_KEY.slice(31)}`;
  const cases: [string, Record<string, string>, RegExp, (c: ReturnType<typeof resolveConfig>) => unknown, unknown][] = [
    ['AWS_XRAY_DAEMON_ADDRESS', { AWS_XRAY_DAEMON_ADDRESS: 'localhost' }, /^Ignoring AWS_XRAY_DAEMON_ADDRESS: .*has no port.*Using the default 127\.0\.0\.1:2000\.$/,
      (c) => c.xray.daemonAddress.udp, { host: '127.0.0.1', port: 2000, family: 4 }],
    ['AWS_XRAY_URL', { AWS_XRAY_URL: 'https://4567-abc.ws-us89.gitpod.io' }, /^Ignoring AWS_XRAY_URL: .*looks like a URL.*xray\.daemonAddress.*Using no host pattern/,
      (c) => c.xray.namePattern, undefined],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'api.honeycomb.io' }, /^Ignoring OTEL_EXPORTER_OTLP_ENDPOINT: .*is not an http\(s\) URL/,
      (c) => c.honeycomb.url, 'https://api.honeycomb.io/v1/traces'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      /^Ignoring OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: /, (c) => c.honeycomb.url, 'http://collector:4318/v1/traces'],
    ['HONEYCOMB_API_ENDPOINT', { HONEYCOMB_API_ENDPOINT: 'ftp://api.eu1.honeycomb.io' }, /^Ignoring HONEYCOMB_API_ENDPOINT: /,
      (c) => c.honeycomb.url, 'https://api.honeycomb.io/v1/traces'],
    ['HONEYCOMB_API_KEY with a non-ASCII character', { HONEYCOMB_API_KEY: BAD_KEY }, /^Ignoring the Honeycomb key in HONEYCOMB_API_KEY: it contains a non-ASCII character \(at character 31\).*Honeycomb export is off/,
      (c) => [c.honeycomb.enabled, c.honeycomb.apiKey], [false, undefined]],
    ['HONEYCOMB_API_KEY with a NUL', { HONEYCOMB_API_KEY: `${ENV_KEY}\0` }, /^Ignoring the Honeycomb key in HONEYCOMB_API_KEY: it contains a NUL character/,
      (c) => c.honeycomb.enabled, false],
    ['HONEYCOMB_API_KEY with CR/LF', { HONEYCOMB_API_KEY: `${ENV_KEY.slice(0, 20)}\r\nx-injected: 1` }, /^Ignoring the Honeycomb key in HONEYCOMB_API_KEY: it contains CR or LF/,
      (c) => c.honeycomb.enabled, false],
    ['x-honeycomb-team in OTEL_EXPORTER_OTLP_HEADERS', { OTEL_EXPORTER_OTLP_HEADERS: `x-honeycomb-team=${encodeURIComponent(BAD_KEY)}` },
      /^Ignoring the Honeycomb key in OTEL_EXPORTER_OTLP_HEADERS: it contains a non-ASCII character/, (c) => c.honeycomb.enabled, false],
    ['a header name in OTEL_EXPORTER_OTLP_TRACES_HEADERS', { HONEYCOMB_API_KEY: ENV_KEY, OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x%20bad=1,x-good=2' },
      /^Ignoring OTEL_EXPORTER_OTLP_TRACES_HEADERS="x bad=…": expected header names/, (c) => c.honeycomb.headers, { 'x-good': '2', 'x-honeycomb-team': ENV_KEY }],
    ['HONEYCOMB_DATASET', { HONEYCOMB_API_KEY: CLASSIC_KEY, HONEYCOMB_DATASET: 'ds\u0007' }, /^Ignoring HONEYCOMB_DATASET="…": expected a dataset name; it contains a control character/,
      (c) => c.honeycomb.enabled, false],
    ['a Classic HONEYCOMB_API_KEY without a dataset', { HONEYCOMB_API_KEY: CLASSIC_KEY }, /^The Honeycomb key from the environment is a Classic key, which needs a dataset.*export is off/,
      (c) => [c.honeycomb.enabled, c.honeycomb.keyKind], [false, 'classic']],
  ];
  for (const [name, env, says, pick, expected] of cases) {
    it(`should warn once and use the default for ${name}`, () => {
      const config = resolveConfig({ service: 'svc', honeycomb: {} }, env);
      expect(pick(config)).toEqual(expected);
      expect(config.warnings.filter((w) => says.test(w))).toHaveLength(1);
      // Nothing else, but the plain "no key" warning where no key was given at all (and not twice for an ignored one).
      const keyGiven = 'HONEYCOMB_API_KEY' in env || 'OTEL_EXPORTER_OTLP_HEADERS' in env;
      const others = config.warnings.filter((w) => !says.test(w) && !(w === messages.WARN_NO_HONEYCOMB_KEY && !keyGiven));
      expect(others).toEqual(name === 'HONEYCOMB_DATASET' ? [messages.WARN_CLASSIC_KEY_WITHOUT_DATASET] : []);
      const text = config.warnings.join('\n');
      expect(text).not.toContain(ENV_KEY.slice(6, 30));
      expect(text).not.toContain(CLASSIC_KEY);
    });
  }

  it('should still refuse each of them as an option, with a ConfigError', () => {
    expect(configError(() => resolveConfig({ xray: { daemonAddress: 'localhost' } }, {})).option).toBe('xray.daemonAddress');
    expect(configError(() => resolveConfig({ xrayUrl: 'https://x' }, {})).option).toBe('xrayUrl');
    expect(configError(() => resolveConfig({ honeycomb: { endpoint: 'api.honeycomb.io' } }, {})).option).toBe('honeycomb.endpoint');
    expect(configError(() => resolveConfig({ honeycombKey: BAD_KEY }, {})).option).toBe('honeycombKey');
    expect(configError(() => resolveConfig({ honeycombKey: CLASSIC_KEY }, {})).code).toBe('DT_CONFIG_DATASET_REQUIRED');
  });
});

describe('xray.transport: otlp (endpoint, region, signing)', () => {
  const otlp = (xray: XRayOptions, env: Record<string, string> = {}) => resolveConfig({ xray }, env).xray;

  it('should stay on the daemon by default, with no OTLP settings', () => {
    expect(resolveConfig({}, {}).xray).toMatchObject({ transport: 'daemon', otlp: undefined });
  });

  it('should take the region from xray.region, then the endpoint host, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1' };
    expect(otlp({ transport: 'otlp', region: 'us-east-2' }, env)).toMatchObject({ region: 'us-east-2', otlp: { url: 'https://xray.us-east-2.amazonaws.com/v1/traces', sigv4: true } });
    expect(otlp({ transport: 'otlp', endpoint: 'https://xray.ca-central-1.amazonaws.com/v1/traces' }, env).region).toBe('ca-central-1');
    expect(otlp({ transport: 'otlp' }, env)).toMatchObject({ region: 'eu-west-1', otlp: { url: 'https://xray.eu-west-1.amazonaws.com/v1/traces' } });
    expect(otlp({ transport: 'otlp' }, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
    expect(otlp({ transport: 'otlp', region: 'cn-north-1' }).otlp!.url).toBe('https://xray.cn-north-1.amazonaws.com.cn/v1/traces');
  });

  it('should throw a ConfigError naming xray.region, AWS_REGION and AWS_DEFAULT_REGION when there is no region', () => {
    const error = configError(() => resolveConfig({ xray: { transport: 'otlp' } }, {}));
    expect(error.code).toBe('DT_CONFIG_XRAY_REGION_REQUIRED');
    expect(error.message).toMatch(/xray\.region.*AWS_REGION.*AWS_DEFAULT_REGION/);
    expect(configError(() => resolveConfig({ xray: { transport: 'otlp', endpoint: 'http://127.0.0.1:4316', sigv4: true } }, {})).message).toMatch(/to sign requests/);
  });

  it('should sign for *.amazonaws.com and not for a local agent or collector, unless told', () => {
    expect(otlp({ transport: 'otlp', endpoint: 'http://127.0.0.1:4316' }).otlp).toEqual({ url: 'http://127.0.0.1:4316/v1/traces', sigv4: false, timeoutMillis: 10_000 });
    expect(otlp({ transport: 'otlp', endpoint: 'http://collector:4318/v1/traces', sigv4: true, region: 'eu-west-1' }).otlp!.sigv4).toBe(true);
    expect(otlp({ transport: 'otlp', region: 'eu-west-1', sigv4: false }).otlp!.sigv4).toBe(false);
  });

  it('should read DUALTRACE_XRAY_TRANSPORT, DUALTRACE_XRAY_ENDPOINT and DUALTRACE_XRAY_SIGV4', () => {
    const c = resolveConfig({}, { DUALTRACE_XRAY_TRANSPORT: 'OTLP', DUALTRACE_XRAY_ENDPOINT: 'http://127.0.0.1:4316/v1/traces', DUALTRACE_XRAY_SIGV4: 'false' });
    expect(c.xray).toMatchObject({ transport: 'otlp', otlp: { url: 'http://127.0.0.1:4316/v1/traces', sigv4: false } });
  });

  it('should keep the daemon, with one warning, when the environment asks for OTLP without a region', () => {
    const c = resolveConfig({}, { DUALTRACE_XRAY_TRANSPORT: 'otlp' });
    expect(c.xray).toMatchObject({ transport: 'daemon', otlp: undefined });
    expect(c.warnings.filter((w) => w.startsWith('Ignoring xray.region'))).toHaveLength(1);
    expect(resolveConfig({}, { DUALTRACE_XRAY_TRANSPORT: 'udp' }).warnings.some((w) => w.includes('DUALTRACE_XRAY_TRANSPORT'))).toBe(true);
    expect(resolveConfig({}, { AWS_REGION: 'eu-west-1/../x', DUALTRACE_XRAY_TRANSPORT: 'otlp' }).xray.transport).toBe('daemon');
  });

  it('should refuse a bad transport, region or endpoint given as an option', () => {
    expect(configError(() => resolveConfig({ xray: { transport: 'udp' as never } }, {})).option).toBe('xray.transport');
    expect(configError(() => resolveConfig({ xray: { transport: 'otlp', region: 'Europe' } }, {})).option).toBe('xray.region');
    expect(configError(() => resolveConfig({ xray: { transport: 'otlp', endpoint: 'xray.amazonaws.com' } }, {})).option).toBe('xray.endpoint');
  });

  it('should take the OTLP deadline from xray.timeoutMillis, else DUALTRACE_XRAY_TIMEOUT, else 10 s', () => {
    const env = { DUALTRACE_XRAY_TRANSPORT: 'otlp', AWS_REGION: 'eu-west-1' };
    expect(resolveConfig({}, { ...env, DUALTRACE_XRAY_TIMEOUT: '2500' }).xray.otlp!.timeoutMillis).toBe(2_500);
    expect(resolveConfig({ xray: { timeoutMillis: 4_000 } }, { ...env, DUALTRACE_XRAY_TIMEOUT: '2500' }).xray.otlp!.timeoutMillis).toBe(4_000);
    const bad = resolveConfig({}, { ...env, DUALTRACE_XRAY_TIMEOUT: '2.5s' });
    expect(bad.xray.otlp!.timeoutMillis).toBe(10_000);
    expect(bad.warnings).toContain(messages.warnBadEnv('DUALTRACE_XRAY_TIMEOUT', '2.5s', 'a positive whole number of milliseconds'));
  });

  it('should refuse OTLP settings on the daemon transport, not drop them silently', () => {
    for (const xray of [{ endpoint: 'http://127.0.0.1:4316/v1/traces' }, { sigv4: true }, { timeoutMillis: 5_000 }, { transport: 'daemon' as const, endpoint: 'http://agent:4318' }]) {
      const error = configError(() => resolveConfig({ xray }, {}));
      expect(error.option).toBe(`xray.${Object.keys(xray).find((k) => k !== 'transport')}`);
      expect(error.message).toMatch(/X-Ray goes to the daemon .*transport: 'otlp'/);
    }
    // The environment chose the daemon: a warning, never a throw. And a variable of the OTLP transport alone: a warning.
    const envDaemon = resolveConfig({ xray: { endpoint: 'http://127.0.0.1:4316' } }, { DUALTRACE_XRAY_TRANSPORT: 'daemon' });
    expect(envDaemon.xray.transport).toBe('daemon');
    expect(envDaemon.warnings.filter((w) => w.startsWith('Ignoring xray.endpoint'))).toHaveLength(1);
    const envEndpoint = resolveConfig({}, { DUALTRACE_XRAY_ENDPOINT: 'http://127.0.0.1:4316' });
    expect(envEndpoint.warnings.filter((w) => w.startsWith('Ignoring DUALTRACE_XRAY_ENDPOINT') && w.includes('DUALTRACE_XRAY_TRANSPORT=otlp'))).toHaveLength(1);
    // region is not the OTLP transport's alone: it makes the console links of the daemon path.
    expect(resolveConfig({ xray: { region: 'eu-west-1' } }, {}).xray).toMatchObject({ transport: 'daemon', region: 'eu-west-1' });
  });

  it("should give each endpoint's own example in the fix, not Honeycomb's", () => {
    const xray = configError(() => resolveConfig({ xray: { transport: 'otlp', endpoint: 'xray.eu-west-1.amazonaws.com' } }, {}));
    expect(xray.message).toMatch(/xray\.endpoint is not an http\(s\) URL .*"https:\/\/xray\.eu-west-1\.amazonaws\.com\/v1\/traces"/);
    const collector = configError(() => resolveConfig({ collector: { endpoint: 'otel-gateway:4318' } }, {}));
    expect(collector.message).toMatch(/collector\.endpoint is not an http\(s\) URL .*"http:\/\/otel-gateway:4318"/);
    const fromEnv = resolveConfig({}, { DUALTRACE_COLLECTOR: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-gateway:4318' }).warnings;
    expect(fromEnv.find((w) => w.includes('OTEL_EXPORTER_OTLP_ENDPOINT'))).toMatch(/"http:\/\/otel-gateway:4318"/);
    for (const message of [xray.message, collector.message, ...fromEnv]) expect(message).not.toContain('honeycomb');
    expect(configError(() => resolveConfig({ honeycomb: { endpoint: 'api.honeycomb.io' } }, {})).message).toContain('"https://api.honeycomb.io"');
  });
});

describe('collector mode', () => {
  it('should be off by default, and leave the OTLP variables to Honeycomb', () => {
    const c = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', HONEYCOMB_API_KEY: ENV_KEY });
    expect(c.collector.enabled).toBe(false);
    expect(c.honeycomb).toMatchObject({ enabled: true, url: 'http://collector:4318/v1/traces' });
  });

  it('should turn both exporters off and send to the option, else the OTLP variables, else 127.0.0.1:4318', () => {
    const c = resolveConfig({ service: 'svc', collector: { endpoint: 'http://gateway:4318', headers: { 'X-Token': 't' } }, honeycombKey: ENV_KEY }, {});
    expect(c.collector).toEqual({ enabled: true, url: 'http://gateway:4318/v1/traces', headers: { 'x-token': 't' }, timeoutMillis: 10_000 });
    expect([c.honeycomb.enabled, c.xray.enabled]).toEqual([false, false]);
    expect(c.warnings).toEqual([messages.WARN_COLLECTOR_KEY_NOT_SENT]);
    const fromEnv = resolveConfig({ service: 'svc' }, { DUALTRACE_COLLECTOR: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://agent:4316', OTEL_EXPORTER_OTLP_HEADERS: 'a=1' });
    expect(fromEnv.collector).toMatchObject({ enabled: true, url: 'http://agent:4316/v1/traces', headers: { a: '1' } });
    expect(fromEnv.warnings).toEqual([]); // no "no Honeycomb key" in collector mode
    expect(resolveConfig({ collector: {} }, {}).collector.url).toBe('http://127.0.0.1:4318/v1/traces');
    expect(resolveConfig({ collector: { enabled: false } }, { DUALTRACE_COLLECTOR: 'true' }).collector.enabled).toBe(false);
  });

  it('should warn once about an unusable OTEL_EXPORTER_OTLP_TIMEOUT, whichever exporter reads it', () => {
    for (const options of [{ honeycombKey: ENV_KEY }, { collector: {} }]) {
      const { warnings } = resolveConfig({ service: 'svc', ...options }, { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' });
      expect(warnings.filter((w) => w.includes('OTEL_EXPORTER_OTLP_TIMEOUT'))).toHaveLength(1);
    }
  });

  it('should mask collector header secrets and URL credentials in the shown config', () => {
    const shown = redactConfig(resolveConfig({ collector: { endpoint: 'https://u:p@gw:4318', headers: { authorization: 'Bearer abcdefgh' } } }, {}));
    expect(shown.collector.url).toBe('https://****@gw:4318/v1/traces');
    expect(shown.collector.headers.authorization).toBe('Bear…');
  });

  it("should mask headers whose names say they carry a credential, not only the fixed list's", () => {
    const headers = {
      'x-gateway-token': 'gw-secret-123',
      'dd-api-key': 'dd-secret-456',
      'x-sf-token': 'sf-secret-789',
      'lightstep-access-token': 'ls-secret-000',
      'x-scope-orgid': 'tenant-1',
    };
    const shown = redactConfig(resolveConfig({ collector: { endpoint: 'http://gw:4318', headers }, honeycomb: { headers } }, {}));
    for (const where of [shown.collector.headers, shown.honeycomb.headers]) {
      expect(where).toEqual({ 'x-gateway-token': 'gw-s…', 'dd-api-key': 'dd-s…', 'x-sf-token': 'sf-s…', 'lightstep-access-token': 'ls-s…', 'x-scope-orgid': 'tenant-1' });
    }
    expect(JSON.stringify(shown)).not.toMatch(/secret-\d/);
  });
});
