import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { wantedBy } from '../trace/sampling-decision';

/**
 * Hands one backend's processor only the spans of traces that backend keeps (the `dt` decision each span carries; see
 * decision.ts), so its queue never holds, batches or exports the other backend's share. One trace-state lookup per
 * ended span; nothing when no decision is stated.
 */
export class BackendFilter implements SpanProcessor {
  constructor(
    private readonly backend: 'x' | 'h',
    readonly inner: SpanProcessor,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (wantedBy(span.spanContext(), this.backend)) this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
