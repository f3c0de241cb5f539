import { ConfigError, ConfigErrorCode } from '../errors';
import { safeUrl } from '../http/redact';
import type { DualtraceOptions, ResolvedHoneycomb } from './types';
import { nonEmpty, parseInteger, parseKeyValueList } from './parse';
import { DEV_OTLP_ENDPOINT } from './dev';
import { WARN_DATASET_IGNORED, WARN_GRPC_NOT_SUPPORTED, WARN_NO_HONEYCOMB_KEY, warnBadEnv } from './messages';

export const DEFAULT_HONEYCOMB_ENDPOINT = 'https://api.honeycomb.io';
const HONEYCOMB_TEAM_HEADER = 'x-honeycomb-team';
const HONEYCOMB_DATASET_HEADER = 'x-honeycomb-dataset';
const TRACES_PATH = '/v1/traces';
const DEFAULT_TIMEOUT_MILLIS = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Honeycomb Classic keys: 32 hex characters, or a 64-character classic ingest key `hc?ic_…`.
 * Environment keys (`hc?ik_…`, 64 characters) must not send a dataset. Rule from Honeycomb's docs and distros.
 */
export function honeycombKeyKind(key: string | undefined): 'classic' | 'environment' | 'none' {
  if (!key) return 'none';
  if (key.length === 32 && /^[a-f0-9]+$/.test(key)) return 'classic';
  if (key.length === 64 && /^hc[a-z]ic_[a-z0-9]+$/.test(key)) return 'classic';
  return 'environment';
}

/** Resolves the Honeycomb half of the config. Pure apart from the `warnings` it appends to. */
export function resolveHoneycomb(options: DualtraceOptions, env: Env, warnings: string[], dev = false): ResolvedHoneycomb {
  const hc = options.honeycomb ?? {};
  const headers = collectHeaders(hc.headers, env, warnings);
  const apiKey = resolveApiKey(options.honeycombKey, env, headers);
  const keyKind = honeycombKeyKind(apiKey);
  // The dev receiver needs no key; a key that is set is still sent (the viewer never shows it).
  const enabled = hc.enabled ?? (apiKey !== undefined || dev);
  if (hc.enabled === undefined && apiKey === undefined && !dev) warnings.push(WARN_NO_HONEYCOMB_KEY);
  const dataset = resolveDataset(hc.dataset, env, headers, keyKind, enabled, warnings);

  const protocol = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined && protocol !== 'http/protobuf' && enabled) warnings.push(WARN_GRPC_NOT_SUPPORTED);

  return {
    enabled,
    url: resolveTracesUrl(hc.endpoint, env, dev),
    apiKey,
    keyKind,
    dataset,
    headers: exportHeaders(headers, apiKey, dataset),
    timeoutMillis: resolveTimeout(hc.timeoutMillis, env, warnings),
  };
}

/** Extra headers by source, names lower-cased and values trimmed. */
interface HeaderSources {
  /** `OTEL_EXPORTER_OTLP_HEADERS`, overridden by `OTEL_EXPORTER_OTLP_TRACES_HEADERS`. */
  readonly env: Record<string, string>;
  /** The `honeycomb.headers` option. */
  readonly options: Record<string, string>;
}

function collectHeaders(option: Record<string, string> | undefined, env: Env, warnings: string[]): HeaderSources {
  // Show only the header name of a bad pair: its value may be the key or a token.
  const badHeader = (name: string) => (pair: string) =>
    warnings.push(warnBadEnv(name, pair.includes('=') ? `${pair.slice(0, pair.indexOf('=') + 1)}…` : `${pair.slice(0, 4)}…`, 'key=value pairs separated by commas'));
  return {
    env: {
      ...lowerKeys(parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS, badHeader('OTEL_EXPORTER_OTLP_HEADERS'))),
      ...lowerKeys(parseKeyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, badHeader('OTEL_EXPORTER_OTLP_TRACES_HEADERS'))),
    },
    options: lowerKeys(option ?? {}),
  };
}

/** The key: the option, `HONEYCOMB_API_KEY`, then an `x-honeycomb-team` header from the options or the environment. */
function resolveApiKey(option: string | undefined, env: Env, headers: HeaderSources): string | undefined {
  return checkHeaderValue(
    first([
      ['honeycombKey', nonEmpty(option)],
      ['HONEYCOMB_API_KEY', nonEmpty(env.HONEYCOMB_API_KEY)],
      ['honeycomb.headers', nonEmpty(headers.options[HONEYCOMB_TEAM_HEADER])],
      ['OTEL_EXPORTER_OTLP_HEADERS', nonEmpty(headers.env[HONEYCOMB_TEAM_HEADER])],
    ]),
  );
}

/**
 * The dataset to send, found in the same order as the key. A Classic key needs one (`ConfigError` when export is on
 * without it); an environment key must not send one, so a given dataset is ignored with a warning.
 */
function resolveDataset(
  option: string | undefined,
  env: Env,
  headers: HeaderSources,
  keyKind: ReturnType<typeof honeycombKeyKind>,
  enabled: boolean,
  warnings: string[],
): string | undefined {
  const given = checkHeaderValue(
    first([
      ['honeycomb.dataset', nonEmpty(option)],
      ['HONEYCOMB_DATASET', nonEmpty(env.HONEYCOMB_DATASET)],
      ['honeycomb.headers', nonEmpty(headers.options[HONEYCOMB_DATASET_HEADER])],
      ['OTEL_EXPORTER_OTLP_HEADERS', nonEmpty(headers.env[HONEYCOMB_DATASET_HEADER])],
    ]),
  );
  if (keyKind === 'classic') {
    if (given === undefined && enabled) {
      throw new ConfigError(
        ConfigErrorCode.DATASET_REQUIRED,
        'honeycomb.dataset',
        'is missing, and the Honeycomb key is a Classic key, which needs one',
        'Set `honeycomb: { dataset: "my-dataset" }` or HONEYCOMB_DATASET, or use an environment ingest key.',
      );
    }
    return given;
  }
  if (given !== undefined && keyKind === 'environment') warnings.push(WARN_DATASET_IGNORED);
  return undefined;
}

/** The environment's headers, then the options', with the team and dataset headers set from the resolved values only. */
function exportHeaders(headers: HeaderSources, apiKey: string | undefined, dataset: string | undefined): Record<string, string> {
  const out: Record<string, string> = { ...headers.env, ...headers.options };
  delete out[HONEYCOMB_TEAM_HEADER];
  delete out[HONEYCOMB_DATASET_HEADER];
  if (apiKey !== undefined) out[HONEYCOMB_TEAM_HEADER] = apiKey;
  if (dataset !== undefined) out[HONEYCOMB_DATASET_HEADER] = dataset;
  return out;
}

function resolveTracesUrl(option: string | undefined, env: Env, dev: boolean): string {
  if (option !== undefined) return withTracesPath(validateUrl(option, 'honeycomb.endpoint'), true);
  const hcEnv = nonEmpty(env.HONEYCOMB_API_ENDPOINT);
  if (hcEnv !== undefined) return withTracesPath(validateUrl(hcEnv, 'HONEYCOMB_API_ENDPOINT'), true);
  // The OTel spec: the signal-specific variable is used as is; the generic one gets the signal path appended.
  const tracesEnv = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (tracesEnv !== undefined) return withTracesPath(validateUrl(tracesEnv, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), false);
  const otlpEnv = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (otlpEnv !== undefined) return withTracesPath(validateUrl(otlpEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT'), true);
  return (dev ? DEV_OTLP_ENDPOINT : DEFAULT_HONEYCOMB_ENDPOINT) + TRACES_PATH;
}

function validateUrl(value: string, option: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigError(
      ConfigErrorCode.BAD_ENDPOINT,
      option,
      `is not an http(s) URL (got "${safeUrl(value, '****')}")`,
      'Use a base URL such as "https://api.honeycomb.io" (EU: "https://api.eu1.honeycomb.io") or a full ".../v1/traces" URL.',
    );
  }
  return url;
}

/** A base URL gets `/v1/traces`; a URL that already ends in it (with or without a trailing slash) is kept. */
function withTracesPath(url: URL, appendPath: boolean): string {
  const text = url.href;
  if (!appendPath || /\/v1\/traces\/?$/.test(url.pathname)) return text;
  const base = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const copy = new URL(text);
  copy.pathname = base + TRACES_PATH;
  return copy.href;
}

function resolveTimeout(option: number | undefined, env: Env, warnings: string[]): number {
  if (option !== undefined) {
    if (!Number.isInteger(option) || option <= 0) {
      throw new ConfigError(ConfigErrorCode.BAD_NUMBER, 'honeycomb.timeoutMillis', `is ${option}`, 'Use a positive whole number of milliseconds, e.g. 10000.');
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

/** The first [source, value] with a value. */
function first(candidates: [string, string | undefined][]): [string, string] | undefined {
  for (const [source, value] of candidates) if (value !== undefined) return [source, value];
  return undefined;
}

/** A value sent as an HTTP header must not contain CR or LF: Node would refuse it on every export. */
function checkHeaderValue(found: [string, string] | undefined): string | undefined {
  if (found === undefined) return undefined;
  const [source, value] = found;
  if (/[\r\n]/.test(value)) {
    throw new ConfigError(ConfigErrorCode.BAD_VALUE, source, 'contains CR or LF, so it cannot be sent as a header', 'Remove the line break (a trailing newline from a secrets file is the usual cause).');
  }
  return value;
}

function lowerKeys(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k.trim().toLowerCase()] = v.trim();
  return out;
}
