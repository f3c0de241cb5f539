/**
 * The part of an X-Ray segment document the packer relies on. The translator's `SegmentDocument` is one; the packer
 * reads only these fields and treats everything else as opaque JSON.
 *
 * A document without `type` is a segment (a local root, never nested inside another document); `type: 'subsegment'`
 * with `parent_id` is a subsegment that may be nested under its parent when both are in the same batch.
 */
export interface PackableDocument {
  readonly id: string;
  readonly trace_id: string;
  readonly parent_id?: string;
  readonly type?: 'subsegment';
  readonly subsegments?: readonly unknown[];
  readonly metadata?: unknown;
}
