import type { TextMapGetter } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';

/** The X-Ray trace header (Node lower-cases incoming names; responses are case-insensitive). */
export const XRAY_HEADER = 'x-amzn-trace-id';

/**
 * Header getters for the propagator. Node lower-cases incoming header names and gives arrays for some repeated headers;
 * Fetch `Headers` is case-insensitive already. Both propagators (W3C, X-Ray) ask for lower-case names.
 */
export const nodeHeaderGetter: TextMapGetter<IncomingHttpHeaders> = {
  get(carrier, key) {
    const value = carrier[key];
    return value !== undefined ? value : carrier[key.toLowerCase()];
  },
  keys(carrier) {
    return Object.keys(carrier);
  },
};

export const fetchHeaderGetter: TextMapGetter<Headers> = {
  get(carrier, key) {
    return carrier.get(key) ?? undefined;
  },
  keys(carrier) {
    return [...carrier.keys()];
  },
};

/** First value of a Node header (arrays for repeated ones), trimmed of a `, second` tail for list headers. */
export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `X-Forwarded-Proto` → `http`/`https` when it is one of them (TLS ended at a load balancer), else `undefined`. */
export function forwardedProto(value: string | string[] | undefined): 'http' | 'https' | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const comma = v.indexOf(',');
  const first = (comma < 0 ? v : v.slice(0, comma)).trim().toLowerCase();
  return first === 'https' ? 'https' : first === 'http' ? 'http' : undefined;
}

/** A header value as a span attribute (semantic conventions: an array of strings). */
export function headerAttribute(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Reads one response header from a Fetch `Headers` (for `ServerSpan.end`'s captured response headers). */
export function fetchResponseHeader(headers: Headers, name: string): unknown {
  return headers.get(name) ?? undefined;
}
