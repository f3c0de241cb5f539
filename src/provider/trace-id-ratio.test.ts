import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ratioBound, traceIdBucket } from './trace-id-ratio';

describe('traceIdBucket', () => {
  it("should keep exactly the traces OpenTelemetry's TraceIdRatioBasedSampler keeps, at any ratio", () => {
    for (const ratio of [0.01, 0.05, 0.1, 1 / 3, 0.5, 0.99]) {
      const otel = new TraceIdRatioBasedSampler(ratio);
      for (let i = 0; i < 500; i++) {
        const id = randomBytes(16).toString('hex');
        const ours = traceIdBucket(id) < ratioBound(ratio);
        expect(ours).toBe(otel.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED);
      }
    }
  });

  it('should read upper-case hex as OpenTelemetry does', () => {
    const id = 'ABCDEF0123456789abcdef0123456789';
    expect(traceIdBucket(id)).toBe(traceIdBucket(id.toLowerCase()));
  });
});
