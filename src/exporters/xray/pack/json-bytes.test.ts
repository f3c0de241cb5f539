import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes';
import { DAEMON_HEADER } from './types';

const expected = (doc: unknown): Buffer => Buffer.from(DAEMON_HEADER + JSON.stringify(doc));

/** Strings JSON escapes or encodes in several bytes: controls, quotes, backslashes, lone and paired surrogates. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 17, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom('\uD800', 'a\uDFFFb', '\uDC00\uD800', '\u0000\r\n\t\b\f\u001f', '"\\/', '😀'.repeat(300), 'x'.repeat(20_000), '\u2028\u2029', 'é'.repeat(17)) },
);
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, 5e-324, 1796091030.140156));
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const { tree } = fc.letrec<{ tree: unknown }>((t) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(t('tree'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('0', '10', '2', 'name', '__proto__', 'toJSON')), t('tree'), { maxKeys: 6 }),
  ),
}));
const doc = fc.dictionary(fc.oneof(text, fc.constantFrom('name', 'id', '1')), tree, { maxKeys: 10 });

describe('JsonBytes', () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('should write exactly the UTF-8 bytes of the header and JSON.stringify, for any plain document', () => {
    const writer = new JsonBytes();
    fc.assert(
      fc.property(doc, (d) => {
        const bytes = writer.datagram(d, Number.MAX_SAFE_INTEGER);
        expect(bytes).toBeDefined();
        expect(bytes!.equals(expected(d))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('should keep every datagram it returned intact while it writes more, across buffers', () => {
    const writer = new JsonBytes();
    const docs = Array.from({ length: 400 }, (_, i) => ({ name: `doc ${i}`, value: 'v'.repeat(i * 7), list: [i, -i, i / 3] }));
    const written = docs.map((d) => writer.datagram(d, 64_000)!);
    written.forEach((bytes, i) => expect(bytes.equals(expected(docs[i]))).toBe(true));
    const huge = { name: 'huge', value: 'h'.repeat(100_000) };
    expect(writer.datagram(huge, Number.MAX_SAFE_INTEGER)!.equals(expected(huge))).toBe(true);
    written.forEach((bytes, i) => expect(bytes.equals(expected(docs[i]))).toBe(true));
  });

  it('should give undefined for a datagram over the limit, and write the next one as if it had not been tried', () => {
    const writer = new JsonBytes();
    const big = { name: 'x'.repeat(1_000) };
    expect(writer.datagram(big, expected(big).length - 1)).toBeUndefined();
    expect(writer.datagram(big, expected(big).length)!.equals(expected(big))).toBe(true);
    const next = { name: 'next' };
    const first = writer.datagram(next, 64_000)!;
    expect(first.equals(expected(next))).toBe(true);
  });

  it('should give undefined for what it does not write as JSON.stringify does (toJSON, class instances, bigint, deep nesting)', () => {
    const writer = new JsonBytes();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = { deep };
    for (const value of [new Date(0), { toJSON: () => 'x' }, new Map([[1, 2]]), Buffer.from('ab'), 10n, deep, new (class Thing {})(), Object.assign([1], { toJSON: () => 2 })]) {
      expect(writer.datagram({ name: 'n', value }, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    }
    expect(writer.datagram({ name: 'after' }, 64_000)!.equals(expected({ name: 'after' }))).toBe(true);
  });

  it('should write objects without a prototype as JSON.stringify does', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: [Object.assign(Object.create(null) as object, { c: 'd' })] });
    expect(new JsonBytes().datagram(bare, 64_000)!.equals(expected(bare))).toBe(true);
  });

  it('should give undefined while Object.prototype has an enumerable key (for…in would list it, JSON.stringify not)', () => {
    (Object.prototype as Record<string, unknown>).polluted = 1;
    expect(new JsonBytes().datagram({ name: 'n' }, 64_000)).toBeUndefined();
  });

  it('should pass on what a getter throws, as JSON.stringify would', () => {
    const doc = { name: 'n', get boom(): string { throw new Error('boom'); } };
    const writer = new JsonBytes();
    expect(() => writer.datagram(doc, 64_000)).toThrow('boom');
    expect(writer.datagram({ name: 'after' }, 64_000)!.equals(expected({ name: 'after' }))).toBe(true);
  });
});
