import { ConfigError, ConfigErrorCode } from '../errors';
import type { BatchOptions, DualtraceOptions, LogLevel, ResolvedConfig } from './types';
import { nonEmpty, parseBoolean, parseInteger } from './parse';
import { resolveResourceAttributes } from './resource';
import { LOG_LEVELS, validateOptions } from './validate';
import { resolveHoneycomb } from './honeycomb';
import { resolveXRay } from './xray';
import { resolveCollector } from './collector';
import { resolveSampler } from './sampler';
import { DEV_SCHEDULED_DELAY_MILLIS, resolveDev } from './dev';
import { resolveSpanLimits } from './span-limits';
import { WARN_NO_SERVICE_NAME, warnBadEnv } from './messages';

type Env = Readonly<Record<string, string | undefined>>;

export const UNKNOWN_SERVICE_NAME = 'unknown_service:node';
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5_000;
/** The OTel SDK's BatchSpanProcessor defaults (OTel spec, "Batching processor"), except the delay: 1 s, not 5 s. */
export const DEFAULT_BATCH: Required<BatchOptions> = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 30_000,
};

/**
 * Turns options and environment into the one complete configuration the provider is built from.
 * Pure and total: precedence is options > environment > defaults, except `AWS_XRAY_TRACING_NAME`, which wins over
 * `xray.tracingName` as it does over the name set in code in the X-Ray SDK; bad options throw `ConfigError`; unusable
 * environment values are ignored with a warning (returned in `warnings`, logged once by `initTracing`).
 *
 * @param {DualtraceOptions} [options={}] what the app passed to `initTracing`
 * @param [env=process.env] the environment to read
 * @example resolveConfig({ service: 'backend-flask' }, { HONEYCOMB_API_KEY: 'hcxik_…' })
 * @see docs/configuration.md
 */
export function resolveConfig(options: DualtraceOptions = {}, env: Env = process.env): ResolvedConfig {
  validateOptions(options);
  const warnings: string[] = [];
  const envBool = (name: string): boolean | undefined => {
    const raw = env[name];
    const parsed = parseBoolean(raw);
    if (parsed === undefined && nonEmpty(raw) !== undefined) warnings.push(warnBadEnv(name, raw!, 'true or false'));
    return parsed;
  };

  const disabled = options.disabled ?? envBool('OTEL_SDK_DISABLED') ?? false;
  const dev = resolveDev(options, env, warnings);

  const resourceAttributes = resolveResourceAttributes(options, env, warnings);

  let serviceName = nonEmpty(options.service) ?? nonEmpty(env.OTEL_SERVICE_NAME) ?? asString(resourceAttributes['service.name']);
  if (serviceName === undefined) {
    serviceName = UNKNOWN_SERVICE_NAME;
    if (!disabled) warnings.push(WARN_NO_SERVICE_NAME);
  }
  const serviceVersion = nonEmpty(options.serviceVersion) ?? nonEmpty(env.OTEL_SERVICE_VERSION) ?? asString(resourceAttributes['service.version']);
  const environment =
    nonEmpty(options.environment) ??
    nonEmpty(env.DEPLOYMENT_ENVIRONMENT) ??
    asString(resourceAttributes['deployment.environment.name']) ??
    asString(resourceAttributes['deployment.environment']);

  const exporters = (nonEmpty(env.OTEL_TRACES_EXPORTER) ?? '').toLowerCase().split(',').map((s) => s.trim());

  const collector = resolveCollector(options, env, warnings);
  // In collector mode the Collector exports to both backends: dualtrace's own two exporters are off, and what would
  // be said about Honeycomb's key or endpoint is moot. X-Ray's settings still shape the stream (annotation keys).
  const honeycomb = collector.enabled
    ? { ...resolveHoneycomb(options, env, [], dev), enabled: false }
    : resolveHoneycomb(options, env, warnings, dev);
  const resolvedXRay = resolveXRay(options, env, warnings, dev);
  const xray = collector.enabled ? { ...resolvedXRay, enabled: false } : resolvedXRay;
  const sampler = resolveSampler(options, env, xray, warnings);

  return {
    disabled,
    dev,
    serviceName,
    serviceVersion,
    environment,
    resourceAttributes,
    honeycomb,
    xray,
    collector,
    sampler,
    console: options.console ?? (exporters.includes('console') || undefined) ?? false,
    instrumentation: {
      server: options.instrumentation?.server ?? envBool('DUALTRACE_INSTRUMENT_SERVER') ?? true,
      fetch: options.instrumentation?.fetch ?? envBool('DUALTRACE_INSTRUMENT_FETCH') ?? true,
      http: options.instrumentation?.http ?? envBool('DUALTRACE_INSTRUMENT_HTTP') ?? true,
      requireParent: options.instrumentation?.requireParent ?? true,
    },
    logLevel: options.logLevel ?? resolveLogLevel(env, warnings),
    flushOnExit: options.flushOnExit ?? envBool('DUALTRACE_FLUSH_ON_EXIT') ?? true,
    shutdownTimeoutMillis: positive(options.shutdownTimeoutMillis, 'shutdownTimeoutMillis', env, 'DUALTRACE_SHUTDOWN_TIMEOUT', DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, warnings),
    batch: resolveBatch(options.batch ?? {}, env, warnings, dev),
    spanLimits: resolveSpanLimits(options, env, warnings),
    warnings: disabled ? [] : warnings,
  };
}

function resolveLogLevel(env: Env, warnings: string[]): LogLevel {
  const raw = nonEmpty(env.OTEL_LOG_LEVEL);
  if (raw === undefined) return 'warn';
  const level = raw.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  warnings.push(warnBadEnv('OTEL_LOG_LEVEL', raw, LOG_LEVELS.join(', ')));
  return 'warn';
}

function resolveBatch(batch: BatchOptions, env: Env, warnings: string[], dev: boolean): Required<BatchOptions> {
  const maxQueueSize = positive(batch.maxQueueSize, 'batch.maxQueueSize', env, 'OTEL_BSP_MAX_QUEUE_SIZE', DEFAULT_BATCH.maxQueueSize, warnings);
  let maxExportBatchSize = positive(batch.maxExportBatchSize, 'batch.maxExportBatchSize', env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', DEFAULT_BATCH.maxExportBatchSize, warnings);
  if (maxExportBatchSize > maxQueueSize) {
    if (batch.maxExportBatchSize !== undefined) {
      throw new ConfigError(ConfigErrorCode.BAD_NUMBER, 'batch.maxExportBatchSize', `(${maxExportBatchSize}) is larger than batch.maxQueueSize (${maxQueueSize})`, 'Make the batch no larger than the queue.');
    }
    maxExportBatchSize = maxQueueSize;
  }
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis: positive(batch.scheduledDelayMillis, 'batch.scheduledDelayMillis', env, 'OTEL_BSP_SCHEDULE_DELAY', dev ? DEV_SCHEDULED_DELAY_MILLIS : DEFAULT_BATCH.scheduledDelayMillis, warnings),
    exportTimeoutMillis: positive(batch.exportTimeoutMillis, 'batch.exportTimeoutMillis', env, 'OTEL_BSP_EXPORT_TIMEOUT', DEFAULT_BATCH.exportTimeoutMillis, warnings),
  };
}

/** A positive whole number from the option (else ConfigError), else the env var (else a warning), else the default. */
function positive(option: number | undefined, name: string, env: Env, envName: string, fallback: number, warnings: string[]): number {
  if (option !== undefined) {
    if (!Number.isInteger(option) || option <= 0) {
      throw new ConfigError(ConfigErrorCode.BAD_NUMBER, name, `is ${option}`, `Use a positive whole number (default ${fallback}).`);
    }
    return option;
  }
  const raw = env[envName];
  if (nonEmpty(raw) === undefined) return fallback;
  const parsed = parseInteger(raw, 1);
  if (parsed !== undefined) return parsed;
  warnings.push(warnBadEnv(envName, raw!, 'a positive whole number'));
  return fallback;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
