import { OtlpDecodeError } from './types';

/** Protobuf wire types (protobuf.dev, "Encoding": VARINT, I64, LEN, I32; the group types are not used by OTLP). */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/**
 * A reader for the protobuf wire format, enough for OTLP: varints, fixed 32/64-bit values, length-delimited fields.
 * Every read is bounds-checked and throws `OtlpDecodeError` on a truncated or malformed body.
 */
export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next tag as [field number, wire type]. */
  tag(): [number, number] {
    const tag = this.uint32();
    const field = tag >>> 3;
    if (field === 0) throw new OtlpDecodeError('protobuf field number 0');
    return [field, tag & 7];
  }

  /** A varint that must fit 32 bits unsigned (lengths, counts, enums, tags). */
  uint32(): number {
    const value = this.varint();
    if (value > 0xffffffffn) throw new OtlpDecodeError('protobuf varint too large for a 32-bit field');
    return Number(value);
  }

  /** An enum or int32 field: negative values arrive as 10-byte varints. */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varint()));
  }

  /** A full 64-bit varint. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new OtlpDecodeError('protobuf body truncated inside a varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new OtlpDecodeError('protobuf varint longer than 10 bytes');
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  fixed64(): bigint {
    const at = this.advance(8);
    return this.view.getBigUint64(at, true);
  }

  double(): number {
    const at = this.advance(8);
    return this.view.getFloat64(at, true);
  }

  fixed32(): number {
    const at = this.advance(4);
    return this.view.getUint32(at, true);
  }

  /** The bytes of a length-delimited field (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.uint32();
    const at = this.advance(length);
    return this.buf.subarray(at, at + length);
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  /** A reader over the next length-delimited field (an embedded message). */
  message(): ProtoReader {
    const length = this.uint32();
    const at = this.advance(length);
    return new ProtoReader(this.buf, at, at + length);
  }

  /** Skips a field this decoder does not read (newer OTLP versions add fields; they are ignored, as protobuf intends). */
  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === I64) this.advance(8);
    else if (wireType === LEN) this.advance(this.uint32());
    else if (wireType === I32) this.advance(4);
    else throw new OtlpDecodeError(`protobuf wire type ${wireType} is not used by OTLP`);
  }

  /** Checks a field's wire type before it is read as that field. */
  expect(field: number, wireType: number, expected: number): void {
    if (wireType !== expected) throw new OtlpDecodeError(`protobuf field ${field} has wire type ${wireType}, expected ${expected}`);
  }

  private advance(bytes: number): number {
    const at = this.pos;
    if (at + bytes > this.end) throw new OtlpDecodeError('protobuf body truncated');
    this.pos = at + bytes;
    return at;
  }
}
