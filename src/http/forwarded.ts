/**
 * The original client of a proxied request, from `X-Forwarded-For` (the de-facto header, what the X-Ray SDK and AWS
 * load balancers use) or `Forwarded: for=` (RFC 7239, https://www.rfc-editor.org/rfc/rfc7239). Both name the client
 * first. A node may carry a port (`1.2.3.4:5678`, `[2001:db8::1]:443`), be quoted, or be an obfuscated identifier
 * (`_hidden`, `unknown`, RFC 7239 §6.3): the address is returned without the port, or as it is when it is no IP.
 */
import { isIP } from 'node:net';

export interface ClientNode {
  /** An IP address, or the identifier as sent when it is none (`unknown`, `_hidden`). */
  readonly address: string;
  readonly port: number | undefined;
}

/** The first (original client) entry of `X-Forwarded-For`; `undefined` when there is none. */
export function clientFromForwardedFor(value: string | readonly string[] | undefined): ClientNode | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (typeof header !== 'string') return undefined;
  const comma = header.indexOf(',');
  return parseNode(comma < 0 ? header : header.slice(0, comma));
}

/** The `for=` of the first element of `Forwarded` (RFC 7239 §4); `undefined` when there is none. */
export function clientFromForwarded(value: string | readonly string[] | undefined): ClientNode | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (typeof header !== 'string') return undefined;
  // The first element ends at a comma outside a quoted string.
  let inQuotes = false;
  let end = 0;
  for (; end < header.length; end++) {
    const c = header[end];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === '\\' && inQuotes) end++;
    else if (c === ',' && !inQuotes) break;
  }
  for (const pair of header.slice(0, end).split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
    return parseNode(pair.slice(eq + 1));
  }
  return undefined;
}

/**
 * One node: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`, `"[2001:db8::1]"`, a bare `2001:db8::1`, `_hidden`.
 * Exported for addresses other instrumentations recorded with a port (`client.address` = `1.2.3.4:5678`).
 */
export function parseNode(raw: string): ClientNode | undefined {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).replace(/\\(.)/g, '$1').trim();
  if (text === '') return undefined;
  if (isIP(text) !== 0) return { address: text, port: undefined };
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const address = close < 0 ? text.slice(1) : text.slice(1, close);
    const rest = close < 0 ? '' : text.slice(close + 1);
    if (isIP(address) === 6) return { address, port: rest.startsWith(':') ? toPort(rest.slice(1)) : undefined };
    return { address: text, port: undefined };
  }
  const colon = text.indexOf(':');
  if (colon > 0 && colon === text.lastIndexOf(':') && isIP(text.slice(0, colon)) === 4) {
    return { address: text.slice(0, colon), port: toPort(text.slice(colon + 1)) };
  }
  return { address: text, port: undefined };
}

/** A port number, or undefined for an obfuscated port (`_abc`) or anything else. */
function toPort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port > 0 && port < 65536 ? port : undefined;
}
