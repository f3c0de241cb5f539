import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TraceRequestEncoder } from './trace-request';
import { decodeTraceExportResponse, type TraceExportResponse } from './trace-response';

/** The shape of OpenTelemetry's `ISerializer<ReadableSpan[], IExportTraceServiceResponse>`, which the delegate takes. */
export interface TraceSerializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array;
  deserializeResponse(data: Uint8Array): TraceExportResponse;
}

/** A serializer with its own encoder (and so its own scratch buffer and resource cache): one per exporter. */
export function createTraceSerializer(): TraceSerializer {
  const encoder = new TraceRequestEncoder();
  return {
    serializeRequest: (spans) => encoder.encode(spans),
    deserializeResponse: decodeTraceExportResponse,
  };
}
