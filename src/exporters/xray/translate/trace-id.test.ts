import { describe, expect, it } from 'vitest';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { createTraceIdConverter, toXRaySpanId, toXRayTraceId } from './trace-id';
import { toEpochSeconds } from './time';

describe('toXRayTraceId', () => {
  it('should convert the collector README example', () => {
    expect(toXRayTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('1-4bf92f35-77b34da6a3ce929d0e0e4736');
  });

  it('should keep ids from the AWS X-Ray id generator intact', () => {
    const id = new AWSXRayIdGenerator().generateTraceId();
    expect(toXRayTraceId(id)).toBe(`1-${id.slice(0, 8)}-${id.slice(8)}`);
  });

  it('should never reject an id by age', () => {
    // Epoch 0x00000001 (1970) and 0xffffffff (2106): both accepted.
    expect(toXRayTraceId('00000001aaaaaaaaaaaaaaaaaaaaaaaa')).toBe('1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(toXRayTraceId('ffffffffaaaaaaaaaaaaaaaaaaaaaaaa')).toBe('1-ffffffff-aaaaaaaaaaaaaaaaaaaaaaaa');
  });

  it('should lower-case upper-case hex', () => {
    expect(toXRayTraceId('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe('1-4bf92f35-77b34da6a3ce929d0e0e4736');
  });

  it('should reject all-zero, short, long and non-hex ids', () => {
    expect(toXRayTraceId('00000000000000000000000000000000')).toBeUndefined();
    expect(toXRayTraceId('4bf92f3577b34da6a3ce929d0e0e473')).toBeUndefined();
    expect(toXRayTraceId('4bf92f3577b34da6a3ce929d0e0e47361')).toBeUndefined();
    expect(toXRayTraceId('4bf92f3577b34da6a3ce929d0e0e473g')).toBeUndefined();
    expect(toXRayTraceId('')).toBeUndefined();
  });
});

describe('toXRaySpanId', () => {
  it('should accept 16 hex digits and reject zero or malformed ids', () => {
    expect(toXRaySpanId('53995c3f42cd8ad8')).toBe('53995c3f42cd8ad8');
    expect(toXRaySpanId('53995C3F42CD8AD8')).toBe('53995c3f42cd8ad8');
    expect(toXRaySpanId('0000000000000000')).toBeUndefined();
    expect(toXRaySpanId('53995c3f42cd8ad')).toBeUndefined();
    expect(toXRaySpanId('53995c3f42cd8adz')).toBeUndefined();
  });
});

describe('toEpochSeconds', () => {
  it('should give epoch seconds with microsecond precision and at most 6 decimals', () => {
    expect(toEpochSeconds([1700000000, 338456000])).toBe(1700000000.338456);
    expect(JSON.stringify(toEpochSeconds([1700000000, 338456789]))).toBe('1700000000.338457');
    expect(JSON.stringify(toEpochSeconds([1700000000, 250000000]))).toBe('1700000000.25');
    expect(JSON.stringify(toEpochSeconds([1700000000, 999999999]))).toBe('1700000001');
  });

  it('should print 6 decimals or fewer for many random times', () => {
    for (let i = 0; i < 2000; i++) {
      const s = 1_600_000_000 + Math.floor(Math.random() * 400_000_000);
      const ns = Math.floor(Math.random() * 1e9);
      const text = JSON.stringify(toEpochSeconds([s, ns]));
      expect(text).toMatch(/^\d+(\.\d{1,6})?$/);
    }
  });
});

describe('createTraceIdConverter', () => {
  it('should give what toXRayTraceId gives, for repeated and changing ids', () => {
    const convert = createTraceIdConverter();
    for (const id of ['4bf92f3577b34da6a3ce929d0e0e4736', '4bf92f3577b34da6a3ce929d0e0e4736', 'zz', 'zz',
      '4BF92F3577B34DA6A3CE929D0E0E4736', '00000000000000000000000000000000', '4bf92f3577b34da6a3ce929d0e0e4736']) {
      expect(convert(id)).toBe(toXRayTraceId(id));
    }
  });
});
