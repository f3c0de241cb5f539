/**
 * The record format of the export-worker prototype (bench/export-worker/README.md): what the request thread writes
 * for each ended span and the worker reads back. Little-endian; ids as bytes; strings either inline or through a
 * long-lived string table both sides keep in step (a string is defined once, in the record that first uses it, and
 * referred to by number after that).
 *
 * A string is one varint `x`: tag `x & 3`, value `x >>> 2`:
 *   0 table reference (value = id)   1 defines the next table id: value = length, then that many ASCII bytes
 *   2 inline ASCII (value = length)   3 inline UTF-8: value = byte length, then the bytes (never tabled)
 */
export const RECORD_SPAN = 1;
/** Both sides empty their string and scope tables (the writer's table was full, or a record was rewritten). */
export const RECORD_RESET = 2;

export const STR_REF = 0;
export const STR_DEFINE = 1;
export const STR_INLINE = 2;
export const STR_UTF8 = 3;

/** Strings longer than this are never tabled (stack traces, URLs with ids): written inline each time. */
export const TABLE_MAX_LENGTH = 64;
/** A full table is emptied (RECORD_RESET), so per-request values cannot grow it without bound. */
export const TABLE_MAX_ENTRIES = 4096;

// Attribute value tags.
export const V_NULL = 0;
export const V_STRING = 1;
export const V_TRUE = 2;
export const V_FALSE = 3;
/** A non-negative integer below 2^31, as a varint. */
export const V_UINT = 4;
export const V_DOUBLE = 5;
export const V_ARRAY = 6;
export const V_BYTES = 7;
export const V_KVLIST = 8;

// Span header bits (after the kind, in the low 3 bits).
export const HAS_PARENT = 0x08;
export const PARENT_REMOTE = 0x10;
export const PARENT_REMOTE_SET = 0x20;
