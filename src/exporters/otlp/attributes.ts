/**
 * Attributes as OTLP `repeated KeyValue` and values as `AnyValue` (opentelemetry/proto/common/v1/common.proto), with
 * the mapping of OpenTelemetry JS's own serializer (`otlp-transformer` `common-serializer.js`), which is the
 * reference the equivalence test holds this to:
 * - a number is `int_value` when it is an integer in [-2^63, 2^63) (so 2^60 stays an integer, and -0 is int 0),
 *   `double_value` otherwise (fractions, NaN, ±Infinity);
 * - a Uint8Array (Buffer included) is `bytes_value`; an array is `array_value`, item by item;
 * - any other non-null object is a `kvlist_value` of its own enumerable keys (a typed array other than Uint8Array
 *   becomes {"0": …, "1": …}, a Date an empty list);
 * - null, undefined, bigint, symbol and functions give an empty AnyValue, which keeps the key.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ProtoWriter } from './proto-writer';

const hasOwn = Object.prototype.hasOwnProperty;

/** int64 bounds; both are powers of two, so exact as doubles. */
const MIN_INT64 = -(2 ** 63);
const MAX_INT64_EXCLUSIVE = 2 ** 63;

// Tags (field << 3 | wire type) of KeyValue, AnyValue and ArrayValue/KeyValueList.
const KEY = 0x0a; // KeyValue.key = 1, and ArrayValue.values / KeyValueList.values = 1
const VALUE = 0x12; // KeyValue.value = 2
const STRING = 0x0a; // AnyValue.string_value = 1
const BOOL = 0x10; // AnyValue.bool_value = 2
const INT = 0x18; // AnyValue.int_value = 3
const DOUBLE = 0x21; // AnyValue.double_value = 4 (fixed64)
const ARRAY = 0x2a; // AnyValue.array_value = 5
const KVLIST = 0x32; // AnyValue.kvlist_value = 6
const BYTES = 0x3a; // AnyValue.bytes_value = 7

/** Writes each own enumerable attribute as a KeyValue under `tag` (the field's tag byte in the enclosing message). */
export function writeAttributes(w: ProtoWriter, attributes: Attributes, tag: number): void {
  for (const key in attributes) {
    if (!hasOwn.call(attributes, key)) continue;
    w.byte(tag);
    writeKeyValue(w, key, attributes[key]);
  }
}

function writeKeyValue(w: ProtoWriter, key: string, value: unknown): void {
  const keyValue = w.begin();
  w.byte(KEY);
  w.string(key);
  w.byte(VALUE);
  const anyValue = w.begin();
  writeAnyValue(w, value);
  w.end(anyValue);
  w.end(keyValue);
}

function writeAnyValue(w: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(STRING);
      w.string(value);
      return;
    case 'boolean':
      w.byte(BOOL);
      w.byte(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64_EXCLUSIVE) {
        w.byte(INT);
        w.varint(value);
      } else {
        w.byte(DOUBLE);
        w.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.byte(BYTES);
        w.bytes(value);
      } else if (Array.isArray(value)) {
        writeArray(w, value);
      } else {
        writeKeyValueList(w, value as Record<string, unknown>);
      }
      return;
    default:
      return; // undefined, bigint, symbol, function: an empty AnyValue, as OpenTelemetry writes
  }
}

function writeArray(w: ProtoWriter, items: readonly unknown[]): void {
  w.byte(ARRAY);
  const array = w.begin();
  for (let i = 0; i < items.length; i++) {
    w.byte(KEY);
    const item = w.begin();
    writeAnyValue(w, items[i]);
    w.end(item);
  }
  w.end(array);
}

function writeKeyValueList(w: ProtoWriter, object: Record<string, unknown>): void {
  w.byte(KVLIST);
  const list = w.begin();
  for (const key in object) {
    if (!hasOwn.call(object, key)) continue;
    w.byte(KEY);
    writeKeyValue(w, key, object[key]);
  }
  w.end(list);
}
