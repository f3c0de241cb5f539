/**
 * dualtrace: one OpenTelemetry TracerProvider, two backends (Honeycomb over OTLP/HTTP, AWS X-Ray over UDP).
 * The public surface is deliberately small. Not exported on purpose: the X-Ray translator stages, the packer and
 * the UDP emitter (internal; their output is documented in docs/xray.md), and the adapters (subpaths such as
 * `dualtrace/express`, so an app loads only the framework it uses).
 */
export { initTracing } from './init-tracing';
export { getTracing, getSamplingStatus } from './handle';
export { resolveConfig, redactConfig, parseDaemonAddress } from './config';
export { ConfigError, ConfigErrorCode, DualtraceError } from './errors';
export { DualtracePropagator } from './provider/propagator';
export { XRayDaemonExporter } from './exporters/xray';
export { annotate, setUser, withSpan, traceLinks } from './api';
export { enableOutgoingInstrumentation, disableOutgoingInstrumentation } from './instrument';
export { VERSION } from './version';

export type { Tracing } from './handle';
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
  DaemonAddress,
  DaemonEndpoint,
  OutgoingInstrumentationOptions,
  InstrumentationOptions,
  LogLevel,
  ResolvedConfig,
  ResolvedHoneycomb,
  ResolvedXRay,
  SamplerConfig,
  HoneycombSampling,
  XRaySampling,
  XRaySamplingMode,
  XRayLocalRules,
  XRayLocalSamplingRule,
  XRayLocalSamplingRulesDocument,
} from './config';
export type { XRayDaemonExporterStats } from './exporters/xray';
export type { DecisionCounts, PollerStatus, RuleStatus, SamplingStatus, XRaySamplingStatus } from './trace/sampling-status';
export type { AnnotationValue, TraceLinks, TraceLinksOptions } from './api';
