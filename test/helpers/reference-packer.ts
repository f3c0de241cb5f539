import { MAX_NESTING_DEPTH } from '../../src/exporters/xray/pack/packer';
import { DAEMON_HEADER } from '../../src/exporters/xray/pack/types';
import type { SegmentDocument } from '../../src/exporters/xray/translate';

/**
 * The definition of what the packer sends when nothing has to be split or shrunk, written the obvious way:
 * `JSON.stringify` of each translated document, a segment with its batch descendants copied (without `trace_id`,
 * `parent_id`, `type`) under `subsegments`, at most MAX_NESTING_DEPTH levels deep (deeper subtrees follow the segment
 * as independent documents, depth first). Not used on the hot path: packer.reference.property.test.ts checks the
 * packer against it, and bench/xray.bench.ts measures the packer against it.
 */
export function referencePayloads(docs: readonly SegmentDocument[]): string[] {
  const byId = new Map(docs.map((doc) => [doc.id, doc]));
  const childrenOf = new Map<string, SegmentDocument[]>();
  const roots: SegmentDocument[] = [];
  for (const doc of docs) {
    const parent = doc.type === 'subsegment' && doc.parent_id !== undefined ? byId.get(doc.parent_id) : undefined;
    if (parent && parent !== doc && parent.trace_id === doc.trace_id) {
      childrenOf.set(parent.id, [...(childrenOf.get(parent.id) ?? []), doc]);
    } else {
      roots.push(doc);
    }
  }
  const nest = (doc: SegmentDocument, strip: boolean, depth: number, cut: SegmentDocument[]): SegmentDocument => {
    const { trace_id: _t, parent_id: _p, type: _y, ...rest } = doc;
    const copy = (strip ? rest : { ...doc }) as SegmentDocument;
    const children = childrenOf.get(doc.id) ?? [];
    if (children.length > 0 && depth === MAX_NESTING_DEPTH) cut.push(...children);
    else if (children.length > 0) copy.subsegments = children.map((child) => nest(child, true, depth + 1, cut));
    return copy;
  };
  const descendants = (id: string): SegmentDocument[] =>
    (childrenOf.get(id) ?? []).flatMap((child) => [child, ...descendants(child.id)]);
  const segment = (root: SegmentDocument): SegmentDocument[] => {
    const cut: SegmentDocument[] = [];
    const nested = nest(root, false, 0, cut);
    return [nested, ...cut.flatMap((doc) => [doc, ...descendants(doc.id)])];
  };
  // A subsegment whose parent is not in the batch goes out with its descendants as independent documents.
  return roots.flatMap((root) =>
    (root.type === 'subsegment' ? [root, ...descendants(root.id)] : segment(root)).map(
      (doc) => DAEMON_HEADER + JSON.stringify(doc),
    ),
  );
}
