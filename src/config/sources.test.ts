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
    const config = resolveConfig({}, {});
    const leaves = (value: object, prefix = ''): string[] =>
      Object.entries(value).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && !['resourceAttributes', 'sampler', 'headers', 'daemonAddress', 'otlp'].includes(k)
          ? leaves(v as object, `${prefix}${k}.`)
          : [prefix + k],
      );
    const fields = FIELD_SOURCES.map((f) => f.path);
    expect(leaves(config).filter((path) => path !== 'warnings').sort()).toEqual([...fields].sort());
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
    ['honeycomb.enabled', {}, { HONEYCOMB_API_KEY: KEY }, { kind: 'derived', from: 'whether there is a Honeycomb key (or the dev switch)' }],
    ['honeycomb.url', {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { kind: 'env', name: 'OTEL_EXPORTER_OTLP_ENDPOINT' }],
    ['xray.tracingName', { xray: { tracingName: 'opt' } }, { AWS_XRAY_TRACING_NAME: 'env' }, { kind: 'env', name: 'AWS_XRAY_TRACING_NAME' }],
    ['sampler', { sampleRate: 10 }, {}, { kind: 'option', name: 'sampleRate' }],
    ['sampler', {}, { OTEL_TRACES_SAMPLER: 'always_off' }, { kind: 'env', name: 'OTEL_TRACES_SAMPLER' }],
    // An unusable value is ignored by resolveConfig (with a warning), so the default is what applies.
    ['batch.maxQueueSize', {}, { OTEL_BSP_MAX_QUEUE_SIZE: 'lots' }, { kind: 'default' }],
    ['instrumentation.server', {}, { DUALTRACE_INSTRUMENT_SERVER: 'false' }, { kind: 'env', name: 'DUALTRACE_INSTRUMENT_SERVER' }],
    ['honeycomb.url', { dev: true }, {}, { kind: 'derived', from: 'the dev switch' }],
    ['honeycomb.url', { dev: true }, { HONEYCOMB_API_ENDPOINT: 'https://api.eu1.honeycomb.io' }, { kind: 'env', name: 'HONEYCOMB_API_ENDPOINT' }],
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
  });
});
