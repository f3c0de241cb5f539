/**
 * The split path of the packer, for a segment whose batch descendants do not fit in one datagram with it, and for
 * documents that do not fit even alone. Each document is serialised once without its linking fields; the segment
 * takes whole child subtrees while they fit (sizes by arithmetic on already-measured parts) and every other document
 * goes out as an independent subsegment, shrunk first if it has to be (shrink.ts), dropped only if even its skeleton
 * does not fit.
 */
import type { PackableDocument } from './document';
import { DAEMON_HEADER, pushPayload, type PackEntry, type PackCounters, type PackOutput } from './types';
import { serialiseBody } from './serialise';
import { shrinkDocument } from './shrink';

const HEADER_BYTES = Buffer.byteLength(DAEMON_HEADER);
const SUBSEGMENTS_OPEN = '"subsegments":[';
const SUBSEGMENTS_OPEN_BYTES = SUBSEGMENTS_OPEN.length + 2; // + the comma before it and the closing "]"

interface Node {
  readonly doc: PackableDocument;
  /** JSON without trace_id/parent_id/type/subsegments; always an object literal `{…}`. */
  readonly body: string;
  readonly bodyBytes: number;
  readonly children: Node[];
}

/** Packs the tree under `root` (a segment, or a subsegment whose parent is not in the batch). */
export function packTreeSplit(root: PackEntry, max: number, out: PackOutput, counters: PackCounters): void {
  const node = toNode(root, max, out, counters);
  if (!node) return;
  if (node.doc.type === 'subsegment') emitIndependentTree(node, out);
  else emitSegment(node, max, out, counters);
}

/** A document of the tree being serialised, and how far through its children the walk is. */
interface Frame {
  readonly entry: PackEntry;
  readonly node: Node | undefined;
  /** Children may nest in it: it was not dropped and carries no `subsegments` of its own (the translator never does). */
  readonly canNest: boolean;
  next: number;
}

/**
 * Serialises a tree, children in order, each child's subtree complete before the next (a loop, not recursion: a chain
 * may be thousands deep). Under a dropped document, or one that carries its own subsegments, each finished child
 * subtree goes out independently (its documents keep their parent_id).
 */
function toNode(root: PackEntry, max: number, out: PackOutput, counters: PackCounters): Node | undefined {
  const open = (given: PackEntry): Frame => {
    const entry = liftOwnSubsegments(given, max);
    const node = makeNode(entry.doc, max, counters);
    return { entry, node, canNest: node !== undefined && (entry.doc.subsegments?.length ?? 0) === 0, next: 0 };
  };
  const stack: Frame[] = [open(root)];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.entry.children.length) {
      stack.push(open(top.entry.children[top.next++]!));
      continue;
    }
    stack.pop();
    if (stack.length === 0) return top.node;
    const parent = stack[stack.length - 1]!;
    if (top.node === undefined) continue;
    if (parent.canNest) parent.node!.children.push(top.node);
    else emitIndependentTree(top.node, out);
  }
}

/**
 * A document that carries nested subsegments of its own (a wrapped root call, translate/segment.ts) and does not fit
 * with them: they become children of the entry, so each is packed (nested if it fits, else independent, shrunk if it
 * must be) instead of being lost to the document's skeleton.
 */
function liftOwnSubsegments(entry: PackEntry, max: number): PackEntry {
  const own = entry.doc.subsegments;
  if (own === undefined || own.length === 0) return entry;
  if (HEADER_BYTES + linkBytes(entry.doc) + Buffer.byteLength(serialiseStandalone(entry.doc)) <= max) return entry;
  const { doc } = entry;
  const lifted: PackEntry[] = [];
  for (const item of own) {
    if (item === null || typeof item !== 'object') continue;
    const child = { ...(item as Record<string, unknown>), type: 'subsegment', trace_id: doc.trace_id, parent_id: doc.id };
    lifted.push({ doc: child as unknown as PackableDocument, children: [] });
  }
  return { doc: { ...doc, subsegments: undefined }, children: [...lifted, ...entry.children] };
}

/** The document's JSON without linking fields; subsegments it already carries stay nested (serialised as received). */
function serialiseStandalone(doc: PackableDocument): string {
  const body = serialiseBody(doc);
  const subsegments = doc.subsegments;
  return subsegments && subsegments.length > 0 ? withFields(body, SUBSEGMENTS_OPEN + JSON.stringify(subsegments).slice(1)) : body;
}

/** Serialises a document; shrinks it (or drops it) when it cannot fit even alone as an independent subsegment. */
function makeNode(doc: PackableDocument, max: number, counters: PackCounters): Node | undefined {
  let body = serialiseStandalone(doc);
  let bodyBytes = Buffer.byteLength(body);
  const framing = HEADER_BYTES + linkBytes(doc);
  if (framing + bodyBytes > max) {
    const shrunk = shrinkDocument(doc, max - framing, (d) => Buffer.byteLength(serialiseStandalone(d)));
    if (!shrunk) {
      counters.dropped++;
      return undefined;
    }
    counters.truncated++;
    body = serialiseStandalone(shrunk.doc);
    bodyBytes = Buffer.byteLength(body);
    doc = shrunk.doc;
  }
  return { doc, body, bodyBytes, children: [] };
}

/** The linking fields of the standalone form; a segment gets trace_id (+ parent_id), a subsegment all three. */
function linkFields(doc: PackableDocument): string {
  const parent = doc.parent_id === undefined ? '' : `,"parent_id":${quote(doc.parent_id)}`;
  const type = doc.type === 'subsegment' ? '"type":"subsegment",' : '';
  return `${type}"trace_id":${quote(doc.trace_id)}${parent}`;
}

/** Ids are hex (translator); anything else still comes out as valid JSON. */
function quote(value: string): string {
  return SAFE_ID.test(value) ? `"${value}"` : JSON.stringify(value);
}
const SAFE_ID = /^[\w-]{1,64}$/;

function linkBytes(doc: PackableDocument): number {
  return Buffer.byteLength(linkFields(doc)) + 1; // + the comma joining them to the body
}

/** Inserts `fields` (no leading comma) before the closing brace of a serialised object. */
function withFields(body: string, fields: string): string {
  return body.length > 2 ? `${body.slice(0, -1)},${fields}}` : `{${fields}}`;
}

/** Bytes of the subtree as nested JSON. */
function treeBytes(root: Node): number {
  let bytes = 0;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    bytes += node.bodyBytes;
    if (node.children.length === 0) continue;
    bytes += SUBSEGMENTS_OPEN_BYTES + node.children.length - 1;
    for (const child of node.children) stack.push(child);
  }
  return bytes;
}

/** The subtree as nested JSON, children in order (built bottom-up in a loop). */
function nestedJson(root: Node): string {
  if (root.children.length === 0) return root.body;
  const stack: { node: Node; next: number; list: string }[] = [{ node: root, next: 0, list: '' }];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.children.length) {
      const child = top.node.children[top.next++]!;
      if (child.children.length === 0) top.list += (top.list === '' ? '' : ',') + child.body;
      else stack.push({ node: child, next: 0, list: '' });
      continue;
    }
    stack.pop();
    const json = withFields(top.node.body, `${SUBSEGMENTS_OPEN}${top.list}]`);
    if (stack.length === 0) return json;
    const parent = stack[stack.length - 1]!;
    parent.list += (parent.list === '' ? '' : ',') + json;
  }
}

/** A segment plus as many whole child subtrees as fit; the rest become independent subsegments. */
function emitSegment(root: Node, max: number, out: PackOutput, counters: PackCounters): void {
  const links = linkFields(root.doc);
  let used = HEADER_BYTES + root.bodyBytes + Buffer.byteLength(links) + 1;
  let list = '';
  let nested = 0;
  for (const child of root.children) {
    const cost = treeBytes(child) + (list === '' ? SUBSEGMENTS_OPEN_BYTES : 1);
    if (used + cost <= max) {
      used += cost;
      list += (list === '' ? '' : ',') + nestedJson(child);
      nested += countTree(child);
    } else {
      emitIndependentTree(child, out);
    }
  }
  const fields = list === '' ? links : `${links},${SUBSEGMENTS_OPEN}${list}]`;
  pushPayload(out, DAEMON_HEADER + withFields(root.body, fields), 1 + nested);
  counters.nested += nested;
}

/** Every node of the subtree as its own independent subsegment, depth first (each was checked to fit alone in makeNode). */
function emitIndependentTree(root: Node, out: PackOutput): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    pushPayload(out, DAEMON_HEADER + withFields(node.body, linkFields(node.doc)), 1);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

function countTree(root: Node): number {
  let count = 0;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    count++;
    for (const child of node.children) stack.push(child);
  }
  return count;
}
