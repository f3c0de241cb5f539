import { context, propagation, trace } from '@opentelemetry/api';
import { logger } from '../diag/logger';
import type { ProviderParts } from './create-provider';
import { registeredDeferredProvider } from './deferred-provider';

/** Which OpenTelemetry globals a set-up registered (another SDK may have got there first). */
export interface Ownership {
  readonly trace: boolean;
  readonly context: boolean;
  readonly propagation: boolean;
}

/**
 * Registers provider, context manager and propagator, each on its own: what we did not register we must not
 * unregister. A provider `dualtrace/register` left while waiting is replaced, and forwards to this one from now on
 * (tracers the app took from it keep working).
 */
export function registerGlobals(parts: ProviderParts): Ownership {
  const contextManager = parts.contextManager.enable();
  const deferred = registeredDeferredProvider(trace.getTracerProvider());
  if (deferred !== undefined) {
    deferred.setDelegate(parts.provider);
    trace.disable();
  }
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
