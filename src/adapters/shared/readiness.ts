import { trace, type ProxyTracerProvider, type TracerProvider } from '@opentelemetry/api';
import { runPendingStart, wasInitialised } from '../../handle';

const WARNED = Symbol.for('dualtrace.warned-not-initialised');

/** The code of the warning below, for `process.on('warning')` filters. */
export const NOT_INITIALISED_WARNING_CODE = 'DUALTRACE_NOT_INITIALISED';

/**
 * Called for each request until tracing is known to be set up. Starts a waiting `dualtrace/register` first (so the
 * global propagator is in place before this request's headers are read), and warns once per process when nothing
 * would record the span: an adapter without initTracing is the quietest way to trace nothing.
 *
 * @returns true once there is no need to ask again
 */
export function ensureTracingReady(adapter: string, explicitProvider: TracerProvider | undefined): boolean {
  runPendingStart('a request');
  if (explicitProvider !== undefined || wasInitialised()) return true;
  const global = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  // The API's global provider is a proxy: without a registered SDK it has no delegate tracer. Another SDK registered
  // by the app counts as ready.
  if (typeof global.getDelegateTracer !== 'function' || global.getDelegateTracer('dualtrace') !== undefined) return true;
  warnOnce(adapter);
  return false;
}

function warnOnce(adapter: string): void {
  const slot = globalThis as { [WARNED]?: true };
  if (slot[WARNED]) return;
  slot[WARNED] = true;
  try {
    // diag has no logger before initTracing installs one, so this goes through Node's own warnings (stderr).
    process.emitWarning(
      `dualtrace/${adapter} saw a request, but tracing was never initialised, so nothing is recorded. Call ` +
        "initTracing() from 'dualtrace' before the app serves requests, or start node with --import dualtrace/register " +
        '(--require for CommonJS). See docs/configuration.md#zero-code-start in the dualtrace package.',
      { code: NOT_INITIALISED_WARNING_CODE },
    );
  } catch {
    // Never let a warning reach the request.
  }
}
