/**
 * The protobuf primitives the OTLP trace encoder needs, written straight into one growable Buffer that the encoder
 * reuses from batch to batch. Nothing here allocates per value: varints are written byte by byte, ids go through a
 * lookup table, strings are encoded in place, and a nested message's length is backpatched once its end is known.
 *
 * The output is canonical protobuf (minimal varints, fields in number order), so it can be compared byte for byte
 * with OpenTelemetry's `ProtobufTraceSerializer`.
 */

/** What a fresh scratch buffer holds: a few hundred typical spans fit without growing. */
const INITIAL_BYTES = 64 * 1024;
/**
 * After a batch, a scratch buffer above this size is dropped for a fresh one, so that one huge batch (10,000
 * attributes, a 2 MB string) does not pin its memory for the life of the process. A 512-span batch of HTTP server
 * spans is about 150–250 KB and stays below it.
 */
const RETAINED_BYTES = 1024 * 1024;
/**
 * Strings up to this many UTF-16 units are copied in a JS loop when they are ASCII; longer ones go to `buf.write`.
 * Measured per string length: the native call's fixed cost only pays from about 20 characters on.
 */
export const JS_COPY_MAX = 16;
/**
 * Below this many UTF-16 units a string's UTF-8 length is < 128 whatever it holds (≤ 3 bytes per unit), and below the
 * second, < 16,384. When the length's varint size is known in advance, the string is encoded and the length patched
 * in after, instead of measuring it first with `Buffer.byteLength` (a second pass). Measured: cheaper, most of all
 * for short non-ASCII strings.
 */
const ONE_BYTE_LENGTH_MAX = 43;
const TWO_BYTE_LENGTH_MAX = 5462;

/**
 * Hex digit values, with exactly the value OpenTelemetry's `hexToBinary` gives every other character (`code - 55`),
 * so that even a malformed id encodes to the same bytes.
 */
const HEX = new Int32Array(128);
for (let code = 0; code < 128; code++) {
  HEX[code] = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : code - 55;
}

const TWO_32 = 0x100000000;

/** Bytes a varint of `value` takes, for lengths and other values in [0, 2^32). */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Which id {@link ProtoWriter.repeatedHexId} remembers: the trace id, or the parent span id. */
export const TRACE_ID_SLOT = 0;
export const PARENT_ID_SLOT = 1;
type IdSlot = typeof TRACE_ID_SLOT | typeof PARENT_ID_SLOT;
/** A trace id with its length byte is 17 bytes; anything longer (a malformed id) is not kept. */
const MAX_CACHED_ID_BYTES = 17;

interface CachedId {
  hex: string;
  /** The length byte and the id's bytes; `size` of them are in use. */
  readonly bytes: Uint8Array;
  size: number;
}

export class ProtoWriter {
  buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;
  /**
   * Each slot starts out holding the empty id (its one length byte, 0), so that only a string ever matches: an
   * `undefined` id must reach `hexId` and throw, as in OpenTelemetry, not be "copied" as zero bytes.
   */
  private readonly idCache: readonly [CachedId, CachedId] = [
    { hex: '', bytes: new Uint8Array(MAX_CACHED_ID_BYTES), size: 1 },
    { hex: '', bytes: new Uint8Array(MAX_CACHED_ID_BYTES), size: 1 },
  ];

  /** Makes room for `bytes` more bytes, doubling the buffer as needed. */
  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  /** Copies the written bytes into a buffer of their own: the transport keeps it for retries after we reuse ours. */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** Starts the next batch at 0 and lets go of a scratch buffer a huge batch left behind. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > RETAINED_BYTES) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** One byte: a tag (all of ours but field 16 fit in one) or a bool. */
  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Reserves `reserved` bytes for the length of the message that starts here; returns what {@link end} needs. */
  begin(reserved = 1): number {
    this.ensure(reserved);
    const start = this.pos;
    this.pos += reserved;
    return start;
  }

  /**
   * Writes the length of the message begun at `start`. When the guess was wrong the body moves (one memmove); callers
   * guess the common size so that it rarely does: 1 byte for attributes and events, 2 for a span, 3 for a batch.
   */
  end(start: number, reserved = 1): void {
    const length = this.pos - start - reserved;
    const size = varintSize(length);
    if (size !== reserved) {
      this.ensure(size - reserved);
      this.buf.copyWithin(start + size, start + reserved, this.pos);
      this.pos += size - reserved;
    }
    let value = length;
    let at = start;
    while (value > 0x7f) {
      this.buf[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[at] = value;
  }

  /**
   * A varint with OpenTelemetry's reading of a JS number: [0, 2^32) as unsigned, anything else as a 64-bit two's
   * complement (so a negative int64 takes 10 bytes, and NaN or undefined become 0, as they do there).
   */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = (magnitude / TWO_32) >>> 0;
    if (!(value >= 0)) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    while (high !== 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.put32(value);
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.put32(low);
    this.put32(high);
  }

  /**
   * An HrTime `[seconds, nanoseconds]` as fixed64 nanoseconds. `seconds * 1e9` is past 2^53 for any current date, so
   * seconds are split at bit 16 and each part's product (< 2^53, exact) is added into 32-bit halves with carries.
   */
  hrTime(time: readonly [number, number]): void {
    const upper = ((time[0] / 0x10000) >>> 0) * 1e9; // seconds·1e9 = upper·2^16 + (seconds & 0xffff)·1e9
    const lower = (time[0] & 0xffff) * 1e9 + time[1];
    const low = (upper % 0x10000) * 0x10000 + (lower % TWO_32);
    const high = Math.floor(upper / 0x10000) + Math.floor(lower / TWO_32) + Math.floor(low / TWO_32);
    this.fixed64(low, high);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /**
   * Bytes already encoded (a cached key or id), the first `count` of them. `TypedArray.prototype.set` even for a few
   * bytes: measured, a JS loop costs about 25 instructions per byte, the call about 160 in all.
   */
  raw(bytes: Uint8Array, count = bytes.length): void {
    this.ensure(count);
    this.buf.set(count === bytes.length ? bytes : bytes.subarray(0, count), this.pos);
    this.pos += count;
  }

  /** A length-prefixed byte string (AnyValue.bytes_value). */
  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /**
   * A hex id (trace or span id) as a length-prefixed byte string, decoded through a table straight into the buffer.
   * A non-string throws, as it does in OpenTelemetry: the guarded exporter then retries without that span.
   */
  hexId(hex: string): void {
    const count = hex.length >>> 1;
    this.varint(count);
    this.ensure(count);
    const buf = this.buf;
    let at = this.pos;
    for (let i = 0; i < 2 * count; i += 2) {
      const hi = hex.charCodeAt(i);
      const lo = hex.charCodeAt(i + 1);
      buf[at++] = ((hi < 128 ? HEX[hi]! : hi - 55) << 4) | (lo < 128 ? HEX[lo]! : lo - 55);
    }
    this.pos = at;
  }

  /**
   * {@link hexId} for an id that often repeats from one call to the next (a trace id: the spans of one trace end
   * together; a parent span id: siblings share it). The last id written in each `slot` is kept with its bytes and
   * copied when the next one is the same string, instead of decoded again.
   */
  repeatedHexId(hex: string, slot: IdSlot): void {
    const cache = this.idCache[slot];
    if (hex === cache.hex) {
      this.raw(cache.bytes, cache.size);
      return;
    }
    const from = this.pos;
    this.hexId(hex);
    const size = this.pos - from;
    if (size > MAX_CACHED_ID_BYTES) return;
    const buf = this.buf;
    const bytes = cache.bytes;
    for (let i = 0; i < size; i++) bytes[i] = buf[from + i]!;
    cache.hex = hex;
    cache.size = size;
  }

  /**
   * A length-prefixed UTF-8 string. Strings whose length varint size is known from their UTF-16 length (under 43
   * units: one byte; 128–5,461 units: two) are encoded first and the length patched in; the others are measured with
   * `Buffer.byteLength` first. Lone surrogates become U+FFFD (EF BF BD) either way, as
   * with OpenTelemetry's `TextEncoder`. A non-string (an untyped span name) is written as '' rather than failing the
   * whole batch.
   */
  string(value: string): void {
    if (typeof value !== 'string') value = '';
    const units = value.length;
    if (units < ONE_BYTE_LENGTH_MAX) {
      this.ensure(1 + 3 * units);
      const buf = this.buf;
      const start = this.pos;
      let at = start + 1;
      if (units <= JS_COPY_MAX) {
        for (let i = 0; i < units; i++) {
          const code = value.charCodeAt(i);
          if (code > 0x7f) {
            at = start + 1 + buf.write(value, start + 1, 'utf8');
            break;
          }
          buf[at++] = code;
        }
      } else {
        at += buf.write(value, at, 'utf8');
      }
      buf[start] = at - start - 1;
      this.pos = at;
      return;
    }
    if (units < TWO_BYTE_LENGTH_MAX && units >= 0x80) {
      // 128 ≤ UTF-8 length < 16,384: two bytes for the length whatever the content, so encode first, then patch.
      this.ensure(2 + 3 * units);
      const start = this.pos;
      const length = this.buf.write(value, start + 2, 'utf8');
      this.buf[start] = (length & 0x7f) | 0x80;
      this.buf[start + 1] = length >>> 7;
      this.pos = start + 2 + length;
      return;
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  /** Four little-endian bytes, room already made. Byte stores rather than `writeUInt32LE`, which range-checks. */
  private put32(value: number): void {
    const buf = this.buf;
    buf[this.pos++] = value;
    buf[this.pos++] = value >>> 8;
    buf[this.pos++] = value >>> 16;
    buf[this.pos++] = value >>> 24;
  }

  private grow(bytes: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
