/**
 * The one place where secrets are taken out of what dualtrace records, shows or sends: credentials in URLs (user-info,
 * sensitive query and fragment values) and in connection strings (URL, JDBC, Oracle, ADO.NET/ODBC keywords, libpq).
 * Every URL or connection string that reaches a span attribute, an X-Ray document, a log line, an error message or
 * the shown configuration goes through here. Over-redacting is safe; under-redacting is not.
 */
import { authorityEnd } from './url';

/** The value that replaces a sensitive query parameter's value (OpenTelemetry semantic conventions, `url.query`). */
export const REDACTED = 'REDACTED';
/** The value that replaces a password in a connection string. */
export const MASK = '****';

// A key names a secret when its words (split at separators and case changes, lower-cased) include one of WORDS, or its
// letters and digits (lower-cased) contain one of FRAGMENTS. Short names are whole words only, so `monkey`, `zipcode`
// and `keyword` stay visible. Covers OpenTelemetry's `url.query` defaults (X-Amz-Signature, X-Amz-Credential,
// X-Amz-Security-Token, AWSAccessKeyId, Signature, sig, X-Goog-Signature) and the common credential parameters.
const WORDS: ReadonlySet<string> = new Set([
  'code', 'sig', 'key', 'pwd', 'pass', 'otp', 'totp', 'hotp', 'pin', 'ticket', 'sid', 'jwt', 'hmac', 'saml', 'sessid',
]);
const FRAGMENTS = /token|secret|passw|passphrase|sessid|signature|credential|apikey|accesskey|privatekey|accountkey|session|auth|jwt|saml|hmac|assertion/;
// Cheap exit for a query: none of these anywhere (and no `%`, which may hide any of them) needs no parsing.
const MAYBE_SENSITIVE_RE = /code|sig|key|pwd|pass|otp|pin|ticket|sid|sess|token|secret|credential|auth|jwt|hmac|saml|assertion|%/i;

/** Whether a (raw, possibly percent-encoded) query or connection-string key names a secret. */
export function isSensitiveKey(rawKey: string): boolean {
  let key = rawKey.includes('+') ? rawKey.replaceAll('+', ' ') : rawKey;
  // Decoded up to three times, so `%2574oken` (encoded twice) is seen as `token` too.
  for (let i = 0; i < 3 && key.includes('%'); i++) {
    try {
      key = decodeURIComponent(key);
    } catch {
      return true; // Undecodable: we cannot tell, so hide it.
    }
  }
  const words = key.replace(/([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])/g, '$1$3 $2$4').toLowerCase().split(/[^a-z0-9]+/);
  for (const word of words) if (WORDS.has(word)) return true;
  return FRAGMENTS.test(words.join(''));
}

/**
 * The query (or fragment) without `?`, with the values of sensitive parameters replaced by `REDACTED`. Parameters are
 * split at `&` and `;`; keys are matched decoded and kept as sent. Returns the input itself when nothing is sensitive.
 *
 * @example redactQuery('q=shoes&%74oken=abc') // 'q=shoes&%74oken=REDACTED'
 */
export function redactQuery(query: string): string {
  if (!MAYBE_SENSITIVE_RE.test(query)) return query;
  let out = '';
  let changed = false;
  let start = 0;
  while (start <= query.length) {
    let end = start;
    while (end < query.length && query.charCodeAt(end) !== 38 /* & */ && query.charCodeAt(end) !== 59 /* ; */) end++;
    const eq = query.indexOf('=', start);
    if (eq >= 0 && eq < end - 1 && isSensitiveKey(query.slice(start, eq))) {
      out += query.slice(start, eq + 1) + REDACTED;
      changed = true;
    } else {
      out += query.slice(start, end);
    }
    if (end < query.length) out += query[end];
    start = end + 1;
  }
  return changed ? out : query;
}

/**
 * A URL (absolute, or a path with a query) safe to record: `user:password@` removed (up to the last `@` of the
 * authority, so a password with an `@` in it goes too), sensitive query and fragment values redacted. Returns the input
 * itself when there is nothing to remove.
 *
 * @param mask shown in place of the user-info (`****` where seeing that credentials were given helps, as in the
 *   shown configuration and error messages); by default the user-info is left out
 * @example safeUrl('https://u:p@ss@api.example.com/x?token=1') // 'https://api.example.com/x?token=REDACTED'
 */
export function safeUrl(url: string, mask?: string): string {
  let out = url;
  const scheme = out.indexOf('://');
  if (scheme >= 0 && out.includes('@')) {
    const at = out.lastIndexOf('@', authorityEnd(out, scheme + 3) - 1);
    if (at > scheme) out = out.slice(0, scheme + 3) + (mask === undefined ? '' : `${mask}@`) + out.slice(at + 1);
  }
  const hash = out.indexOf('#');
  const q = out.indexOf('?');
  if (q >= 0 && (hash < 0 || q < hash)) {
    const query = out.slice(q + 1, hash < 0 ? out.length : hash);
    const redacted = redactQuery(query);
    if (redacted !== query) out = out.slice(0, q + 1) + redacted + (hash < 0 ? '' : out.slice(hash));
  }
  const fragmentAt = out.indexOf('#');
  if (fragmentAt >= 0) {
    const fragment = out.slice(fragmentAt + 1);
    const redacted = redactQuery(fragment);
    if (redacted !== fragment) out = out.slice(0, fragmentAt + 1) + redacted;
  }
  return out;
}

/**
 * `postgres://app:secret@db/x` → `postgres://app@db/x`: the user stays (X-Ray's `sql.url` is "without passwords"),
 * the password goes even when it contains `@`, and sensitive query values (`?password=…`) are redacted.
 */
export function withoutPassword(url: string): string {
  const safe = safeUrl(url);
  const start = url.indexOf('://') + 3;
  const authority = url.slice(start, authorityEnd(url, start));
  const at = authority.lastIndexOf('@');
  if (at < 0) return safe;
  // safeUrl dropped the whole user-info; put the user name back.
  const colon = authority.indexOf(':');
  const user = authority.slice(0, colon >= 0 && colon < at ? colon : at);
  return user === '' ? safe : `${safe.slice(0, start)}${user}@${safe.slice(start)}`;
}

// Oracle (`jdbc:oracle:thin:user/password@…`, SQL*Plus `user/password@…`) and Go-style DSNs (`user:password@tcp(…)`):
// user, separator, password (quoted or up to the `@`), at the start of the string.
const ORACLE_RE = /^((?:jdbc:oracle:[a-z0-9]+:)?[^\s/@:;=]+\/)(?:"[^"]*"|[^@\s"]*)@/i;
const DSN_RE = /^([^\s/@:;=]+:)[^@\s/]*@/;
// `key=` in a keyword list: the key is the run of key characters before `=` (ADO.NET keys have spaces: `User Id`).
const KEYWORD_RE = /([A-Za-z][\w .-]*?)\s*=\s*/g;

/**
 * A connection string with every password masked, whatever the driver's form: URL user-info (`postgres://app:…@db`,
 * `mongodb+srv://…`, `jdbc:mysql://…`, the user kept), URL query (`?password=…`), JDBC properties
 * (`jdbc:sqlserver://db;password=…`), Oracle (`user/password@…`), Go DSNs (`user:password@tcp(…)`), and keyword
 * lists (ADO.NET and ODBC `Password=`/`PWD=`, Azure `AccountKey=`, libpq `password=`) with quoted (`"a;b"`, `'a;b'`)
 * or braced (`{a;b}`) values. Values of sensitive keys become `****`.
 *
 * @example redactConnectionString('Server=db;User Id=app;Password={a;b}') // 'Server=db;User Id=app;Password=****'
 */
export function redactConnectionString(conn: string): string {
  let out = conn.includes('://') ? withoutPassword(conn) : conn;
  out = out.replace(ORACLE_RE, `$1${MASK}@`);
  if (!out.includes('://')) out = out.replace(DSN_RE, `$1${MASK}@`);
  return maskKeywordValues(out);
}

/** Masks the values of sensitive `key=value` pairs, quoted and braced values whole. */
function maskKeywordValues(conn: string): string {
  if (!conn.includes('=')) return conn;
  let out = '';
  let copied = 0;
  KEYWORD_RE.lastIndex = 0;
  for (let match = KEYWORD_RE.exec(conn); match !== null; match = KEYWORD_RE.exec(conn)) {
    if (!isSensitiveKey(match[1]!)) continue;
    const valueStart = match.index + match[0].length;
    const valueEnd = endOfValue(conn, valueStart);
    if (valueEnd === valueStart) continue;
    out += conn.slice(copied, valueStart) + MASK;
    copied = valueEnd;
    KEYWORD_RE.lastIndex = valueEnd;
  }
  return copied === 0 ? conn : out + conn.slice(copied);
}

/** Where a keyword value that starts at `start` ends: after its closing quote or brace, else at `;`, `&` or the end. */
function endOfValue(conn: string, start: number): number {
  const open = conn[start];
  const close = open === '{' ? '}' : open === '"' || open === "'" ? open : undefined;
  if (close !== undefined) {
    for (let i = start + 1; i < conn.length; i++) {
      if (conn[i] === '\\' && close === "'") i++; // libpq: \' inside '…'
      else if (conn[i] === close) {
        if (conn[i + 1] !== close) return i + 1; // a doubled quote or brace stands for itself
        i++;
      }
    }
    return conn.length;
  }
  let i = start;
  while (i < conn.length && conn[i] !== ';' && conn[i] !== '&') i++;
  return i;
}

/** How to scrub the attributes that hold a URL (or a request target), a query, or a connection string. */
const SCRUBBERS: ReadonlyMap<string, (value: string) => string> = new Map([
  ...['url.full', 'http.url', 'url.original', 'http.target', 'http.request.header.referer', 'http.request.header.origin',
    'http.response.header.location', 'http.response.header.content-location'].map((key) => [key, safeUrl] as const),
  ['url.query', redactQuery],
  ['db.connection_string', redactConnectionString],
  ['db.connection.string', redactConnectionString],
]);

/** The scrubbed keys by length: most keys are let through on their length alone, the rest by a compare or two. */
const SCRUBBED_BY_LENGTH: readonly (readonly string[] | undefined)[] = (() => {
  const byLength: string[][] = [];
  for (const key of SCRUBBERS.keys()) (byLength[key.length] ??= []).push(key);
  return byLength;
})();

/**
 * Whether {@link redactAttribute} scrubs this key's value: a length lookup and a compare or two, so a caller that sees
 * every attribute (the X-Ray translator's leftover pass) skips the call for the rest.
 */
export function isScrubbedKey(key: string): boolean {
  const keys = SCRUBBED_BY_LENGTH[key.length];
  return keys !== undefined && (keys[0] === key || (keys.length > 1 && keys.indexOf(key) > 0));
}

/**
 * An attribute value safe to record, by what its key says it holds: URLs and request targets through
 * {@link safeUrl}, queries through {@link redactQuery}, connection strings through {@link redactConnectionString};
 * any other attribute as it is. String arrays (captured headers) are scrubbed item by item.
 */
export function redactAttribute<V>(key: string, value: V): V {
  if (!isScrubbedKey(key)) return value;
  const scrub = SCRUBBERS.get(key)!;
  if (typeof value === 'string') return scrub(value) as V;
  if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? scrub(item) : item)) as V;
  return value;
}
