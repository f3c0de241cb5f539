export { resolveConfig, UNKNOWN_SERVICE_NAME, DEFAULT_BATCH, DEFAULT_SHUTDOWN_TIMEOUT_MILLIS } from './resolve-config';
export { redactConfig, redactSecret, redactUrl } from './redact';
export { honeycombKeyKind, DEFAULT_HONEYCOMB_ENDPOINT } from './honeycomb';
export * as messages from './messages';
export type {
  DualtraceOptions,
  HoneycombOptions,
  XRayOptions,
  BatchOptions,
  ResolvedConfig,
  ResolvedHoneycomb,
  ResolvedXRay,
  SamplerConfig,
  LogLevel,
  InstrumentationOptions,
} from './types';
