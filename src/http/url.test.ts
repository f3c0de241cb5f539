import { describe, expect, it } from 'vitest';
import { isSensitiveKey, redactQuery, safeUrl } from './redact';
import { isKnownMethod, splitHost, splitTarget, urlAuthority } from './url';

describe('redactQuery', () => {
  it('should return the same string when nothing is sensitive', () => {
    const q = 'q=shoes&page=2&sort=price';
    expect(redactQuery(q)).toBe(q);
  });

  it('should redact the values of credential-like keys and keep the rest', () => {
    expect(redactQuery('q=1&access_token=a&api_key=b&client_secret=c&password=d&sig=e&code=f&state=g')).toBe(
      'q=1&access_token=REDACTED&api_key=REDACTED&client_secret=REDACTED&password=REDACTED&sig=REDACTED&code=REDACTED&state=g',
    );
    expect(redactQuery('X-Amz-Credential=x&X-Amz-Signature=y&X-Amz-Security-Token=z&AWSAccessKeyId=k&Signature=s&key=v')).toBe(
      'X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&AWSAccessKeyId=REDACTED&Signature=REDACTED&key=REDACTED',
    );
  });

  it('should leave look-alike words alone and handle odd input', () => {
    expect(isSensitiveKey('monkey')).toBe(false);
    expect(isSensitiveKey('zipcode')).toBe(false);
    expect(isSensitiveKey('api%5Fkey')).toBe(true);
    expect(isSensitiveKey('%E0%A4%A')).toBe(true); // undecodable: hidden
    expect(redactQuery('token&token=&=x&token=1')).toBe('token&token=&=x&token=REDACTED');
  });
});

describe('splitTarget', () => {
  it('should split path and query and drop a fragment', () => {
    expect(splitTarget('/a/b?x=1#f')).toEqual({ path: '/a/b', query: 'x=1' });
    expect(splitTarget('/a')).toEqual({ path: '/a', query: undefined });
    expect(splitTarget('/?')).toEqual({ path: '/', query: '' });
  });

  it('should drop the scheme and credentials of an absolute-form target', () => {
    expect(splitTarget('http://user:pw@example.com:8080/p?q=1')).toEqual({ path: '/p', query: 'q=1' });
    expect(splitTarget('http://example.com')).toEqual({ path: '/', query: undefined });
    expect(splitTarget('http://example.com?x=1')).toEqual({ path: '/', query: 'x=1' });
    expect(urlAuthority('https://user:pw@example.com:8443/p')).toBe('example.com:8443');
  });
});

describe('splitHost', () => {
  it('should split host and port as received', () => {
    expect(splitHost('example.com')).toEqual(['example.com', undefined]);
    expect(splitHost('example.com:8080')).toEqual(['example.com', 8080]);
    expect(splitHost('[::1]:3000')).toEqual(['::1', 3000]);
    expect(splitHost('example.com:http')).toEqual(['example.com:http', undefined]);
    expect(splitHost('example.com:0443')).toEqual(['example.com:0443', undefined]); // not as received once parsed
    expect(splitHost('::1')).toEqual(['::1', undefined]);
  });
});

describe('isKnownMethod', () => {
  it('should know the standard methods only', () => {
    expect(isKnownMethod('GET')).toBe(true);
    expect(isKnownMethod('get')).toBe(false);
    expect(isKnownMethod('PROPFIND')).toBe(false);
  });
});

describe('safeUrl', () => {
  it('should drop user-info (even with @ in the password) and redact sensitive query values', () => {
    expect(safeUrl('https://u:p@ss@api.example.com/x?token=1&q=a')).toBe('https://api.example.com/x?token=REDACTED&q=a');
    expect(safeUrl('https://api.example.com/a@b')).toBe('https://api.example.com/a@b');
    const clean = 'https://api.example.com/x?q=1';
    expect(safeUrl(clean)).toBe(clean);
  });
});
