import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTraceExportResponse } from './trace-response';

const hex = (s: string): Uint8Array => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('decodeTraceExportResponse', () => {
  it('should read an empty response (what Honeycomb answers) as no partial success', () => {
    expect(decodeTraceExportResponse(new Uint8Array())).toEqual({});
  });

  it('should read rejected_spans and error_message of a partial success', () => {
    // partial_success { rejected_spans: 3, error_message: "bad" }
    expect(decodeTraceExportResponse(hex('0a07 0803 1203 626164'))).toEqual({ partialSuccess: { rejectedSpans: 3, errorMessage: 'bad' } });
  });

  it('should skip unknown fields of every wire type', () => {
    // field 2 varint, field 3 fixed64, field 4 bytes, field 5 fixed32, then partial_success {}
    expect(decodeTraceExportResponse(hex('1001 19 0102030405060708 2202 aabb 2d 01020304 0a00'))).toEqual({ partialSuccess: {} });
  });

  it('should throw on a truncated body, which the export delegate logs without failing the export', () => {
    expect(() => decodeTraceExportResponse(hex('0a07 0803'))).toThrow(/truncated/);
    expect(() => decodeTraceExportResponse(hex('0a'))).toThrow(/truncated/);
  });

  it('should read what OpenTelemetry reads for any partial success', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (rejected, message) => {
        const text = Buffer.from(message);
        const inner = Buffer.concat([Buffer.from([0x08]), varint(rejected), Buffer.from([0x12]), varint(text.length), text]);
        const body = Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]);
        expect(decodeTraceExportResponse(body)).toEqual(ProtobufTraceSerializer.deserializeResponse(body));
      }),
    );
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  for (; value > 0x7f; value = Math.floor(value / 128)) bytes.push((value % 128) | 0x80);
  bytes.push(value);
  return Buffer.from(bytes);
}
