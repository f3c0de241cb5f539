import { describe, expect, it } from 'vitest';
import { backoffMillis, isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from './retry-policy';

describe('retry policy', () => {
  it('should retry 429, 502, 503 and 504 only', () => {
    expect([400, 401, 403, 404, 413, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 502, 503, 504]);
  });

  it('should retry transient network errors but not others', () => {
    expect(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EPROTO', 'ERR_TLS_CERT_ALTNAME_INVALID', undefined].map(isRetryableNetworkError))
      .toEqual([true, true, true, true, false, false, false]);
  });

  it('should read Retry-After as delta-seconds or as an HTTP-date, and ignore what it cannot read', () => {
    const now = Date.parse('Wed, 02 Dec 2026 10:00:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 02 Dec 2026 10:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 02 Dec 2026 09:59:00 GMT', now)).toBe(0); // in the past: now
    expect(parseRetryAfter(['2', '9'], now)).toBe(2_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });

  it('should back off from about 1 s by 1.5 each time, never past 5 s, with ±20 % jitter', () => {
    const low = () => 0;
    const high = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMillis(n, low))).toEqual([800, 1200, 1800, 2700, 4000, 4000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMillis(n, high))).toEqual([1200, 1800, 2700, 4050, 6000, 6000]);
  });
});
