/**
 * Decodes the `ExportTraceServiceResponse` an OTLP endpoint answers with, for the one thing the exporter uses it for:
 * a partial success (`rejected_spans`, `error_message`), which counts those spans as lost. Written here rather than
 * imported from `@opentelemetry/otlp-transformer`, so that dualtrace needs no transformer at run time.
 * A malformed body throws; the exporter then treats the answer as a plain success.
 */

export interface TracePartialSuccess {
  rejectedSpans?: number;
  errorMessage?: string;
}

export interface TraceExportResponse {
  partialSuccess?: TracePartialSuccess;
}

/** ExportTraceServiceResponse: partial_success = 1 (ExportTracePartialSuccess). */
export function decodeTraceExportResponse(data: Uint8Array): TraceExportResponse {
  const response: TraceExportResponse = {};
  readFields(data, (field, wireType, reader) => {
    if (field === 1 && wireType === 2) response.partialSuccess = decodePartialSuccess(reader.bytes());
    else reader.skip(wireType);
  });
  return response;
}

/** ExportTracePartialSuccess: rejected_spans = 1 (int64), error_message = 2 (string). */
function decodePartialSuccess(data: Uint8Array): TracePartialSuccess {
  const result: TracePartialSuccess = {};
  readFields(data, (field, wireType, reader) => {
    if (field === 1 && wireType === 0) result.rejectedSpans = reader.varint();
    else if (field === 2 && wireType === 2) result.errorMessage = Buffer.from(reader.bytes()).toString('utf8');
    else reader.skip(wireType);
  });
  return result;
}

function readFields(data: Uint8Array, onField: (field: number, wireType: number, reader: Reader) => void): void {
  const reader = new Reader(data);
  while (reader.pos < data.length) {
    const tag = reader.varint();
    onField(Math.floor(tag / 8), tag % 8, reader);
  }
}

class Reader {
  pos = 0;
  constructor(private readonly data: Uint8Array) {}

  /** A varint as a JS number (exact up to 2^53, which a span count never reaches). */
  varint(): number {
    let value = 0;
    for (let scale = 1; this.pos < this.data.length; scale *= 128) {
      const byte = this.data[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    throw new Error('OTLP response truncated inside a varint');
  }

  bytes(): Uint8Array {
    const length = this.varint();
    return this.data.subarray(this.pos, this.advance(length));
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.advance(this.varint());
    else if (wireType === 5) this.advance(4);
    else throw new Error(`OTLP response has an unsupported wire type ${wireType}`);
  }

  private advance(bytes: number): number {
    const end = this.pos + bytes;
    if (end > this.data.length) throw new Error('OTLP response truncated');
    this.pos = end;
    return end;
  }
}
