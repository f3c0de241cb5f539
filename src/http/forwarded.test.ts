import { describe, expect, it } from 'vitest';
import { clientFromForwarded, clientFromForwardedFor, parseNode } from './forwarded';

describe('clientFromForwardedFor', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7', undefined],
    ['203.0.113.7, 10.0.0.1', '203.0.113.7', undefined],
    ['1.2.3.4:5678, 10.0.0.1', '1.2.3.4', 5678],
    ['[2001:db8::1]:443', '2001:db8::1', 443],
    ['2001:db8::1, 10.0.0.1', '2001:db8::1', undefined],
    [' unknown , 10.0.0.1', 'unknown', undefined],
  ])('should read %j as %s port %s', (header, address, port) => {
    expect(clientFromForwardedFor(header)).toEqual({ address, port });
  });

  it('should read nothing from an empty header', () => {
    expect(clientFromForwardedFor('')).toBeUndefined();
    expect(clientFromForwardedFor(undefined)).toBeUndefined();
  });
});

describe('clientFromForwarded (RFC 7239)', () => {
  it.each([
    ['for=192.0.2.60;proto=http;by=203.0.113.43', '192.0.2.60', undefined],
    ['For="[2001:db8:cafe::17]:4711"', '2001:db8:cafe::17', 4711],
    ['for=192.0.2.43, for=198.51.100.17', '192.0.2.43', undefined],
    ['proto=https; for="192.0.2.43:47011"', '192.0.2.43', 47011],
    ['for=_hidden, for=_SEVKISEK', '_hidden', undefined],
    ['for=unknown', 'unknown', undefined],
    ['for="192.0.2.43:_port"', '192.0.2.43', undefined],
    ['by=203.0.113.43;proto="a,b";for=192.0.2.1', '192.0.2.1', undefined],
  ])('should read %j as %s port %s', (header, address, port) => {
    expect(clientFromForwarded(header)).toEqual({ address, port });
  });

  it('should read nothing without for=', () => {
    expect(clientFromForwarded('proto=https;by=203.0.113.43')).toBeUndefined();
  });

  it('should parse a node recorded with its port', () => {
    expect(parseNode('10.1.2.3:8080')).toEqual({ address: '10.1.2.3', port: 8080 });
  });
});
