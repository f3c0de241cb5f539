import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { forwardedProto, firstHeader } from './headers';
import { clientFromForwarded, clientFromForwardedFor, type ClientNode } from '../../http/forwarded';
import type { CapturedHeader } from './options';
import { redactAttribute, redactQuery } from '../../http/redact';
import { isKnownMethod, splitHost, urlAuthority, type Target } from '../../http/url';

/**
 * The SERVER span's start attributes (OTel HTTP semantic conventions, stable): one object per request, built in one
 * pass so the sampler sees them. `server.address`/`server.port` come from the Host header exactly as received: the
 * X-Ray translator matches the `xrayUrl` host pattern against them for dynamic segment naming.
 */

interface Common {
  method: string;
  target: Target;
  scheme: string;
  host: string | undefined;
  userAgent: string | undefined;
  /** The original client from `X-Forwarded-For` / `Forwarded`, else the socket peer. */
  client: ClientNode | string | undefined;
}

function common(c: Common): Attributes {
  const attrs: Attributes = { 'url.scheme': c.scheme, 'url.path': c.target.path };
  if (isKnownMethod(c.method)) {
    attrs['http.request.method'] = c.method;
  } else {
    attrs['http.request.method'] = '_OTHER';
    attrs['http.request.method_original'] = c.method;
  }
  if (c.target.query !== undefined) attrs['url.query'] = redactQuery(c.target.query);
  if (c.host !== undefined && c.host !== '') {
    const [address, port] = splitHost(c.host);
    attrs['server.address'] = address;
    if (port !== undefined) attrs['server.port'] = port;
  }
  if (c.userAgent !== undefined) attrs['user_agent.original'] = c.userAgent;
  if (typeof c.client === 'string') attrs['client.address'] = c.client;
  else if (c.client !== undefined) {
    attrs['client.address'] = c.client.address;
    if (c.client.port !== undefined) attrs['client.port'] = c.client.port;
  }
  return attrs;
}

/**
 * Attributes of a `node:http` request (also Express, Fastify's `request.raw`, Koa's `ctx.req`); `h` is `req.headers`
 * when the caller has read it already (a getter on Node's request).
 */
export function nodeRequestAttributes(
  req: IncomingMessage,
  method: string,
  target: Target,
  capture: readonly CapturedHeader[],
  h: IncomingMessage['headers'] = req.headers,
): Attributes {
  const socket = req.socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | undefined;
  const peer = socket?.remoteAddress;
  const attrs = common({
    method,
    target,
    scheme: forwardedProto(h['x-forwarded-proto']) ?? (socket?.encrypted === true ? 'https' : 'http'),
    host: h.host ?? firstHeader(h[':authority']),
    userAgent: h['user-agent'],
    // X-Forwarded-For first, as the X-Ray SDK and AWS load balancers use it; then RFC 7239 Forwarded.
    client: clientFromForwardedFor(h['x-forwarded-for']) ?? clientFromForwarded(h.forwarded) ?? peer,
  });
  if (peer !== undefined) {
    attrs['network.peer.address'] = peer;
    if (socket?.remotePort !== undefined) attrs['network.peer.port'] = socket.remotePort;
  }
  if (req.httpVersion !== undefined) attrs['network.protocol.version'] = req.httpVersion;
  addCapturedNodeHeaders(attrs, h, capture);
  return attrs;
}

/** The allow-listed request headers of a `node:http` request alone (an adapter taking over a zero-code span). */
export function capturedNodeHeaders(req: IncomingMessage, capture: readonly CapturedHeader[]): Attributes | undefined {
  if (capture.length === 0) return undefined;
  const attrs: Attributes = {};
  addCapturedNodeHeaders(attrs, req.headers, capture);
  return attrs;
}

function addCapturedNodeHeaders(attrs: Attributes, h: IncomingMessage['headers'], capture: readonly CapturedHeader[]): void {
  for (const { name, key } of capture) {
    const v = h[name];
    if (v !== undefined) attrs[key] = redactAttribute(key, Array.isArray(v) ? v : [v]);
  }
}

/**
 * Where a Fetch `Request` came from, when the runtime knows: shaped like Node's `IncomingMessage` so @hono/node-server's
 * `c.env.incoming` can be passed as is (no per-request object).
 */
export interface FetchPeer {
  readonly socket?: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined } | undefined;
  /** `1.1`, `2.0`, … */
  readonly httpVersion?: string | undefined;
}

/**
 * Attributes of a Fetch `Request` (Hono, Next.js route handlers, `dualtrace/fetch`); `userAgent` is its `user-agent`,
 * which the caller has read already.
 */
export function fetchRequestAttributes(
  request: Request,
  target: Target,
  capture: readonly CapturedHeader[],
  peer: FetchPeer | undefined,
  userAgent: string | null,
  h: Headers = request.headers,
): Attributes {
  const proto = forwardedProto(h.get('x-forwarded-proto') ?? undefined);
  const attrs = common({
    method: request.method,
    target,
    scheme: proto ?? (request.url.startsWith('https:') ? 'https' : 'http'),
    host: h.get('host') ?? urlAuthority(request.url),
    userAgent: userAgent ?? undefined,
    client:
      clientFromForwardedFor(h.get('x-forwarded-for') ?? undefined) ??
      clientFromForwarded(h.get('forwarded') ?? undefined) ??
      peer?.socket?.remoteAddress,
  });
  const address = peer?.socket?.remoteAddress;
  if (address !== undefined) {
    attrs['network.peer.address'] = address;
    if (peer?.socket?.remotePort !== undefined) attrs['network.peer.port'] = peer.socket.remotePort;
  }
  if (peer?.httpVersion !== undefined) attrs['network.protocol.version'] = peer.httpVersion;
  addCapturedFetchHeaders(attrs, h, capture);
  return attrs;
}

/** The allow-listed request headers of a Fetch `Request` alone (an adapter taking over a zero-code span). */
export function capturedFetchHeaders(request: Request, capture: readonly CapturedHeader[]): Attributes | undefined {
  if (capture.length === 0) return undefined;
  const attrs: Attributes = {};
  addCapturedFetchHeaders(attrs, request.headers, capture);
  return attrs;
}

function addCapturedFetchHeaders(attrs: Attributes, h: Headers, capture: readonly CapturedHeader[]): void {
  for (const { name, key } of capture) {
    const v = h.get(name);
    if (v !== null) attrs[key] = redactAttribute(key, [v]);
  }
}
