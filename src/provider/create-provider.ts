import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config/types';
import { LossReporter } from '../diag/loss-reporter';
import { GuardedExporter, type GuardOptions } from '../exporters/guarded-exporter';
import { createHoneycombExporter } from '../exporters/honeycomb/honeycomb-exporter';
import { describeHoneycombError } from '../exporters/honeycomb/describe-error';
import { ReadableConsoleExporter } from '../exporters/console';
import { DaemonExporter } from '../exporters/xray';
import { createCollectorExporter } from '../exporters/collector/collector-exporter';
import { describeCollectorError } from '../exporters/collector/describe-error';
import type { OtlpTraceExporter } from '../exporters/otlp';
import { describeXRayOtlpError } from '../exporters/xray/otlp/describe-error';
import { createXRayOtlpExporter } from '../exporters/xray/otlp/xray-otlp-exporter';
import { logger } from '../diag/logger';
import type { SamplingStatus } from '../trace/sampling-status';
import { BackendBatchProcessor } from './batch-processor';
import { BackendFilter } from './backend-filter';
import { DualtraceIdGenerator } from './id-generator';
import { DualtracePropagator } from './propagator';
import { createResource } from './resource';
import { DualtraceSampler } from './sampler';
import { samplingStatus } from './sampling-status';
import { serviceFacts } from './xray-sampling/request';
import { usesXRayRules, XRayRules } from './xray-sampling/xray-rules';

export interface ProviderParts {
  readonly provider: BasicTracerProvider;
  readonly propagator: DualtracePropagator;
  readonly contextManager: AsyncLocalStorageContextManager;
  /** Spans ended so far (cheap counter used to decide whether `beforeExit` has anything to flush). */
  endedSpans(): number;
  /**
   * Flushes every backend's queue. The provider's own `forceFlush()` arms a ref'd 30 s timer per processor, which
   * would hold an exiting process that long; this one leaves the bound to the caller.
   */
  forceFlush(): Promise<void>;
  /** At a flush's bound: requests still under way may finish, but no longer keep the process alive. */
  unrefExports(): void;
  /** At shutdown's bound: requests still under way end now (their spans are counted as lost). */
  abandonExports(reason: string): void;
  /** Sampling as it is now: rules, quotas, counts. */
  samplingStatus(): SamplingStatus;
  /** Stops X-Ray's sampling poller (part of shutdown). */
  stopSampling(): void;
}

/** An exporter with requests that can outlive a bound (the OTLP ones; the X-Ray daemon's UDP socket never holds). */
type HoldsRequests = Pick<OtlpTraceExporter, 'unrefInFlight' | 'abandon'>;

/**
 * Builds (but does not register) the provider from resolved configuration only: X-Ray-compatible ids, the sampler
 * (a decision per backend, X-Ray's rules started here when they are used), the resource, and one batching processor
 * (queue) per backend that receives only the spans of that backend's traces, so a slow or failing backend never
 * delays or drops the other's spans.
 */
export function createProvider(config: ResolvedConfig): ProviderParts {
  const processors: SpanProcessor[] = [];
  const both = config.honeycomb.enabled && config.xray.enabled;
  // One loss reporter per backend: its queue, its guard and (X-Ray) its exporter count every lost span there.
  const add = (loss: LossReporter, exporter: SpanExporter, options: GuardOptions = {}, backend?: 'x' | 'h'): void => {
    const guarded = new GuardedExporter(loss.backend, exporter, { ...options, loss });
    const processor = new BackendBatchProcessor(loss.backend, guarded, config.batch, loss);
    // Each backend's queue takes only its own traces; with one backend every recorded span is its own.
    processors.push(both && backend !== undefined ? new BackendFilter(backend, processor) : processor);
  };

  const holding: HoldsRequests[] = [];
  // The OTLP exporters report their own deliveries and losses (a 413 can cost one span of a batch, not all of it).
  const addOtlp = (loss: LossReporter, exporter: OtlpTraceExporter, describeError?: (e: unknown) => string, backend?: 'x' | 'h'): void => {
    holding.push(exporter);
    add(loss, exporter, { describeError, selfReporting: true }, backend);
  };
  if (config.collector.enabled) {
    const loss = new LossReporter('collector');
    addOtlp(loss, createCollectorExporter(config.collector, config.xray, loss), describeCollectorError);
  }
  if (config.honeycomb.enabled) {
    const loss = new LossReporter('honeycomb');
    addOtlp(loss, createHoneycombExporter(config.honeycomb, loss), describeHoneycombError, 'h');
  }
  if (config.xray.enabled && config.xray.otlp !== undefined) {
    const loss = new LossReporter('xray');
    addOtlp(loss, createXRayOtlpExporter({ ...config.xray, otlp: config.xray.otlp }, loss), describeXRayOtlpError, 'x');
  } else if (config.xray.enabled) {
    const loss = new LossReporter('xray');
    add(loss, new DaemonExporter(config.xray, loss), { selfReporting: true }, 'x');
  }
  if (config.console) add(new LossReporter('console'), new ReadableConsoleExporter());

  const counter = new EndCounter();
  processors.push(counter);

  // In collector mode the Collector sends to both backends: both decisions are made and written in each span's
  // tracestate (`dt`), and every span recorded for either goes to the Collector, which can route on it.
  const backends = { xray: config.xray.enabled || config.collector.enabled, honeycomb: config.honeycomb.enabled || config.collector.enabled };
  const resource = createResource(config);
  const x = config.sampler.xray;
  const rules = usesXRayRules(config) ? new XRayRules(x, serviceFacts(resource, config.xray), logger()).start() : undefined;
  const sampler = new DualtraceSampler(config.sampler, backends, rules);

  const provider = new BasicTracerProvider({
    resource,
    sampler,
    idGenerator: new DualtraceIdGenerator(),
    spanProcessors: processors,
    // Given in full, so the SDK does not read the limits from the environment itself: resolveConfig did.
    spanLimits: { ...config.spanLimits },
    // Bounds `provider.forceFlush()` called by the app itself (its timer is ref'd) as the handle's flush is bounded.
    forceFlushTimeoutMillis: config.shutdownTimeoutMillis,
  });
  return {
    provider,
    propagator: new DualtracePropagator(),
    contextManager: new AsyncLocalStorageContextManager(),
    endedSpans: () => counter.ended,
    forceFlush: async () => {
      await Promise.all(processors.map((processor) => processor.forceFlush()));
    },
    unrefExports: () => holding.forEach((exporter) => exporter.unrefInFlight()),
    abandonExports: (reason) => holding.forEach((exporter) => exporter.abandon(reason)),
    samplingStatus: () => samplingStatus(config, sampler.counts, rules),
    stopSampling: () => rules?.stop(),
  };
}

/** Counts ended spans: one increment per span, nothing else. */
class EndCounter implements SpanProcessor {
  ended = 0;
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(_span: ReadableSpan): void {
    this.ended++;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
