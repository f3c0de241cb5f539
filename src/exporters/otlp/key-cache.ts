/**
 * Attribute keys as ready-made protobuf bytes (`KeyValue.key`: tag, length, UTF-8), so the few dozen keys an
 * application uses on every span are encoded once instead of once per span. Keys are ordinary strings chosen by the
 * application, so the cache is bounded twice: keys longer than {@link MAX_CACHED_KEY_UNITS} are never kept, and when
 * {@link MAX_CACHED_KEYS} are held the cache starts over (an application with endless distinct keys, ids baked into
 * them, keeps at most one generation of them; the common keys come back on the next span).
 */

/** Most keys an application sets are far fewer; a span's own keys plus resource and scope keys fit many times over. */
export const MAX_CACHED_KEYS = 512;
/** Semantic-convention keys are under 40 characters; longer keys are written as any string is. */
export const MAX_CACHED_KEY_UNITS = 64;

/** KeyValue.key = 1, length-delimited. */
const KEY_TAG = 0x0a;

export class KeyCache {
  private readonly entries = new Map<string, Uint8Array>();

  /** Number of keys held now (for tests: the bound is observable). */
  get size(): number {
    return this.entries.size;
  }

  /** The bytes of `key` as a `KeyValue.key` field, or `undefined` for a key not worth keeping. */
  get(key: string): Uint8Array | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined || key.length > MAX_CACHED_KEY_UNITS) return hit;
    if (this.entries.size >= MAX_CACHED_KEYS) this.entries.clear();
    const utf8 = Buffer.from(key, 'utf8'); // lone surrogates become U+FFFD, as in every other string written
    // ≤ 64 units is ≤ 192 bytes, so the length takes one or two varint bytes.
    const prefix = utf8.length < 0x80 ? 2 : 3;
    const bytes = new Uint8Array(prefix + utf8.length);
    bytes[0] = KEY_TAG;
    if (prefix === 2) bytes[1] = utf8.length;
    else {
      bytes[1] = (utf8.length & 0x7f) | 0x80;
      bytes[2] = utf8.length >>> 7;
    }
    bytes.set(utf8, prefix);
    this.entries.set(key, bytes);
    return bytes;
  }
}
