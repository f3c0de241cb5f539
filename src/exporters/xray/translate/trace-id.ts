import { TRACE_ID_VERSION } from './limits';

const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';

/** 1 for the character codes of `0-9a-f`. */
const LOWER_HEX = new Uint8Array(128);
for (const ch of '0123456789abcdef') LOWER_HEX[ch.charCodeAt(0)] = 1;

/**
 * `length` lowercase hex digits? A table loop instead of `/^[0-9a-f]{32}$/.test`: measured, about twice as fast on
 * random trace and span ids.
 */
function isLowerHex(id: string, length: number): boolean {
  if (id.length !== length) return false;
  for (let i = 0; i < length; i++) if (LOWER_HEX[id.charCodeAt(i)] !== 1) return false;
  return true;
}

/**
 * Converts a 32-hex OTel trace id to X-Ray's `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`, or `undefined` when the id is
 * not 32 hex digits or is all zeros. Never rejected by age, so a trace continued from a W3C-only upstream keeps its id:
 * X-Ray accepts W3C-format ids
 * (https://aws.amazon.com/about-aws/whats-new/2023/10/aws-x-ray-w3c-format-trace-ids-distributed-tracing/).
 */
export function toXRayTraceId(traceId: string): string | undefined {
  // OTel ids are lowercase hex in practice, but the API only promises hex (isValidTraceId is case-insensitive).
  let id = traceId;
  if (!isLowerHex(id, 32)) {
    id = traceId.toLowerCase();
    if (!isLowerHex(id, 32)) return undefined;
  }
  if (id === ZERO_TRACE_ID) return undefined;
  return `${TRACE_ID_VERSION}-${id.slice(0, 8)}-${id.slice(8)}`;
}

/**
 * {@link toXRayTraceId} remembering its last answer. Spans of one trace share the trace id string (the SDK copies
 * the parent's), and end, so are exported, close together: on a 4-span trace, 3 of 4 conversions are one string
 * comparison.
 */
export function createTraceIdConverter(): (traceId: string) => string | undefined {
  let lastIn = '';
  let lastOut: string | undefined;
  return (traceId) => {
    if (traceId !== lastIn) {
      lastOut = toXRayTraceId(traceId);
      lastIn = traceId;
    }
    return lastOut;
  };
}

/** Returns the span id as X-Ray wants it (16 lowercase hex, not all zeros), or `undefined`. */
export function toXRaySpanId(spanId: string): string | undefined {
  let id = spanId;
  if (!isLowerHex(id, 16)) {
    id = spanId.toLowerCase();
    if (!isLowerHex(id, 16)) return undefined;
  }
  return id === ZERO_SPAN_ID ? undefined : id;
}

/** Hex digits the segment id of a wrapped root call is the call's id XOR-ed with (any fixed value would do). */
const SEGMENT_ID_MASK = [10, 5, 12, 3, 14, 1, 15, 7, 11, 9, 13, 2, 6, 8, 4, 14];

/** A segment id derived from a span id, the same for the same span, for the segment that wraps a root call (segment.ts). */
export function derivedSegmentId(callId: string): string {
  let id = '';
  let zero = true;
  for (let i = 0; i < 16; i++) {
    const digit = parseInt(callId[i]!, 16) ^ SEGMENT_ID_MASK[i]!;
    if (digit !== 0) zero = false;
    id += digit.toString(16);
  }
  return zero ? callId.split('').reverse().join('') : id; // X-Ray ids are never all zeros
}
