/**
 * The one place where secrets are taken out of what dualtrace records, shows or sends: credentials in URLs (user-info,
 * sensitive query values) and passwords in connection strings. Every URL or connection string that reaches a span
 * attribute, an X-Ray document, a log line, an error message or the shown configuration goes through here.
 */
import { authorityEnd } from './url';

/** The value that replaces a sensitive query parameter's value. */
export const REDACTED = 'REDACTED';

// Parameter names whose values are secrets: credentials, OAuth codes, signed-URL signatures (AWS SigV4 query auth,
// S3 presigned URLs: X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, AWSAccessKeyId, Signature).
// Whole words for the short ones so `monkey` or `sigma` stay visible; substrings for the rest. Over-redacting is safe.
const SENSITIVE_KEY_RE = /(?:^|[^a-z])(?:code|sig|key|pwd|pass)(?:$|[^a-z])|token|secret|passw|signature|credential|apikey|api_key|accesskey|access_key|session|auth/i;
// Cheap exit: a query with none of these substrings anywhere needs no parsing (measured: the common case).
const MAYBE_SENSITIVE_RE = /code|sig|key|pwd|pass|token|secret|credential|session|auth/i;

/** Whether a (raw, possibly percent-encoded) query parameter name names a secret. */
export function isSensitiveKey(rawKey: string): boolean {
  if (SENSITIVE_KEY_RE.test(rawKey)) return true;
  if (!rawKey.includes('%')) return false;
  try {
    return SENSITIVE_KEY_RE.test(decodeURIComponent(rawKey));
  } catch {
    return true; // Undecodable: we cannot tell, so hide it.
  }
}

/**
 * The query string (without `?`) with the values of sensitive parameters replaced by `REDACTED`; returns the input
 * itself (no allocation) when nothing is sensitive.
 *
 * @example redactQuery('q=shoes&access_token=abc') // 'q=shoes&access_token=REDACTED'
 */
export function redactQuery(query: string): string {
  if (!MAYBE_SENSITIVE_RE.test(query)) return query;
  const parts = query.split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (eq >= 0 && eq < part.length - 1 && isSensitiveKey(key)) {
      parts[i] = `${key}=${REDACTED}`;
      changed = true;
    }
  }
  return changed ? parts.join('&') : query;
}

/**
 * An absolute URL safe to record: `user:password@` removed (up to the last `@` of the authority, so a password with an
 * `@` in it goes too) and sensitive query values redacted. Returns the input itself when there is nothing to remove.
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
  const q = out.indexOf('?');
  if (q >= 0) {
    const hash = out.indexOf('#', q);
    const query = hash < 0 ? out.slice(q + 1) : out.slice(q + 1, hash);
    const redacted = redactQuery(query);
    if (redacted !== query) out = out.slice(0, q + 1) + redacted + (hash < 0 ? '' : out.slice(hash));
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

const KEYWORD_PASSWORD_RE = /\b(password|pwd)\s*=[^;]*/gi;

/** A keyword connection string (`Server=db;User Id=app;Password=…`) with the password masked. */
export function redactConnectionString(conn: string): string {
  return conn.replace(KEYWORD_PASSWORD_RE, '$1=****');
}
