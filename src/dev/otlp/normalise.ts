import type { OtlpScope, OtlpSpan } from './types';
import { OtlpDecodeError } from './types';

/** Id bytes as lowercase hex (OTLP/JSON writes ids as hex, not base64). */
export function hexId(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Nanoseconds since the epoch as a decimal string (exact; a JS number is not). */
export function nanos(value: bigint): string {
  return value.toString();
}

export function spanDefaults(): OtlpSpan {
  return {
    traceId: '',
    spanId: '',
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0 },
  };
}

export function scopeDefaults(): OtlpScope {
  return { name: '', attributes: [], droppedAttributesCount: 0 };
}

const HEX_RE = /^[0-9a-fA-F]*$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * An id from OTLP/JSON: hex as the OTLP specification requires, or base64 (the generic proto3 JSON mapping, which some
 * senders use) when that decodes to exactly `bytes` bytes. The empty string stays empty (no parent).
 */
export function idFromJson(value: unknown, bytes: 8 | 16, path: string): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') throw new OtlpDecodeError(`${path} must be a hex string`);
  if (value.length === bytes * 2 && HEX_RE.test(value)) return value.toLowerCase();
  if (BASE64_RE.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  throw new OtlpDecodeError(`${path} must be ${bytes * 2} hex digits (got ${JSON.stringify(value.slice(0, 40))})`);
}

/** A 64-bit unsigned integer from JSON, where proto3 allows both a number and a decimal string. */
export function uint64FromJson(value: unknown, path: string): string {
  if (value === undefined || value === null) return '0';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value).toString();
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value).toString();
  throw new OtlpDecodeError(`${path} must be a whole number of nanoseconds`);
}

/** A signed 64-bit integer from JSON (number or decimal string). */
export function int64FromJson(value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt.asIntN(64, BigInt(value)).toString();
  throw new OtlpDecodeError(`${path} must be an integer`);
}

/** A 32-bit count or flags field from JSON. */
export function uint32FromJson(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw new OtlpDecodeError(`${path} must be a whole number`);
}

/** An enum from JSON: OTLP/JSON writes the number; the proto3 mapping also allows the value's name. */
export function enumFromJson(value: unknown, names: readonly string[], path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw new OtlpDecodeError(`${path} must be one of ${names.join(', ')} or its number`);
}

export function stringFromJson(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpDecodeError(`${path} must be a string`);
  return value;
}
