/**
 * Makes one oversize X-Ray document fit its byte budget. This is the rare path (a span with huge attributes, SQL text
 * or stack traces), so clarity beats speed here; the common path in packer.ts never calls it.
 *
 * Order (docs/xray.md "Packing, size limits and transport"):
 *   1. metadata values, largest first (long strings cut to a prefix, other large values replaced by a marker);
 *   2. long strings: sql.*, cause exception messages and stack frames (X-Ray's `truncated` frame count), annotations,
 *      http.request.url / user_agent;
 *   3. a skeleton (name, ids, times, flags, namespace/origin) so the trace tree stays intact.
 * Every cut is recorded under `metadata.dualtrace.truncated` (paths), never under the reserved `AWS.` prefix.
 */
import type { PackableDocument } from './document';

/** Longest string kept when a string is cut (characters). X-Ray caps annotation values at 1,000 characters. */
const KEPT_STRING_CHARS = 1_000;
/** Characters kept of a metadata string that is cut: metadata is the first thing given up, so keep only a hint. */
const KEPT_METADATA_CHARS = 64;
/** Metadata values whose JSON is larger than this (bytes) are candidates for cutting. */
const METADATA_VALUE_FLOOR_BYTES = 256;
/** Stack frames kept per exception once stacks are cut. */
const KEPT_STACK_FRAMES = 10;
/** Room left for the `metadata.dualtrace.truncated` list when estimating how much metadata to cut. */
const MARKER_MARGIN_BYTES = 1_024;
/** Appended to every cut string so readers see the value is partial. */
export const TRUNCATION_MARK = '…[truncated]';

type Doc = { -readonly [K in keyof PackableDocument]: PackableDocument[K] } & Record<string, unknown>;
type Measure = (doc: PackableDocument) => number;

export interface ShrinkResult {
  readonly doc: PackableDocument;
  /** Paths of what was cut, e.g. `metadata.default.payload`, `sql.sanitized_query`, `*` for a skeleton. */
  readonly truncated: readonly string[];
}

/**
 * Returns a copy of `doc` whose measured size is ≤ `budget`, or `undefined` when even the skeleton does not fit.
 * `measure` returns the UTF-8 size of the document as it will be sent (so callers include their framing).
 */
export function shrinkDocument(doc: PackableDocument, budget: number, measure: Measure): ShrinkResult | undefined {
  const truncated: string[] = [];
  let work: Doc = { ...(doc as Doc) };
  const fits = (): boolean => measure(withMarker(work, truncated)) <= budget;

  if (work.metadata && typeof work.metadata === 'object') {
    // Sizes are estimated per value; the margin covers the `dualtrace.truncated` marker added afterwards.
    work = shrinkMetadata(work, measure(work) - budget + MARKER_MARGIN_BYTES, truncated);
    if (fits()) return done(work, truncated);
    if (work.metadata) {
      truncated.push('metadata');
      delete work.metadata;
      if (fits()) return done(work, truncated);
    }
  }

  work = shrinkLongStrings(work, truncated);
  if (fits()) return done(work, truncated);

  truncated.push('*');
  work = skeleton(work);
  if (fits()) return done(work, truncated);
  return undefined;
}

function done(work: Doc, truncated: readonly string[]): ShrinkResult {
  return { doc: withMarker(work, truncated), truncated };
}

/** Adds `metadata.dualtrace.truncated` listing the cut paths (at most 20 listed). */
function withMarker(work: Doc, truncated: readonly string[]): Doc {
  if (truncated.length === 0) return work;
  const shown = truncated.slice(0, 20).map((path) => cutString(path, 40));
  const listed = truncated.length > 20 ? [...shown, `…${truncated.length - 20} more`] : shown;
  const metadata = { ...(work.metadata as Record<string, unknown> | undefined), dualtrace: { truncated: listed } };
  return { ...work, metadata };
}

export function cutString(value: string, chars = KEPT_STRING_CHARS): string {
  return value.length <= chars ? value : value.slice(0, chars) + TRUNCATION_MARK;
}

/** Cuts metadata values, largest first, until about `excess` bytes are saved (sizes measured once per value). */
function shrinkMetadata(work: Doc, excess: number, truncated: string[]): Doc {
  const metadata = work.metadata as Record<string, unknown>;
  const candidates: { ns: string; key: string; bytes: number; value: unknown }[] = [];
  for (const [ns, values] of Object.entries(metadata)) {
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
      if (bytes > METADATA_VALUE_FLOOR_BYTES) candidates.push({ ns, key, bytes, value });
    }
  }
  candidates.sort((a, b) => b.bytes - a.bytes);
  const copy: Record<string, Record<string, unknown>> = {};
  for (const [ns, values] of Object.entries(metadata)) {
    copy[ns] = values && typeof values === 'object' ? { ...(values as Record<string, unknown>) } : {};
  }
  let saved = 0;
  for (const candidate of candidates) {
    if (saved >= excess) break;
    const replacement =
      typeof candidate.value === 'string' ? cutString(candidate.value, KEPT_METADATA_CHARS) : `[truncated: ${candidate.bytes} bytes]`;
    copy[candidate.ns]![candidate.key] = replacement;
    saved += candidate.bytes - Buffer.byteLength(JSON.stringify(replacement));
    truncated.push(`metadata.${candidate.ns}.${candidate.key}`);
  }
  return { ...work, metadata: copy };
}

function shrinkLongStrings(work: Doc, truncated: string[]): Doc {
  const next: Doc = { ...work };
  const sql = next.sql as Record<string, unknown> | undefined;
  if (sql && typeof sql === 'object') next.sql = cutStrings(sql, 'sql', truncated);

  const annotations = next.annotations as Record<string, unknown> | undefined;
  if (annotations && typeof annotations === 'object') next.annotations = cutStrings(annotations, 'annotations', truncated);

  const http = next.http as { request?: Record<string, unknown> } | undefined;
  if (http?.request && typeof http.request === 'object') {
    next.http = { ...http, request: cutStrings(http.request, 'http.request', truncated) };
  }

  const cause = next.cause as { exceptions?: Record<string, unknown>[] } | undefined;
  if (cause && Array.isArray(cause.exceptions)) {
    const exceptions = cause.exceptions.map((exception, i) => {
      const copy = { ...exception };
      if (typeof copy.message === 'string' && copy.message.length > KEPT_STRING_CHARS) {
        copy.message = cutString(copy.message);
        truncated.push(`cause.exceptions.${i}.message`);
      }
      const stack = copy.stack;
      if (Array.isArray(stack) && stack.length > KEPT_STACK_FRAMES) {
        copy.stack = stack.slice(0, KEPT_STACK_FRAMES);
        // X-Ray's exception object counts omitted frames in `truncated` (segment documents, "cause").
        copy.truncated = (typeof copy.truncated === 'number' ? copy.truncated : 0) + stack.length - KEPT_STACK_FRAMES;
        truncated.push(`cause.exceptions.${i}.stack`);
      }
      return copy;
    });
    next.cause = { ...cause, exceptions };
  }
  return next;
}

function cutStrings(object: Record<string, unknown>, path: string, truncated: string[]): Record<string, unknown> {
  const copy = { ...object };
  for (const [key, value] of Object.entries(copy)) {
    if (typeof value === 'string' && value.length > KEPT_STRING_CHARS) {
      copy[key] = cutString(value);
      truncated.push(`${path}.${key}`);
    }
  }
  return copy;
}

const SKELETON_KEYS = [
  'name', 'id', 'trace_id', 'parent_id', 'type', 'start_time', 'end_time', 'in_progress',
  'fault', 'error', 'throttle', 'namespace', 'origin',
] as const;

/** The fields X-Ray needs to place the document in its trace, plus the outcome flags. */
function skeleton(work: Doc): Doc {
  const out: Record<string, unknown> = {};
  for (const key of SKELETON_KEYS) if (work[key] !== undefined) out[key] = work[key];
  return out as Doc;
}
