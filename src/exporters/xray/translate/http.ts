import type { Attributes } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import { isIP } from 'node:net';
import { parseNode } from '../../../http/forwarded';
import { safeUrl } from '../../../http/redact';
import type { Consumed, Unused } from './attributes';
import { NOTHING_CONSUMED, capped, int, str } from './attributes';
import { MAX_STRING_LENGTH } from './limits';
import type { HttpData } from './types';

/**
 * The `http` block (collector `http.go`), reading old (semconv ≤ 1.12) and stable keys alike.
 * The block exists when the span has an HTTP method, status, URL or user agent; its keys are then consumed.
 */

/** Every key this stage reads. Consumed only when a block was produced, so a DB or messaging span keeps them. */
export const HTTP_KEYS: Consumed = new Set([
  'http.method', 'http.request.method', 'http.request.method_original',
  'http.url', 'url.full', 'http.scheme', 'url.scheme', 'http.host', 'http.target', 'http.server_name',
  'url.path', 'url.query', 'server.address', 'server.port', 'net.host.name', 'net.host.port',
  'net.peer.name', 'net.peer.port', 'net.peer.ip', 'network.peer.address', 'network.peer.port',
  'http.user_agent', 'user_agent.original', 'http.client_ip', 'client.address',
  'http.status_code', 'http.response.status_code',
  'http.response_content_length', 'http.response.body.size',
]);

/** `HTTP_KEYS` without `drop`: what a span consumes when those keys produce no field on it. */
function consumedWithout(...drop: string[]): Consumed {
  const set = new Set(HTTP_KEYS);
  for (const key of drop) set.delete(key);
  return set;
}

// Keys that produce no field in some spans stay in metadata there. Picking one of these sets per span costs no
// attribute lookup (measured: a lookup per possibly-present key cost the translator ~20 ns a span).
const PEER_KEYS = ['network.peer.address', 'network.peer.port', 'net.peer.ip', 'net.peer.port'];
/** SERVER spans: `net.peer.name` is the client's host name (old conventions), which has no field. */
const SERVER: Consumed = consumedWithout('net.peer.name', 'http.request.method_original');
const SERVER_OTHER_METHOD: Consumed = consumedWithout('net.peer.name');
/** Behind a proxy the socket peer is the proxy: its address and port have no field. */
const SERVER_FORWARDED: Consumed = consumedWithout(...PEER_KEYS, 'net.peer.name', 'http.request.method_original');
const SERVER_FORWARDED_OTHER_METHOD: Consumed = consumedWithout(...PEER_KEYS, 'net.peer.name');
/** Other kinds: the callee's socket address has no field (the URL names the host called). */
const CALLER: Consumed = consumedWithout('network.peer.address', 'network.peer.port', 'net.peer.ip', 'http.request.method_original');
const CALLER_OTHER_METHOD: Consumed = consumedWithout('network.peer.address', 'network.peer.port', 'net.peer.ip');

export interface HttpResult {
  http: HttpData | undefined;
  /** The HTTP status code, for the fault/error/throttle flags (also read when there is no block). */
  status: number | undefined;
  consumed: Consumed;
  /** Keys of `consumed` that produced no field: they stay in metadata. */
  unused?: Unused;
}

export function makeHttp(kind: SpanKind, attrs: Attributes): HttpResult {
  const status = int(attrs, 'http.response.status_code') ?? int(attrs, 'http.status_code');
  let method = str(attrs, 'http.request.method') ?? str(attrs, 'http.method');
  // Stable conventions report unknown methods as `_OTHER` and keep the original beside it, which is then the field
  // (beside a known method it stays in metadata). Decided here, so a span without it pays no lookup for it.
  let otherMethod = false;
  if (method === '_OTHER') {
    const original = str(attrs, 'http.request.method_original');
    if (original !== undefined) {
      method = original;
      otherMethod = true;
    }
  }
  const userAgent = str(attrs, 'user_agent.original') ?? str(attrs, 'http.user_agent');
  // Other instrumentations may record credentials or tokens in the URL: never send them on (dualtrace's own don't).
  const rawFull = str(attrs, 'url.full') ?? str(attrs, 'http.url');
  const full = rawFull === undefined ? undefined : safeUrl(rawFull);
  // Network keys alone (a DB span's `server.address`) do not make an HTTP call.
  if (
    method === undefined &&
    status === undefined &&
    userAgent === undefined &&
    full === undefined &&
    attrs['http.target'] === undefined &&
    attrs['http.host'] === undefined &&
    attrs['url.path'] === undefined
  ) {
    return { http: undefined, status, consumed: NOTHING_CONSUMED };
  }
  const url = full ?? (kind === SpanKind.SERVER ? serverUrl(attrs) : clientUrl(attrs));

  const http: HttpData = {};
  const client = kind === SpanKind.SERVER ? clientAddress(attrs) : undefined;
  const clientIp = client?.ip;
  if (method !== undefined || url !== undefined || userAgent !== undefined || clientIp !== undefined) {
    http.request = {};
    // Free strings are cut to 250 characters, with the length test written here: V8 does not inline capped() into
    // stage functions this large (an out-of-line call is ~20 instructions, aws.ts).
    if (method !== undefined) http.request.method = method.length > MAX_STRING_LENGTH ? capped(method) : method;
    if (url !== undefined) http.request.url = url;
    if (userAgent !== undefined) http.request.user_agent = userAgent.length > MAX_STRING_LENGTH ? capped(userAgent) : userAgent;
    if (clientIp !== undefined) {
      http.request.client_ip = clientIp.length > MAX_STRING_LENGTH ? capped(clientIp) : clientIp;
      if (client!.forwarded) http.request.x_forwarded_for = true;
    }
  }
  let length = int(attrs, 'http.response.body.size') ?? int(attrs, 'http.response_content_length');
  if (length !== undefined && length < 0) length = undefined;
  if (status !== undefined || length !== undefined) {
    http.response = {};
    if (status !== undefined) http.response.status = status;
    if (length !== undefined) http.response.content_length = length;
  }
  // `http.target` alone (no host to build a URL from) gives nothing worth a block.
  if (http.request === undefined && http.response === undefined) return { http: undefined, status, consumed: NOTHING_CONSUMED };
  let consumed: Consumed;
  if (kind !== SpanKind.SERVER) consumed = otherMethod ? CALLER_OTHER_METHOD : CALLER;
  else if (client?.forwarded === true || client?.unused !== undefined) consumed = otherMethod ? SERVER_FORWARDED_OTHER_METHOD : SERVER_FORWARDED;
  else consumed = otherMethod ? SERVER_OTHER_METHOD : SERVER;
  return { http, status, consumed, unused: client?.unused };
}

interface Client {
  ip: string | undefined;
  forwarded: boolean;
  unused: Unused;
}

/**
 * The client's address. `client.address` (stable) and `http.client_ip` (old) may come from `X-Forwarded-For` /
 * `Forwarded`, with a port (`1.2.3.4:5678`); the socket peer is `network.peer.address` / `net.peer.ip`.
 * `x_forwarded_for` says the address was read from a header and may be forged (segment documents, `http`): set when
 * `client.address` differs from the socket peer, and for `http.client_ip` unless it is the peer (the old conventions
 * define it as the address behind all proxies, and the X-Ray SDK sets the flag whenever it read the header). Behind a
 * proxy the peer is the proxy: its address and port stay in metadata; so does a client identifier that is no IP
 * (`_hidden`, `unknown`), which gives no `client_ip`.
 */
function clientAddress(attrs: Attributes): Client | undefined {
  const peer = str(attrs, 'network.peer.address') ?? str(attrs, 'net.peer.ip');
  const stable = str(attrs, 'client.address');
  const raw = stable ?? str(attrs, 'http.client_ip');
  if (raw === undefined || raw === peer) {
    return peer !== undefined && isIP(peer) !== 0 ? { ip: peer, forwarded: false, unused: undefined } : undefined;
  }
  // Usually an IP already; otherwise it may carry a port (`1.2.3.4:5678`) or be an identifier (`_hidden`).
  let ip: string | undefined = raw;
  if (isIP(raw) === 0) {
    const node = parseNode(raw);
    ip = node !== undefined && isIP(node.address) !== 0 ? node.address : undefined;
  }
  // A client identifier that is no IP gives no client_ip: it stays in metadata, and so does the peer (a proxy).
  const unused: Unused = ip === undefined ? [stable !== undefined ? 'client.address' : 'http.client_ip'] : undefined;
  if (ip !== undefined && ip === peer) return { ip, forwarded: false, unused };
  if (stable !== undefined && peer === undefined) return { ip, forwarded: false, unused };
  return { ip, forwarded: ip !== undefined, unused };
}

function serverUrl(attrs: Attributes): string | undefined {
  const hostHeader = str(attrs, 'http.host');
  const host =
    hostHeader ??
    str(attrs, 'server.address') ??
    str(attrs, 'http.server_name') ??
    str(attrs, 'net.host.name');
  if (host === undefined) return undefined;
  const port = hostHeader === undefined ? int(attrs, 'server.port') ?? int(attrs, 'net.host.port') : undefined;
  return buildUrl(attrs, host, port);
}

/**
 * `url.full`, else scheme + `server.address` + `server.port` + path + query (old keys as fallback). By default the
 * collector takes no host from the stable keys and writes a host-less URL (`https:///path`) for such a span.
 */
function clientUrl(attrs: Attributes): string | undefined {
  const hostHeader = str(attrs, 'http.host');
  const host = hostHeader ?? str(attrs, 'server.address') ?? str(attrs, 'net.peer.name') ?? str(attrs, 'net.peer.ip');
  if (host === undefined) return undefined;
  const port = hostHeader === undefined ? int(attrs, 'server.port') ?? int(attrs, 'net.peer.port') : undefined;
  return buildUrl(attrs, host, port);
}

/** The URL from its parts, scrubbed: `http.target` and `url.query` may come from instrumentation that kept secrets. */
function buildUrl(attrs: Attributes, host: string, port: number | undefined): string {
  const scheme = str(attrs, 'url.scheme') ?? str(attrs, 'http.scheme') ?? 'http';
  // A bare IPv6 address needs brackets in a URL (RFC 3986 §3.2.2); the collector leaves them out.
  let url = `${scheme}://${host.includes(':') && !host.startsWith('[') && isIP(host) === 6 ? `[${host}]` : host}`;
  if (port !== undefined && !isDefaultPort(scheme, port)) url += `:${port}`;
  const target = str(attrs, 'http.target');
  if (target !== undefined) return safeUrl(url + (target.startsWith('/') ? target : `/${target}`));
  const path = str(attrs, 'url.path') ?? '/';
  url += path.startsWith('/') ? path : `/${path}`;
  const query = str(attrs, 'url.query');
  if (query === undefined) return url;
  return safeUrl(url + (query.startsWith('?') ? query : `?${query}`));
}

function isDefaultPort(scheme: string, port: number): boolean {
  return (port === 80 && scheme === 'http') || (port === 443 && scheme === 'https');
}
