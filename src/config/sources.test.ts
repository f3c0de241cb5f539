import { describe, expect, it } from 'vitest';
import { fieldsOfOption, environmentFor, ignoredOptions } from './ignored-options';
import { resolveConfig } from './resolve-config';
import { configSources, FIELD_SOURCES, type ValueSource } from './sources';
import type { DualtraceOptions } from './types';
import { OPTION_PATHS } from './validate';

const KEY = 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c';

function sourceOf(path: string, options: DualtraceOptions, env: Record<string, string>): ValueSource {
  return configSources(options, env, resolveConfig(options, env)).find((row) => row.path === path)!.source;
}

describe('configSources', () => {
  it('should cover every field of the resolved configuration', () => {
    // With the OTLP transport, so that its values are there too.
    const config = resolveConfig({ xray: { transport: 'otlp', region: 'eu-west-1' } }, {});
    // Shown whole: maps, and the sampler's parts that are one value each.
    const whole = ['resourceAttributes', 'honeycomb.headers', 'collector.headers', 'xray.daemonAddress', 'sampler.honeycomb', 'sampler.xray.rules'];
    const leaves = (value: object, prefix = ''): string[] =>
      Object.entries(value).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && !whole.includes(prefix + k) ? leaves(v as object, `${prefix}${k}.`) : [prefix + k],
      );
    const expected = leaves(config)
      .filter((path) => path !== 'warnings')
      // The shared sampler is one row; the X-Ray sampler's `source` and `rulesSource` are where its mode and rules came from.
      .map((path) => (/^sampler\.(name|ratio|sampleRate|source)$/.test(path) ? 'sampler' : path))
      .filter((path) => path !== 'sampler.xray.source' && path !== 'sampler.xray.rulesSource');
    expect([...new Set(expected)].sort()).toEqual(FIELD_SOURCES.map((f) => f.path).sort());
  });

  it('should give every option of initTracing a field, so a later call can say what it ignored', () => {
    expect(OPTION_PATHS.filter((path) => fieldsOfOption(path).length === 0)).toEqual([]);
  });

  it.each<[string, DualtraceOptions, Record<string, string>, ValueSource]>([
    ['serviceName', {}, {}, { kind: 'default' }],
    ['serviceName', {}, { OTEL_SERVICE_NAME: 'env' }, { kind: 'env', name: 'OTEL_SERVICE_NAME' }],
    ['serviceName', { service: 'opt' }, { OTEL_SERVICE_NAME: 'env' }, { kind: 'option', name: 'service' }],
    ['serviceName', {}, { OTEL_RESOURCE_ATTRIBUTES: 'a=b,service.name=res' }, { kind: 'env', name: 'OTEL_RESOURCE_ATTRIBUTES (service.name)' }],
    ['honeycomb.apiKey', {}, { OTEL_EXPORTER_OTLP_HEADERS: `x-honeycomb-team=${KEY}` }, { kind: 'env', name: 'OTEL_EXPORTER_OTLP_HEADERS (x-honeycomb-team)' }],
    ['honeycomb.enabled', {}, { HONEYCOMB_API_KEY: KEY }, { kind: 'derived', from: 'whether there is a usable Honeycomb key (or the dev switch)' }],
    ['honeycomb.url', {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { kind: 'env', name: 'OTEL_EXPORTER_OTLP_ENDPOINT' }],
    ['xray.tracingName', { xray: { tracingName: 'opt' } }, { AWS_XRAY_TRACING_NAME: 'env' }, { kind: 'env', name: 'AWS_XRAY_TRACING_NAME' }],
    ['sampler', { sampleRate: 10 }, {}, { kind: 'option', name: 'sampleRate' }],
    ['sampler', {}, { OTEL_TRACES_SAMPLER: 'always_off' }, { kind: 'env', name: 'OTEL_TRACES_SAMPLER' }],
    // An unusable value is ignored by resolveConfig (with a warning), so the default is what applies.
    ['batch.maxQueueSize', {}, { OTEL_BSP_MAX_QUEUE_SIZE: 'lots' }, { kind: 'default' }],
    ['instrumentation.server', {}, { DUALTRACE_INSTRUMENT_SERVER: 'false' }, { kind: 'env', name: 'DUALTRACE_INSTRUMENT_SERVER' }],
    ['honeycomb.url', { dev: true }, {}, { kind: 'derived', from: 'the dev switch' }],
    ['honeycomb.url', { dev: true }, { HONEYCOMB_API_ENDPOINT: 'https://api.eu1.honeycomb.io' }, { kind: 'env', name: 'HONEYCOMB_API_ENDPOINT' }],
    // The sampler: the shared one, then each backend's share, each from where it really came from.
    ['sampler', {}, { DUALTRACE_XRAY_SAMPLING: 'local', SAMPLE_RATE: '20' }, { kind: 'default' }],
    ['sampler', {}, { OTEL_TRACES_SAMPLER: 'xray' }, { kind: 'default' }], // X-Ray's rules decide, the shared sampler keeps all
    ['sampler.honeycomb', {}, { SAMPLE_RATE: '20' }, { kind: 'env', name: 'SAMPLE_RATE' }],
    ['sampler.honeycomb', { sampleRate: 5 }, {}, { kind: 'option', name: 'sampleRate' }],
    ['sampler.honeycomb', {}, { OTEL_TRACES_SAMPLER: 'xray' }, { kind: 'env', name: 'OTEL_TRACES_SAMPLER' }],
    ['sampler.xray.mode', {}, { DUALTRACE_XRAY_SAMPLING: 'local' }, { kind: 'env', name: 'DUALTRACE_XRAY_SAMPLING' }],
    ['sampler.xray.mode', { sampleRate: 5 }, {}, { kind: 'option', name: 'sampleRate' }],
    ['sampler.xray.mode', {}, { AWS_LAMBDA_FUNCTION_NAME: 'fn' }, { kind: 'derived', from: 'AWS_LAMBDA_FUNCTION_NAME (on Lambda, the local rules)' }],
    ['sampler.xray.mode', {}, { SAMPLE_RATE: '20' }, { kind: 'default' }],
    ['sampler.xray.endpoint', {}, {}, { kind: 'derived', from: "the daemon's TCP address (xray.daemonAddress)" }],
    ['sampler.xray.endpoint', {}, { OTEL_TRACES_SAMPLER: 'xray', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://proxy:2000' }, { kind: 'env', name: 'OTEL_TRACES_SAMPLER_ARG (endpoint)' }],
    ['sampler.xray.endpoint', {}, { DUALTRACE_XRAY_SAMPLING: 'all' }, { kind: 'default' }], // none: nothing is fetched
    ['sampler.xray.rules', {}, {}, { kind: 'default' }],
    // X-Ray over OTLP: URL, signing and timeout each from their own place.
    ['xray.otlp.url', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp', AWS_REGION: 'eu-west-1' }, { kind: 'derived', from: 'the region (https://xray.<region>.amazonaws.com/v1/traces)' }],
    ['xray.otlp.sigv4', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp', AWS_REGION: 'eu-west-1', DUALTRACE_XRAY_SIGV4: 'false' }, { kind: 'env', name: 'DUALTRACE_XRAY_SIGV4' }],
    ['xray.otlp.sigv4', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp', AWS_REGION: 'eu-west-1' }, { kind: 'derived', from: 'the endpoint (on for *.amazonaws.com)' }],
    ['xray.otlp.timeoutMillis', { xray: { transport: 'otlp', region: 'eu-west-1', timeoutMillis: 3000 } }, {}, { kind: 'option', name: 'xray.timeoutMillis' }],
    ['xray.otlp.timeoutMillis', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp', AWS_REGION: 'eu-west-1', DUALTRACE_XRAY_TIMEOUT: '2500' }, { kind: 'env', name: 'DUALTRACE_XRAY_TIMEOUT' }],
    ['xray.otlp.url', {}, {}, { kind: 'default' }], // the daemon transport: no URL
    // The region of an xray.<region>.amazonaws.com endpoint wins over AWS_REGION.
    ['xray.region', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp', DUALTRACE_XRAY_ENDPOINT: 'https://xray.eu-west-1.amazonaws.com', AWS_REGION: 'us-east-1' }, { kind: 'derived', from: 'the xray.<region>.amazonaws.com endpoint' }],
    ['xray.region', {}, { AWS_REGION: 'us-east-1' }, { kind: 'env', name: 'AWS_REGION' }],
    // DUALTRACE_XRAY_TRANSPORT=otlp without a region: the daemon transport stays (with a warning).
    ['xray.transport', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp' }, { kind: 'default' }],
    ['xray.transport', {}, { DUALTRACE_XRAY_TRANSPORT: 'otlp', AWS_REGION: 'eu-west-1' }, { kind: 'env', name: 'DUALTRACE_XRAY_TRANSPORT' }],
    // Collector mode turns both of dualtrace's own exports off, whatever else says.
    ['honeycomb.enabled', { collector: {} }, { HONEYCOMB_API_KEY: KEY }, { kind: 'derived', from: 'collector mode (the Collector sends to both backends)' }],
    ['xray.enabled', {}, { DUALTRACE_COLLECTOR: 'true', AWS_XRAY_SDK_ENABLED: 'true' }, { kind: 'derived', from: 'collector mode (the Collector sends to both backends)' }],
    ['spanLimits.attributeCountLimit', {}, { OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: 'lots', OTEL_ATTRIBUTE_COUNT_LIMIT: '64' }, { kind: 'env', name: 'OTEL_ATTRIBUTE_COUNT_LIMIT' }],
    ['collector.url', {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { kind: 'default' }], // Honeycomb's, without collector mode
    ['collector.headers', {}, { OTEL_EXPORTER_OTLP_HEADERS: 'x-a=b' }, { kind: 'default' }],
    ['collector.url', {}, { DUALTRACE_COLLECTOR: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { kind: 'env', name: 'OTEL_EXPORTER_OTLP_ENDPOINT' }],
    ['dev', {}, { DUALTRACE_DEV: '1' }, { kind: 'env', name: 'DUALTRACE_DEV' }],
    ['batch.scheduledDelayMillis', {}, { DUALTRACE_DEV: '1' }, { kind: 'derived', from: 'the dev switch' }],
  ])('should find where %s came from', (path, options, env, expected) => {
    expect(sourceOf(path, options, env)).toEqual(expected);
  });
});

describe('ignoredOptions', () => {
  const running = resolveConfig({}, { OTEL_SERVICE_NAME: 'from-env', HONEYCOMB_API_KEY: KEY });
  const env = { OTEL_SERVICE_NAME: 'from-env', HONEYCOMB_API_KEY: KEY };

  it('should name only the options whose values differ from what is running', () => {
    const options: DualtraceOptions = { service: 'from-code', honeycombKey: KEY, honeycomb: { endpoint: 'https://api.eu1.honeycomb.io', sampleRate: 1 } };
    // honeycombKey and honeycomb.sampleRate: 1 give what is running already.
    expect(ignoredOptions(options, resolveConfig(options, env), running)).toEqual(['service', 'honeycomb.endpoint']);
  });

  it('should name every option given when they do not resolve', () => {
    expect(ignoredOptions({ service: 'x', xray: { daemonAddress: 'nope' } }, undefined, running)).toEqual(['service', 'xray.daemonAddress']);
  });

  it('should point at the environment variables that set the same values', () => {
    expect(environmentFor(['service', 'xrayUrl', 'honeycombKey'])).toEqual(['OTEL_SERVICE_NAME', 'AWS_XRAY_URL', 'HONEYCOMB_API_KEY']);
    // `sampleRate` feeds each backend's share too, but SAMPLE_RATE is Honeycomb's alone: the shared sampler's variable.
    expect(environmentFor(['sampleRate', 'xray.samplingRules', 'collector'])).toEqual(['OTEL_TRACES_SAMPLER', 'DUALTRACE_XRAY_SAMPLING_RULES', 'DUALTRACE_COLLECTOR']);
  });
});
