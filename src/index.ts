/**
 * dualtrace: one OpenTelemetry TracerProvider, two backends (Honeycomb over OTLP/HTTP, AWS X-Ray over UDP).
 * The public surface is deliberately small. Not exported on purpose: the X-Ray translator stages, the packer and
 * the UDP emitter (internal; their output is documented in docs/xray.md), and the adapters (subpaths such as
 * `dualtrace/express`, so an app loads only the framework it uses).
 */
export { initTracing, getTracing } from './init-tracing';
export { resolveConfig, redactConfig } from './config';
export { ConfigError, ConfigErrorCode, DualtraceError } from './errors';
export { DualtracePropagator } from './provider/propagator';
export { XRayDaemonExporter, parseDaemonAddress } from './exporters/xray';
export { annotate, setUser, withSpan, traceLinks } from './api';
export { enableOutgoingInstrumentation, disableOutgoingInstrumentation } from './instrument';
export { VERSION } from './version';

export type { Tracing } from './init-tracing';
export type {
  DualtraceOptions,
  HoneycombOptions,
  XRayOptions,
  BatchOptions,
  InstrumentationOptions,
  LogLevel,
  ResolvedConfig,
  ResolvedHoneycomb,
  ResolvedXRay,
  SamplerConfig,
} from './config';
export type { XRayDaemonExporterOptions, XRayDaemonExporterStats, DaemonAddress, DaemonEndpoint } from './exporters/xray';
export type { AnnotationValue, TraceLinks, TraceLinksOptions } from './api';
export type { OutgoingInstrumentationOptions } from './instrument';
