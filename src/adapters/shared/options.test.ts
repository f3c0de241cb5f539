import { describe, expect, it } from 'vitest';
import { normalizeOptions } from './options';

describe('normalizeOptions', () => {
  it('should lower-case header allow-lists and never allow credentials', () => {
    const o = normalizeOptions({ captureRequestHeaders: ['X-Request-Id', 'Authorization', 'Cookie', 'x-request-id'], captureResponseHeaders: ['Set-Cookie'] });
    expect(o.requestHeaders).toEqual([{ name: 'x-request-id', key: 'http.request.header.x-request-id' }]);
    expect(o.responseHeaders).toEqual([]);
  });

  it('should build one ignore function from strings and RegExps, and reject wrong types', () => {
    const { ignore } = normalizeOptions({ ignorePaths: ['/healthz', /^\/internal\//g] });
    expect([ignore!('/healthz'), ignore!('/internal/x'), ignore!('/internal/x'), ignore!('/users')]).toEqual([true, true, true, false]);
    expect(() => normalizeOptions({ ignorePaths: [42 as unknown as string] })).toThrow(/ignorePaths/);
    expect(() => normalizeOptions({ captureRequestHeaders: 'x' as unknown as string[] })).toThrow(/captureRequestHeaders/);
  });
});

