/**
 * Packs translated X-Ray documents into daemon datagrams: the header line plus exactly one document each, never over
 * `maxDocumentBytes` (UTF-8 bytes, header included).
 *
 * - A segment (document without `type`) and the descendants in the same batch are nested under `subsegments`
 *   (their `trace_id`, `parent_id` and `type` stripped), child subtree by child subtree, while the datagram fits.
 * - Everything else, including subtrees that no longer fit, goes out as independent subsegments
 *   (`type`, `trace_id`, `parent_id`), which is how the X-Ray SDKs stream subsegments (xray-daemon-sampling.md B.3).
 * - A document that does not fit alone is shrunk (shrink.ts) and, only if even its skeleton does not fit, dropped.
 *
 * Cost: each document is serialised once (`JSON.stringify` without the linking fields); nested and independent forms
 * are built by string concatenation, and sizes come from one `Buffer.byteLength` per document plus arithmetic.
 * Measured in bench/xray.bench.ts: this beats re-serialising the nested object tree (see docs/benchmarks.md).
 */
import type { PackableDocument } from './packable-document';
import { shrinkDocument } from './shrink';

/** The daemon's header line, byte-for-byte what the X-Ray Node SDK sends (segment_emitter.js). */
export const DAEMON_HEADER = '{"format":"json","version":1}\n';
const HEADER_BYTES = Buffer.byteLength(DAEMON_HEADER);
/** Default limit for header + document. The X-Ray API caps a segment document at 64 kB (segment documents guide). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64_000;
/** Largest IPv4 UDP payload; Node's dgram returns EMSGSIZE above it. */
export const MAX_UDP_PAYLOAD_BYTES = 65_507;
/** Below this there is no room for a skeleton document with a truncation marker. */
export const MIN_DOCUMENT_BYTES = 512;

const SUBSEGMENTS_OPEN = '"subsegments":[';
const SUBSEGMENTS_OPEN_BYTES = SUBSEGMENTS_OPEN.length + 2; // + the comma before it and the closing "]"

export interface PackStats {
  /** Documents received. */
  readonly documents: number;
  /** Documents sent nested inside another document. */
  readonly nested: number;
  /** Documents shrunk to fit (see shrink.ts). */
  readonly truncated: number;
  /** Documents dropped because even their skeleton did not fit. */
  readonly dropped: number;
}

export interface PackResult extends PackStats {
  /** One entry per datagram: the header line plus one document. Each is ≤ the limit in UTF-8 bytes. */
  readonly payloads: readonly string[];
}

interface Node {
  readonly doc: PackableDocument;
  /** JSON without trace_id/parent_id/type/subsegments; always an object literal `{…}`. */
  body: string;
  bodyBytes: number;
  children: Node[];
  /** Bytes of this node nested (body + its nested children). */
  treeBytes: number;
  sent: boolean;
}

interface Counters {
  nested: number;
  truncated: number;
  dropped: number;
}

/**
 * Packs one export batch.
 *
 * @param docs the translated documents of the batch, in any order
 * @param [maxDocumentBytes=64000] limit for header + document in UTF-8 bytes
 */
export function packDocuments(
  docs: readonly PackableDocument[],
  maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES,
): PackResult {
  const counters: Counters = { nested: 0, truncated: 0, dropped: 0 };
  const payloads: string[] = [];
  const nodes = new Map<string, Node>();
  const ordered: Node[] = [];
  for (const doc of docs) {
    const node = makeNode(doc, maxDocumentBytes, counters);
    if (!node) continue;
    ordered.push(node);
    nodes.set(doc.id, node);
  }
  // Attach subsegments to a parent in the batch; segments are never nested (they start their own document).
  const roots: Node[] = [];
  for (const node of ordered) {
    const parent = node.doc.type === 'subsegment' && node.doc.parent_id ? nodes.get(node.doc.parent_id) : undefined;
    if (parent && parent !== node && parent.doc.trace_id === node.doc.trace_id) parent.children.push(node);
    else roots.push(node);
  }
  for (const root of roots) {
    if (root.doc.type === 'subsegment') emitIndependentTree(root, payloads);
    else emitSegment(root, maxDocumentBytes, payloads, counters);
  }
  // Only a parent_id cycle (corrupt input) leaves nodes unreached; they still go out, alone.
  for (const node of ordered) if (!node.sent) emitIndependent(node, payloads);
  return { payloads, documents: docs.length, ...counters };
}

/**
 * JSON of the document without its linking fields. Measured (bench/xray.bench.ts, Node 20): setting the four fields
 * to `undefined` around one JSON.stringify (which skips undefined) costs ~0.5 µs per document; an object-rest copy
 * costs ~1.1 µs. The document is restored before returning, so callers see no change.
 */
function serialiseBody(doc: PackableDocument): string {
  const open = doc as { trace_id?: string; parent_id?: string; type?: string; subsegments?: readonly unknown[] };
  const { trace_id, parent_id, type, subsegments } = open;
  open.trace_id = open.parent_id = open.type = open.subsegments = undefined;
  let body: string;
  try {
    body = JSON.stringify(doc);
  } finally {
    open.trace_id = trace_id;
    open.parent_id = parent_id;
    open.type = type;
    open.subsegments = subsegments;
  }
  // Subsegments a document already carries stay nested in it (serialised in full, as received).
  if (subsegments && subsegments.length > 0) body = withFields(body, SUBSEGMENTS_OPEN + JSON.stringify(subsegments).slice(1));
  return body;
}

/** Serialises a document; shrinks it (or drops it) when it cannot fit even alone as an independent subsegment. */
function makeNode(doc: PackableDocument, max: number, counters: Counters): Node | undefined {
  let body = serialiseBody(doc);
  let bodyBytes = Buffer.byteLength(body);
  const framing = HEADER_BYTES + linkBytes(doc);
  if (framing + bodyBytes > max) {
    const shrunk = shrinkDocument(doc, max - framing, (d) => Buffer.byteLength(serialiseBody(d)));
    if (!shrunk) {
      counters.dropped++;
      return undefined;
    }
    counters.truncated++;
    body = serialiseBody(shrunk.doc);
    bodyBytes = Buffer.byteLength(body);
    doc = shrunk.doc;
  }
  return { doc, body, bodyBytes, children: [], treeBytes: 0, sent: false };
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

function computeTreeBytes(node: Node): number {
  let bytes = node.bodyBytes;
  if (node.children.length > 0) {
    bytes += SUBSEGMENTS_OPEN_BYTES + node.children.length - 1;
    for (const child of node.children) bytes += computeTreeBytes(child);
  }
  node.treeBytes = bytes;
  return bytes;
}

function nestedJson(node: Node): string {
  if (node.children.length === 0) return node.body;
  let list = '';
  for (const child of node.children) list += (list === '' ? '' : ',') + nestedJson(child);
  return withFields(node.body, `${SUBSEGMENTS_OPEN}${list}]`);
}

/** A segment plus as many whole child subtrees as fit; the rest become independent subsegments. */
function emitSegment(root: Node, max: number, payloads: string[], counters: Counters): void {
  const links = linkFields(root.doc);
  let used = HEADER_BYTES + root.bodyBytes + Buffer.byteLength(links) + 1;
  let list = '';
  for (const child of root.children) {
    const cost = computeTreeBytes(child) + (list === '' ? SUBSEGMENTS_OPEN_BYTES : 1);
    if (used + cost <= max) {
      used += cost;
      list += (list === '' ? '' : ',') + nestedJson(child);
      counters.nested += markTree(child);
    } else {
      emitIndependentTree(child, payloads);
    }
  }
  const fields = list === '' ? links : `${links},${SUBSEGMENTS_OPEN}${list}]`;
  payloads.push(DAEMON_HEADER + withFields(root.body, fields));
  root.sent = true;
}

/** Every node of the subtree as its own independent subsegment (each was checked to fit alone in makeNode). */
function emitIndependentTree(node: Node, payloads: string[]): void {
  emitIndependent(node, payloads);
  for (const child of node.children) emitIndependentTree(child, payloads);
}

function emitIndependent(node: Node, payloads: string[]): void {
  payloads.push(DAEMON_HEADER + withFields(node.body, linkFields(node.doc)));
  node.sent = true;
}

/** Marks a nested subtree as sent and returns its size in documents. */
function markTree(node: Node): number {
  node.sent = true;
  let count = 1;
  for (const child of node.children) count += markTree(child);
  return count;
}
