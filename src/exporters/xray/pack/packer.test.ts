import { describe, expect, it } from 'vitest';
import type { PackableDocument } from './document';
import { DAEMON_HEADER, MAX_NESTING_DEPTH, packDocuments } from './packer';
import { TRUNCATION_MARK } from './shrink';

const TRACE = '1-6743a1b2-0123456789abcdef01234567';
let counter = 0;
const nextId = (): string => (++counter).toString(16).padStart(16, '0');

type Doc = PackableDocument & Record<string, unknown>;

function segment(extra: Record<string, unknown> = {}): Doc {
  return { name: 'svc', id: nextId(), trace_id: TRACE, start_time: 1732874400.1, end_time: 1732874400.2, ...extra };
}
function sub(parent: Doc, extra: Record<string, unknown> = {}): Doc {
  return {
    name: 'child', id: nextId(), trace_id: TRACE, parent_id: parent.id, type: 'subsegment',
    start_time: 1732874400.11, end_time: 1732874400.12, ...extra,
  };
}

/** Checks framing and size of every payload and returns the parsed documents. */
function parseAll(payloads: readonly string[], max: number): Record<string, unknown>[] {
  return payloads.map((payload) => {
    expect(payload.startsWith(DAEMON_HEADER)).toBe(true);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(max);
    return JSON.parse(payload.slice(DAEMON_HEADER.length)) as Record<string, unknown>;
  });
}

function flatten(docs: Record<string, unknown>[]): Map<string, { parent?: string; doc: Record<string, unknown> }> {
  const out = new Map<string, { parent?: string; doc: Record<string, unknown> }>();
  const walk = (doc: Record<string, unknown>, parent?: string): void => {
    out.set(doc.id as string, { parent: parent ?? (doc.parent_id as string | undefined), doc });
    for (const child of (doc.subsegments as Record<string, unknown>[] | undefined) ?? []) walk(child, doc.id as string);
  };
  for (const doc of docs) walk(doc);
  return out;
}

describe('packDocuments', () => {
  it('should start every datagram with the exact daemon header', () => {
    expect(DAEMON_HEADER).toBe('{"format":"json","version":1}\n');
    const { payloads } = packDocuments([segment()]);
    expect(payloads).toHaveLength(1);
    expect(payloads[0]!.split('\n')[0]).toBe('{"format":"json","version":1}');
  });

  it('should nest the descendants of a segment in the same batch and strip their linking fields', () => {
    const root = segment({ parent_id: 'aaaaaaaaaaaaaaaa' });
    const child = sub(root);
    const grandchild = sub(child, { name: 'grandchild' });
    const result = packDocuments([grandchild, child, root]);
    expect(result.payloads).toHaveLength(1);
    expect(result.nested).toBe(2);
    const [doc] = parseAll(result.payloads, 64_000);
    expect(doc).toMatchObject({ id: root.id, trace_id: TRACE, parent_id: 'aaaaaaaaaaaaaaaa' });
    expect(doc!.type).toBeUndefined();
    const nestedChild = (doc!.subsegments as Record<string, unknown>[])[0]!;
    expect(nestedChild).toEqual({ name: 'child', id: child.id, start_time: 1732874400.11, end_time: 1732874400.12,
      subsegments: [{ name: 'grandchild', id: grandchild.id, start_time: 1732874400.11, end_time: 1732874400.12 }] });
  });

  it('should send subsegments whose parent is not in the batch as independent subsegments', () => {
    const root = segment();
    const child = sub(root);
    const grandchild = sub(child);
    const docs = parseAll(packDocuments([child, grandchild]).payloads, 64_000);
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc).toMatchObject({ type: 'subsegment', trace_id: TRACE });
      expect(doc.subsegments).toBeUndefined();
    }
    expect(docs.map((d) => d.parent_id)).toEqual([root.id, child.id]);
  });

  it('should never nest a segment inside another document', () => {
    const root = segment();
    const client = sub(root);
    const inner = segment({ parent_id: client.id });
    const docs = parseAll(packDocuments([root, client, inner]).payloads, 64_000);
    expect(docs).toHaveLength(2);
    expect(docs.find((d) => d.id === inner.id)).toMatchObject({ parent_id: client.id, trace_id: TRACE });
  });

  it('should keep every datagram of a 500-child trace under the limit and lose no span', () => {
    const root = segment();
    const children = Array.from({ length: 500 }, (_, i) => sub(root, { name: `child-${i}`, metadata: { default: { i, text: 'x'.repeat(200) } } }));
    const result = packDocuments([...children, root], 64_000);
    const docs = parseAll(result.payloads, 64_000);
    expect(result.dropped).toBe(0);
    const flat = flatten(docs);
    expect(flat.size).toBe(501);
    for (const child of children) expect(flat.get(child.id)?.parent).toBe(root.id);
    expect(result.payloads.length).toBeLessThan(501);
    expect(result.nested).toBeGreaterThan(100);
  });

  it('should shrink a span with 200 kB of attributes, metadata first, and mark it truncated', () => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 200; i++) attributes[`attr.${i}`] = `${i}:`.padEnd(1_000, 'é');
    const root = segment({ metadata: { default: { ...attributes, small: 'kept' } }, annotations: { route: '/x' } });
    const result = packDocuments([root], 64_000);
    expect(result.truncated).toBe(1);
    expect(result.dropped).toBe(0);
    const [doc] = parseAll(result.payloads, 64_000);
    const metadata = doc!.metadata as Record<string, Record<string, unknown>>;
    expect(metadata.default!.small).toBe('kept');
    expect(doc!.annotations).toEqual({ route: '/x' });
    expect((metadata.dualtrace!.truncated as string[]).length).toBeGreaterThan(0);
  });

  it('should cut long SQL text and stack frames when metadata is not enough', () => {
    const stack = Array.from({ length: 50 }, (_, i) => ({ path: `/app/${'d'.repeat(300)}/${i}.js`, line: i, label: 'fn' }));
    const root = segment({
      sql: { sanitized_query: 'SELECT '.padEnd(3_000, 'x') },
      cause: { exceptions: [{ id: 'e1', message: 'boom', stack }] },
    });
    const result = packDocuments([root], 8_000);
    const [doc] = parseAll(result.payloads, 8_000);
    const sql = doc!.sql as { sanitized_query: string };
    expect(sql.sanitized_query.endsWith(TRUNCATION_MARK)).toBe(true);
    const exception = (doc!.cause as { exceptions: { stack: unknown[]; truncated: number }[] }).exceptions[0]!;
    expect(exception.stack).toHaveLength(10);
    expect(exception.truncated).toBe(40);
  });

  it('should fall back to a skeleton, then drop and count, when nothing else fits', () => {
    const big = segment({ name: 'n'.repeat(200), http: { request: { method: 'GET', headers: 'h'.repeat(5_000) } } });
    const skeleton = packDocuments([big], 1_000);
    const [doc] = parseAll(skeleton.payloads, 1_000);
    expect(doc).toMatchObject({ id: big.id, trace_id: TRACE, end_time: big.end_time });
    expect((doc!.metadata as { dualtrace: { truncated: string[] } }).dualtrace.truncated).toContain('*');
    expect(doc!.http).toBeUndefined();

    const dropped = packDocuments([segment({ name: 'n'.repeat(600) }), segment()], 512);
    expect(dropped.dropped).toBe(1);
    expect(parseAll(dropped.payloads, 512)).toHaveLength(1);
  });

  it('should split a trace that does not fit into one nested document', () => {
    const root = segment();
    const children = Array.from({ length: 20 }, () => sub(root, { metadata: { default: { v: 'y'.repeat(300) } } }));
    const result = packDocuments([root, ...children], 2_000);
    const docs = parseAll(result.payloads, 2_000);
    const flat = flatten(docs);
    expect(flat.size).toBe(21);
    expect(docs.filter((d) => d.type === 'subsegment').length).toBeGreaterThan(0);
    expect(result.nested + docs.filter((d) => d.type === 'subsegment').length).toBe(20);
  });

  it('should leave the input documents unchanged', () => {
    const root = segment();
    const child = sub(root);
    const docs = [root, child, sub(child), sub(root, { metadata: { default: { big: 'z'.repeat(70_000) } } })];
    const before = structuredClone(docs);
    packDocuments(docs);
    packDocuments(docs.slice(0, 3));
    expect(docs).toEqual(before);
    for (const doc of docs) expect(Object.keys(doc).sort()).toEqual(Object.keys(before[docs.indexOf(doc)]!).sort());
  });

  it('should still send the descendants of a dropped document, independently', () => {
    const root = segment();
    const middle = sub(root, { name: 'm'.repeat(700) });
    const leaf = sub(middle);
    const result = packDocuments([root, middle, leaf], 600);
    expect(result.dropped).toBe(1);
    const docs = parseAll(result.payloads, 600);
    expect(docs.map((d) => d.id).sort()).toEqual([root.id, leaf.id].sort());
    expect(docs.find((d) => d.id === leaf.id)).toMatchObject({ type: 'subsegment', parent_id: middle.id });
  });

  it('should still send documents caught in a parent_id cycle', () => {
    const a: Doc = { ...sub(segment()), id: 'a000000000000000', parent_id: 'b000000000000000' };
    const b: Doc = { ...sub(segment()), id: 'b000000000000000', parent_id: 'a000000000000000' };
    expect(parseAll(packDocuments([a, b]).payloads, 64_000)).toHaveLength(2);
  });

  it('should pack a 10,000-deep parent→child chain, nesting at most MAX_NESTING_DEPTH levels, the rest independent', () => {
    const root = segment();
    const chain: Doc[] = [root];
    for (let i = 0; i < 10_000; i++) chain.push(sub(chain.at(-1)!, { name: `level-${i + 1}` }));
    for (const max of [64_000, 2_000]) {
      const result = packDocuments([...chain].reverse(), max);
      const docs = parseAll(result.payloads, max);
      const flat = flatten(docs);
      expect(flat.size).toBe(chain.length);
      expect(result.dropped).toBe(0);
      for (let i = 1; i < chain.length; i++) expect(flat.get(chain[i]!.id)?.parent).toBe(chain[i - 1]!.id);
      const depth = (doc: Record<string, unknown>): number => {
        let levels = 0;
        for (let at = doc; Array.isArray(at.subsegments); at = (at.subsegments as Record<string, unknown>[])[0]!) levels++;
        return levels;
      };
      expect(Math.max(...docs.map(depth))).toBeLessThanOrEqual(MAX_NESTING_DEPTH);
      expect((result.spans ?? result.payloads.map(() => 1)).reduce((a, b) => a + b, 0)).toBe(chain.length);
    }
  });

  it('should pack a 10,000-deep chain of subsegments whose segment is not in the batch, and one whose documents are dropped', () => {
    const root = segment();
    const chain: Doc[] = [sub(root)];
    for (let i = 0; i < 10_000; i++) chain.push(sub(chain.at(-1)!, i === 5_000 ? { name: 'x'.repeat(700) } : {}));
    const result = packDocuments(chain, 600);
    expect(result.dropped).toBe(1);
    expect(parseAll(result.payloads, 600)).toHaveLength(chain.length - 1);
  });

  it('should say how many spans each datagram carries', () => {
    const root = segment();
    const kids = [sub(root), sub(root)];
    const lone = segment();
    const result = packDocuments([root, ...kids, sub(kids[0]!), lone]);
    expect(result.spans).toEqual([4, 1]);
  });

  it('should keep a nested subsegment a document carries when they do not fit together (shrunk, not lost to a skeleton)', () => {
    const wrapper = segment({ name: 'nightly-job' });
    const call = { name: 'api.example.com', id: nextId(), start_time: 1, end_time: 2, metadata: { default: { big: 'b'.repeat(200_000) } } };
    const result = packDocuments([{ ...wrapper, subsegments: [call] }], 64_000);
    const flat = flatten(parseAll(result.payloads, 64_000));
    expect(result.dropped).toBe(0);
    expect(flat.get(wrapper.id)?.doc.name).toBe('nightly-job');
    expect(flat.get(call.id)?.parent).toBe(wrapper.id);
    expect(flat.get(call.id)?.doc.name).toBe('api.example.com');
    expect(JSON.stringify(flat.get(call.id)?.doc.metadata)).toContain('truncated');
  });
});
