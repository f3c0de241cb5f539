import { describe, expect, it } from 'vitest';
import type { PackableDocument } from './document';
import { DocumentEdits, serialiseBody } from './serialise';

type Doc = PackableDocument & Record<string, unknown>;

const parent = (): Doc => ({ name: 'p', id: 'a'.repeat(16), trace_id: '1-6743a1b2-0123456789abcdef01234567', extra: 1 });
const child = (): Doc => ({ name: 'c', id: 'b'.repeat(16), trace_id: '1-6743a1b2-0123456789abcdef01234567', parent_id: 'a'.repeat(16), type: 'subsegment' });

describe('DocumentEdits', () => {
  it('should serialise the edited shape and leave every document exactly as it was', () => {
    const p = parent();
    const c = child();
    const before = [structuredClone(p), structuredClone(c)];
    const edits = new DocumentEdits();
    edits.edit(p, false, [c]);
    edits.edit(c, true);
    expect(JSON.parse(edits.serialise(p))).toEqual({ ...before[0], subsegments: [{ name: 'c', id: 'b'.repeat(16) }] });
    expect([p, c]).toEqual(before);
    expect(Object.keys(p)).toEqual(Object.keys(before[0]!));
    expect('subsegments' in p).toBe(false);
  });

  it('should restore the documents when serialising throws', () => {
    const p = { ...parent(), big: 1n } as unknown as Doc;
    const c = child();
    const edits = new DocumentEdits();
    edits.edit(p, false, [c]);
    edits.edit(c, true);
    expect(() => edits.serialise(p)).toThrow(TypeError);
    expect('subsegments' in p).toBe(false);
    expect(c).toEqual(child());
  });
});

describe('serialiseBody', () => {
  it('should leave out the linking fields and own subsegments, and keep fields absent before absent after', () => {
    const c = { ...child(), subsegments: [{ name: 'x' }] } as Doc;
    expect(JSON.parse(serialiseBody(c))).toEqual({ name: 'c', id: 'b'.repeat(16) });
    expect(c.subsegments).toEqual([{ name: 'x' }]);
    const p = parent();
    serialiseBody(p);
    expect('parent_id' in p || 'type' in p || 'subsegments' in p).toBe(false);
  });
});
