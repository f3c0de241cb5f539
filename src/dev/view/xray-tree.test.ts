import { describe, expect, it } from 'vitest';
import type { StoredDatagram } from '../store/trace-store';
import { parseDatagram } from '../xray/datagram';
import { validateDocument } from '../xray/validate';
import { buildXRayTree, flatten } from './xray-tree';

const TRACE = '1-5759e988-bd862e3fe1be46a994272793';
let seq = 0;
function stored(doc: Record<string, unknown>): StoredDatagram {
  const datagram = parseDatagram(Buffer.from(`{"format":"json","version":1}\n${JSON.stringify(doc)}`));
  return { seq: ++seq, receivedAt: 0, datagram, problems: [...datagram.problems, ...validateDocument(datagram.document!)] };
}
const base = { trace_id: TRACE, start_time: 10, end_time: 11 };

describe('buildXRayTree', () => {
  it('should nest subsegments sent on their own under the (sub)segment their parent_id names, nested ones too', () => {
    const tree = buildXRayTree([
      stored({ ...base, type: 'subsegment', name: 'sql', id: 'cccccccccccccccc', parent_id: 'bbbbbbbbbbbbbbbb', start_time: 10.2 }),
      stored({ ...base, name: 'api', id: 'aaaaaaaaaaaaaaaa', subsegments: [{ name: 'handler', id: 'bbbbbbbbbbbbbbbb', start_time: 10.1, end_time: 10.9 }] }),
    ]);
    expect(tree.roots.map((n) => n.name)).toEqual(['api']);
    const all = flatten(tree.roots);
    expect(all.map((n) => [n.name, n.kind, n.arrival])).toEqual([
      ['api', 'segment', 'datagram'], ['handler', 'subsegment', 'nested'], ['sql', 'subsegment', 'datagram'],
    ]);
    expect(all.every((n) => n.problems.length === 0)).toBe(true);
  });

  it('should keep a subsegment whose parent has not arrived at the top, with a warning, and a segment with a remote parent at the top', () => {
    const tree = buildXRayTree([
      stored({ ...base, type: 'subsegment', name: 'orphan', id: 'dddddddddddddddd', parent_id: 'eeeeeeeeeeeeeeee' }),
      stored({ ...base, name: 'users-service', id: 'ffffffffffffffff', parent_id: 'dddddddddddddddd', start_time: 10.5 }),
    ]);
    expect(tree.roots.map((n) => n.name)).toEqual(['orphan', 'users-service']);
    expect(tree.roots[0]!.problems[0]!.message).toContain('has not arrived');
    expect(tree.roots[1]!.problems).toEqual([]);
  });

  it('should survive subsegments that name each other as parents, and report duplicate ids', () => {
    const tree = buildXRayTree([
      stored({ ...base, type: 'subsegment', name: 'a', id: '1111111111111111', parent_id: '2222222222222222' }),
      stored({ ...base, type: 'subsegment', name: 'b', id: '2222222222222222', parent_id: '1111111111111111' }),
      stored({ ...base, type: 'subsegment', name: 'b again', id: '2222222222222222', parent_id: '1111111111111111' }),
    ]);
    expect(flatten(tree.roots).length).toBeGreaterThanOrEqual(2);
    expect(tree.problems.some((p) => p.message.includes('Two documents have id 2222222222222222'))).toBe(true);
  });

  it('should put each problem on the (sub)segment it concerns', () => {
    const tree = buildXRayTree([stored({ ...base, name: 'api', id: 'aaaaaaaaaaaaaaaa', subsegments: [{ name: 'bad', id: 'bbbbbbbbbbbbbbbb', start_time: 10, end_time: 11, annotations: { 'x-y': 1 } }] })]);
    const [api, bad] = flatten(tree.roots);
    expect(api!.problems).toEqual([]);
    expect(bad!.problems.map((p) => p.path)).toEqual(['annotations.x-y']);
  });

  it('should warn above 50 annotations in a trace', () => {
    const annotations = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(buildXRayTree([stored({ ...base, name: 'api', id: 'aaaaaaaaaaaaaaaa', annotations })]).problems[0]!.message).toContain('51 annotations');
  });
});
