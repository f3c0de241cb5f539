import type { AnyValue, KeyValue } from '../otlp/types';

/** A value as the UI shows it, with the type the backend stores it as. */
export interface FieldValue {
  readonly type: 'string' | 'int' | 'float' | 'bool' | 'json' | 'empty';
  readonly value: string | number | boolean | null;
}

/** An AnyValue as plain JSON (kvlists as objects, bytes as base64, 64-bit integers as numbers when exact). */
export function plain(value: AnyValue): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return exactNumber(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('bytesValue' in value) return value.bytesValue;
  if ('arrayValue' in value) return value.arrayValue.values.map(plain);
  if ('kvlistValue' in value) return Object.fromEntries(value.kvlistValue.values.map((kv) => [kv.key, plain(kv.value)]));
  return null;
}

export function exactNumber(decimal: string): number | string {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : decimal;
}

/** A primitive AnyValue as a typed field; arrays, kvlists and bytes as JSON (how each backend turns them is its own rule). */
export function fieldValue(value: AnyValue): FieldValue {
  if ('stringValue' in value) return { type: 'string', value: value.stringValue };
  if ('boolValue' in value) return { type: 'bool', value: value.boolValue };
  if ('intValue' in value) return { type: 'int', value: exactNumber(value.intValue) };
  if ('doubleValue' in value) return { type: 'float', value: value.doubleValue };
  if ('bytesValue' in value || 'arrayValue' in value || 'kvlistValue' in value) return { type: 'json', value: JSON.stringify(plain(value)) };
  return { type: 'empty', value: null };
}

/** The string value of an attribute, or of the first element of a string array (captured headers are arrays). */
export function stringAttribute(attributes: readonly KeyValue[], key: string): string | undefined {
  const kv = attributes.find((a) => a.key === key);
  if (kv === undefined) return undefined;
  const v = kv.value;
  if ('stringValue' in v) return v.stringValue;
  if ('arrayValue' in v) {
    const first = v.arrayValue.values[0];
    if (first !== undefined && 'stringValue' in first) return first.stringValue;
  }
  return undefined;
}

/** Nanoseconds (decimal string) → milliseconds, exact enough for display. */
export function nanosToMillis(nanos: string): number {
  return Number(BigInt(nanos) / 1000n) / 1000;
}
