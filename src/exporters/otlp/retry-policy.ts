/**
 * When an OTLP export is tried again, and after how long: the OTLP/HTTP specification's rules ("Retryable Response
 * Codes", "Throttling"; https://opentelemetry.io/docs/specs/otlp/#failures-1) with the numbers OpenTelemetry JS's
 * exporters use, so dualtrace behaves as the exporter it replaces did.
 */

/** 429 and the three "try again later" statuses; everything else (400, 401, 403, 404, 413, 500, …) is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Transport errors worth another attempt: the peer or the path to it may be back by then. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

export function isRetryableNetworkError(code: unknown): boolean {
  return typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code);
}

/** At most this many retries after the first attempt, and never past the export's deadline. */
export const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1_000;
const BACKOFF_MULTIPLIER = 1.5;
const MAX_BACKOFF_MS = 5_000;
/** ±20 %, so exporters that failed together do not retry in step. */
const JITTER = 0.2;

/** The wait before retry number `retry` (1-based) when the server gave no `Retry-After`. */
export function backoffMillis(retry: number, random: () => number = Math.random): number {
  const base = Math.min(INITIAL_BACKOFF_MS * BACKOFF_MULTIPLIER ** (retry - 1), MAX_BACKOFF_MS);
  return Math.round(base * (1 - JITTER + random() * 2 * JITTER));
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); `undefined` when absent or
 * unreadable (the backoff applies then). A date in the past means "now". The caller bounds it by the deadline.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  // Every HTTP-date form names its month; without one, Date.parse would read "-1" as a date.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
