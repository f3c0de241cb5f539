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
import { HoneycombExporter } from '../exporters/honeycomb/honeycomb-exporter';
import { describeHoneycombError } from '../exporters/honeycomb/describe-error';
import { ReadableConsoleExporter } from '../exporters/console';
import { DaemonExporter } from '../exporters/xray';
import { BackendBatchProcessor } from './batch-processor';
import { DualtraceIdGenerator } from './id-generator';
import { DualtracePropagator } from './propagator';
import { createResource } from './resource';
import { DualtraceSampler } from './sampler';

export interface ProviderParts {
  readonly provider: BasicTracerProvider;
  readonly propagator: DualtracePropagator;
  readonly contextManager: AsyncLocalStorageContextManager;
  /** Spans ended so far (cheap counter used to decide whether `beforeExit` has anything to flush). */
  endedSpans(): number;
}

/**
 * Builds (but does not register) the provider from resolved configuration only: X-Ray-compatible ids, one sampler,
 * the resource, and one batching processor (queue) per backend, so a slow or failing backend never delays or drops
 * the other's spans.
 */
export function createProvider(config: ResolvedConfig): ProviderParts {
  const processors: SpanProcessor[] = [];
  // One loss reporter per backend: its queue, its guard and (X-Ray) its exporter count every lost span there.
  const add = (loss: LossReporter, exporter: SpanExporter, options: GuardOptions = {}): void => {
    const guarded = new GuardedExporter(loss.backend, exporter, { ...options, loss });
    processors.push(new BackendBatchProcessor(loss.backend, guarded, config.batch, loss));
  };

  if (config.honeycomb.enabled) {
    add(new LossReporter('honeycomb'), new HoneycombExporter(config.honeycomb), { describeError: describeHoneycombError });
  }
  if (config.xray.enabled) {
    const loss = new LossReporter('xray');
    add(loss, new DaemonExporter(config.xray, loss), { selfReporting: true });
  }
  if (config.console) add(new LossReporter('console'), new ReadableConsoleExporter());

  const counter = new EndCounter();
  processors.push(counter);

  const provider = new BasicTracerProvider({
    resource: createResource(config),
    sampler: new DualtraceSampler(config.sampler),
    idGenerator: new DualtraceIdGenerator(),
    spanProcessors: processors,
  });
  return {
    provider,
    propagator: new DualtracePropagator(),
    contextManager: new AsyncLocalStorageContextManager(),
    endedSpans: () => counter.ended,
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
