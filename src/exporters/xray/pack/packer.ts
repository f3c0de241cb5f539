/**
 * Packs translated X-Ray documents into daemon datagrams: the header line plus exactly one document each, never over
 * `maxDocumentBytes` (UTF-8 bytes, header included).
 *
 * - A segment (document without `type`) and its descendants in the same batch are nested under `subsegments`
 *   (their `trace_id`, `parent_id` and `type` stripped) when the whole datagram fits.
 * - Otherwise (split.ts) the segment keeps the whole child subtrees that fit and everything else goes out as
 *   independent subsegments (`type`, `trace_id`, `parent_id`), as the X-Ray SDKs stream subsegments of a large
 *   segment (aws-xray-sdk-node `lib/segments/attributes/subsegment.js`). A document that does not fit alone is shrunk
 *   (shrink.ts) and, only if even its skeleton does not fit, dropped and counted.
 *
 * - A document nested MAX_NESTING_DEPTH levels below its segment carries no children: deeper descendants go out as
 *   independent subsegments. Walks over the tree are loops, never recursion, so a chain of any depth packs.
 *
 * The common case is one JSON.stringify of the nested tree, built by temporarily re-pointing the documents: measured
 * in bench/xray.bench.ts, as cheap as stringifying a prebuilt nested object and cheaper than serialising each document
 * and joining strings. The split path joins strings, because there it avoids serialising a document twice.
 */
import { DEFAULT_MAX_DOCUMENT_BYTES } from '../../../config/xray';
import type { PackableDocument } from './document';
import { DAEMON_HEADER, pushPayload, type PackCounters, type PackEntry, type PackOutput } from './types';
import { DocumentEdits } from './serialise';
import { packTreeSplit } from './split';

export { DAEMON_HEADER } from './types';

/**
 * How many levels of subsegments one document nests at most. JSON.stringify recurses per level, so an unbounded
 * depth could exhaust the stack; and a datagram of at most 64 kB holds a few hundred levels at most anyway. The X-Ray
 * segment-document format sets no depth limit; 32 is far deeper than the call trees of real requests.
 */
export const MAX_NESTING_DEPTH = 32;

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
  /**
   * How many documents (spans) each payload carries: 1, or more for a segment with nested subsegments; `undefined`
   * when every payload carries one.
   */
  readonly spans: readonly number[] | undefined;
}

interface Entry extends PackEntry {
  readonly children: Entry[];
  reached: boolean;
}

/**
 * Packs one export batch. The documents are not changed (they are re-pointed during serialisation and restored).
 *
 * @param docs the translated documents of the batch, in any order
 * @param [maxDocumentBytes=64000] limit for header + document in UTF-8 bytes
 */
export function packDocuments(
  docs: readonly PackableDocument[],
  maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES,
): PackResult {
  const counters: PackCounters = { nested: 0, truncated: 0, dropped: 0 };
  const out: PackOutput = { payloads: [], spans: undefined };
  // No subsegment in the batch (one span per export, or a batch of lone SERVER spans): every document is a root,
  // so skip the entries, the id map and the tree walk (measured on batches of lone SERVER spans).
  if (!docs.some(isSubsegment)) {
    for (const doc of docs) packAlone(doc, maxDocumentBytes, out, counters);
    return result(out, docs.length, counters);
  }
  const entries: Entry[] = docs.map((doc) => ({ doc, children: [], reached: false }));
  const byId = new Map<string, Entry>();
  for (const entry of entries) byId.set(entry.doc.id, entry);
  // Attach subsegments to a parent in the batch; segments are never nested (they start their own document).
  const roots: Entry[] = [];
  for (const entry of entries) {
    const { doc } = entry;
    const parent = doc.type === 'subsegment' && doc.parent_id !== undefined ? byId.get(doc.parent_id) : undefined;
    if (parent && parent !== entry && parent.doc.trace_id === doc.trace_id) parent.children.push(entry);
    else roots.push(entry);
  }
  for (const root of roots) packRoot(root, maxDocumentBytes, out, counters);
  // Only a parent_id cycle (corrupt input) leaves entries unreached; they still go out, alone.
  for (const entry of entries) {
    if (!entry.reached) packRoot({ doc: entry.doc, children: [], reached: false }, maxDocumentBytes, out, counters);
  }
  return result(out, docs.length, counters);
}

function isSubsegment(doc: PackableDocument): boolean {
  return doc.type === 'subsegment';
}

function result(out: PackOutput, documents: number, counters: PackCounters): PackResult {
  const { payloads, spans } = out;
  return { payloads, spans, documents, nested: counters.nested, truncated: counters.truncated, dropped: counters.dropped };
}

/** One document with nothing of its batch nested in it. */
function packAlone(doc: PackableDocument, max: number, out: PackOutput, counters: PackCounters): void {
  const payload = DAEMON_HEADER + JSON.stringify(doc);
  if (fits(payload, max)) pushPayload(out, payload, 1);
  else packTreeSplit({ doc, children: [] }, max, out, counters);
}

/** UTF-8 is at most 3 bytes per UTF-16 unit: below a third of the limit no exact count is needed. */
function fits(payload: string, max: number): boolean {
  return payload.length * 3 <= max || Buffer.byteLength(payload) <= max;
}

function packRoot(root: Entry, max: number, out: PackOutput, counters: PackCounters): void {
  if (root.children.length === 0) {
    root.reached = true;
    return packAlone(root.doc, max, out, counters);
  }
  if (root.doc.type === 'subsegment') {
    walkTree(root, undefined);
    return packTreeSplit(root, max, out, counters);
  }
  const cut: Entry[] = [];
  const nested = walkTree(root, cut);
  const payload = DAEMON_HEADER + serialiseNested(root);
  if (fits(payload, max)) {
    pushPayload(out, payload, 1 + nested);
    counters.nested += nested;
  } else {
    packTreeSplit(root, max, out, counters);
  }
  // Subtrees below the nesting limit: independent subsegments, each with its descendants.
  for (const entry of cut) packRoot(entry, max, out, counters);
}

/**
 * Marks the tree under `root` reached and returns how many descendants stay in it. With `cut`, the children of
 * documents MAX_NESTING_DEPTH levels down are taken out of the tree and listed there, in depth-first order.
 */
function walkTree(root: Entry, cut: Entry[] | undefined): number {
  root.reached = true;
  let count = 0;
  const stack: Entry[] = [root];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const depth = depths.pop()!;
    const { children } = entry;
    if (cut !== undefined && depth === MAX_NESTING_DEPTH && children.length > 0) {
      for (const child of children) cut.push(child);
      children.length = 0;
      continue;
    }
    count += children.length;
    for (let i = children.length - 1; i >= 0; i--) {
      children[i]!.reached = true;
      if (children[i]!.children.length === 0) continue;
      stack.push(children[i]!);
      depths.push(depth + 1);
    }
  }
  return count;
}

/** JSON of a segment with its batch descendants nested under `subsegments`, their linking fields stripped. */
function serialiseNested(root: Entry): string {
  const edits = new DocumentEdits();
  const stack: Entry[] = [root];
  while (stack.length > 0) {
    const { doc, children } = stack.pop()!;
    const strip = doc !== root.doc;
    if (children.length === 0) {
      edits.edit(doc, strip);
      continue;
    }
    const list: unknown[] = doc.subsegments === undefined ? [] : [...doc.subsegments];
    for (const child of children) {
      list.push(child.doc);
      stack.push(child);
    }
    edits.edit(doc, strip, list);
  }
  return edits.serialise(root.doc);
}
