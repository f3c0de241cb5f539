import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { redactConfig } from './config/redact';
import { resolveConfig } from './config/resolve-config';
import type { DualtraceOptions, LogLevel, ResolvedConfig } from './config/types';
import { logger } from './diag/logger';
import { getTracing, setTracing, type Tracing } from './handle';
import { disableOutgoingInstrumentation, enableOutgoingInstrumentation } from './instrument';
import { createProvider, type ProviderParts } from './provider/create-provider';
import { installExitHooks, settleWithin } from './provider/lifecycle';
import { samplingStatus } from './provider/sampling-status';
import { VERSION } from './version';

type Env = Readonly<Record<string, string | undefined>>;

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
  return initTracingWith(options, process.env);
}

/** @internal `initTracing` with its environment made explicit (tests). */
export function initTracingWith(options: DualtraceOptions | undefined, env: Env): Tracing {
  const existing = getTracing();
  if (existing !== undefined) {
    warnSecondCallOnce();
    return existing;
  }
  const config = resolveConfig(options, env);
  if (config.disabled) return disabledHandle(redactConfig(config));

  installLogger(config.logLevel);
  for (const warning of config.warnings) logger().warn(warning);
  const parts = createProvider(config);
  const owns = registerGlobals(parts);
  enableOutgoingInstrumentation(config.instrumentation);
  const handle = createHandle(config, parts, owns);
  setTracing(handle);
  return handle;
}

/** Which OpenTelemetry globals this set-up registered (another SDK may have got there first). */
interface Ownership {
  readonly trace: boolean;
  readonly context: boolean;
  readonly propagation: boolean;
}

/** Registers provider, context manager and propagator, each on its own: what we did not register we must not unregister. */
function registerGlobals(parts: ProviderParts): Ownership {
  const contextManager = parts.contextManager.enable();
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
  return owns;
}

/** The handle: bounded flush and an idempotent shutdown that unregisters what it registered, plus the exit hooks. */
function createHandle(config: ResolvedConfig, parts: ProviderParts, owns: Ownership): Tracing {
  let flushedAt = 0;
  const flush = (): Promise<void> => {
    flushedAt = parts.endedSpans();
    // Each backend's processor exports what is queued, waits for the batch in flight and flushes its exporter, so
    // "flushed" means delivered (what the Lambda wrapper relies on before a freeze), or the bound was hit.
    return settleWithin(parts.forceFlush(), config.shutdownTimeoutMillis, 'flush', parts.unrefExports);
  };
  let shutdownPromise: Promise<void> | undefined;
  let removeExitHooks: (() => void) | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      removeExitHooks?.();
      disableOutgoingInstrumentation();
      parts.stopSampling();
      await settleWithin(parts.provider.shutdown(), config.shutdownTimeoutMillis, 'shutdown', () =>
        parts.abandonExports(`abandoned at shutdown: not delivered within shutdownTimeoutMillis (${config.shutdownTimeoutMillis} ms)`),
      );
      if (getTracing() === handle) {
        setTracing(undefined);
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
    config: redactConfig(config),
    enabled: true,
    forceFlush: () => (shutdownPromise ? shutdownPromise : flush()),
    shutdown,
    samplingStatus: () => parts.samplingStatus(),
  });
  if (config.flushOnExit) {
    removeExitHooks = installExitHooks({ flush, shutdown, hasUnflushedSpans: () => parts.endedSpans() !== flushedAt });
  }
  return handle;
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
    samplingStatus: () => samplingStatus({ ...config, honeycomb: { ...config.honeycomb, enabled: false }, xray: { ...config.xray, enabled: false } }, { decided: 0, xray: 0, honeycomb: 0 }, undefined),
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
