/**
 * Headers that carry credentials (lower-case): never recorded on spans whatever the allow-lists say, and shown masked
 * in the configuration. One list for both, so a header added here is covered everywhere.
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-amz-security-token', 'x-honeycomb-team', 'x-api-key', 'api-key',
]);

/**
 * Words that mark a header name as a credential: vendors' OTLP ingest headers are named this way (`dd-api-key`,
 * `x-sf-token`, `lightstep-access-token`, `x-auth-token`, a gateway's `x-…-token`), and none is on a fixed list.
 */
const SECRET_NAME = /auth|token|key|secret|passw|credential|session|signature|cookie/;

/**
 * Whether a header the user configured (Honeycomb's, a collector's) must be shown masked: the fixed list, or a name
 * that says it is a credential. Masking a header that was not one costs nothing; showing one that was leaks it.
 */
export function isSecretHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || SECRET_NAME.test(lower);
}
