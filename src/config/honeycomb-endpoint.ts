import { ConfigError, ConfigErrorCode } from '../errors';
import { safeUrl } from '../http/redact';
import { DEV_OTLP_ENDPOINT } from './dev';
import { warnIgnoredEnv } from './messages';
import { nonEmpty } from './parse';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_HONEYCOMB_ENDPOINT = 'https://api.honeycomb.io';
const TRACES_PATH = '/v1/traces';

/**
 * The traces URL: the option, then `HONEYCOMB_API_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is, as the
 * OTel specification says of the signal-specific variable) and `OTEL_EXPORTER_OTLP_ENDPOINT`, then the default (the
 * local dev receiver in dev mode). A bad option throws; a bad variable is ignored with a warning, as if it were not set.
 */
export function resolveTracesUrl(option: string | undefined, env: Env, warnings: string[], dev = false): string {
  if (option !== undefined) return withTracesPath(parseEndpoint(option, 'honeycomb.endpoint'), true);
  const sources: [name: string, appendPath: boolean][] = [
    ['HONEYCOMB_API_ENDPOINT', true],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', false],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', true],
  ];
  for (const [name, appendPath] of sources) {
    const value = nonEmpty(env[name]);
    if (value === undefined) continue;
    try {
      return withTracesPath(parseEndpoint(value, name), appendPath);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      warnings.push(warnIgnoredEnv(error, 'the next endpoint setting, or the default'));
    }
  }
  return (dev ? DEV_OTLP_ENDPOINT : DEFAULT_HONEYCOMB_ENDPOINT) + TRACES_PATH;
}

/** What to write instead, for each destination's endpoint setting. */
export const ENDPOINT_FIX = {
  honeycomb: 'Use a base URL such as "https://api.honeycomb.io" (EU: "https://api.eu1.honeycomb.io") or a full ".../v1/traces" URL.',
  collector: 'Use the Collector\'s OTLP/HTTP base URL, such as "http://otel-gateway:4318" (/v1/traces is appended), or a full ".../v1/traces" URL.',
  xray:
    'Use X-Ray\'s OTLP endpoint, such as "https://xray.eu-west-1.amazonaws.com/v1/traces", or a local CloudWatch agent or ' +
    'Collector, such as "http://127.0.0.1:4316/v1/traces".',
} as const;

/**
 * An http(s) URL with a host, or a `ConfigError` naming `option` (credentials in the value are masked) whose fix is
 * `fix`: an example for the destination the setting is for.
 */
export function parseEndpoint(value: string, option: string, fix: string = ENDPOINT_FIX.honeycomb): URL {
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
      fix,
    );
  }
  return url;
}

/** A base URL gets `/v1/traces`; a URL that already ends in it (with or without a trailing slash) is kept. */
export function withTracesPath(url: URL, appendPath: boolean): string {
  const text = url.href;
  if (!appendPath || /\/v1\/traces\/?$/.test(url.pathname)) return text;
  const base = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const copy = new URL(text);
  copy.pathname = base + TRACES_PATH;
  return copy.href;
}
