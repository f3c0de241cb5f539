export { resolveConfig, UNKNOWN_SERVICE_NAME, DEFAULT_BATCH, DEFAULT_SHUTDOWN_TIMEOUT_MILLIS } from './resolve-config';
export { redactConfig, redactSecret } from './redact';
export { DEFAULT_SPAN_LIMITS } from './span-limits';
export { honeycombKeyKind, DEFAULT_HONEYCOMB_ENDPOINT } from './honeycomb';
export { DEV_DAEMON_ADDRESS, DEV_HOST, DEV_OTLP_ENDPOINT, DEV_OTLP_PORT, DEV_UI_PORT, DEV_XRAY_PORT } from './dev';
export { parseDaemonAddress, formatEndpoint, DEFAULT_DAEMON_ADDRESS } from './daemon-address';
export * as messages from './messages';
export type { DaemonAddress, DaemonEndpoint } from './daemon-address';
export type {
  DualtraceOptions,
  HoneycombOptions,
  XRayOptions,
  XRayDaemonExporterOptions,
  BatchOptions,
  CollectorOptions,
  ResolvedCollector,
  ResolvedXRayOtlp,
  XRayTransport,
  SpanLimitOptions,
  ResolvedConfig,
  ResolvedHoneycomb,
  ResolvedXRay,
  SamplerConfig,
} from './types';
export type {
  HoneycombSampling,
  XRaySampling,
  XRaySamplingMode,
  XRayLocalRules,
  XRayLocalSamplingRule,
  XRayLocalSamplingRulesDocument,
} from './sampling-types';
export type {
  LogLevel,
  OutgoingInstrumentationOptions,
  InstrumentationOptions,
} from './types';
