import { ConfigError, ConfigErrorCode } from '../errors';
import { describeBadHeaderValue, isHeaderName, isHeaderValue } from './header-rules';
import { ENDPOINT_FIX, parseEndpoint, withTracesPath } from './honeycomb-endpoint';
import { WARN_COLLECTOR_KEY_NOT_SENT, warnBadEnv, warnIgnoredEnv } from './messages';
import { nonEmpty, parseBoolean, parseInteger, parseKeyValueList } from './parse';
import type { DualtraceOptions, ResolvedCollector } from './types';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a Collector or the CloudWatch agent usually listens for OTLP/HTTP: the OTLP default port, on this host. */
export const DEFAULT_COLLECTOR_ENDPOINT = 'http://127.0.0.1:4318/v1/traces';
const DEFAULT_TIMEOUT_MILLIS = 10_000;

/**
 * Collector mode: on with the `collector` option (unless `collector.enabled: false`), else with
 * `DUALTRACE_COLLECTOR=true`. Only then are the generic `OTEL_EXPORTER_OTLP_*` variables read for it: without the
 * explicit switch they keep meaning Honeycomb's endpoint and headers.
 */
export function resolveCollector(options: DualtraceOptions, env: Env, warnings: string[]): ResolvedCollector {
  const option = options.collector;
  const enabled = option !== undefined ? (option.enabled ?? true) : envSwitch(env, warnings);
  const url = enabled ? resolveUrl(option?.endpoint, env, warnings) : DEFAULT_COLLECTOR_ENDPOINT;
  if (enabled && nonEmpty(options.honeycombKey ?? env.HONEYCOMB_API_KEY) !== undefined) warnings.push(WARN_COLLECTOR_KEY_NOT_SENT);
  return {
    enabled,
    url,
    headers: enabled ? headers(option?.headers, env, warnings) : {},
    // Off, the variables are Honeycomb's, which warns about them itself: read here they would be warned about twice.
    timeoutMillis: resolveTimeout(option?.timeoutMillis, enabled ? env : {}, warnings),
  };
}

function envSwitch(env: Env, warnings: string[]): boolean {
  const raw = env.DUALTRACE_COLLECTOR;
  const parsed = parseBoolean(raw);
  if (parsed === undefined && nonEmpty(raw) !== undefined) warnings.push(warnBadEnv('DUALTRACE_COLLECTOR', raw!, 'true or false'));
  return parsed ?? false;
}

function resolveUrl(option: string | undefined, env: Env, warnings: string[]): string {
  if (option !== undefined) return withTracesPath(parseEndpoint(option, 'collector.endpoint', ENDPOINT_FIX.collector), true);
  for (const [name, appendPath] of [['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', false], ['OTEL_EXPORTER_OTLP_ENDPOINT', true]] as const) {
    const value = nonEmpty(env[name]);
    if (value === undefined) continue;
    try {
      return withTracesPath(parseEndpoint(value, name, ENDPOINT_FIX.collector), appendPath);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      warnings.push(warnIgnoredEnv(error, `the next endpoint setting, or ${DEFAULT_COLLECTOR_ENDPOINT}`));
    }
  }
  return DEFAULT_COLLECTOR_ENDPOINT;
}

/** The environment's headers, then the option's (names lower-cased); unsendable environment pairs are left out. */
function headers(option: Record<string, string> | undefined, env: Env, warnings: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const pairs = parseKeyValueList(env[name], (pair) => warnings.push(warnBadEnv(name, `${pair.slice(0, 4)}…`, 'key=value pairs')));
    for (const [rawKey, rawValue] of Object.entries(pairs)) {
      const key = rawKey.trim().toLowerCase();
      const value = rawValue.trim();
      if (isHeaderName(key) && isHeaderValue(value)) out[key] = value;
      else warnings.push(warnBadEnv(name, `${key}=…`, isHeaderName(key) ? `header values that can be sent (${describeBadHeaderValue(value)})` : 'header names'));
    }
  }
  for (const [key, value] of Object.entries(option ?? {})) out[key.trim().toLowerCase()] = value.trim();
  return out;
}

function resolveTimeout(option: number | undefined, env: Env, warnings: string[]): number {
  if (option !== undefined) {
    if (!Number.isInteger(option) || option <= 0) {
      throw new ConfigError(ConfigErrorCode.BAD_NUMBER, 'collector.timeoutMillis', `is ${option}`, 'Use a positive whole number of milliseconds, e.g. 10000.');
    }
    return option;
  }
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const raw = env[name];
    if (nonEmpty(raw) === undefined) continue;
    const parsed = parseInteger(raw, 1);
    if (parsed !== undefined) return parsed;
    warnings.push(warnBadEnv(name, raw!, 'a positive whole number of milliseconds'));
  }
  return DEFAULT_TIMEOUT_MILLIS;
}
