import type { PackableDocument } from './document';

/** The daemon's header line, byte-for-byte what the X-Ray Node SDK sends (segment_emitter.js). */
export const DAEMON_HEADER = '{"format":"json","version":1}\n';

/** A document of the batch and its descendants in the same batch (same trace, parent_id pointing at it). */
export interface PackEntry {
  readonly doc: PackableDocument;
  readonly children: PackEntry[];
}

/** Where packing writes: one payload per datagram, and how many spans (documents) each carries. */
export interface PackOutput {
  readonly payloads: string[];
  readonly spans: number[];
}

/** What packing one batch counted; see PackStats in packer.ts. */
export interface PackCounters {
  nested: number;
  truncated: number;
  dropped: number;
}
