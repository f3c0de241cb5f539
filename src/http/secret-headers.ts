/**
 * Headers that carry credentials (lower-case): never recorded on spans whatever the allow-lists say, and shown masked
 * in the configuration. One list for both, so a header added here is covered everywhere.
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-amz-security-token', 'x-honeycomb-team', 'x-api-key', 'api-key',
]);
