import type { PackableDocument } from './document';

/** The daemon's header line, byte-for-byte what the X-Ray Node SDK sends (segment_emitter.js). */
export const DAEMON_HEADER = '{"format":"json","version":1}\n';

/** A document of the batch and its descendants in the same batch (same trace, parent_id pointing at it). */
export interface PackEntry {
  readonly doc: PackableDocument;
  readonly children: PackEntry[];
}

/**
 * Where packing writes: one payload per datagram, and how many spans (documents) each carries. `spans` is made only
 * when a payload carries more than one (so a batch of lone spans allocates nothing for it); until then every payload
 * carries one.
 */
export interface PackOutput {
  readonly payloads: string[];
  spans: number[] | undefined;
}

/** Adds one datagram carrying `spans` spans. */
export function pushPayload(out: PackOutput, payload: string, spans: number): void {
  if (spans !== 1 && out.spans === undefined) out.spans = new Array<number>(out.payloads.length).fill(1);
  out.payloads.push(payload);
  out.spans?.push(spans);
}

/** What packing one batch counted; see PackStats in packer.ts. */
export interface PackCounters {
  nested: number;
  truncated: number;
  dropped: number;
}
