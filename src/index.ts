/**
 * dualtrace: one OpenTelemetry TracerProvider, two backends (Honeycomb over OTLP/HTTP, AWS X-Ray over UDP).
 * The public surface is deliberately small; everything else (translator stages, packer, emitter) is internal.
 */
export { initTracing, getTracing } from './init-tracing';
export { resolveConfig, redactConfig } from './config';
export { ConfigError, ConfigErrorCode, DualtraceError } from './errors';
export { DualtracePropagator } from './provider/propagator';
export { VERSION } from './version';

export type { Tracing } from './init-tracing';
export type {
  DualtraceOptions,
  HoneycombOptions,
  XRayOptions,
  BatchOptions,
  LogLevel,
  ResolvedConfig,
  ResolvedHoneycomb,
  ResolvedXRay,
  SamplerConfig,
} from './config';
export { annotate, setUser, withSpan, traceLinks } from './api';
export type { AnnotationValue, TraceLinks, TraceLinksOptions } from './api';
export { enableOutgoingInstrumentation, disableOutgoingInstrumentation } from './instrument';
export type { OutgoingInstrumentationOptions } from './instrument';
