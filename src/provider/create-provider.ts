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
import { GuardedExporter } from '../exporters/guarded-exporter';
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
  const add = (name: string, exporter: SpanExporter, describe?: (e: unknown) => string): void => {
    processors.push(new BackendBatchProcessor(name, new GuardedExporter(name, exporter, describe), config.batch));
  };

  if (config.honeycomb.enabled) add('honeycomb', new HoneycombExporter(config.honeycomb), describeHoneycombError);
  if (config.xray.enabled) add('xray', new DaemonExporter(config.xray));
  if (config.console) add('console', new ReadableConsoleExporter());

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
