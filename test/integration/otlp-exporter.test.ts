/**
 * dualtrace's OTLP/HTTP transport and exporter against a real receiver on loopback: retries and Retry-After, the
 * whole-request deadline, 413 splitting, byte limits, partial success, gzip, the signing hook, the concurrency limit,
 * and letting go of requests at an exit bound.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtlpTraceExporter, type OtlpTraceExporterConfig } from '../../src/exporters/otlp';
import { makeSpan } from '../helpers/otlp-encoder';
import { OtlpSink, type SinkAnswer } from '../helpers/otlp-sink';
import { fakeWallClock, HOUR, restoreWallClock, stepWallClock } from '../helpers/wall-clock';

const spanId = (i: number): string => i.toString(16).padStart(16, '0');
function spans(n: number, attributes = {}): ReadableSpan[] {
  return Array.from({ length: n }, (_, i) =>
    makeSpan({ name: `span ${i}`, context: { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7e', spanId: spanId(i + 1), traceFlags: 1 }, attributes }),
  );
}

function exportOnce(exporter: OtlpTraceExporter, batch: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(batch, resolve));
}

/** An ExportTraceServiceResponse with partial_success { rejected_spans, error_message }. */
function partialSuccess(rejected: number, message: string): Buffer {
  const text = Buffer.from(message);
  const inner = Buffer.concat([Buffer.from([0x08, rejected, 0x12, text.length]), text]);
  return Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
}

describe('OtlpTraceExporter', () => {
  let sink: OtlpSink;
  let exporter: OtlpTraceExporter | undefined;
  const make = (config: Partial<OtlpTraceExporterConfig> = {}): OtlpTraceExporter => {
    exporter = new OtlpTraceExporter({
      backend: 'test',
      url: `${sink.url}/v1/traces`,
      headers: { 'x-test': 'yes' },
      timeoutMillis: 2_000,
      concurrencyLimit: 4,
      compression: 'none',
      limits: { maxRequestBytes: 5_000_000, maxRequestSpans: 10_000, maxSpanBytes: 1_000_000 },
      ...config,
    });
    return exporter;
  };

  beforeEach(async () => {
    sink = await new OtlpSink().start();
  });
  afterEach(async () => {
    restoreWallClock();
    exporter?.abandon('test over');
    exporter = undefined;
    await sink.close();
  });

  it('should POST protobuf with the configured headers and report success', async () => {
    const result = await exportOnce(make(), spans(3));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]!.path).toBe('/v1/traces');
    expect(sink.requests[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(sink.requests[0]!.headers['x-test']).toBe('yes');
    expect(sink.requests[0]!.headers['user-agent']).toMatch(/^dualtrace\//);
    expect(sink.spans.map((s) => s.name)).toEqual(['span 0', 'span 1', 'span 2']);
  });

  it('should retry 503 and honour Retry-After given in seconds', async () => {
    let calls = 0;
    sink.respond = () => (++calls === 1 ? { status: 503, headers: { 'retry-after': '0' } } : 200);
    const result = await exportOnce(make(), spans(2));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(sink.requests).toHaveLength(2);
  });

  it('should honour Retry-After given as an HTTP-date', async () => {
    let calls = 0;
    sink.respond = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': new Date(Date.now() - 1_000).toUTCString() } } : 200);
    expect((await exportOnce(make(), spans(2))).code).toBe(ExportResultCode.SUCCESS);
    expect(sink.requests).toHaveLength(2);
  });

  it('should not retry when Retry-After lies past the deadline, and say the status', async () => {
    sink.respond = () => ({ status: 429, headers: { 'retry-after': '60' } });
    const result = await exportOnce(make(), spans(2));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 429, droppedSpans: 2 });
    expect(sink.requests).toHaveLength(1);
  });

  it('should not retry a status that is final (400, 401, 403, 500)', async () => {
    for (const status of [400, 401, 403, 500]) {
      sink.requests.length = 0;
      sink.respond = () => ({ status, body: `{"message":"refused ${status}"}` });
      const result = await exportOnce(make(), spans(1));
      expect(result.error).toMatchObject({ code: status, body: `{"message":"refused ${status}"}` });
      expect(sink.requests).toHaveLength(1);
    }
  });

  it('should end a trickled answer at the deadline, free its slot, and succeed once the peer answers', async () => {
    sink.respond = () => 'trickle';
    const trickling = make({ timeoutMillis: 300, concurrencyLimit: 1 });
    const result = await exportOnce(trickling, spans(1));
    expect(result.error).toMatchObject({ code: 'ETIMEDOUT' });
    sink.respond = () => 200;
    expect((await exportOnce(trickling, spans(1))).code).toBe(ExportResultCode.SUCCESS); // the one slot is free again
  });

  it('should split a batch refused with 413 and drop only the span refused alone', async () => {
    sink.respond = (req) => (req.bytes > 3_000 ? 413 : 200);
    const batch = [...spans(40), makeSpan({ name: 'alone too big', attributes: { blob: 'b'.repeat(4_000) } })];
    const result = await exportOnce(make(), batch);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 413, droppedSpans: 1 });
    const accepted = sink.requests.filter((r) => r.bytes <= 3_000).flatMap((r) => r.spans.map((s) => s.name));
    expect(accepted.sort()).toEqual(batch.slice(0, 40).map((s) => s.name).sort()); // each once
  });

  it('should keep every request within maxRequestBytes and maxRequestSpans', async () => {
    const batch = spans(100, { note: 'n'.repeat(500) });
    const result = await exportOnce(make({ limits: { maxRequestBytes: 20_000, maxRequestSpans: 30, maxSpanBytes: 20_000 } }), batch);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(sink.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of sink.requests) {
      expect(request.bytes).toBeLessThanOrEqual(20_000);
      expect(request.spans.length).toBeLessThanOrEqual(30);
    }
    expect(sink.spans).toHaveLength(100);
  });

  it('should count spans a partial success rejected', async () => {
    sink.respond = () => ({ status: 200, body: partialSuccess(2, 'timestamps too old') });
    const result = await exportOnce(make(), spans(5));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 'PARTIAL_SUCCESS', droppedSpans: 2, message: 'the endpoint rejected 2 span(s): timestamps too old' });
  });

  it('should gzip the body and sign exactly the bytes it sends', async () => {
    const signed: Buffer[] = [];
    const gzipped = make({
      compression: 'gzip',
      sign: async ({ body, headers }) => {
        signed.push(body);
        expect(headers['content-encoding']).toBe('gzip');
        return { authorization: `test ${body.length}` };
      },
    });
    expect((await exportOnce(gzipped, spans(20))).code).toBe(ExportResultCode.SUCCESS);
    const request = sink.requests[0]!;
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers.authorization).toBe(`test ${request.bytes}`);
    expect(signed[0]!.length).toBe(request.bytes);
    expect(request.spans).toHaveLength(20);
  });

  it('should fail an export whose signing fails, without sending it', async () => {
    const result = await exportOnce(make({ sign: () => Promise.reject(new Error('no credentials')) }), spans(1));
    expect(result.error).toMatchObject({ code: 'ESIGN', message: 'could not sign the request: no credentials' });
    expect(sink.requests).toHaveLength(0);
  });

  // The AWS credential chain sets no deadline of its own (a credential_process that never exits, an STS endpoint that
  // never answers): the signature is bounded by the export's deadline, so the export ends and frees its slot.
  it('should end an export whose signer never answers at the deadline, free its slot, and send nothing unsigned', async () => {
    const stuck = make({ timeoutMillis: 300, concurrencyLimit: 1, sign: () => new Promise(() => undefined) });
    const first = await exportOnce(stuck, spans(2));
    expect(first.error).toMatchObject({ code: 'ESIGN', droppedSpans: 2 });
    expect((first.error as Error).message).toMatch(/could not sign the request: the signer did not answer within the export's deadline \(300 ms\)/);
    expect((await exportOnce(stuck, spans(1))).error).toMatchObject({ code: 'ESIGN' }); // not EBUSY: the one slot is free
    await stuck.forceFlush(); // nothing left under way
    expect(sink.requests).toHaveLength(0);
  });

  // The deadline is on a monotonic clock. On the wall clock, a step back of an hour during an export stretched its
  // bound by an hour (the retry's request, or its signature, waited for the clock to catch up), and a step forward
  // ended it at once. Each test steps the clock while the first request is answered, then the retry plays out.
  describe('when the wall clock steps during an export', () => {
    /** The first request is answered 503 (retry at once) as the clock steps by `step`; later ones as `then` says. */
    const stepOnFirstAnswer = (step: number, then: () => SinkAnswer): void => {
      fakeWallClock();
      sink.respond = () => {
        if (sink.requests.length > 1) return then();
        stepWallClock(step);
        return { status: 503, headers: { 'retry-after': '0' } };
      };
    };

    it('should end a retry that hangs at the deadline when the clock steps back an hour', { timeout: 10_000 }, async () => {
      stepOnFirstAnswer(-HOUR, () => 'hang');
      const result = await exportOnce(make({ timeoutMillis: 400 }), spans(2));
      expect(result.error).toMatchObject({ code: 'ETIMEDOUT', droppedSpans: 2 });
      expect(sink.requests).toHaveLength(2);
    });

    it('should end a retry whose signer never answers at the deadline when the clock steps back an hour', { timeout: 10_000 }, async () => {
      stepOnFirstAnswer(-HOUR, () => 200);
      let signatures = 0;
      // The first signature takes a moment, as a credential lookup does; the retry's never comes.
      const signer = (): Promise<Record<string, string>> =>
        new Promise((resolve) => {
          if (++signatures === 1) setTimeout(() => resolve({ authorization: 'test' }), 50);
        });
      const result = await exportOnce(make({ timeoutMillis: 400, sign: signer }), spans(2));
      expect(result.error).toMatchObject({ code: 'ESIGN', droppedSpans: 2 });
      expect(sink.requests).toHaveLength(1); // the retry was never sent unsigned
    });

    it('should still retry within the deadline when the clock steps forward an hour', { timeout: 10_000 }, async () => {
      stepOnFirstAnswer(HOUR, () => 200);
      const result = await exportOnce(make({ timeoutMillis: 2_000 }), spans(2));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(sink.requests).toHaveLength(2);
    });
  });

  it('should fail fast beyond the concurrency limit', async () => {
    sink.respond = () => 'hang';
    const limited = make({ concurrencyLimit: 2, timeoutMillis: 10_000 });
    const hanging = [exportOnce(limited, spans(1)), exportOnce(limited, spans(1))];
    const third = await exportOnce(limited, spans(1));
    expect(third.error).toMatchObject({ code: 'EBUSY' });
    limited.abandon('test over');
    expect((await Promise.all(hanging)).map((r) => (r.error as { code?: unknown }).code)).toEqual(['ESHUTDOWN', 'ESHUTDOWN']);
    expect((await exportOnce(limited, spans(1))).error).toMatchObject({ code: 'ESHUTDOWN' }); // and stays shut
  });

  it('should send nothing once abandoned, not even a request whose signing was under way', async () => {
    let finishSigning: (() => void) | undefined;
    const signing = make({ sign: () => new Promise((resolve) => (finishSigning = () => resolve({ authorization: 'test' }))) });
    const result = exportOnce(signing, spans(2));
    expect(finishSigning).toBeDefined(); // the export waits for its signature
    signing.abandon('abandoned at shutdown');
    finishSigning!();
    expect((await result).error).toMatchObject({ code: 'ESHUTDOWN', droppedSpans: 2 });
    expect(sink.requests).toHaveLength(0);
  });

  it('should let shutdown() wait for exports under way, then refuse new ones', async () => {
    const closing = make();
    const running = exportOnce(closing, spans(3));
    await closing.shutdown();
    expect((await running).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOnce(closing, spans(1))).error).toMatchObject({ code: 'ESHUTDOWN' });
  });
});
