/**
 * Turns one batch of spans into the OTLP requests that carry it within an endpoint's limits: at most
 * `maxRequestSpans` spans and `maxRequestBytes` bytes (uncompressed) per request, no span over `maxSpanBytes` (shrunk
 * to fit, or dropped and counted if even its skeleton is larger). The common batch fits as it is and costs one
 * encoding (which also finds its largest span); only a batch over a limit is measured span by span.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { shrinkSpan } from './shrink-span';
import type { TraceRequestEncoder } from './trace-request';

export interface RequestLimits {
  /** Largest request body before compression, in bytes. */
  readonly maxRequestBytes: number;
  /** Most spans in one request. */
  readonly maxRequestSpans: number;
  /** Largest encoded span; larger ones are shrunk. */
  readonly maxSpanBytes: number;
}

export interface PlannedRequest {
  readonly spans: readonly ReadableSpan[];
  /** The encoded `ExportTraceServiceRequest`. */
  readonly body: Buffer;
}

export interface RequestPlan {
  readonly requests: PlannedRequest[];
  /** Spans cut down to `maxSpanBytes` (attribute values, events, links; listed in `dualtrace.truncated`). */
  readonly shrunk: number;
  /** Spans dropped because not even their skeleton fits `maxSpanBytes`. */
  readonly tooLarge: number;
}

/**
 * Room kept in each request for what is not spans (the resource, the scopes and their framing) when spans are
 * grouped by their measured sizes; a request that still comes out too large is halved.
 */
const FRAMING_RESERVE_BYTES = 16 * 1024;

/** Encodes `spans` into one or more requests within `limits`. Throws what the encoder throws (malformed spans). */
export function planRequests(spans: readonly ReadableSpan[], encoder: TraceRequestEncoder, limits: RequestLimits): RequestPlan {
  const body = encoder.encode(spans);
  const fitsWhole = spans.length <= limits.maxRequestSpans && body.length <= limits.maxRequestBytes;
  if (fitsWhole && encoder.largestSpanBytes <= limits.maxSpanBytes) return { requests: [{ spans, body }], shrunk: 0, tooLarge: 0 };

  let shrunk = 0;
  let tooLarge = 0;
  const kept: ReadableSpan[] = [];
  const sizes: number[] = [];
  for (const span of spans) {
    let size = encoder.measureSpan(span);
    let sent = span;
    if (size > limits.maxSpanBytes) {
      const small = shrinkSpan(span, limits.maxSpanBytes, (s) => encoder.measureSpan(s));
      if (small === undefined) {
        tooLarge++;
        continue;
      }
      sent = small;
      size = encoder.measureSpan(small);
      shrunk++;
    }
    kept.push(sent);
    sizes.push(size);
  }
  if (fitsWhole && shrunk === 0 && tooLarge === 0) return { requests: [{ spans, body }], shrunk, tooLarge };

  const requests: PlannedRequest[] = [];
  const budget = Math.max(1, limits.maxRequestBytes - FRAMING_RESERVE_BYTES);
  let start = 0;
  let bytes = 0;
  for (let i = 0; i <= kept.length; i++) {
    const full = i === kept.length || (i > start && (i - start >= limits.maxRequestSpans || bytes + sizes[i]! > budget));
    if (full && i > start) {
      encodeWithin(kept.slice(start, i), encoder, limits.maxRequestBytes, requests);
      start = i;
      bytes = 0;
    }
    if (i < kept.length) bytes += sizes[i]!;
  }
  return { requests, shrunk, tooLarge };
}

/** Encodes `spans` as one request, or halves them until each half fits (a lone span always goes as it is). */
function encodeWithin(spans: readonly ReadableSpan[], encoder: TraceRequestEncoder, maxBytes: number, out: PlannedRequest[]): void {
  const body = encoder.encode(spans);
  if (body.length <= maxBytes || spans.length === 1) {
    out.push({ spans, body });
    return;
  }
  const middle = Math.ceil(spans.length / 2);
  encodeWithin(spans.slice(0, middle), encoder, maxBytes, out);
  encodeWithin(spans.slice(middle), encoder, maxBytes, out);
}
