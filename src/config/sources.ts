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
  /** An option path (`honeycomb.endpoint`) or an environment variable (`HONEYCOMB_API_ENDPOINT`). */
  readonly name: string;
  readonly kind: 'option' | 'env';
  /** Whether this candidate supplied a usable value. */
  isSet(options: DualtraceOptions, env: Env, warnings: readonly string[]): boolean;
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
// `Ignoring NAME=` or `Ignoring NAME:`).
const envVar = (name: string): Candidate => ({
  name,
  kind: 'env',
  isSet: (_options, env, warnings) =>
    nonEmpty(env[name]) !== undefined && !warnings.some((w) => w.startsWith(`Ignoring ${name}=`) || w.startsWith(`Ignoring ${name}:`)),
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
const simple = (path: string, optionName: string, ...envNames: string[]): FieldSources => field(path, [option(optionName), ...envNames.map(envVar)]);
const devDefault = (entry: FieldSources): FieldSources => ({ ...entry, devDefault: true });

/** Every field of `ResolvedConfig` with the sources `resolveConfig` reads for it (docs/configuration.md lists the same). */
export const FIELD_SOURCES: readonly FieldSources[] = [
  simple('disabled', 'disabled', 'OTEL_SDK_DISABLED'),
  simple('dev', 'dev', 'DUALTRACE_DEV'),
  field('serviceName', [option('service'), envVar('OTEL_SERVICE_NAME'), resourceEnv('service.name')]),
  field('serviceVersion', [option('serviceVersion'), envVar('OTEL_SERVICE_VERSION'), resourceEnv('service.version')]),
  field('environment', [option('environment'), envVar('DEPLOYMENT_ENVIRONMENT'), resourceEnv('deployment.environment.name'), resourceEnv('deployment.environment')]),
  field('resourceAttributes', [option('resourceAttributes'), envVar('OTEL_RESOURCE_ATTRIBUTES')], { derived: 'AWS environment variables' }),
  field('honeycomb.enabled', [option('honeycomb.enabled')], { derived: 'whether there is a Honeycomb key (or the dev switch)' }),
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
  simple('xray.enabled', 'xray.enabled', 'AWS_XRAY_SDK_ENABLED'),
  devDefault(simple('xray.daemonAddress', 'xray.daemonAddress', 'AWS_XRAY_DAEMON_ADDRESS')),
  simple('xray.namePattern', 'xrayUrl', 'AWS_XRAY_URL'),
  // The one exception to options > environment, kept from the X-Ray SDK.
  field('xray.tracingName', [envVar('AWS_XRAY_TRACING_NAME'), option('xray.tracingName')]),
  simple('xray.indexedAttributes', 'xray.indexedAttributes', 'DUALTRACE_XRAY_INDEXED_ATTRIBUTES'),
  simple('xray.indexAllAttributes', 'xray.indexAllAttributes', 'DUALTRACE_XRAY_INDEX_ALL_ATTRIBUTES'),
  simple('xray.resourceMetadata', 'xray.resourceMetadata', 'DUALTRACE_XRAY_RESOURCE_METADATA'),
  simple('xray.maxDocumentBytes', 'xray.maxDocumentBytes', 'DUALTRACE_XRAY_MAX_DOCUMENT_BYTES'),
  field('xray.region', [option('xray.region'), envVar('AWS_REGION'), envVar('AWS_DEFAULT_REGION')], { derived: 'the xray.<region>.amazonaws.com endpoint, if any' }),
  simple('xray.transport', 'xray.transport', 'DUALTRACE_XRAY_TRANSPORT'),
  field('xray.otlp', [option('xray.endpoint'), envVar('DUALTRACE_XRAY_ENDPOINT'), option('xray.sigv4'), envVar('DUALTRACE_XRAY_SIGV4'), option('xray.timeoutMillis')], {
    derived: 'xray.transport and the region',
  }),
  field('collector.enabled', [option('collector.enabled'), option('collector'), envVar('DUALTRACE_COLLECTOR')]),
  field('collector.url', [option('collector.endpoint'), envVar('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), envVar('OTEL_EXPORTER_OTLP_ENDPOINT')]),
  field('collector.headers', [option('collector.headers'), envVar('OTEL_EXPORTER_OTLP_TRACES_HEADERS'), envVar('OTEL_EXPORTER_OTLP_HEADERS')]),
  simple('collector.timeoutMillis', 'collector.timeoutMillis', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'),
  simple('spanLimits.attributeValueLengthLimit', 'spanLimits.attributeValueLengthLimit', 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
  simple('spanLimits.attributeCountLimit', 'spanLimits.attributeCountLimit', 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'),
  // The shared sampler first (resolveConfig records which of the two it was), then each backend's own settings.
  field('sampler', [
    option('sampleRate'), envVar('OTEL_TRACES_SAMPLER'),
    option('honeycomb.sampleRate'), envVar('SAMPLE_RATE'),
    option('xray.sampling'), envVar('DUALTRACE_XRAY_SAMPLING'), option('xray.samplingRules'), envVar('DUALTRACE_XRAY_SAMPLING_RULES'),
    option('xray.samplingEndpoint'), envVar('DUALTRACE_XRAY_SAMPLING_ENDPOINT'),
  ]),
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
  if (entry.path === 'sampler') {
    // resolveConfig records it: `sampleRate`, `OTEL_TRACES_SAMPLER` (unknown names fall back to the default).
    if (config.sampler.source === 'sampleRate') return { kind: 'option', name: 'sampleRate' };
    if (config.sampler.source === 'OTEL_TRACES_SAMPLER') return { kind: 'env', name: 'OTEL_TRACES_SAMPLER' };
  }
  // For the sampler, the shared candidates were answered above (an unknown OTEL_TRACES_SAMPLER falls back to the default).
  const candidates = entry.path === 'sampler' ? entry.candidates.slice(2) : entry.candidates;
  for (const candidate of candidates) {
    if (candidate.isSet(options, env, config.warnings)) return { kind: candidate.kind, name: candidate.name };
  }
  if (entry.devDefault === true && config.dev) return { kind: 'derived', from: 'the dev switch' };
  return entry.otherwise === 'default' ? { kind: 'default' } : { kind: 'derived', from: entry.otherwise.derived };
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
