import type { Attributes } from '@opentelemetry/api';
import type { DaemonAddress } from './daemon-address';

/**
 * What `initTracing` accepts. Every field is optional; each has an environment variable and a default,
 * listed in docs/configuration.md. Precedence is always options > environment > defaults.
 */
export interface DualtraceOptions {
  /** Resource `service.name`. Env: `OTEL_SERVICE_NAME`. Default `unknown_service:node` (with a warning). */
  service?: string;
  /** Resource `service.version`. Env: `OTEL_SERVICE_VERSION`. */
  serviceVersion?: string;
  /** Resource `deployment.environment.name`. Env: `DEPLOYMENT_ENVIRONMENT`. */
  environment?: string;
  /** Extra resource attributes; merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /**
   * The host pattern that names X-Ray segments (X-Ray SDK dynamic naming), e.g. `*4567-abc.ws-us89.gitpod.io*`.
   * `*` and `?` are wildcards. Env: `AWS_XRAY_URL`. This is not where segments are sent: see `xray.daemonAddress`.
   */
  xrayUrl?: string;
  /** The Honeycomb API key, sent as `x-honeycomb-team`. Env: `HONEYCOMB_API_KEY`, or `x-honeycomb-team=…` in `OTEL_EXPORTER_OTLP_HEADERS`. */
  honeycombKey?: string;
  honeycomb?: HoneycombOptions;
  xray?: XRayOptions;
  /** Keep 1 trace in N, decided from the trace id (every service agrees), parent-based. Env: `OTEL_TRACES_SAMPLER(_ARG)`. */
  sampleRate?: number;
  /** Also print finished spans to stdout, readably. Env: `OTEL_TRACES_EXPORTER` containing `console`. */
  console?: boolean;
  /**
   * Send to `dualtrace dev` on this machine: Honeycomb export goes to `http://127.0.0.1:4318` (on without a key), X-Ray
   * to `127.0.0.1:2000`, batches every 200 ms. Explicit endpoints, addresses and batch settings still win.
   * Env: `DUALTRACE_DEV=1`. Default `false`. See docs/dev.md.
   */
  dev?: boolean;
  /** Turn everything off: a no-op handle, nothing registered. Env: `OTEL_SDK_DISABLED=true`. */
  disabled?: boolean;
  /** Flush on SIGTERM, SIGINT and `beforeExit`. Env: `DUALTRACE_FLUSH_ON_EXIT`. Default `true`. */
  flushOnExit?: boolean;
  /** Upper bound for `shutdown()` and the exit flush, in ms. Env: `DUALTRACE_SHUTDOWN_TIMEOUT`. Default 5000. */
  shutdownTimeoutMillis?: number;
  /** Batch settings shared by both backends' processors. Env: `OTEL_BSP_*`. */
  batch?: BatchOptions;
  /**
   * dualtrace installs OTel's console `diag` logger at this level so problems are never silent. `'none'` installs
   * nothing (keep your own `diag.setLogger`). Env: `OTEL_LOG_LEVEL`. Default `'warn'`.
   */
  logLevel?: LogLevel;
  /** Outgoing calls traced as CLIENT spans, with trace headers injected. See docs/outgoing.md. */
  instrumentation?: InstrumentationOptions;
}

export interface InstrumentationOptions {
  /** Global `fetch` (undici diagnostics channels; no patching). Env: `DUALTRACE_INSTRUMENT_FETCH`. Default `true`. */
  fetch?: boolean;
  /**
   * `node:http`/`https` clients: the diagnostics channel on Node ≥ 22.12, a reversible wrapper of `request`/`get` on
   * older Node. Env: `DUALTRACE_INSTRUMENT_HTTP`. Default `true`.
   */
  http?: boolean;
  /** Trace only calls made while a span is active (as the X-Ray SDK does). Default `true`. */
  requireParent?: boolean;
}

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

export interface HoneycombOptions {
  /** `false` turns Honeycomb export off. `true` keeps it on even without a key (e.g. an OTel Collector endpoint). */
  enabled?: boolean;
  /**
   * Base URL (`/v1/traces` is appended) or full traces URL. Default `https://api.honeycomb.io`; EU: `https://api.eu1.honeycomb.io`.
   * Env: `HONEYCOMB_API_ENDPOINT`, then `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), then `OTEL_EXPORTER_OTLP_ENDPOINT`.
   */
  endpoint?: string;
  /** Dataset for Honeycomb Classic keys only (sent as `x-honeycomb-dataset`). Env: `HONEYCOMB_DATASET`. */
  dataset?: string;
  /** Extra request headers. Env: `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TRACES_HEADERS`. */
  headers?: Record<string, string>;
  /** Per-request export timeout in ms. Env: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`. Default 10000. */
  timeoutMillis?: number;
}

export interface XRayOptions {
  /** `false` turns X-Ray export off. Env: `AWS_XRAY_SDK_ENABLED=false`. */
  enabled?: boolean;
  /** Where the X-Ray daemon listens. Env: `AWS_XRAY_DAEMON_ADDRESS`. Default `127.0.0.1:2000`. */
  daemonAddress?: string;
  /** A fixed segment name that wins over dynamic naming. Env: `AWS_XRAY_TRACING_NAME` (which wins, as in the X-Ray SDK). */
  tracingName?: string;
  /** Attribute keys that become X-Ray annotations (indexed, filterable). Env: `DUALTRACE_XRAY_INDEXED_ATTRIBUTES` (comma-separated). */
  indexedAttributes?: string[];
  /** Make every primitive attribute an annotation (at most 50 per document). Env: `DUALTRACE_XRAY_INDEX_ALL_ATTRIBUTES`. */
  indexAllAttributes?: boolean;
  /** Copy resource attributes into each segment's metadata. Env: `DUALTRACE_XRAY_RESOURCE_METADATA`. Default `false`. */
  resourceMetadata?: boolean;
  /** Largest datagram (header line + document) in bytes. Env: `DUALTRACE_XRAY_MAX_DOCUMENT_BYTES`. Default 64000. */
  maxDocumentBytes?: number;
}

/**
 * Options of `XRayDaemonExporter`, for a provider of your own: the `xray` options of `initTracing` (without `enabled`)
 * plus the host pattern that `initTracing` takes as `xrayUrl`. Every field is optional; no environment is read.
 *
 * @example
 * new XRayDaemonExporter({ daemonAddress: '127.0.0.1:2000', namePattern: '*.example.com', indexedAttributes: ['tenant'] });
 * @see docs/xray.md
 */
export interface XRayDaemonExporterOptions extends Omit<XRayOptions, 'enabled'> {
  /**
   * Host pattern for dynamic naming of SERVER segments (`initTracing`'s `xrayUrl`), e.g. `'*4567-abc.ws-us89.gitpod.io*'`.
   * `*` and `?` are wildcards, case-insensitive, the whole Host header must match.
   */
  namePattern?: string;
}

export interface BatchOptions {
  /** Env `OTEL_BSP_MAX_QUEUE_SIZE`, default 2048. Spans beyond it are dropped and counted. */
  maxQueueSize?: number;
  /** Env `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, default 512. */
  maxExportBatchSize?: number;
  /** Env `OTEL_BSP_SCHEDULE_DELAY`, default 1000 ms. */
  scheduledDelayMillis?: number;
  /** Env `OTEL_BSP_EXPORT_TIMEOUT`, default 30000 ms. */
  exportTimeoutMillis?: number;
}

/** The sampler as resolved: one of the standard OTel samplers, or dualtrace's `sampleRate` (parent-based ratio). */
export interface SamplerConfig {
  readonly name:
    | 'always_on'
    | 'always_off'
    | 'traceidratio'
    | 'parentbased_always_on'
    | 'parentbased_always_off'
    | 'parentbased_traceidratio';
  /** Probability of keeping a root trace, 0..1. */
  readonly ratio: number;
  /** 1/ratio, recorded on spans as `SampleRate` so Honeycomb reweights counts; 1 when everything is kept. */
  readonly sampleRate: number;
  readonly source: 'sampleRate' | 'OTEL_TRACES_SAMPLER' | 'default';
}

export interface ResolvedHoneycomb {
  readonly enabled: boolean;
  /** Full traces URL, e.g. `https://api.honeycomb.io/v1/traces`. */
  readonly url: string;
  /** The key itself. Never logged: `redactConfig` shows at most its first 4 characters. */
  readonly apiKey: string | undefined;
  readonly keyKind: 'classic' | 'environment' | 'none';
  readonly dataset: string | undefined;
  /** Every header sent, including `x-honeycomb-team`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number;
}

export interface ResolvedXRay {
  readonly enabled: boolean;
  readonly daemonAddress: DaemonAddress;
  readonly namePattern: string | undefined;
  readonly tracingName: string | undefined;
  readonly indexedAttributes: readonly string[];
  readonly indexAllAttributes: boolean;
  readonly resourceMetadata: boolean;
  readonly maxDocumentBytes: number;
  /** AWS region from `AWS_REGION` / `AWS_DEFAULT_REGION` (console links; the OTLP transport's endpoint). */
  readonly region: string | undefined;
}

/** The result of `resolveConfig`: complete, validated, and the only input `createProvider` reads. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  /** The dev switch was on: unset endpoints point at `dualtrace dev` (docs/dev.md). */
  readonly dev: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly environment: string | undefined;
  readonly resourceAttributes: Readonly<Attributes>;
  readonly honeycomb: ResolvedHoneycomb;
  readonly xray: ResolvedXRay;
  readonly sampler: SamplerConfig;
  readonly console: boolean;
  readonly flushOnExit: boolean;
  readonly logLevel: LogLevel;
  readonly instrumentation: Required<InstrumentationOptions>;
  readonly shutdownTimeoutMillis: number;
  readonly batch: Required<BatchOptions>;
  /** Warnings found while resolving; `initTracing` logs each once. */
  readonly warnings: readonly string[];
}
