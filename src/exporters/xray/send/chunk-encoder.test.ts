import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeChunk } from './chunk-encoder';

describe('encodeChunk', () => {
  it('should give the UTF-8 bytes of every payload in the range, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ minLength: 4_097, maxLength: 5_000 }),
          fc.uint8Array({ maxLength: 50 }).map((a) => Buffer.from(a))), { maxLength: 40 }),
        fc.nat(40),
        fc.nat(40),
        (payloads, a, b) => {
          const start = Math.min(a, b, payloads.length);
          const end = Math.min(Math.max(a, b), payloads.length);
          const out = encodeChunk(payloads, start, end);
          expect(out).toHaveLength(end - start);
          out.forEach((sent, i) => {
            const original = payloads[start + i]!;
            expect(Buffer.from(sent).equals(Buffer.from(original))).toBe(true);
          });
        },
      ),
    );
  });
});
