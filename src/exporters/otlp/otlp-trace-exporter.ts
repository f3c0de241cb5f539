import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { OutgoingHttpHeaders } from 'node:http';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { logger } from '../../diag/logger';
import { lossCause } from '../../diag/loss-cause';
import type { LossSink } from '../../diag/loss-reporter';
import { RateLimitedLog } from '../../diag/rate-limited-log';
import { USER_AGENT } from '../../http/user-agent';
import { errorCode, OtlpExportError } from './export-error';
import { HttpPoster, type HttpAnswer } from './http-poster';
import { InFlight, pause, settleBy, type Tracker } from './in-flight';
import { planRequests, type PlannedRequest, type RequestLimits } from './request-plan';
import { backoffMillis, isRetryableNetworkError, isRetryableStatus, MAX_RETRIES, parseRetryAfter } from './retry-policy';
import { decodeTraceExportResponse } from './trace-response';
import { TraceRequestEncoder } from './trace-request';

const gzipAsync = promisify(gzip);

/** What a request looks like when it is signed: the exact bytes sent and every header but the signature's own. */
export interface SignableRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Returns the headers to add to a request (SigV4: `authorization`, `x-amz-date`, …); called once per attempt. */
export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

export interface OtlpTraceExporterConfig {
  /** The backend's name in log lines (`honeycomb`, `xray`). */
  readonly backend: string;
  /** The full traces URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline of one export, all of it: every request of a split batch, every attempt and the waits between them. */
  readonly timeoutMillis: number;
  /** At most this many exports at once; more fail at once (spans dropped, counted): memory stays bounded. */
  readonly concurrencyLimit: number;
  readonly compression: 'gzip' | 'none';
  readonly limits: RequestLimits;
  readonly sign?: RequestSigner;
  /**
   * Where the exporter reports its deliveries and losses itself, per request and per cause: a 413 that costs one span,
   * a partial success or a span too large are not outages. With a sink every export answers SUCCESS (the losses are
   * reported); without one, an export that lost spans answers FAILED with an `OtlpExportError` (`droppedSpans`).
   */
  readonly loss?: LossSink;
  /** The log text for an export error (what happened and what to do, never a secret). */
  readonly describeError?: (error: unknown) => string;
  /**
   * Changes a span as this destination should see it (or returns it as it is), before it is encoded: Honeycomb
   * leaves out `aws.xray.annotations`, X-Ray's OTLP endpoint gets the keys to index listed there.
   */
  readonly adjust?: (span: ReadableSpan) => ReadableSpan;
}

interface Tally {
  lost: number;
  error?: Error;
}

/**
 * An OTLP/HTTP protobuf span exporter on dualtrace's own transport, shared by every OTLP destination (Honeycomb, X-Ray's
 * OTLP endpoint, a collector). Per export: the batch is encoded once (exporters/otlp/trace-request.ts), split to the
 * endpoint's limits, optionally gzipped and signed, and POSTed with retries on 429/502/503/504 and transient network
 * errors (`Retry-After` honoured, bounded backoff), all within one deadline. A 413 halves the request and tries each
 * half; only a span that is refused alone is dropped. Failures come back as `OtlpExportError`s (`code`: the HTTP status
 * or Node error code; `droppedSpans` when only part of the batch was lost) for the guarded exporter to count and log.
 *
 * At an exit bound the process owner calls `unrefInFlight()` (requests may finish but no longer hold the process) or
 * `abandon()` (everything in flight ends now, later exports fail at once).
 */
export class OtlpTraceExporter implements SpanExporter {
  private readonly encoder = new TraceRequestEncoder();
  private readonly url: URL;
  private readonly poster: HttpPoster;
  private readonly inFlight = new InFlight();
  private readonly exports = new Set<Promise<void>>();
  private readonly log = new RateLimitedLog(logger());
  private readonly baseHeaders: Record<string, string>;
  private closed = false;
  private abandoned: Error | undefined;

  constructor(private readonly config: OtlpTraceExporterConfig) {
    this.url = new URL(config.url);
    this.poster = new HttpPoster(this.url, config.concurrencyLimit);
    this.baseHeaders = {
      ...config.headers,
      'content-type': 'application/x-protobuf',
      // Last, over any configured `user-agent`: server tracing leaves requests with it untraced (http/user-agent).
      'user-agent': USER_AGENT,
      ...(config.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      const tally: Tally = { lost: 0 };
      this.lose(tally, this.abandoned ?? new OtlpExportError('the exporter is shut down', 'ESHUTDOWN'), spans.length, false);
      return this.report(resultCallback, tally);
    }
    if (this.exports.size >= this.config.concurrencyLimit) {
      const tally: Tally = { lost: 0 };
      const error = new OtlpExportError(`concurrent export limit reached (${this.config.concurrencyLimit} exports in flight)`, 'EBUSY');
      this.lose(tally, error, spans.length, true);
      return this.report(resultCallback, tally);
    }
    if (spans.length === 0) return this.report(resultCallback, { lost: 0 });
    // Synchronous on purpose: a span the encoder cannot take throws here, to the guarded exporter, which retries the
    // batch without it.
    const adjust = this.config.adjust;
    const plan = planRequests(adjust === undefined ? spans : spans.map(adjust), this.encoder, this.config.limits);
    if (plan.shrunk > 0) {
      this.log.warn(
        'shrunk',
        `${this.config.backend}: ${plan.shrunk} span(s) larger than ${this.config.limits.maxSpanBytes} bytes were shrunk to fit ` +
          '(long attribute values cut, listed in the span attribute dualtrace.truncated).',
      );
    }
    const tally: Tally = { lost: 0 };
    if (plan.tooLarge > 0) {
      const error = new OtlpExportError(`${plan.tooLarge} span(s) larger than ${this.config.limits.maxSpanBytes} bytes even without attributes`, 'TOO_LARGE');
      this.lose(tally, error, plan.tooLarge, false);
    }
    // Monotonic: a wall-clock step back must not stretch the export's bound, nor one forward end it at once.
    const deadline = performance.now() + this.config.timeoutMillis;
    const tracker = this.inFlight.forExport();
    const running: Promise<void> = this.sendAll(plan.requests, deadline, tally, tracker)
      .catch((error: unknown) => {
        // Not expected (every failure is an outcome), but a batch must never vanish uncounted.
        this.lose(tally, error instanceof Error ? error : new Error(String(error)), spans.length - tally.lost, true);
      })
      .then(() => {
        tracker.close();
        this.exports.delete(running); // the slot is free before the caller hears back, so it may export again at once
        this.report(resultCallback, tally);
      });
    this.exports.add(running);
  }

  /** Resolves when every export under way has settled (each is bounded by `timeoutMillis`). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.exports]);
  }

  /** Refuses new exports, waits for those under way (bounded), then closes the sockets. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.forceFlush();
    this.poster.close();
  }

  /**
   * Lets go of everything in flight: it may still finish, but it no longer keeps the process alive, and neither does
   * what those exports start later (a retry, the wait before it, the next request of a split batch).
   */
  unrefInFlight(): void {
    this.inFlight.unref();
  }

  /** Ends everything in flight now (those spans count as lost); nothing is sent after it, and later exports fail. */
  abandon(reason: string): void {
    this.closed = true;
    this.abandoned ??= new OtlpExportError(reason, 'ESHUTDOWN');
    this.inFlight.abort(this.abandoned);
    this.poster.close();
  }

  private async sendAll(requests: readonly PlannedRequest[], deadline: number, tally: Tally, tracker: Tracker): Promise<void> {
    for (const request of requests) await this.send(request, deadline, tally, tracker);
  }

  /** One planned request; on 413 its halves, recursively, so only a span refused alone is lost. */
  private async send(request: PlannedRequest, deadline: number, tally: Tally, tracker: Tracker): Promise<void> {
    const outcome = await this.deliver(request.body, deadline, tracker);
    if (outcome.answer !== undefined && outcome.answer.status < 300) {
      this.config.loss?.delivered();
      const rejected = rejectedSpans(outcome.answer.body);
      if (rejected !== undefined) {
        const error = new OtlpExportError(`the endpoint rejected ${rejected.count} span(s)${rejected.message ? `: ${rejected.message}` : ''}`, 'PARTIAL_SUCCESS');
        this.lose(tally, error, Math.min(rejected.count, request.spans.length), false);
      }
      return;
    }
    if (outcome.answer?.status === 413 && request.spans.length > 1) {
      const middle = Math.ceil(request.spans.length / 2);
      for (const half of [request.spans.slice(0, middle), request.spans.slice(middle)]) {
        await this.send({ spans: half, body: this.encoder.encode(half) }, deadline, tally, tracker);
      }
      return;
    }
    // A span refused in a request of its own is refused for what it is: the endpoint is not failing.
    this.lose(tally, outcome.error, request.spans.length, !(outcome.answer?.status === 413 && request.spans.length === 1));
  }

  /** Counts `count` lost spans on the export's tally and reports them to the loss sink, if there is one. */
  private lose(tally: Tally, error: Error, count: number, outage: boolean): void {
    if (count <= 0) return;
    tally.lost += count;
    tally.error = error;
    if (this.config.loss === undefined) return;
    const describe = this.config.describeError ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
    this.config.loss.lost(lossCause(error), count, `export failed: ${describe(error)}`, outage);
  }

  /** Calls back once: SUCCESS when there is a loss sink (losses were reported there) or nothing was lost. */
  private report(resultCallback: (result: ExportResult) => void, tally: Tally): void {
    let result: ExportResult = { code: ExportResultCode.SUCCESS };
    if (tally.lost > 0 && this.config.loss === undefined) {
      const error = new OtlpExportError(tally.error?.message ?? 'export failed', errorCode(tally.error) ?? 'EFAILED', tally.lost);
      if (tally.error instanceof OtlpExportError) error.body = tally.error.body;
      result = { code: ExportResultCode.FAILED, error };
    }
    try {
      resultCallback(result);
    } catch {
      // The caller's callback is not ours to fail.
    }
  }

  /** POSTs one body, retrying what is worth retrying while the deadline allows. */
  private async deliver(body: Buffer, deadline: number, tracker: Tracker): Promise<{ answer?: HttpAnswer; error: Error }> {
    const payload = this.config.compression === 'gzip' ? await gzipAsync(body) : body;
    for (let retry = 0; ; retry++) {
      if (this.abandoned) return { error: this.abandoned };
      let answer: HttpAnswer | undefined;
      let error: Error;
      try {
        answer = await this.poster.post(payload, await this.headersFor(payload, deadline, tracker), deadline, this.config.timeoutMillis, tracker);
        if (answer.status < 300) return { answer, error: new Error('unused') };
        error = httpError(answer);
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : new Error(String(thrown));
      }
      const retryable = answer !== undefined ? isRetryableStatus(answer.status) : isRetryableNetworkError(errorCode(error));
      if (!retryable || retry >= MAX_RETRIES || this.abandoned) return { answer, error };
      const wait = parseRetryAfter(answer?.headers['retry-after']) ?? backoffMillis(retry + 1);
      if (performance.now() + wait >= deadline) return { answer, error };
      if (!(await pause(wait, tracker))) return { answer, error: this.abandoned ?? error };
    }
  }

  /**
   * The request's headers, signed if there is a signer. Signing waits on the AWS credential chain, which can hang (a
   * `credential_process` that never exits, an STS or SSO endpoint that never answers: the SDK sets no deadline), so it
   * is bounded by the export's deadline like the request itself, and ended by `abandon()`.
   */
  private async headersFor(payload: Buffer, deadline: number, tracker: Tracker): Promise<OutgoingHttpHeaders> {
    const headers: Record<string, string> = { ...this.baseHeaders, 'content-length': String(payload.length) };
    if (this.config.sign === undefined) return headers;
    const late = (): Error => new Error(`the signer did not answer within the export's deadline (${this.config.timeoutMillis} ms)`);
    try {
      return { ...headers, ...(await settleBy(this.config.sign({ url: this.url, headers, body: payload }), deadline, tracker, late)) };
    } catch (error) {
      if (error === this.abandoned) throw error;
      throw Object.assign(new OtlpExportError(`could not sign the request: ${error instanceof Error ? error.message : String(error)}`, 'ESIGN'), { cause: error });
    }
  }
}

/** An HTTP error status as an error: `code` is the status; `body` keeps the start of the answer for the log's advice. */
function httpError(answer: HttpAnswer): OtlpExportError {
  const error = new OtlpExportError(`HTTP ${answer.status}`, answer.status);
  error.body = printable(answer.body);
  return error;
}

/** The first 300 characters of a body, printable ASCII only (it is logged). */
function printable(body: Buffer): string {
  return body.subarray(0, 600).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 300);
}

/** `rejected_spans` (and the message) of a partial success; `undefined` when everything was accepted or unreadable. */
function rejectedSpans(body: Buffer): { count: number; message?: string } | undefined {
  if (body.length === 0) return undefined;
  try {
    const partial = decodeTraceExportResponse(body).partialSuccess;
    if (!partial?.rejectedSpans) return undefined;
    return { count: partial.rejectedSpans, message: partial.errorMessage?.slice(0, 300) };
  } catch {
    return undefined; // Not a protobuf answer (some proxies answer 200 with text): the spans were accepted.
  }
}
