import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { disableServerInstrumentation, enableServerInstrumentation } from './adapters/zero-code';
import { environmentFor, ignoredOptions } from './config/ignored-options';
import { redactConfig } from './config/redact';
import { resolveConfig } from './config/resolve-config';
import type { DualtraceOptions, LogLevel, ResolvedConfig } from './config/types';
import { logger } from './diag/logger';
import { getTracing, markInitialised, runPendingStart, setPendingStart, setTracing, wasInitialised, type Tracing } from './handle';
import { disableOutgoingInstrumentation, enableOutgoingInstrumentation } from './instrument';
import { createProvider, type ProviderParts } from './provider/create-provider';
import { DeferredTracerProvider } from './provider/deferred-provider';
import { registerGlobals, type Ownership } from './provider/globals';
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

/**
 * @internal `initTracing` with its environment made explicit (tests). `trigger` is set when `dualtrace/register` starts
 * from the environment because something needed tracing before the app called initTracing ("a span", "a request").
 */
export function initTracingWith(options: DualtraceOptions | undefined, env: Env, trigger?: string): Tracing {
  const existing = getTracing();
  if (existing !== undefined) {
    warnIgnoredOnce(options, env);
    return existing;
  }
  // A waiting dualtrace/register gives way: these options (with the environment under them) are the ones used.
  setPendingStart(undefined);
  markInitialised();
  const config = resolveConfig(options, env);
  if (config.disabled) {
    disableServerInstrumentation();
    return disabledHandle(redactConfig(config));
  }

  installLogger(config.logLevel);
  for (const warning of config.warnings) logger().warn(warning);
  const parts = createProvider(config);
  const owns = registerGlobals(parts);
  enableOutgoingInstrumentation(config.instrumentation);
  if (config.instrumentation.server) enableServerInstrumentation();
  else disableServerInstrumentation();
  const handle = createHandle(config, parts, owns);
  setTracing(handle);
  setRunning({ config, trigger });
  return handle;
}

/**
 * What `dualtrace/register` does: check the environment's configuration now (a `ConfigError` stops start-up), install
 * the zero-code server hooks, and leave the rest until the app had its chance to call `initTracing(options)` in code,
 * which then wins. Without that call, tracing starts from the environment at the first request or the first span
 * started through the global API (the provider registered here calls back on it), whichever comes first.
 */
export function deferInitTracing(env: Env): void {
  if (getTracing() !== undefined || wasInitialised()) return;
  const config = resolveConfig(undefined, env);
  markInitialised();
  if (config.disabled) return;
  setPendingStart((why) => {
    setPendingStart(undefined);
    initTracingWith(undefined, env, why);
  });
  if (config.instrumentation.server) enableServerInstrumentation();
  trace.setGlobalTracerProvider(new DeferredTracerProvider(() => runPendingStart('a span')));
  if (config.logLevel === 'debug' || config.logLevel === 'verbose' || config.logLevel === 'all') {
    installLogger(config.logLevel);
    logger().debug(
      'dualtrace/register: server hooks installed; tracing starts with initTracing(options) if the app calls it, ' +
        'otherwise from the environment at the first request or span.',
    );
  }
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
      disableServerInstrumentation();
      await settleWithin(parts.provider.shutdown(), config.shutdownTimeoutMillis, 'shutdown', () =>
        parts.abandonExports(`abandoned at shutdown: not delivered within shutdownTimeoutMillis (${config.shutdownTimeoutMillis} ms)`),
      );
      if (getTracing() === handle) {
        setTracing(undefined);
        setRunning(undefined);
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

// The running set-up's unredacted configuration and how it started, for the warning below; on globalThis, as the
// handle is, since the app's initTracing may come from another bundle than the one register loaded.
const RUNNING = Symbol.for('dualtrace.running');
const WARNED = Symbol.for('dualtrace.warned-second-init');
interface Running {
  readonly config: ResolvedConfig;
  readonly trigger: string | undefined;
}
type RunningSlot = { [RUNNING]?: Running; [WARNED]?: true };

function setRunning(running: Running | undefined): void {
  const slot = globalThis as RunningSlot;
  if (running === undefined) delete slot[RUNNING];
  else slot[RUNNING] = running;
}

/** One warning per process for a later initTracing, naming exactly the options it could not apply. */
function warnIgnoredOnce(options: DualtraceOptions | undefined, env: Env): void {
  const slot = globalThis as RunningSlot;
  if (slot[WARNED]) return;
  const running = slot[RUNNING];
  let wanted: ResolvedConfig | undefined;
  try {
    wanted = resolveConfig(options, env);
  } catch {
    wanted = undefined; // Options that do not resolve are ignored all the same.
  }
  const ignored = running === undefined ? [] : ignoredOptions(options, wanted, running.config);
  if (running?.trigger !== undefined && ignored.length === 0) return; // register's set-up is what the code asked for
  slot[WARNED] = true;
  logger().warn(secondCallMessage(ignored, running?.trigger));
}

function secondCallMessage(ignored: readonly string[], trigger: string | undefined): string {
  if (ignored.length === 0) return 'initTracing was called again; returning the first handle. Call it once, at start-up.';
  const names = ignored.map((name) => `\`${name}\``).join(', ');
  const env = environmentFor(ignored);
  const orEnv = env.length > 0 ? `, or set ${env.join(', ')} in the environment` : '';
  if (trigger === undefined) {
    return `initTracing was called again; the first set-up is kept, so these options were ignored: ${names}. Call initTracing once, at start-up, with all of them${orEnv}.`;
  }
  return (
    `initTracing(options) came after dualtrace/register had already started tracing from the environment (${trigger} ` +
    `needed it first), so these options were ignored: ${names}. Call initTracing before the app starts spans or ` +
    `serves requests (at the top of the main module)${orEnv}. See docs/configuration.md#zero-code-start.`
  );
}
