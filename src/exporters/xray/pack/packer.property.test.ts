import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackableDocument } from './document';
import { DAEMON_HEADER, packDocuments } from './packer';

type Doc = PackableDocument & Record<string, unknown>;

/** A random batch: several traces, each a random tree of documents with random payload sizes (some huge). */
const batch = fc
  .array(
    fc.record({
      parents: fc.array(fc.nat(), { minLength: 0, maxLength: 40 }),
      sizes: fc.array(fc.oneof(fc.nat(300), fc.nat(5_000), fc.constant(80_000)), { minLength: 41, maxLength: 41 }),
      rootIsSegment: fc.boolean(),
      unicode: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((traces) => {
    const docs: Doc[] = [];
    traces.forEach((t, ti) => {
      const trace_id = `1-6743a1b2-${ti.toString(16).padStart(24, '0')}`;
      const ids: string[] = [];
      const count = t.parents.length + 1;
      for (let i = 0; i < count; i++) {
        const id = `${ti.toString(16).padStart(4, '0')}${i.toString(16).padStart(12, '0')}`;
        ids.push(id);
        const text = (t.unicode ? 'é€😀' : 'x').repeat(Math.ceil(t.sizes[i]! / (t.unicode ? 4 : 1)));
        const doc: Doc = { name: `n${i}`, id, trace_id, start_time: 1, end_time: 2, metadata: { default: { text } },
          sql: { sanitized_query: text.slice(0, 3_000) } };
        if (i === 0 && t.rootIsSegment) docs.push(doc);
        else {
          const parent = i === 0 ? 'ffffffffffffffff' : ids[t.parents[i - 1]! % i]!;
          docs.push({ ...doc, type: 'subsegment', parent_id: parent });
        }
      }
    });
    return docs;
  });

describe('packDocuments (properties)', () => {
  it('should keep every datagram within the limit, parsable, and account for every document exactly once', () => {
    fc.assert(
      fc.property(batch, fc.constantFrom(600, 2_000, 16_000, 64_000, 65_507), (docs, max) => {
        const result = packDocuments(docs, max);
        const seen: string[] = [];
        const original = new Map(docs.map((d) => [d.id, d]));
        const walk = (doc: Record<string, unknown>, enclosing?: Record<string, unknown>): void => {
          seen.push(doc.id as string);
          const source = original.get(doc.id as string)!;
          // The tree is preserved: nested under its own parent, or top-level with its own linking fields.
          if (enclosing) expect(source.parent_id).toBe(enclosing.id);
          else expect([doc.trace_id, doc.parent_id, doc.type]).toEqual([source.trace_id, source.parent_id, source.type]);
          for (const child of (doc.subsegments as Record<string, unknown>[] | undefined) ?? []) walk(child, doc);
        };
        for (const payload of result.payloads) {
          expect(payload.startsWith(DAEMON_HEADER)).toBe(true);
          expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(max);
          walk(JSON.parse(payload.slice(DAEMON_HEADER.length)) as Record<string, unknown>);
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length + result.dropped).toBe(docs.length);
        if (max >= 2_000) expect(result.dropped).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
