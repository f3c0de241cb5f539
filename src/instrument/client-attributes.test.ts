import { describe, expect, it } from 'vitest';
import { clientStartAttributes, redactPath, spanNameFor } from './client-attributes';

describe('client attributes', () => {
  it('should name spans by method, HTTP for unknown ones', () => {
    expect(spanNameFor('get')).toBe('GET');
    expect(spanNameFor('PURGE')).toBe('HTTP');
  });

  it('should build url.full without the default port and keep the original of a normalised method', () => {
    expect(clientStartAttributes({ method: 'post', protocol: 'https:', host: 'api.example.com', port: 443, path: '/a?b=1' })).toEqual({
      'http.request.method': 'POST',
      'http.request.method_original': 'post',
      'url.full': 'https://api.example.com/a?b=1',
      'url.scheme': 'https',
      'server.address': 'api.example.com',
      'server.port': 443,
    });
    expect(clientStartAttributes({ method: 'PURGE', protocol: 'http', host: '::1', port: 8080, path: 'x' })).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PURGE',
      'url.full': 'http://[::1]:8080/x',
      'server.address': '::1',
    });
  });

  it('should redact secret query values and drop the fragment', () => {
    expect(redactPath('/s3/key?X-Amz-Credential=AK&X-Amz-Signature=abc&page=2#top')).toBe('/s3/key?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&page=2');
    expect(redactPath('/plain?q=shoes')).toBe('/plain?q=shoes');
    expect(redactPath('/no-query')).toBe('/no-query');
  });
});
