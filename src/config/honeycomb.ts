import { ConfigError, ConfigErrorCode } from '../errors';
import type { DualtraceOptions, ResolvedHoneycomb } from './types';
import { describeBadHeaderValue, isHeaderName, isHeaderValue } from './header-rules';
import { resolveTracesUrl } from './honeycomb-endpoint';
import { nonEmpty, parseInteger, parseKeyValueList } from './parse';
import {
  WARN_CLASSIC_KEY_WITHOUT_DATASET,
  WARN_DATASET_IGNORED,
  WARN_GRPC_NOT_SUPPORTED,
  WARN_NO_HONEYCOMB_KEY,
  warnBadEnv,
  warnBadKeyEnv,
} from './messages';

export { DEFAULT_HONEYCOMB_ENDPOINT } from './honeycomb-endpoint';
const HONEYCOMB_TEAM_HEADER = 'x-honeycomb-team';
const HONEYCOMB_DATASET_HEADER = 'x-honeycomb-dataset';
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

/** A value found for the key or the dataset, and where. */
interface Found {
  readonly source: string;
  readonly value: string;
  /** From the environment (a deployment's mistake: warn) rather than from code (a bug: throw). */
  readonly fromEnv: boolean;
}

/**
 * Resolves the Honeycomb half of the config. Pure apart from the `warnings` it appends to. Options that cannot be used
 * throw; environment values that cannot be used are ignored with one warning each, and where that leaves Honeycomb
 * unusable (a key that cannot be sent, a Classic key without a dataset) Honeycomb export is off.
 */
export function resolveHoneycomb(options: DualtraceOptions, env: Env, warnings: string[], dev = false): ResolvedHoneycomb {
  const hc = options.honeycomb ?? {};
  const headers = collectHeaders(hc.headers, env, warnings);
  let keyIgnored = false;
  const key = firstHeaderValue(
    [
      { source: 'honeycombKey', value: nonEmpty(options.honeycombKey), fromEnv: false },
      { source: 'HONEYCOMB_API_KEY', value: nonEmpty(env.HONEYCOMB_API_KEY), fromEnv: true },
      { source: 'honeycomb.headers', value: nonEmpty(headers.options[HONEYCOMB_TEAM_HEADER]), fromEnv: false },
      { source: 'OTEL_EXPORTER_OTLP_HEADERS', value: nonEmpty(headers.env[HONEYCOMB_TEAM_HEADER]), fromEnv: true },
    ],
    (source, problem) => {
      keyIgnored = true;
      warnings.push(warnBadKeyEnv(source, problem));
    },
  );
  const keyKind = honeycombKeyKind(key?.value);
  // The dev receiver needs no key; a key that is set is still sent (the viewer never shows it).
  let enabled = hc.enabled ?? (key !== undefined || dev);
  if (hc.enabled === undefined && key === undefined && !keyIgnored && !dev) warnings.push(WARN_NO_HONEYCOMB_KEY);

  const given = firstHeaderValue(
    [
      { source: 'honeycomb.dataset', value: nonEmpty(hc.dataset), fromEnv: false },
      { source: 'HONEYCOMB_DATASET', value: nonEmpty(env.HONEYCOMB_DATASET), fromEnv: true },
      { source: 'honeycomb.headers', value: nonEmpty(headers.options[HONEYCOMB_DATASET_HEADER]), fromEnv: false },
      { source: 'OTEL_EXPORTER_OTLP_HEADERS', value: nonEmpty(headers.env[HONEYCOMB_DATASET_HEADER]), fromEnv: true },
    ],
    (source, problem) => warnings.push(warnBadEnv(source, '…', `a dataset name; it ${problem}`)),
  );
  let dataset: string | undefined;
  if (keyKind === 'classic') {
    dataset = given?.value;
    if (dataset === undefined && enabled) {
      if (!key!.fromEnv) {
        throw new ConfigError(
          ConfigErrorCode.DATASET_REQUIRED,
          'honeycomb.dataset',
          'is missing, and the Honeycomb key is a Classic key, which needs one',
          'Set `honeycomb: { dataset: "my-dataset" }` or HONEYCOMB_DATASET, or use an environment ingest key.',
        );
      }
      warnings.push(WARN_CLASSIC_KEY_WITHOUT_DATASET);
      enabled = false;
    }
  } else if (given !== undefined && keyKind === 'environment') {
    warnings.push(WARN_DATASET_IGNORED);
  }

  const protocol = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined && protocol !== 'http/protobuf' && enabled) warnings.push(WARN_GRPC_NOT_SUPPORTED);

  return {
    enabled,
    url: resolveTracesUrl(hc.endpoint, env, warnings, dev),
    apiKey: key?.value,
    keyKind,
    dataset,
    headers: exportHeaders(headers, key?.value, dataset),
    timeoutMillis: resolveTimeout(hc.timeoutMillis, env, warnings),
  };
}

/** Extra headers by source, names lower-cased and values trimmed. */
interface HeaderSources {
  /**
   * `OTEL_EXPORTER_OTLP_HEADERS`, overridden by `OTEL_EXPORTER_OTLP_TRACES_HEADERS`; pairs that cannot be sent are left
   * out, but for the key and the dataset, which are checked (and warned about) as they are resolved.
   */
  readonly env: Record<string, string>;
  /** The `honeycomb.headers` option (checked by validateOptions). */
  readonly options: Record<string, string>;
}

function collectHeaders(option: Record<string, string> | undefined, env: Env, warnings: string[]): HeaderSources {
  // Show only the header name of a bad pair: its value may be the key or a token.
  const bad = (name: string, pair: string, expected = 'key=value pairs separated by commas'): void => {
    warnings.push(warnBadEnv(name, pair.includes('=') ? `${pair.slice(0, pair.indexOf('=') + 1)}…` : `${pair.slice(0, 4)}…`, expected));
  };
  const fromEnv: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const pairs = lowerKeys(parseKeyValueList(env[name], (pair) => bad(name, pair)));
    for (const [header, value] of Object.entries(pairs)) {
      if (!isHeaderName(header)) bad(name, `${header}=`, 'header names made of letters, digits and !#$%&\'*+.^_`|~-');
      // The key and the dataset are checked where they are resolved, with their own warnings.
      else if (!isHeaderValue(value) && header !== HONEYCOMB_TEAM_HEADER && header !== HONEYCOMB_DATASET_HEADER) {
        bad(name, `${header}=`, `header values that can be sent (this one ${describeBadHeaderValue(value)})`);
      } else fromEnv[header] = value;
    }
  }
  return { env: fromEnv, options: lowerKeys(option ?? {}) };
}

/** The first candidate with a value; a value no header can carry throws when it is an option, is skipped when not. */
function firstHeaderValue(
  candidates: { source: string; value: string | undefined; fromEnv: boolean }[],
  onBadEnv: (source: string, problem: string) => void,
): Found | undefined {
  for (const { source, value, fromEnv } of candidates) {
    if (value === undefined) continue;
    if (isHeaderValue(value)) return { source, value, fromEnv };
    const problem = describeBadHeaderValue(value);
    if (!fromEnv) {
      throw new ConfigError(ConfigErrorCode.BAD_VALUE, source, problem, 'Copy it again: only visible ASCII characters, spaces and tabs can be sent.');
    }
    onBadEnv(source, problem);
  }
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

function lowerKeys(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k.trim().toLowerCase()] = v.trim();
  return out;
}
