import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { makeHttp } from './http';
import { createSegmentTranslator } from './segment';
import { PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing();
const translate = createSegmentTranslator();

describe('makeHttp — SERVER spans', () => {
  it('should map stable conventions and build the URL from scheme, host, port, path and query', () => {
    const s = span({
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'url.scheme': 'https',
        'server.address': 'api.example.com',
        'server.port': 8443,
        'url.path': '/users/junit',
        'url.query': 'v=1',
        'user_agent.original': 'curl/8.5.0',
        'client.address': '203.0.113.7',
        'network.peer.address': '10.0.0.2',
        'http.response.status_code': 200,
        'http.response.body.size': 512,
      },
    });
    const result = makeHttp(s.kind, s.attributes);
    // The proxy's address has no field: it is not consumed, so it stays in metadata.
    expect(result.consumed.has('network.peer.address')).toBe(false);
    expect(result.consumed.has('client.address')).toBe(true);
    expect({ http: result.http, status: result.status }).toEqual({
      http: {
        request: {
          method: 'GET',
          url: 'https://api.example.com:8443/users/junit?v=1',
          user_agent: 'curl/8.5.0',
          client_ip: '203.0.113.7',
          x_forwarded_for: true,
        },
        response: { status: 200, content_length: 512 },
      },
      status: 200,
    });
  });

  it('should map old conventions (http.host keeps its port, http.target is the path)', () => {
    const s = span({
      kind: SpanKind.SERVER,
      attributes: {
        'http.method': 'POST',
        'http.scheme': 'http',
        'http.host': 'kb234.example.com:8080',
        'http.target': '/users/junit',
        'http.user_agent': 'test',
        'http.client_ip': '192.168.15.32',
        'http.status_code': 201,
        'http.response_content_length': 12,
      },
    });
    expect(makeHttp(s.kind, s.attributes).http).toEqual({
      request: {
        method: 'POST',
        url: 'http://kb234.example.com:8080/users/junit',
        user_agent: 'test',
        client_ip: '192.168.15.32',
        x_forwarded_for: true, // http.client_ip is the address behind all proxies, as the X-Ray SDK reads it
      },
      response: { status: 201, content_length: 12 },
    });
  });

  it('should not claim x_forwarded_for when the client is the socket peer', () => {
    const s = span({
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'client.address': '10.0.0.2', 'network.peer.address': '10.0.0.2' },
    });
    expect(makeHttp(s.kind, s.attributes).http?.request).toEqual({ method: 'GET', client_ip: '10.0.0.2' });
  });

  it('should drop default ports and use the original method for _OTHER', () => {
    const s = span({
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': '_OTHER',
        'http.request.method_original': 'PURGE',
        'url.scheme': 'https',
        'server.address': 'api.example.com',
        'server.port': 443,
        'url.path': '/',
      },
    });
    expect(makeHttp(s.kind, s.attributes).http?.request).toEqual({ method: 'PURGE', url: 'https://api.example.com/' });
  });
});

describe('makeHttp — CLIENT spans', () => {
  it('should use url.full verbatim', () => {
    const s = span({
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': 'GET', 'url.full': 'https://api.example.com/?users=junit', 'server.address': 'api.example.com' },
    });
    expect(makeHttp(s.kind, s.attributes).http?.request?.url).toBe('https://api.example.com/?users=junit');
  });

  it('should build the URL from server.address and server.port when url.full is missing', () => {
    const s = span({
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': 'GET', 'url.scheme': 'http', 'server.address': 'localhost', 'server.port': 4567, 'url.path': '/api', 'url.query': '?version=test' },
    });
    expect(makeHttp(s.kind, s.attributes).http?.request?.url).toBe('http://localhost:4567/api?version=test');
  });

  it('should bracket IPv6 hosts and use old net.peer.* keys', () => {
    const s = span({
      kind: SpanKind.CLIENT,
      attributes: { 'http.method': 'GET', 'http.scheme': 'https', 'net.peer.ip': '2001:db8:85a3::8a2e:370:7334', 'net.peer.port': 8443, 'http.target': '/users/junit' },
    });
    expect(makeHttp(s.kind, s.attributes).http?.request?.url).toBe('https://[2001:db8:85a3::8a2e:370:7334]:8443/users/junit');
  });

  it('should not make an http block (nor consume keys) for network-only attributes', () => {
    const s = span({ kind: SpanKind.CLIENT, attributes: { 'server.address': 'db.internal', 'server.port': 5432 } });
    expect(makeHttp(s.kind, s.attributes)).toEqual({ http: undefined, status: undefined, consumed: new Set() });
  });
});

describe('HTTP flags in the document', () => {
  const doc = (code: number, kind = SpanKind.SERVER) =>
    translate(span({ kind, parent: PARENT, attributes: { 'http.request.method': 'GET', 'http.response.status_code': code } }));

  it('should flag 4xx as error, 429 as error + throttle, 5xx as fault, and omit false flags', () => {
    expect(doc(200)).not.toHaveProperty('fault');
    expect(doc(200)).not.toHaveProperty('error');
    expect(doc(404)).toMatchObject({ error: true });
    expect(doc(404)).not.toHaveProperty('fault');
    expect(doc(429)).toMatchObject({ error: true, throttle: true });
    expect(doc(503)).toMatchObject({ fault: true });
    expect(doc(503)).not.toHaveProperty('error');
    expect(doc(503, SpanKind.CLIENT)).toMatchObject({ fault: true, type: 'subsegment', namespace: 'remote' });
  });

  it('should read old http.status_code too', () => {
    expect(translate(span({ kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.status_code': 500 } }))).toMatchObject({ fault: true, http: { response: { status: 500 } } });
  });

  it('should keep unmapped HTTP attributes such as http.route in metadata', () => {
    const d = translate(span({ kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/users/:id', 'url.path': '/users/1' } }));
    expect(d?.metadata).toEqual({ default: { 'http.route': '/users/:id' } });
  });
});

describe('URLs recorded by other instrumentations', () => {
  it('should never send credentials or sensitive query values from url.full', () => {
    const { http } = makeHttp(SpanKind.CLIENT, { 'http.request.method': 'GET', 'url.full': 'https://user:pa@ss@api.example.com/x?api_key=k&q=1' });
    expect(http?.request?.url).toBe('https://api.example.com/x?api_key=REDACTED&q=1');
  });
});
