import { describe, expect, it } from 'vitest';
import { expectSameAsOpenTelemetry, makeSpan } from '../../../test/helpers/otlp-encoder';
import { KeyCache, MAX_CACHED_KEY_UNITS, MAX_CACHED_KEYS } from './key-cache';
import { TraceRequestEncoder } from './trace-request';

describe('KeyCache', () => {
  it('should hand out the KeyValue.key field of a key: tag, varint length, UTF-8', () => {
    const cache = new KeyCache();
    expect(Buffer.from(cache.get('http.route')!).toString('hex')).toBe('0a0a' + Buffer.from('http.route').toString('hex'));
    expect(Buffer.from(cache.get('')!).toString('hex')).toBe('0a00');
    expect(Buffer.from(cache.get('clé')!).toString('hex')).toBe('0a04' + Buffer.from('clé').toString('hex'));
    expect(Buffer.from(cache.get('a\uD800')!).toString('hex')).toBe('0a04' + Buffer.from('a\uFFFD').toString('hex'));
    const wide = '€'.repeat(MAX_CACHED_KEY_UNITS); // 192 bytes: a two-byte length
    expect(Buffer.from(cache.get(wide)!).subarray(0, 3).toString('hex')).toBe('0ac001');
    expect(cache.get('http.route')).toBe(cache.get('http.route'));
  });

  it('should not keep keys longer than its bound', () => {
    const cache = new KeyCache();
    expect(cache.get('k'.repeat(MAX_CACHED_KEY_UNITS + 1))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('should hold at most its bound of keys, starting over when full', () => {
    const cache = new KeyCache();
    for (let i = 0; i < 3 * MAX_CACHED_KEYS + 7; i++) {
      cache.get(`user.${i}`);
      expect(cache.size).toBeLessThanOrEqual(MAX_CACHED_KEYS);
    }
    expect(cache.size).toBe(7); // the 1,537th key started a fourth generation
  });
});

describe('TraceRequestEncoder with cached keys', () => {
  const encoder = new TraceRequestEncoder();
  const same = (spans: ReturnType<typeof makeSpan>[]): Buffer => expectSameAsOpenTelemetry(encoder, spans);

  it('should write known keys with short strings and small integers at every length boundary as OpenTelemetry does', () => {
    const attributes: Record<string, string | number> = {};
    for (const units of [0, 1, 16, 17, 30, 31, 32, 33, 40, 41, 42, 43, 60, 127, 128]) {
      attributes[`ascii.${units}`] = 'a'.repeat(units);
      attributes[`euro.${units}`] = '€'.repeat(units);
      attributes[`tail.${units}`] = 'a'.repeat(Math.max(0, units - 1)) + '\uD800';
      attributes[`emoji.${units}`] = '😀'.repeat(units >> 1);
    }
    [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32, -0, -1, 1.5, NaN].forEach((value, i) => (attributes[`number.${i}`] = value));
    attributes[''] = '';
    attributes['k'.repeat(MAX_CACHED_KEY_UNITS)] = 'value'; // cached, the longest kept
    attributes['€'.repeat(MAX_CACHED_KEY_UNITS)] = 200; // cached, but too long a key field for the one-pass paths
    attributes['k'.repeat(MAX_CACHED_KEY_UNITS + 1)] = 'value'; // never cached
    same([makeSpan({ attributes })]);
    same([makeSpan({ attributes })]); // the second time from the cache
  });

  it('should encode many more distinct keys than the cache holds, in every span', () => {
    const spans = [0, 1, 2].map((n) => {
      const attributes: Record<string, string | number> = {};
      for (let i = 0; i < MAX_CACHED_KEYS + 100; i++) attributes[`user.${n}.${i}`] = i % 2 === 0 ? `v${i}` : i;
      attributes['http.route'] = '/api/activities/home';
      return makeSpan({ attributes });
    });
    same(spans);
    same(spans);
  });

  it('should write own enumerable attributes only, in their order, as OpenTelemetry does', () => {
    const inherited = Object.create({ 'from.prototype': 'no' }) as Record<string, unknown>;
    inherited['http.route'] = '/a';
    inherited['2'] = 'index first';
    Object.defineProperty(inherited, 'hidden', { value: 'no', enumerable: false });
    same([makeSpan({ attributes: inherited as never })]);
  });

  it('should write nested keys (kvlist values) from the same cache', () => {
    same([makeSpan({ attributes: { object: { 'http.route': '/a', nested: { 'http.route': 2 } } as never, 'http.route': '/b' } })]);
  });
});
