import {
  context,
  diag,
  DiagConsoleLogger,
  DiagLogLevel,
  propagation,
  ProxyTracerProvider,
  trace,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { resolveConfig } from './config/resolve-config';
import { redactConfig } from './config/redact';
import type { DualtraceOptions, LogLevel, ResolvedConfig } from './config/types';
import { logger } from './diag/logger';
import { createProvider, type XRayExporterFactory } from './provider/create-provider';
import { installExitHooks, settleWithin } from './provider/lifecycle';
import { createXRayExporter } from './exporters/xray/factory';
import { disableOutgoingInstrumentation, enableOutgoingInstrumentation } from './instrument';
import { VERSION } from './version';

/** What `initTracing` returns. */
export interface Tracing {
  /** A tracer named `dualtrace` for the app's own spans (`tracer.startActiveSpan(...)`). */
  readonly tracer: Tracer;
  /** The registered provider (a no-op one when tracing is disabled). */
  readonly provider: TracerProvider;
  /** The resolved configuration, secrets redacted (the Honeycomb key shows at most 4 characters). */
  readonly config: ResolvedConfig;
  /** False when `disabled` / `OTEL_SDK_DISABLED` made this a no-op handle. */
  readonly enabled: boolean;
  /** Sends everything pending to both backends; resolves within `shutdownTimeoutMillis`, never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes, stops both exporters and unregisters; idempotent, bounded by `shutdownTimeoutMillis`, never rejects. */
  shutdown(): Promise<void>;
}

// Kept on globalThis under a registered Symbol: each subpath bundle has its own module copies, but one process has one
// tracing setup.
const HANDLE = Symbol.for('dualtrace.handle');
type GlobalSlot = { [HANDLE]?: Tracing };

/**
 * Sets up tracing once, at start-up: one OpenTelemetry TracerProvider whose spans go to Honeycomb (OTLP/HTTP) and to
 * the AWS X-Ray daemon (UDP), with X-Ray-compatible trace ids and W3C + X-Ray propagation, registered globally.
 *
 * @param {DualtraceOptions} [options={}] every option also has an environment variable; options win
 * @returns the handle; a second call returns the first handle (and warns once)
 * @throws {ConfigError} when an option or environment variable cannot be used (the message names it and the fix)
 * @example
 * import { initTracing } from 'dualtrace';
 * const tracing = initTracing({ service: 'backend-flask', xrayUrl: '*4567-abc.ws-us89.gitpod.io*', honeycombKey: process.env.HONEYCOMB_API_KEY });
 * @see docs/configuration.md
 */
export function initTracing(options?: DualtraceOptions): Tracing {
  return initTracingWith(options, process.env, createXRayExporter);
}

/** @internal `initTracing` with its environment and X-Ray exporter factory made explicit (tests, collector mode). */
export function initTracingWith(
  options: DualtraceOptions | undefined,
  env: Readonly<Record<string, string | undefined>>,
  xrayFactory: XRayExporterFactory | undefined,
): Tracing {
  const slot = globalThis as GlobalSlot;
  const existing = slot[HANDLE];
  if (existing !== undefined) {
    warnSecondCallOnce();
    return existing;
  }
  const config = resolveConfig(options, env);
  const shown = redactConfig(config);
  if (config.disabled) return disabledHandle(shown);

  installLogger(config.logLevel);
  for (const warning of config.warnings) logger().warn(warning);

  const parts = createProvider(config, xrayFactory);
  const contextManager = parts.contextManager.enable();
  // Each registration on its own: what we did not register (another SDK got there first) we must not unregister.
  const owns = {
    trace: trace.setGlobalTracerProvider(parts.provider),
    context: context.setGlobalContextManager(contextManager),
    propagation: propagation.setGlobalPropagator(parts.propagator),
  };
  if (!owns.context) contextManager.disable();
  if (!owns.trace || !owns.context || !owns.propagation) {
    logger().error(
      'Another OpenTelemetry SDK is already registered globally (or two copies of @opentelemetry/api are loaded): ' +
        "spans from `trace.getTracer()` may not reach dualtrace. Call initTracing before anything else sets up OpenTelemetry.",
    );
  }

  enableOutgoingInstrumentation(config.instrumentation);

  let flushedAt = 0;
  const flush = (): Promise<void> => {
    flushedAt = parts.endedSpans();
    // Each backend's processor exports what is queued, waits for the batch in flight and flushes its exporter, so
    // "flushed" means delivered (what the Lambda wrapper relies on before a freeze), or the bound was hit.
    return settleWithin(parts.provider.forceFlush(), config.shutdownTimeoutMillis, 'flush');
  };
  let shutdownPromise: Promise<void> | undefined;
  let removeExitHooks: (() => void) | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      removeExitHooks?.();
      disableOutgoingInstrumentation();
      await settleWithin(parts.provider.shutdown(), config.shutdownTimeoutMillis, 'shutdown');
      if (slot[HANDLE] === handle) {
        delete slot[HANDLE];
        if (owns.trace) trace.disable();
        if (owns.propagation) propagation.disable();
        if (owns.context) context.disable();
      }
    })();
    return shutdownPromise;
  };

  const handle: Tracing = Object.freeze({
    tracer: parts.provider.getTracer('dualtrace', VERSION),
    provider: parts.provider,
    config: shown,
    enabled: true,
    forceFlush: () => (shutdownPromise ? shutdownPromise : flush()),
    shutdown,
  });
  if (config.flushOnExit) {
    removeExitHooks = installExitHooks({ flush, shutdown, hasUnflushedSpans: () => parts.endedSpans() !== flushedAt });
  }
  slot[HANDLE] = handle;
  return handle;
}

/**
 * The handle of the running `initTracing`, or `undefined` before it (or after `shutdown()`). Adapters use it to flush
 * (e.g. the Lambda wrapper before it returns); it works across subpath bundles because the handle lives on globalThis.
 */
export function getTracing(): Tracing | undefined {
  return (globalThis as GlobalSlot)[HANDLE];
}

function disabledHandle(config: ResolvedConfig): Tracing {
  const provider = new ProxyTracerProvider(); // Delegates to OTel's no-op tracer: nothing is recorded or registered.
  return Object.freeze({
    tracer: provider.getTracer('dualtrace', VERSION),
    provider,
    config,
    enabled: false,
    forceFlush: async () => {},
    shutdown: async () => {},
  });
}

const LEVELS: Record<Exclude<LogLevel, 'none'>, DiagLogLevel> = {
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function installLogger(level: LogLevel): void {
  if (level === 'none') return;
  diag.setLogger(new DiagConsoleLogger(), { logLevel: LEVELS[level], suppressOverrideMessage: true });
}

const WARNED = Symbol.for('dualtrace.warned-second-init');
function warnSecondCallOnce(): void {
  const g = globalThis as { [WARNED]?: boolean };
  if (g[WARNED]) return;
  g[WARNED] = true;
  logger().warn('initTracing was called again; returning the first handle. Call it once, at start-up.');
}
