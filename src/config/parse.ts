

/** Parsers for environment strings (and option strings). Each returns `undefined` for a missing or unusable value; callers warn. */

export function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `true`/`false` (any case, also `1`/`0`, `yes`/`no`, `on`/`off`); anything else is `undefined`. */
export function parseBoolean(value: string | undefined): boolean | undefined {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined) return undefined;
  if (text === 'true' || text === '1' || text === 'yes' || text === 'on') return true;
  if (text === 'false' || text === '0' || text === 'no' || text === 'off') return false;
  return undefined;
}

/** A whole number ≥ `min`; anything else is `undefined`. */
export function parseInteger(value: string | undefined, min = 0): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

/** A finite number; anything else is `undefined`. */
export function parseNumber(value: string | undefined): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Comma-separated list, trimmed, empties dropped. */
export function parseList(value: string | undefined): string[] | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/**
 * `key1=value1,key2=value2` as used by OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS (W3C baggage-like,
 * values percent-decoded). Malformed pairs are skipped and reported through `onBad`.
 */
export function parseKeyValueList(value: string | undefined, onBad?: (pair: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  const text = nonEmpty(value);
  if (text === undefined) return out;
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      onBad?.(pair);
      continue;
    }
    const key = pair.slice(0, eq).trim();
    const rawValue = pair.slice(eq + 1).trim();
    try {
      out[decodeURIComponent(key)] = decodeURIComponent(rawValue);
    } catch {
      onBad?.(pair);
    }
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Attribute values OTel accepts: primitives or homogeneous arrays of them. */
export function isAttributeValue(value: unknown): boolean {
  const t = typeof value;
  if (t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(value as number))) return true;
  if (!Array.isArray(value)) return false;
  return value.every((v) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v));
}

