/**
 * What can go in an HTTP header, checked once at set-up: a value Node refuses (or that a proxy would mangle) would
 * otherwise fail every export, one log line at a time, for the life of the process.
 */

/** Visible ASCII, space and tab (RFC 9110 field-value without obsolete text): what every peer and proxy passes on. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/**
 * Says what is wrong with a value that is not a header value, without showing any of it (it may be the key): `CR or
 * LF`, `a NUL character`, `a control character` or `a non-ASCII character`, and where.
 */
export function describeBadHeaderValue(value: string): string {
  const index = value.search(/[^\t\x20-\x7e]/);
  const code = value.charCodeAt(index);
  const what =
    code === 0x0d || code === 0x0a ? 'CR or LF' : code === 0 ? 'a NUL character' : code < 0x80 ? 'a control character' : 'a non-ASCII character';
  return `contains ${what} (at character ${index + 1}), which cannot be sent in an HTTP header`;
}
