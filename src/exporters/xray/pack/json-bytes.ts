/**
 * A document's datagram written straight to UTF-8 bytes: the header line, then exactly the bytes of
 * `JSON.stringify(doc)`. V8 builds a stringified document out of string parts and copies it once more when it is
 * encoded for the socket, about 2.1 kB of garbage per 500-byte document (bench/alloc.ts); this writes into a shared
 * buffer and allocates only the datagram's view of it.
 *
 * Only plain data is written here (objects with Object.prototype or no prototype, arrays, strings, finite and
 * non-finite numbers, booleans, null); anything else (a `toJSON` method, a class instance, a bigint, nesting deeper
 * than MAX_DEPTH) makes {@link JsonBytes.datagram} give up, and the caller serialises with JSON.stringify as before.
 * Strings that need escaping are escaped by JSON.stringify itself, so escapes are always V8's.
 */
import { DAEMON_HEADER } from './types';

/** Size of each shared buffer; a document larger than this gets a buffer of its own size. */
const CHUNK_BYTES = 65_536;
/** Deeper than this, the document goes to JSON.stringify (which throws on a cycle, as before). */
const MAX_DEPTH = 64;
/** Strings up to this length are copied by a loop over their units; longer ones by Buffer#write (cheaper past it). */
const SHORT_UNITS = 16;
/** What JSON.stringify escapes in a string (or may: any surrogate, since a lone one is escaped). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;
const HEADER = Buffer.from(DAEMON_HEADER);

/** Thrown inside the writer for a value it does not write; never escapes {@link JsonBytes.datagram}. */
const GIVE_UP = Symbol('dualtrace.json-bytes.give-up');

/**
 * Writes datagrams into 64 kB buffers. The views it returns share a buffer and stay valid: a full buffer is replaced,
 * never reused, so a view lives as long as the datagram it carries.
 */
export class JsonBytes {
  private buf: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private at = 0;
  /** Where the datagram being written starts in `buf`. */
  private start = 0;

  /**
   * The header line and `doc`'s JSON as bytes, or `undefined` when the datagram would be over `max` bytes or the
   * document holds a value this writer does not write; nothing is kept of a datagram not returned.
   */
  datagram(doc: object, max: number): Buffer | undefined {
    this.start = this.at;
    if (hasEnumerableKey(Object.prototype)) return undefined; // for…in would list it; JSON.stringify would not
    try {
      this.ensure(HEADER.length);
      this.buf.set(HEADER, this.at);
      this.at += HEADER.length;
      this.value(doc, 0);
    } catch (err) {
      this.at = this.start;
      if (err === GIVE_UP) return undefined;
      throw err;
    }
    if (this.at - this.start > max) {
      this.at = this.start;
      return undefined;
    }
    return this.buf.subarray(this.start, this.at);
  }

  /** Room for `n` more bytes: a fresh buffer when full, with the datagram written so far copied over. */
  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const written = this.at - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, 2 * (written + n)));
    this.buf.copy(next, 0, this.start, this.at);
    this.buf = next;
    this.start = 0;
    this.at = written;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.at++] = b;
  }

  private ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
  }

  /** A value in an object or array; `undefined`, functions and symbols are the caller's to skip or write as null. */
  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        return this.ascii(v ? 'true' : 'false');
      case 'object':
        if (v === null) return this.ascii('null');
        if (depth >= MAX_DEPTH) throw GIVE_UP;
        if (Array.isArray(v)) return this.array(v, depth + 1);
        return this.object(v, depth + 1);
      default:
        throw GIVE_UP; // bigint (JSON.stringify throws), or a function, symbol or undefined where no caller expects one
    }
  }

  private object(o: object, depth: number): void {
    const proto: unknown = Object.getPrototypeOf(o);
    if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === 'function') throw GIVE_UP;
    this.byte(0x7b); // {
    let first = true;
    // for…in, not Object.keys: no key array per object (−0.6 kB per document, bench/alloc.ts). With the prototype
    // checked above and Object.prototype checked in datagram(), it lists the own enumerable keys, in Object.keys order.
    for (const key in o) {
      const v = (o as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (!first) this.byte(0x2c); // ,
      first = false;
      this.string(key);
      this.byte(0x3a); // :
      this.value(v, depth);
    }
    this.byte(0x7d); // }
  }

  private array(a: readonly unknown[], depth: number): void {
    if (Object.getPrototypeOf(a) !== Array.prototype || typeof (a as { toJSON?: unknown }).toJSON === 'function') throw GIVE_UP;
    this.byte(0x5b); // [
    for (let i = 0; i < a.length; i++) {
      if (i > 0) this.byte(0x2c);
      const v = a[i];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') this.ascii('null');
      else this.value(v, depth);
    }
    this.byte(0x5d); // ]
  }

  private number(n: number): void {
    if (!Number.isFinite(n)) return this.ascii('null');
    this.ascii(String(n)); // JSON.stringify writes finite numbers as Number#toString does ("-0" as "0", as String)
  }

  private string(s: string): void {
    const n = s.length;
    if (n <= SHORT_UNITS) {
      this.ensure(n + 2);
      const { buf } = this;
      const start = this.at;
      let at = start;
      buf[at++] = 0x22;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return this.escaped(s);
        buf[at++] = c;
      }
      buf[at++] = 0x22;
      this.at = at;
      return;
    }
    if (NEEDS_ESCAPING.test(s)) return this.escaped(s);
    this.ensure(3 * n + 2);
    this.buf[this.at++] = 0x22;
    this.at += this.buf.write(s, this.at);
    this.buf[this.at++] = 0x22;
  }

  /** A string as JSON.stringify writes it, escapes and all (its text is well-formed, so its UTF-8 is exact). */
  private escaped(s: string): void {
    const json = JSON.stringify(s);
    this.ensure(3 * json.length);
    this.at += this.buf.write(json, this.at);
  }
}

function hasEnumerableKey(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
