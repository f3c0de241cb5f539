import { context } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { XRAY_ROOT_TRACE_ID } from './propagator';

/**
 * X-Ray-compatible ids: a new trace id starts with the current epoch second in 8 hex digits (so X-Ray accepts it and
 * Honeycomb sees an ordinary 32-hex id). When the active context carries a Root-only X-Ray header's trace id
 * (see `XRAY_ROOT_TRACE_ID`), the new root span joins that trace.
 */
export class DualtraceIdGenerator implements IdGenerator {
  private readonly inner = new AWSXRayIdGenerator();

  generateTraceId(): string {
    const root = context.active().getValue(XRAY_ROOT_TRACE_ID);
    return typeof root === 'string' ? root : this.inner.generateTraceId();
  }

  generateSpanId(): string {
    return this.inner.generateSpanId();
  }
}
