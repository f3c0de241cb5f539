import { isSecretHeaderName } from '../http/secret-headers';
import { safeUrl } from '../http/redact';
import type { ResolvedConfig } from './types';

/** The first 4 characters of a secret and an ellipsis: enough to tell keys apart, never enough to use one. */
export function redactSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  return secret.length <= 4 ? '****' : `${secret.slice(0, 4)}…`;
}

/**
 * The configuration as it may be shown: in `handle.config`, logs, support tickets. The Honeycomb key and any
 * secret-bearing header show at most 4 characters; credentials in URLs are masked. The result is frozen.
 *
 * @param config what `resolveConfig` returned
 * @returns a redacted, frozen copy
 * @example
 * import { redactConfig, resolveConfig } from 'dualtrace';
 * console.log(JSON.stringify(redactConfig(resolveConfig()), null, 2)); // apiKey: 'hcxi…'
 * @see docs/configuration.md#honeycomb-keys-and-datasets
 */
export function redactConfig(config: ResolvedConfig): ResolvedConfig {
  const otlp = config.xray.otlp;
  return deepFreeze({
    ...config,
    honeycomb: {
      ...config.honeycomb,
      url: safeUrl(config.honeycomb.url, '****'),
      apiKey: redactSecret(config.honeycomb.apiKey),
      headers: redactHeaders(config.honeycomb.headers),
    },
    xray: { ...config.xray, otlp: otlp === undefined ? undefined : { ...otlp, url: safeUrl(otlp.url, '****') } },
    collector: { ...config.collector, url: safeUrl(config.collector.url, '****'), headers: redactHeaders(config.collector.headers) },
    sampler: {
      ...config.sampler,
      xray: {
        ...config.sampler.xray,
        endpoint: config.sampler.xray.endpoint === undefined ? undefined : safeUrl(config.sampler.xray.endpoint, '****'),
      },
    },
  });
}

/** Secret-bearing headers (the Honeycomb key, Authorization, any `…-token`, `…-key`, …) show at most 4 characters. */
function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSecretHeaderName(name) ? (redactSecret(value) ?? '') : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
