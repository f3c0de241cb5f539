import type { ConfigError } from '../errors';

/** Warnings `resolveConfig` can return. Exported so tests (and users filtering logs) can match them exactly. */
export const WARN_NO_SERVICE_NAME =
  'No service name: spans will show as "unknown_service:node". Set the `service` option or OTEL_SERVICE_NAME.';
export const WARN_NO_HONEYCOMB_KEY =
  'No Honeycomb key: Honeycomb export is off. Set the `honeycombKey` option or HONEYCOMB_API_KEY ' +
  '(or `honeycomb: { enabled: false }` to silence this).';
export const WARN_DATASET_IGNORED =
  'A dataset was given but the Honeycomb key is an environment key: Honeycomb names the dataset after service.name, ' +
  'so `honeycomb.dataset` / HONEYCOMB_DATASET is not sent.';
export const WARN_GRPC_NOT_SUPPORTED =
  'OTEL_EXPORTER_OTLP_PROTOCOL asks for a protocol dualtrace does not send; Honeycomb export uses http/protobuf.';
export const WARN_UNKNOWN_SAMPLER = 'OTEL_TRACES_SAMPLER names a sampler dualtrace does not know; keeping every trace.';
export const WARN_SAMPLE_RATE_OVERRIDES_ENV = 'The `sampleRate` option overrides OTEL_TRACES_SAMPLER.';

/** A warning for an environment variable whose value could not be used (and so was ignored). */
export function warnBadEnv(name: string, value: string, expected: string): string {
  return `Ignoring ${name}=${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}: expected ${expected}.`;
}

/**
 * A warning for an environment variable that `resolveConfig` ignores because the same value as an option would be a
 * `ConfigError`: the error's own words (which never carry a secret), and what is used instead.
 */
export function warnIgnoredEnv(error: ConfigError, instead: string): string {
  return `Ignoring ${error.option}: ${error.message.replace(/^dualtrace: /, '')} Using ${instead}.`;
}

/** The Honeycomb key from the environment has characters no header can carry; what is wrong, never the key. */
export function warnBadKeyEnv(name: string, problem: string): string {
  return `Ignoring the Honeycomb key in ${name}: it ${problem}. Honeycomb export is off. Copy the key again (only visible ASCII characters can be sent).`;
}

export const WARN_CLASSIC_KEY_WITHOUT_DATASET =
  'The Honeycomb key from the environment is a Classic key, which needs a dataset, and none was given: Honeycomb ' +
  'export is off. Set HONEYCOMB_DATASET (or `honeycomb: { dataset }`), or use an environment ingest key.';

export const WARN_COLLECTOR_KEY_NOT_SENT =
  'Collector mode is on: dualtrace sends one OTLP stream to the Collector and does not send the Honeycomb key. Put it ' +
  'in the Collector\'s otlp_http exporter (headers: x-honeycomb-team), or in `collector.headers` for a gateway that forwards it.';
