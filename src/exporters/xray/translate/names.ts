import type { Attributes } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import { isIP } from 'node:net';
import { HAS_AWS_KEYS, HAS_DB_KEYS, int, scanKeys, str } from './attributes';
import { FALLBACK_NAME, MAX_NAME_LENGTH } from './limits';

/**
 * Segment and subsegment names, and the subsegment `namespace`.
 *
 * Names: "up to 200 characters … Unicode letters, numbers, and whitespace, and the following symbols: _, ., :, /, %,
 * &, #, =, +, \, -, @" (segment documents, `name`:
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). Unlike the collector, which cleans
 * only a name taken from the span name, every name is sanitised wherever it came from, so X-Ray never rejects one.
 */

// Fast path: plain ASCII names need no work (the common case: hosts, service names, "GET /users/:id").
const PLAIN_NAME_RE = /^[\w .:/%&#=+\\@-]+$/;
const WHITESPACE_RE = /\s/g;
const DISALLOWED_RE = /[^\p{L}\p{N} _.:/%&#=+\\@-]/gu;

/** Sanitises and truncates a name; `undefined` when nothing allowed is left. */
export function sanitizeName(raw: string): string | undefined {
  if (raw.length <= MAX_NAME_LENGTH && PLAIN_NAME_RE.test(raw)) return raw;
  let name = raw.replace(WHITESPACE_RE, ' ').replace(DISALLOWED_RE, '').trim();
  if (name.length > MAX_NAME_LENGTH) {
    // Count code points, not UTF-16 units, so a surrogate pair is never cut in half.
    const points = Array.from(name);
    if (points.length > MAX_NAME_LENGTH) name = points.slice(0, MAX_NAME_LENGTH).join('').trimEnd();
  }
  return name === '' ? undefined : name;
}

/**
 * Compiles an X-Ray SDK host pattern (`wildcardMatch` in aws-xray-sdk-node `lib/utils.js`): `*` is any run of
 * characters, `?` exactly one, everything else literal (including `.`), case-insensitive, whole string.
 */
export function compileHostPattern(pattern: string): (host: string) => boolean {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 'is');
  return (host) => re.test(host);
}

export interface NamingContext {
  /** Sanitised `AWS_XRAY_TRACING_NAME`; wins for every segment. */
  readonly tracingName: string | undefined;
  /** Compiled host pattern, when dynamic naming is on. */
  readonly matchHost: ((host: string) => boolean) | undefined;
}

export interface NameResult {
  name: string;
  namespace: 'aws' | 'remote' | undefined;
}

const AWS_SDK_PREFIXES = ['AWS.SDK.', 'AWS::'] as const;

/**
 * Picks the document's name (and, for subsegments, its namespace).
 *
 * Segments: `tracingName`; SERVER spans then the request host when it matches the pattern (the X-Ray SDK's dynamic
 * naming, aws-xray-sdk-node `lib/middleware/mw_utils.js`), `aws.local.service`, `service.name`. Subsegments (and
 * non-SERVER segments): the collector's chain (`segment.go` `MakeSegment`), except that a CLIENT call falls back to the
 * host it calls where the collector uses the span name, as the X-Ray SDKs name outgoing calls (`patchers/http_p.js`).
 * The full order is in docs/xray.md, "Names".
 */
export function makeName(
  kind: SpanKind,
  spanName: string,
  attrs: Attributes,
  segment: boolean,
  ctx: NamingContext,
  serviceName: string | undefined,
  keys: number = scanKeys(attrs),
): NameResult {
  const awsApi = attrs['rpc.system'] === 'aws-api';
  const hasAws = (keys & HAS_AWS_KEYS) !== 0;
  let namespace: 'aws' | 'remote' | undefined;
  let raw: string | undefined;

  if (segment && ctx.tracingName !== undefined) return { name: ctx.tracingName, namespace: undefined };

  if (kind === SpanKind.SERVER) {
    if (ctx.matchHost !== undefined) raw = matchRequestHost(attrs, ctx.matchHost);
    raw ??= (hasAws ? str(attrs, 'aws.local.service') : undefined) ?? serviceName;
  } else if (hasAws && kind === SpanKind.INTERNAL && attrs['aws.span.kind'] === 'LOCAL_ROOT') {
    raw = str(attrs, 'aws.local.service');
  } else if (hasAws && kind !== SpanKind.INTERNAL) {
    raw = str(attrs, 'aws.remote.service');
    if (raw !== undefined && awsApi) raw = trimAwsSdkPrefix(raw);
  }
  raw ??= str(attrs, 'peer.service');
  if (raw === undefined && hasAws) {
    raw = str(attrs, 'aws.service');
    if (raw !== undefined) namespace = 'aws';
  }
  if (raw === undefined && awsApi) raw = str(attrs, 'rpc.service');
  raw ??= ((keys & HAS_DB_KEYS) !== 0 ? databaseName(attrs) : undefined) ?? str(attrs, 'rpc.service') ?? str(attrs, 'http.host') ?? str(attrs, 'net.peer.name');
  if (raw === undefined && kind === SpanKind.CLIENT) raw = str(attrs, 'server.address') ?? urlHost(attrs);

  const name = (raw === undefined ? undefined : sanitizeName(raw)) ?? sanitizeName(spanName) ?? FALLBACK_NAME;
  if (segment) return { name, namespace: undefined };
  // Namespace is a subsegment field (segment documents, "Subsegments"): aws for AWS SDK calls, remote for others.
  if (awsApi) namespace = 'aws';
  else if (namespace === undefined && kind === SpanKind.CLIENT) namespace = 'remote';
  else if (
    namespace === undefined &&
    hasAws &&
    (kind === SpanKind.PRODUCER || kind === SpanKind.CONSUMER) &&
    str(attrs, 'aws.remote.service') !== undefined
  ) {
    namespace = 'remote';
  }
  return { name, namespace };
}

function trimAwsSdkPrefix(name: string): string {
  for (const prefix of AWS_SDK_PREFIXES) if (name.startsWith(prefix)) return name.slice(prefix.length);
  return name;
}

/**
 * The request host as received, matched against the pattern as a whole, as the X-Ray SDK matches the Host header
 * (aws-xray-sdk-node `lib/middleware/mw_utils.js` `resolveName`): no second try with the bare host, no port stripped,
 * so services traced by either name the same node the same way. The older `http.host` is the header itself; stable
 * conventions split it into `server.address` + `server.port` (the port only when the header had one, and only a
 * well-formed one: dualtrace's adapters keep anything else in `server.address`), older ones into `net.host.name` +
 * `net.host.port`.
 */
export function matchRequestHost(attrs: Attributes, matches: (host: string) => boolean): string | undefined {
  const host = requestHost(attrs);
  return host !== undefined && matches(host) ? host : undefined;
}

function requestHost(attrs: Attributes): string | undefined {
  const header = str(attrs, 'http.host');
  if (header !== undefined) return header;
  const address = str(attrs, 'server.address');
  if (address !== undefined) return withPort(address, int(attrs, 'server.port'));
  const name = str(attrs, 'net.host.name');
  return name === undefined ? undefined : withPort(name, int(attrs, 'net.host.port'));
}

/** `host` + `:port` as a Host header writes them: an IPv6 address in brackets. */
function withPort(host: string, port: number | undefined): string {
  const bracketed = host.includes(':') && !host.startsWith('[') && isIP(host) === 6 ? `[${host}]` : host;
  return port === undefined ? bracketed : `${bracketed}:${port}`;
}

/**
 * `<db.namespace>@<server.address>` (stable conventions, which the collector does not read for names), or the older
 * `<db.name>@<host of db.connection_string>`; the database name alone when there is no host.
 */
function databaseName(attrs: Attributes): string | undefined {
  const ns = str(attrs, 'db.namespace');
  if (ns !== undefined) {
    const host = str(attrs, 'server.address') ?? str(attrs, 'net.peer.name');
    return host === undefined ? ns : `${ns}@${host}`;
  }
  const dbName = str(attrs, 'db.name');
  if (dbName === undefined) return undefined;
  const host = connectionStringHost(str(attrs, 'db.connection_string')) ?? str(attrs, 'server.address') ?? str(attrs, 'net.peer.name');
  return host === undefined ? dbName : `${dbName}@${host}`;
}

function connectionStringHost(conn: string | undefined): string | undefined {
  if (conn === undefined) return undefined;
  try {
    const host = new URL(conn.startsWith('jdbc:') ? conn.slice(5) : conn).hostname;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}

function urlHost(attrs: Attributes): string | undefined {
  const full = str(attrs, 'url.full') ?? str(attrs, 'http.url');
  if (full === undefined) return undefined;
  const start = full.indexOf('://');
  if (start < 0) return undefined;
  let host = full.slice(start + 3);
  const end = host.search(/[/?#]/);
  if (end >= 0) host = host.slice(0, end);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = stripPort(host);
  return host === '' ? undefined : host;
}

/** `example.com:8080` → `example.com`; `[::1]:8080` → `::1`; a bare IPv6 address is left alone. */
function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host;
  }
  const colon = host.indexOf(':');
  return colon > 0 && colon === host.lastIndexOf(':') ? host.slice(0, colon) : host;
}
