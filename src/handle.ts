import type { Tracer, TracerProvider } from '@opentelemetry/api';
import type { ResolvedConfig } from './config/types';
import type { SamplingStatus } from './trace/sampling-status';

/**
 * The handle `initTracing` returns (and `getTracing()` gives back later): the tracer for the app's own spans, the
 * registered provider, the resolved configuration with secrets redacted, and bounded `forceFlush()`/`shutdown()`.
 *
 * @example
 * import { initTracing, type Tracing } from 'dualtrace';
 * const tracing: Tracing = initTracing({ service: 'backend-flask' });
 * await tracing.tracer.startActiveSpan('warm cache', async (span) => {
 *   await warmCache();
 *   span.end();
 * });
 * await tracing.shutdown(); // before a short-lived script exits
 * @see docs/api.md
 */
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
  /** Sampling as it is now: each backend's set-up, the X-Ray rules in use with quotas and counts (docs/sampling.md). */
  samplingStatus(): SamplingStatus;
}

// Kept on globalThis under a registered Symbol: each subpath bundle (dualtrace/lambda, …) has its own copy of this
// module, but one process has one tracing set-up.
const HANDLE = Symbol.for('dualtrace.handle');
type GlobalSlot = { [HANDLE]?: Tracing };

/**
 * The handle of the running `initTracing`, or `undefined` before it (or after `shutdown()`). Adapters use it to flush
 * (the Lambda wrapper before it returns); it works across subpath bundles because the handle lives on globalThis.
 *
 * @example
 * import { getTracing } from 'dualtrace';
 * await getTracing()?.forceFlush();
 * @see docs/api.md
 */
export function getTracing(): Tracing | undefined {
  return (globalThis as GlobalSlot)[HANDLE];
}

/** @internal Stores (or, with `undefined`, clears) the process-wide handle. */
export function setTracing(handle: Tracing | undefined): void {
  const slot = globalThis as GlobalSlot;
  if (handle === undefined) delete slot[HANDLE];
  else slot[HANDLE] = handle;
}

/**
 * Sampling as it is now, for the running `initTracing` (`undefined` before it or after `shutdown()`): each backend's
 * set-up, which X-Ray rules decide (the service's, or the local ones until they arrive), every rule's quota and
 * counts, and how many traces each backend kept.
 *
 * @example
 * import { getSamplingStatus } from 'dualtrace';
 * const status = getSamplingStatus();
 * for (const rule of status?.xray.rules ?? []) console.log(rule.name, rule.quota, `${rule.sampled}/${rule.requests}`);
 * @see docs/sampling.md#status
 */
export function getSamplingStatus(): SamplingStatus | undefined {
  return getTracing()?.samplingStatus();
}

// `dualtrace/register` defers its set-up until the app had its chance to call initTracing (see init-tracing.ts); what
// starts it from the environment waits here. On globalThis for the same reason as the handle: `--require` loads the
// CommonJS bundle, the app may import the ESM one.
const PENDING = Symbol.for('dualtrace.pending-start');
const INITIALISED = Symbol.for('dualtrace.initialised');
type PendingSlot = { [PENDING]?: (trigger: string) => void; [INITIALISED]?: true };

/** @internal Stores (or, with `undefined`, clears) the deferred start of `dualtrace/register`. */
export function setPendingStart(start: ((trigger: string) => void) | undefined): void {
  const slot = globalThis as PendingSlot;
  if (start === undefined) delete slot[PENDING];
  else slot[PENDING] = start;
}

/**
 * @internal Starts tracing now if `dualtrace/register` is waiting for it (`trigger` says why, e.g. "a request"): called
 * before anything reads the global propagator or tracer. One property lookup when nothing waits.
 */
export function runPendingStart(trigger: string): void {
  const start = (globalThis as PendingSlot)[PENDING];
  if (start !== undefined) start(trigger);
}

/** @internal Records that initTracing (or dualtrace/register) ran, even when tracing is disabled. */
export function markInitialised(): void {
  (globalThis as PendingSlot)[INITIALISED] = true;
}

/** @internal Whether initTracing or dualtrace/register ever ran in this process. */
export function wasInitialised(): boolean {
  return (globalThis as PendingSlot)[INITIALISED] === true;
}
