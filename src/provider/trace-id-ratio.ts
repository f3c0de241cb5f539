/** Hex digit values by character code (0 for anything else, as a valid trace id has nothing else). */
const HEX = new Int32Array(128);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/**
 * The OpenTelemetry JS `TraceIdRatioBasedSampler` function, without its per-call result object: the XOR of the trace
 * id's four 32-bit words, kept when below `floor(ratio × 0xffffffff)`. Every OpenTelemetry JS service with the same
 * ratio keeps the same traces, and a smaller ratio keeps a subset of what a larger one keeps. XOR works digit by digit,
 * so the four words are combined one hex digit at a time from a table: in a micro loop 4–5× faster than OpenTelemetry's
 * parse-then-XOR loop (77 against 366 ns per id on the bench machine), with the same result (trace-id-ratio.test.ts).
 */
export function traceIdBucket(traceId: string): number {
  let x = 0;
  for (let i = 0; i < 8; i++) {
    x = (x << 4) | (HEX[traceId.charCodeAt(i) & 127]! ^ HEX[traceId.charCodeAt(i + 8) & 127]! ^ HEX[traceId.charCodeAt(i + 16) & 127]! ^ HEX[traceId.charCodeAt(i + 24) & 127]!);
  }
  return x >>> 0;
}

/** The bound a bucket must be below to be kept; 1 keeps every trace (2^32), 0 none. */
export function ratioBound(ratio: number): number {
  if (!(ratio > 0)) return 0;
  return ratio >= 1 ? 0x100000000 : Math.floor(ratio * 0xffffffff);
}
