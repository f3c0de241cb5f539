import { nonEmpty } from './parse';
import type { DualtraceOptions, ResolvedConfig } from './types';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where a resolved value came from: an option (its dotted path), an environment variable, the default, or something
 * worked out from other values (e.g. Honeycomb export is on because there is a key).
 */
export type ValueSource =
  | { readonly kind: 'option'; readonly name: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'default' }
  | { readonly kind: 'derived'; readonly from: string };

/** One place a value may come from, in precedence order within its field. */
interface Candidate {
  /** An option path (`honeycomb.endpoint`), an environment variable (`HONEYCOMB_API_ENDPOINT`), or what a derived value comes from. */
  readonly name: string;
  readonly kind: 'option' | 'env' | 'derived';
  /** Whether this candidate supplied the value (`config` is the resolved configuration, redacted or not). */
  isSet(options: DualtraceOptions, env: Env, config: ResolvedConfig): boolean;
}

/** One field of `ResolvedConfig` and the candidates `resolveConfig` reads for it, highest precedence first. */
export interface FieldSources {
  /** Dotted path in `ResolvedConfig`. */
  readonly path: string;
  readonly candidates: readonly Candidate[];
  /** When no candidate is set: the default, or a value worked out from others. */
  readonly otherwise: 'default' | { readonly derived: string };
  /** With the dev switch on, the default is dualtrace dev's instead. */
  readonly devDefault?: boolean;
  /** Where resolveConfig recorded the source itself (the sampler's `source` fields): that answer wins over the candidates. */
  readonly recorded?: (config: ResolvedConfig) => ValueSource;
}

const option = (name: string): Candidate => ({
  name,
  kind: 'option',
  isSet: (options) => {
    const value = at(options, name);
    return typeof value === 'string' ? nonEmpty(value) !== undefined : value !== undefined;
  },
});
// An environment variable counts when it is set and `resolveConfig` did not ignore it (its warnings then start with
// `Ignoring NAME=` or `Ignoring NAME:`), and, with `applies`, when the resolved value is the one it asked for.
const envVar = (name: string, applies?: (config: ResolvedConfig, value: string) => boolean): Candidate => ({
  name,
  kind: 'env',
  isSet: (_options, env, config) => {
    const value = nonEmpty(env[name]);
    if (value === undefined || config.warnings.some((w) => w.startsWith(`Ignoring ${name}=`) || w.startsWith(`Ignoring ${name}:`))) return false;
    return applies === undefined || applies(config, value);
  },
});
/** A value worked out from others, which wins over the candidates after it when `when` holds. */
const derived = (from: string, when: (config: ResolvedConfig, options: DualtraceOptions) => boolean): Candidate => ({
  name: from,
  kind: 'derived',
  isSet: (options, _env, config) => when(config, options),
});
const listed = (name: string, key: string, kind: 'option' | 'env', read: (options: DualtraceOptions, env: Env) => unknown): Candidate => {
  const pattern = new RegExp(`(^|,)\\s*${key.replace(/\./g, '\\.')}\\s*=`, 'i');
  return {
    name: `${name} (${key})`,
    kind,
    isSet: (options, env) => {
      const value = read(options, env);
      if (typeof value === 'string') return pattern.test(value);
      return value !== null && typeof value === 'object' && Object.keys(value).some((k) => k.trim().toLowerCase() === key);
    },
  };
};
const resourceEnv = (key: string) => listed('OTEL_RESOURCE_ATTRIBUTES', key, 'env', (_o, env) => env.OTEL_RESOURCE_ATTRIBUTES);
const headerOption = (key: string) => listed('honeycomb.headers', key, 'option', (o) => o.honeycomb?.headers);
const headerEnv = (name: string, key: string) => listed(name, key, 'env', (_o, env) => env[name]);

const field = (path: string, candidates: Candidate[], otherwise: FieldSources['otherwise'] = 'default'): FieldSources => ({ path, candidates, otherwise });
const inCollectorMode = (candidate: Candidate): Candidate => ({
  ...candidate,
  isSet: (options, env, config) => config.collector.enabled && candidate.isSet(options, env, config),
});
// In collector mode the Collector sends to both backends: dualtrace's own two exports are off, whatever else says so.
const collectorMode = derived('collector mode (the Collector sends to both backends)', (config) => config.collector.enabled);
const XRAY_HOST = /^xray\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const fromXRayHost = (options: DualtraceOptions, env: Env, config: ResolvedConfig): boolean => {
  if (options.xray?.region !== undefined) return false;
  const envIgnored = config.warnings.some((w) => w.startsWith('Ignoring DUALTRACE_XRAY_ENDPOINT'));
  const endpoint = nonEmpty(options.xray?.endpoint) ?? (envIgnored ? undefined : nonEmpty(env.DUALTRACE_XRAY_ENDPOINT));
  try {
    return endpoint !== undefined && XRAY_HOST.test(new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`).hostname);
  } catch {
    return false;
  }
};
const simple = (path: string, optionName: string, ...envNames: string[]): FieldSources => field(path, [option(optionName), ...envNames.map((name) => envVar(name))]);
const devDefault = (entry: FieldSources): FieldSources => ({ ...entry, devDefault: true });

/** Every field of `ResolvedConfig` with the sources `resolveConfig` reads for it (docs/configuration.md lists the same). */
export const FIELD_SOURCES: readonly FieldSources[] = [
  simple('disabled', 'disabled', 'OTEL_SDK_DISABLED'),
  simple('dev', 'dev', 'DUALTRACE_DEV'),
  field('serviceName', [option('service'), envVar('OTEL_SERVICE_NAME'), resourceEnv('service.name')]),
  field('serviceVersion', [option('serviceVersion'), envVar('OTEL_SERVICE_VERSION'), resourceEnv('service.version')]),
  field('environment', [option('environment'), envVar('DEPLOYMENT_ENVIRONMENT'), resourceEnv('deployment.environment.name'), resourceEnv('deployment.environment')]),
  field('resourceAttributes', [option('resourceAttributes'), envVar('OTEL_RESOURCE_ATTRIBUTES')], { derived: 'AWS environment variables' }),
  field('honeycomb.enabled', [collectorMode, option('honeycomb.enabled')], { derived: 'whether there is a usable Honeycomb key (or the dev switch)' }),
  devDefault(simple('honeycomb.url', 'honeycomb.endpoint', 'HONEYCOMB_API_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT')),
  field('honeycomb.apiKey', [
    option('honeycombKey'),
    envVar('HONEYCOMB_API_KEY'),
    headerOption('x-honeycomb-team'),
    headerEnv('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'x-honeycomb-team'),
    headerEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-honeycomb-team'),
  ]),
  field('honeycomb.keyKind', [], { derived: 'the shape of the Honeycomb key' }),
  field('honeycomb.dataset', [
    option('honeycomb.dataset'),
    envVar('HONEYCOMB_DATASET'),
    headerOption('x-honeycomb-dataset'),
    headerEnv('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'x-honeycomb-dataset'),
    headerEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-honeycomb-dataset'),
  ]),
  field('honeycomb.headers', [option('honeycomb.headers'), envVar('OTEL_EXPORTER_OTLP_TRACES_HEADERS'), envVar('OTEL_EXPORTER_OTLP_HEADERS')], {
    derived: 'the Honeycomb key and dataset',
  }),
  simple('honeycomb.timeoutMillis', 'honeycomb.timeoutMillis', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'),
  field('xray.enabled', [collectorMode, option('xray.enabled'), envVar('AWS_XRAY_SDK_ENABLED')]),
  devDefault(simple('xray.daemonAddress', 'xray.daemonAddress', 'AWS_XRAY_DAEMON_ADDRESS')),
  simple('xray.namePattern', 'xrayUrl', 'AWS_XRAY_URL'),
  // The one exception to options > environment, kept from the X-Ray SDK.
  field('xray.tracingName', [envVar('AWS_XRAY_TRACING_NAME'), option('xray.tracingName')]),
  simple('xray.indexedAttributes', 'xray.indexedAttributes', 'DUALTRACE_XRAY_INDEXED_ATTRIBUTES'),
  simple('xray.indexAllAttributes', 'xray.indexAllAttributes', 'DUALTRACE_XRAY_INDEX_ALL_ATTRIBUTES'),
  simple('xray.resourceMetadata', 'xray.resourceMetadata', 'DUALTRACE_XRAY_RESOURCE_METADATA'),
  simple('xray.maxDocumentBytes', 'xray.maxDocumentBytes', 'DUALTRACE_XRAY_MAX_DOCUMENT_BYTES'),
  // The region in an xray.<region>.amazonaws.com endpoint comes before the variables (resolveXRayTransport).
  field('xray.region', [
    option('xray.region'),
    { name: 'the xray.<region>.amazonaws.com endpoint', kind: 'derived', isSet: fromXRayHost },
    envVar('AWS_REGION'),
    envVar('AWS_DEFAULT_REGION'),
  ]),
  // DUALTRACE_XRAY_TRANSPORT=otlp without a region keeps the daemon transport (with a warning about the region).
  field('xray.transport', [option('xray.transport'), envVar('DUALTRACE_XRAY_TRANSPORT', (config, value) => config.xray.transport === value.toLowerCase())]),
  field('xray.otlp.url', [option('xray.endpoint'), envVar('DUALTRACE_XRAY_ENDPOINT')], { derived: 'the region (https://xray.<region>.amazonaws.com/v1/traces)' }),
  field('xray.otlp.sigv4', [option('xray.sigv4'), envVar('DUALTRACE_XRAY_SIGV4')], { derived: 'the endpoint (on for *.amazonaws.com)' }),
  simple('xray.otlp.timeoutMillis', 'xray.timeoutMillis', 'DUALTRACE_XRAY_TIMEOUT'),
  field('collector.enabled', [option('collector.enabled'), option('collector'), envVar('DUALTRACE_COLLECTOR')]),
  // Read only in collector mode (the same variables are Honeycomb's otherwise).
  field('collector.url', [option('collector.endpoint'), envVar('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), envVar('OTEL_EXPORTER_OTLP_ENDPOINT')].map(inCollectorMode)),
  field('collector.headers', [option('collector.headers'), envVar('OTEL_EXPORTER_OTLP_TRACES_HEADERS'), envVar('OTEL_EXPORTER_OTLP_HEADERS')].map(inCollectorMode)),
  simple('collector.timeoutMillis', 'collector.timeoutMillis', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'),
  simple('spanLimits.attributeValueLengthLimit', 'spanLimits.attributeValueLengthLimit', 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
  simple('spanLimits.attributeCountLimit', 'spanLimits.attributeCountLimit', 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'),
  // The shared sampler, then each backend's share; resolveConfig records where the sampler's choices came from.
  { ...field('sampler', [option('sampleRate'), envVar('OTEL_TRACES_SAMPLER')]), recorded: (config) => recordedSource(config.sampler.source, config) },
  {
    ...field('sampler.honeycomb', [option('honeycomb.sampleRate'), envVar('SAMPLE_RATE'), option('sampleRate'), envVar('OTEL_TRACES_SAMPLER')]),
    recorded: (config) => recordedSource(config.sampler.honeycomb.source, config),
  },
  {
    ...field('sampler.xray.mode', [
      option('xray.sampling'), envVar('DUALTRACE_XRAY_SAMPLING'), option('xray.samplingRules'), envVar('DUALTRACE_XRAY_SAMPLING_RULES'),
      option('sampleRate'), envVar('OTEL_TRACES_SAMPLER'),
    ]),
    recorded: (config) => recordedSource(config.sampler.xray.source, config),
  },
  field(
    'sampler.xray.endpoint',
    [option('xray.samplingEndpoint'), envVar('DUALTRACE_XRAY_SAMPLING_ENDPOINT'), listed('OTEL_TRACES_SAMPLER_ARG', 'endpoint', 'env', (_o, env) => env.OTEL_TRACES_SAMPLER_ARG)],
    { derived: "the daemon's TCP address (xray.daemonAddress)" },
  ),
  field('sampler.xray.rules', [option('xray.samplingRules'), envVar('DUALTRACE_XRAY_SAMPLING_RULES')]),
  field('sampler.xray.rulesIntervalMillis', [listed('OTEL_TRACES_SAMPLER_ARG', 'polling_interval', 'env', (_o, env) => env.OTEL_TRACES_SAMPLER_ARG)]),
  field('sampler.xray.targetsIntervalMillis', []),
  simple('console', 'console', 'OTEL_TRACES_EXPORTER'),
  simple('flushOnExit', 'flushOnExit', 'DUALTRACE_FLUSH_ON_EXIT'),
  simple('logLevel', 'logLevel', 'OTEL_LOG_LEVEL'),
  simple('instrumentation.server', 'instrumentation.server', 'DUALTRACE_INSTRUMENT_SERVER'),
  simple('instrumentation.fetch', 'instrumentation.fetch', 'DUALTRACE_INSTRUMENT_FETCH'),
  simple('instrumentation.http', 'instrumentation.http', 'DUALTRACE_INSTRUMENT_HTTP'),
  simple('instrumentation.requireParent', 'instrumentation.requireParent'),
  simple('shutdownTimeoutMillis', 'shutdownTimeoutMillis', 'DUALTRACE_SHUTDOWN_TIMEOUT'),
  simple('batch.maxQueueSize', 'batch.maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'),
  simple('batch.maxExportBatchSize', 'batch.maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  devDefault(simple('batch.scheduledDelayMillis', 'batch.scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY')),
  simple('batch.exportTimeoutMillis', 'batch.exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'),
];

/** One resolved value with its source, as `dualtrace doctor` shows it. */
export interface SourcedValue {
  readonly path: string;
  readonly value: unknown;
  readonly source: ValueSource;
}

/**
 * The source of every field of `config`, worked out beside `resolveConfig` (pure; same inputs). Pass the redacted
 * config to show values, as `dualtrace doctor` does: this function copies values, it never hides them.
 */
export function configSources(options: DualtraceOptions, env: Env, config: ResolvedConfig): SourcedValue[] {
  return FIELD_SOURCES.map((entry) => ({ path: entry.path, value: at(config, entry.path), source: sourceOf(entry, options, env, config) }));
}

function sourceOf(entry: FieldSources, options: DualtraceOptions, env: Env, config: ResolvedConfig): ValueSource {
  if (entry.recorded !== undefined) return entry.recorded(config);
  for (const candidate of entry.candidates) {
    if (!candidate.isSet(options, env, config)) continue;
    return candidate.kind === 'derived' ? { kind: 'derived', from: candidate.name } : { kind: candidate.kind, name: candidate.name };
  }
  if (entry.devDefault === true && config.dev) return { kind: 'derived', from: 'the dev switch' };
  // Nothing set it and nothing was worked out (a value only some set-ups have, e.g. the OTLP transport's URL).
  if (at(config, entry.path) === undefined) return { kind: 'default' };
  return entry.otherwise === 'default' ? { kind: 'default' } : { kind: 'derived', from: entry.otherwise.derived };
}

/** The `source` strings resolveConfig writes on the sampler's parts, as sources. */
function recordedSource(source: string, config: ResolvedConfig): ValueSource {
  switch (source) {
    case 'default':
      return { kind: 'default' };
    case 'sampleRate':
    case 'honeycomb.sampleRate':
    case 'xray.sampling':
    case 'xray.samplingRules':
      return { kind: 'option', name: source };
    case 'lambda':
      return { kind: 'derived', from: 'AWS_LAMBDA_FUNCTION_NAME (on Lambda, the local rules)' };
    case 'sampleRate / OTEL_TRACES_SAMPLER': // X-Ray keeps what the shared sampler keeps: the shared sampler's source.
      return recordedSource(config.sampler.source, config);
    default:
      return { kind: 'env', name: source };
  }
}

/** The value at a dotted path of a plain object, or `undefined`. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
