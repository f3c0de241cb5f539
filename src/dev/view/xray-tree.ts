/**
 * The segment tree as X-Ray assembles it from the datagrams that arrived: each segment at the top, its nested
 * `subsegments`, and every subsegment sent on its own (`type`, `trace_id`, `parent_id`) attached under the
 * (sub)segment its `parent_id` names. A subsegment whose parent has not arrived is kept at the top with a warning.
 */
import { MAX_ANNOTATIONS } from '../../exporters/xray/translate/limits';
import type { Problem } from '../xray/problem';
import type { StoredDatagram } from '../store/trace-store';

export interface XRayNode {
  readonly id: string;
  readonly name: string;
  readonly kind: 'segment' | 'subsegment';
  /** How it arrived: its own datagram, or nested in another document's `subsegments`. */
  readonly arrival: 'datagram' | 'nested';
  readonly parentId?: string;
  readonly start?: number;
  readonly end?: number;
  /** The document's own fields (its `subsegments` are the children below). */
  readonly document: Record<string, unknown>;
  readonly problems: Problem[];
  /** The datagram that carried it (or its enclosing document). */
  readonly datagram: { readonly seq: number; readonly bytes: number; readonly receivedAt: number };
  readonly children: XRayNode[];
}

export interface XRayTree {
  readonly roots: XRayNode[];
  /** Problems of the whole trace (not one document): duplicate ids, the per-trace annotation count. */
  readonly problems: Problem[];
}


export function buildXRayTree(datagrams: readonly StoredDatagram[]): XRayTree {
  const byId = new Map<string, XRayNode>();
  const parentOf = new Map<XRayNode, XRayNode>();
  const tops: XRayNode[] = [];
  const problems: Problem[] = [];
  let annotationCount = 0;

  const toNode = (doc: Record<string, unknown>, from: StoredDatagram, nested: boolean, parentId: string | undefined, own: Problem[]): XRayNode => {
    const id = typeof doc.id === 'string' ? doc.id.toLowerCase() : `#${from.seq}`;
    const { subsegments, ...fields } = doc;
    const node: XRayNode = {
      id,
      name: typeof doc.name === 'string' ? doc.name : '(no name)',
      kind: nested || doc.type === 'subsegment' ? 'subsegment' : 'segment',
      arrival: nested ? 'nested' : 'datagram',
      ...(parentId !== undefined ? { parentId } : {}),
      ...(typeof doc.start_time === 'number' ? { start: doc.start_time } : {}),
      ...(typeof doc.end_time === 'number' ? { end: doc.end_time } : {}),
      document: fields,
      problems: own.filter((p) => p.segmentId === undefined || p.segmentId.toLowerCase() === id),
      datagram: { seq: from.seq, bytes: from.datagram.bytes, receivedAt: from.receivedAt },
      children: [],
    };
    if (doc.annotations !== null && typeof doc.annotations === 'object') annotationCount += Object.keys(doc.annotations).length;
    if (byId.has(id)) {
      problems.push({ severity: 'warning', segmentId: id, message: `Two documents have id ${id}: X-Ray keeps one (a resend or an id collision).` });
    } else {
      byId.set(id, node);
    }
    if (Array.isArray(subsegments)) {
      for (const child of subsegments) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
          const childOwn = own.filter((p) => p.segmentId !== undefined && p.segmentId.toLowerCase() !== id);
          const childNode = toNode(child as Record<string, unknown>, from, true, id, childOwn);
          parentOf.set(childNode, node);
          node.children.push(childNode);
        }
      }
    }
    return node;
  };

  for (const stored of datagrams) {
    const doc = stored.datagram.document;
    if (doc === undefined) continue;
    const parentId = typeof doc.parent_id === 'string' ? doc.parent_id.toLowerCase() : undefined;
    tops.push(toNode(doc, stored, false, parentId, [...stored.problems]));
  }

  // Independent subsegments go under their parent; segments stay at the top (a segment's parent_id names the caller's
  // subsegment in another service, which X-Ray draws as an edge, not as nesting).
  const roots: XRayNode[] = [];
  for (const node of tops) {
    const parent = node.kind === 'subsegment' && node.parentId !== undefined ? byId.get(node.parentId) : undefined;
    if (parent !== undefined && !isWithin(parent, node)) {
      parent.children.push(node);
      parentOf.set(node, parent);
    } else {
      if (node.kind === 'subsegment' && node.parentId !== undefined) {
        node.problems.push({ severity: 'warning', segmentId: node.id, message: `Its parent ${node.parentId} has not arrived: X-Ray shows it only once the parent (sub)segment does.` });
      }
      roots.push(node);
    }
  }
  function isWithin(candidate: XRayNode, node: XRayNode): boolean {
    for (let at: XRayNode | undefined = candidate; at !== undefined; at = parentOf.get(at)) if (at === node) return true;
    return false;
  }
  const byStart = (a: XRayNode, b: XRayNode): number => (a.start ?? 0) - (b.start ?? 0);
  const sort = (nodes: XRayNode[]): void => {
    nodes.sort(byStart);
    for (const n of nodes) sort(n.children);
  };
  sort(roots);
  if (annotationCount > MAX_ANNOTATIONS) {
    problems.push({ severity: 'warning', message: `${annotationCount} annotations in this trace; X-Ray indexes up to ${MAX_ANNOTATIONS} per trace.` });
  }
  return { roots, problems };
}

/** Every node of the tree, depth first. */
export function flatten(nodes: readonly XRayNode[]): XRayNode[] {
  const out: XRayNode[] = [];
  const walk = (n: XRayNode): void => {
    out.push(n);
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}
