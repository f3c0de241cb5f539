import type { Attributes } from '@opentelemetry/api';
import type { DaemonAddress } from './daemon-address';
import type { HoneycombSampling, XRayLocalSamplingRulesDocument, XRaySampling, XRaySamplingMode } from './sampling-types';

/**
 * What `initTracing` (and `resolveConfig`) accepts. Every field is optional; each has an environment variable and a
 * default, listed in docs/configuration.md. Precedence is options > environment > defaults, with one exception kept
 * from the X-Ray SDK: `AWS_XRAY_TRACING_NAME` wins over `xray.tracingName`. A misspelt or mistyped option throws a
 * `ConfigError`.
 *
 * @example
 * import { initTracing, type DualtraceOptions } from 'dualtrace';
 * const options: DualtraceOptions = {
 *   service: 'backend-flask',
 *   xrayUrl: '*4567-abc.ws-us89.gitpod.io*',
 *   honeycombKey: process.env.HONEYCOMB_API_KEY,
 *   xray: { indexedAttributes: ['activity.uuid'] },
 *   sampleRate: 10,
 * };
 * initTracing(options);
 * @see docs/configuration.md
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
  /** Honeycomb export: on/off, endpoint, dataset (Classic keys), headers, timeout. */
  honeycomb?: HoneycombOptions;
  /** X-Ray export: on/off, daemon address, segment naming, which attributes become annotations, size limit. */
  xray?: XRayOptions;
  /**
   * Keep 1 trace in N for both backends, decided from the trace id (every service agrees), parent-based.
   * `honeycomb.sampleRate` and `xray.sampling` override it per backend. Env: `OTEL_TRACES_SAMPLER(_ARG)`.
   */
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
   * Limits on each span's attributes, applied as they are set. Env: `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` /
   * `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` / `OTEL_ATTRIBUTE_COUNT_LIMIT`. Defaults
   * (16,384 characters, 128 attributes) fit Honeycomb's per-field and per-event limits.
   */
  spanLimits?: SpanLimitOptions;
  /**
   * dualtrace installs OTel's console `diag` logger at this level so problems are never silent. `'none'` installs
   * nothing (keep your own `diag.setLogger`). Env: `OTEL_LOG_LEVEL`. Default `'warn'`.
   */
  logLevel?: LogLevel;
  /**
   * Send one OTLP stream to an OpenTelemetry Collector or CloudWatch agent instead of exporting to Honeycomb and X-Ray
   * from the process. Env: `DUALTRACE_COLLECTOR=true`. See docs/collector.md.
   */
  collector?: CollectorOptions;
  /**
   * What is traced without adapters: incoming requests of `node:http`/`https` servers (see docs/adapters.md#zero-code)
   * and outgoing calls as CLIENT spans, with trace headers injected (see docs/outgoing.md).
   */
  instrumentation?: InstrumentationOptions;
}

/**
 * Which outgoing calls are traced as CLIENT spans, with the trace headers injected: `initTracing`'s
 * `instrumentation` option, and the argument of `enableOutgoingInstrumentation`.
 *
 * @example
 * initTracing({ service: 'web', instrumentation: { http: false } }); // fetch only
 * enableOutgoingInstrumentation({ fetch: true, http: false, requireParent: true }); // the same, by hand
 * @see docs/outgoing.md
 */
export interface OutgoingInstrumentationOptions {
  /** Global `fetch` / undici, through its diagnostics channels (no patching). Env: `DUALTRACE_INSTRUMENT_FETCH`. Default `true`. */
  fetch?: boolean;
  /**
   * `node:http`/`https` clients: the diagnostics channel on Node ≥ 22.12, a reversible wrapper of `request`/`get` on
   * older Node. Env: `DUALTRACE_INSTRUMENT_HTTP`. Default `true`.
   */
  http?: boolean;
  /**
   * Trace only calls made while a span is active. Default `true`, as the X-Ray SDK traces outgoing calls inside a
   * segment only: background traffic (credential refreshes, polling, health checks) does not become root traces.
   */
  requireParent?: boolean;
}

/**
 * `initTracing`'s `instrumentation` option: incoming requests of every `node:http`/`https` server (zero-code SERVER
 * spans), plus the outgoing calls of {@link OutgoingInstrumentationOptions}.
 *
 * @example
 * initTracing({ service: 'web', instrumentation: { server: false } }); // adapters only: app.use(tracing())
 * @see docs/adapters.md#zero-code
 */
export interface InstrumentationOptions extends OutgoingInstrumentationOptions {
  /**
   * One SERVER span per incoming request of every `node:http`/`https` server (Express, Fastify, Koa, Hono on
   * @hono/node-server, plain), with the handler running inside it; an adapter added on top enriches the same span.
   * Env: `DUALTRACE_INSTRUMENT_SERVER`. Default `true`.
   */
  server?: boolean;
}

/**
 * The level of the console `diag` logger dualtrace installs; `'none'` installs none.
 *
 * @example
 * initTracing({ logLevel: 'debug' }); // or OTEL_LOG_LEVEL=debug
 * @see docs/configuration.md#logging
 */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * The `honeycomb` options of `initTracing`. The key itself is `honeycombKey`, one level up.
 *
 * @example
 * initTracing({
 *   honeycombKey: process.env.HONEYCOMB_API_KEY,
 *   honeycomb: { endpoint: 'https://api.eu1.honeycomb.io', timeoutMillis: 5000 },
 * });
 * @see docs/configuration.md#honeycomb-keys-and-datasets
 */
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
  /**
   * Keep 1 trace in N for Honeycomb, decided from the trace id; kept spans carry `SampleRate: N`. Env: `SAMPLE_RATE`
   * (the Honeycomb distro's). Default: the top-level `sampleRate`, else 1 (every trace). See docs/sampling.md.
   */
  sampleRate?: number;
}

/**
 * The `xray` options of `initTracing`. The host pattern for segment names is `xrayUrl`, one level up.
 *
 * @example
 * initTracing({
 *   service: 'backend-flask',
 *   xray: { daemonAddress: 'xray-daemon:2000', indexedAttributes: ['activity.uuid', 'app.user_tier'] },
 * });
 * @see docs/xray.md
 */
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
  /**
   * How spans reach X-Ray: `'daemon'` (segment documents over UDP to the X-Ray daemon) or `'otlp'` (OTLP/HTTP spans to
   * X-Ray's OTLP endpoint, a CloudWatch agent or a Collector). Env: `DUALTRACE_XRAY_TRANSPORT`. Default `'daemon'`.
   * See docs/xray.md, "Choosing a transport".
   */
  transport?: XRayTransport;
  /**
   * With `transport: 'otlp'`: the traces URL (a base URL gets `/v1/traces`). Env: `DUALTRACE_XRAY_ENDPOINT`. Default
   * `https://xray.<region>.amazonaws.com/v1/traces`; a local CloudWatch agent is e.g. `http://127.0.0.1:4316/v1/traces`.
   */
  endpoint?: string;
  /**
   * With `transport: 'otlp'`: the AWS region of the endpoint and of the signature. Default: from an
   * `xray.<region>.amazonaws.com` endpoint, else `AWS_REGION`, else `AWS_DEFAULT_REGION`.
   */
  region?: string;
  /**
   * With `transport: 'otlp'`: sign requests with SigV4 (service `xray`, the AWS SDK's credential chain). Env:
   * `DUALTRACE_XRAY_SIGV4`. Default: on for `*.amazonaws.com` endpoints, off otherwise (a local agent or collector).
   * Needs the optional packages `@smithy/signature-v4`, `@aws-sdk/credential-provider-node` and `@smithy/hash-node`.
   */
  sigv4?: boolean;
  /** With `transport: 'otlp'`: deadline of one export, signing and retries included, in ms. Env: `DUALTRACE_XRAY_TIMEOUT`. Default 10000. */
  timeoutMillis?: number;
  /**
   * How X-Ray's share of traces is chosen: `'centralized'` (the rules of the X-Ray console, through the daemon),
   * `'local'` (`samplingRules`), `'all'`. Env: `DUALTRACE_XRAY_SAMPLING`. Default `'centralized'` (on Lambda `'local'`;
   * with the top-level `sampleRate`, X-Ray keeps the same traces as Honeycomb). See docs/sampling.md.
   */
  sampling?: XRaySamplingMode;
  /**
   * Rules in the X-Ray SDK's local format (version 1 or 2): a path to a JSON file or the object. With `'centralized'`
   * they apply until the service's rules arrive. Env: `DUALTRACE_XRAY_SAMPLING_RULES`. Default: 1 trace/s, then 5 %.
   */
  samplingRules?: string | XRayLocalSamplingRulesDocument;
  /**
   * Where centralized sampling asks for rules and quotas, e.g. `http://xray-daemon:2000`. Env:
   * `DUALTRACE_XRAY_SAMPLING_ENDPOINT`, `endpoint=` in `OTEL_TRACES_SAMPLER_ARG`. Default: the daemon's TCP address.
   */
  samplingEndpoint?: string;
}

/** The `xray` options that only the OTLP transport reads (not options of `XRayDaemonExporter`). */
type XRayOtlpOptionKeys = 'transport' | 'endpoint' | 'region' | 'sigv4' | 'timeoutMillis';
/** The `xray` options of sampling (the provider's, not options of `XRayDaemonExporter`). */
type XRaySamplingOptionKeys = 'sampling' | 'samplingRules' | 'samplingEndpoint';

/**
 * How spans reach X-Ray (`xray.transport`): segment documents over UDP to the daemon, or OTLP/HTTP.
 *
 * @example
 * initTracing({ xray: { transport: 'otlp', region: 'eu-west-1' } }); // https://xray.eu-west-1.amazonaws.com/v1/traces
 * @see docs/xray.md#choosing-a-transport
 */
export type XRayTransport = 'daemon' | 'otlp';

/**
 * The `collector` option of `initTracing`: send one OTLP stream to an OpenTelemetry Collector or the CloudWatch agent,
 * which fans it out to Honeycomb and X-Ray; dualtrace's own Honeycomb and X-Ray exporters are off. Ids, propagation,
 * sampling and the `aws.xray.annotations` list stay dualtrace's.
 *
 * @example
 * initTracing({ service: 'backend-flask', collector: { endpoint: 'http://otel-gateway:4318' } });
 * @see docs/collector.md
 */
export interface CollectorOptions {
  /** `false` turns collector mode off again (e.g. per environment). Default `true` when `collector` is given. */
  enabled?: boolean;
  /**
   * Base URL (`/v1/traces` is appended) or full traces URL of the Collector's OTLP/HTTP receiver. Env (when collector
   * mode is on): `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as is), then `OTEL_EXPORTER_OTLP_ENDPOINT`. Default
   * `http://127.0.0.1:4318/v1/traces`.
   */
  endpoint?: string;
  /** Request headers. Env (when collector mode is on): `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TRACES_HEADERS`. */
  headers?: Record<string, string>;
  /** Deadline of one export, retries included, in ms. Env: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`. Default 10000. */
  timeoutMillis?: number;
}

/**
 * Options of `XRayDaemonExporter`, for a provider of your own: the `xray` options of `initTracing` (without `enabled`)
 * plus the host pattern that `initTracing` takes as `xrayUrl`. Every field is optional; no environment is read.
 *
 * @example
 * new XRayDaemonExporter({ daemonAddress: '127.0.0.1:2000', namePattern: '*.example.com', indexedAttributes: ['tenant'] });
 * @see docs/xray.md
 */
export interface XRayDaemonExporterOptions extends Omit<XRayOptions, 'enabled' | XRayOtlpOptionKeys | XRaySamplingOptionKeys> {
  /**
   * Host pattern for dynamic naming of SERVER segments (`initTracing`'s `xrayUrl`), e.g. `'*4567-abc.ws-us89.gitpod.io*'`.
   * `*` and `?` are wildcards, case-insensitive, the whole Host header must match.
   */
  namePattern?: string;
}

/**
 * The `batch` options of `initTracing`: queue and batch sizes of each backend's span processor (each backend has its
 * own queue with these settings).
 *
 * @example
 * initTracing({ batch: { maxQueueSize: 4096, scheduledDelayMillis: 200 } });
 * @see docs/configuration.md
 */
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

/**
 * The `spanLimits` options of `initTracing`: OpenTelemetry's span attribute limits. A longer string value (or string
 * in an array) is cut to `attributeValueLengthLimit` characters; attributes beyond `attributeCountLimit` are dropped
 * (and counted in the span's dropped-attributes count). The limits apply to event and link attributes too.
 *
 * @example
 * initTracing({ spanLimits: { attributeValueLengthLimit: 4096, attributeCountLimit: 200 } });
 * @see docs/configuration.md#attribute-limits
 */
export interface SpanLimitOptions {
  /** Longest string attribute value, in UTF-16 characters. Default 16384. */
  attributeValueLengthLimit?: number;
  /** Most attributes per span. Default 128. */
  attributeCountLimit?: number;
}

/**
 * The sampling as resolved (`config.sampler`): the shared sampler (one of the standard OTel samplers, or dualtrace's
 * `sampleRate`, a parent-based ratio), then what each backend keeps (`honeycomb`, `xray`).
 *
 * @example
 * resolveConfig({ sampleRate: 10 }, {}).sampler;
 * // { name: 'parentbased_traceidratio', ratio: 0.1, sampleRate: 10, source: 'sampleRate', honeycomb: { … }, xray: { mode: 'shared', … } }
 * @see docs/sampling.md
 */
export interface SamplerConfig {
  /** The OTel sampler name (`OTEL_TRACES_SAMPLER` values); `sampleRate` resolves to a `parentbased_*` one. */
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
  /** Where the choice came from: the `sampleRate` option, `OTEL_TRACES_SAMPLER`, or the default (keep everything). */
  readonly source: 'sampleRate' | 'OTEL_TRACES_SAMPLER' | 'default';
  /** What Honeycomb keeps. */
  readonly honeycomb: HoneycombSampling;
  /** What X-Ray keeps. */
  readonly xray: XRaySampling;
}

/**
 * The Honeycomb part of a {@link ResolvedConfig} (`config.honeycomb`).
 *
 * @example
 * const { honeycomb } = resolveConfig({}, { HONEYCOMB_API_KEY: 'hcxik_…' });
 * honeycomb.url; // 'https://api.honeycomb.io/v1/traces'
 * @see docs/configuration.md#honeycomb-keys-and-datasets
 */
export interface ResolvedHoneycomb {
  /** Whether spans are sent to Honeycomb: `honeycomb.enabled`, else whether there is a key. */
  readonly enabled: boolean;
  /** Full traces URL, e.g. `https://api.honeycomb.io/v1/traces`. */
  readonly url: string;
  /** The key itself. Never logged: `redactConfig` shows at most its first 4 characters. */
  readonly apiKey: string | undefined;
  /** `classic` (32 hex characters, or a 64-character `hc?ic_…` key; needs a dataset), `environment`, or `none`. */
  readonly keyKind: 'classic' | 'environment' | 'none';
  /** The dataset sent as `x-honeycomb-dataset`: Classic keys only, else `undefined`. */
  readonly dataset: string | undefined;
  /** Every header sent, including `x-honeycomb-team`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-request export timeout, in ms. */
  readonly timeoutMillis: number;
}

/**
 * The X-Ray part of a {@link ResolvedConfig} (`config.xray`).
 *
 * @example
 * const { xray } = resolveConfig({ xrayUrl: '*.example.com' }, { AWS_XRAY_DAEMON_ADDRESS: 'xray-daemon:2000' });
 * xray.daemonAddress.udp; // { host: 'xray-daemon', port: 2000, family: 4 }
 * xray.namePattern; // '*.example.com'
 * @see docs/xray.md
 */
export interface ResolvedXRay {
  /** Whether spans are sent to the X-Ray daemon (`xray.enabled`, `AWS_XRAY_SDK_ENABLED`). */
  readonly enabled: boolean;
  /** Where segments (UDP) and sampling requests (TCP) go, parsed from `xray.daemonAddress` / `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly daemonAddress: DaemonAddress;
  /** The host pattern for dynamic segment naming (`xrayUrl` / `AWS_XRAY_URL`), or `undefined`. */
  readonly namePattern: string | undefined;
  /** The fixed segment name (`AWS_XRAY_TRACING_NAME`, then `xray.tracingName`), or `undefined`. */
  readonly tracingName: string | undefined;
  /** Attribute keys always written as annotations. */
  readonly indexedAttributes: readonly string[];
  /** Whether every primitive attribute becomes an annotation (at most 50 per document). */
  readonly indexAllAttributes: boolean;
  /** Whether resource attributes are copied into segment metadata. */
  readonly resourceMetadata: boolean;
  /** The largest datagram (header line + document) sent, in bytes. */
  readonly maxDocumentBytes: number;
  /**
   * AWS region: `xray.region`, else from an `xray.<region>.amazonaws.com` endpoint, else `AWS_REGION` /
   * `AWS_DEFAULT_REGION`. The OTLP transport signs for it; `traceLinks()` links to its console.
   */
  readonly region: string | undefined;
  /** How spans reach X-Ray. */
  readonly transport: XRayTransport;
  /** The OTLP transport's settings when `transport` is `'otlp'`, else `undefined`. */
  readonly otlp: ResolvedXRayOtlp | undefined;
}

/**
 * The OTLP transport of X-Ray as resolved (`config.xray.otlp`).
 *
 * @example
 * resolveConfig({ xray: { transport: 'otlp' } }, { AWS_REGION: 'eu-west-1' }).xray.otlp;
 * // { url: 'https://xray.eu-west-1.amazonaws.com/v1/traces', sigv4: true, timeoutMillis: 10000 }
 * @see docs/xray.md#choosing-a-transport
 */
export interface ResolvedXRayOtlp {
  /** The full traces URL. */
  readonly url: string;
  /** Whether requests are SigV4-signed (service `xray`, in `config.xray.region`). */
  readonly sigv4: boolean;
  /** Deadline of one export, in ms. */
  readonly timeoutMillis: number;
}

/**
 * Collector mode as resolved (`config.collector`).
 *
 * @example
 * resolveConfig({ collector: {} }, {}).collector;
 * // { enabled: true, url: 'http://127.0.0.1:4318/v1/traces', headers: {}, timeoutMillis: 10000 }
 * @see docs/collector.md
 */
export interface ResolvedCollector {
  /** Whether spans go as one OTLP stream to a Collector (and Honeycomb and X-Ray export are off). */
  readonly enabled: boolean;
  /** The full traces URL. */
  readonly url: string;
  /** Every header sent. */
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline of one export, in ms. */
  readonly timeoutMillis: number;
}

/**
 * The result of `resolveConfig`: complete and validated, every default filled in; what `initTracing` builds the
 * provider from. The handle's `config` is this object with secrets redacted (`redactConfig`).
 *
 * @example
 * import { resolveConfig } from 'dualtrace';
 * const config = resolveConfig({ service: 'backend-flask' }, process.env);
 * console.log(config.serviceName, config.honeycomb.enabled, config.xray.daemonAddress.udp, config.warnings);
 * @see docs/configuration.md
 */
export interface ResolvedConfig {
  /** True when `disabled` / `OTEL_SDK_DISABLED` turned tracing off (`initTracing` returns a no-op handle). */
  readonly disabled: boolean;
  /** The dev switch was on: unset endpoints point at `dualtrace dev` (docs/dev.md). */
  readonly dev: boolean;
  /** Resource `service.name`; `unknown_service:node` when none was given (with a warning). */
  readonly serviceName: string;
  /** Resource `service.version`, if any. */
  readonly serviceVersion: string | undefined;
  /** Resource `deployment.environment.name`, if any. */
  readonly environment: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES` merged with the `resourceAttributes` option (options win per key). */
  readonly resourceAttributes: Readonly<Attributes>;
  /** Honeycomb export as resolved. */
  readonly honeycomb: ResolvedHoneycomb;
  /** X-Ray export as resolved. */
  readonly xray: ResolvedXRay;
  /** Collector mode as resolved. */
  readonly collector: ResolvedCollector;
  /** The sampling: the shared sampler and each backend's decision. */
  readonly sampler: SamplerConfig;
  /** Whether finished spans are also printed to stdout. */
  readonly console: boolean;
  /** Whether SIGTERM, SIGINT and `beforeExit` flush. */
  readonly flushOnExit: boolean;
  /** The level of the console `diag` logger (`'none'`: none installed). */
  readonly logLevel: LogLevel;
  /** Whether incoming requests are traced without adapters, and which outgoing calls are traced; every field filled in. */
  readonly instrumentation: Required<InstrumentationOptions>;
  /** Upper bound for `shutdown()`, `forceFlush()` and the exit flush, in ms. */
  readonly shutdownTimeoutMillis: number;
  /** Each backend's queue and batch settings, every field filled in. */
  readonly batch: Required<BatchOptions>;
  /** The span attribute limits the provider applies, every field filled in. */
  readonly spanLimits: Required<SpanLimitOptions>;
  /** Warnings found while resolving; `initTracing` logs each once. */
  readonly warnings: readonly string[];
}
