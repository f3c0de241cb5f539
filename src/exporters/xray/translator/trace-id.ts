import { TRACE_ID_VERSION } from './limits';

// OTel ids are lowercase hex in practice, but the API only promises hex (isValidTraceId is case-insensitive).
const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';

/**
 * Converts a 32-hex OTel trace id to X-Ray's `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`, or `undefined` when the id is
 * not 32 hex digits or is all zeros. Never rejected by age (dualtrace decision 7): X-Ray accepts W3C-format ids
 * since 2023-10-27 (AWS What's New), so a trace continued from a W3C-only upstream keeps its id.
 */
export function toXRayTraceId(traceId: string): string | undefined {
  let id = traceId;
  if (!TRACE_ID_RE.test(id)) {
    id = traceId.toLowerCase();
    if (!TRACE_ID_RE.test(id)) return undefined;
  }
  if (id === ZERO_TRACE_ID) return undefined;
  return `${TRACE_ID_VERSION}-${id.slice(0, 8)}-${id.slice(8)}`;
}

/** Returns the span id as X-Ray wants it (16 lowercase hex, not all zeros), or `undefined`. */
export function toXRaySpanId(spanId: string): string | undefined {
  let id = spanId;
  if (!SPAN_ID_RE.test(id)) {
    id = spanId.toLowerCase();
    if (!SPAN_ID_RE.test(id)) return undefined;
  }
  return id === ZERO_SPAN_ID ? undefined : id;
}
