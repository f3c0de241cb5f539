import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createSegmentTranslator } from './segment';
import { PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing();
const translate = createSegmentTranslator();
const metadataOf = (kind: SpanKind, attributes: Record<string, string | number>, parent = true) =>
  (translate(span({ kind, attributes, parent: parent ? PARENT : undefined }))?.metadata?.default ?? {}) as Record<string, unknown>;

// A stage that reads a key without turning it into a field must leave it to metadata: nothing an attribute says is lost.
describe('keys a stage read but did not turn into a field', () => {
  it('should keep the callee address and port of a CLIENT span', () => {
    const metadata = metadataOf(SpanKind.CLIENT, {
      'http.request.method': 'GET', 'url.full': 'https://api.example.com/x', 'server.address': 'api.example.com',
      'network.peer.address': '93.184.216.34', 'network.peer.port': 443,
    });
    expect(metadata).toMatchObject({ 'network.peer.address': '93.184.216.34', 'network.peer.port': 443 });
    expect(metadata['server.address']).toBeUndefined(); // it is in the URL
  });

  it("should keep the proxy's socket address and port on a SERVER span behind a proxy", () => {
    const doc = translate(span({ kind: SpanKind.SERVER, attributes: {
      'http.request.method': 'GET', 'server.address': 'api.example.com', 'url.path': '/x',
      'client.address': '203.0.113.7', 'network.peer.address': '10.0.0.2', 'network.peer.port': 51000 } }));
    expect(doc?.http?.request).toMatchObject({ client_ip: '203.0.113.7', x_forwarded_for: true });
    expect(doc?.metadata?.default).toMatchObject({ 'network.peer.address': '10.0.0.2', 'network.peer.port': 51000 });
  });

  it('should not repeat the peer of a direct request, which is the client_ip', () => {
    const metadata = metadataOf(SpanKind.SERVER, {
      'http.request.method': 'GET', 'server.address': 'api.example.com', 'url.path': '/x',
      'client.address': '10.0.0.2', 'network.peer.address': '10.0.0.2', 'network.peer.port': 51000 }, false);
    expect(metadata['network.peer.address']).toBeUndefined();
    expect(metadata['client.address']).toBeUndefined();
  });

  it('should keep the host keys of a SQL span whose connection string is a URL', () => {
    const doc = translate(span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: {
      'db.system': 'postgresql', 'db.name': 'shop', 'db.connection_string': 'postgresql://app@db-primary:5432/shop',
      'server.address': '10.0.3.7', 'server.port': 5432, 'db.statement': 'SELECT 1' } }));
    expect(doc?.sql).toMatchObject({ url: 'postgresql://app@db-primary:5432/shop' });
    expect(doc?.metadata?.default).toMatchObject({ 'server.address': '10.0.3.7', 'server.port': 5432 });
  });

  it('should keep the original method when the method is a known one, and alternates the aws block did not use', () => {
    expect(metadataOf(SpanKind.SERVER, { 'http.request.method': 'GET', 'http.request.method_original': 'get', 'url.path': '/' }))
      .toMatchObject({ 'http.request.method_original': 'get' });
    const doc = translate(span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: {
      'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'aws.operation': 'Query',
      'aws.region': 'eu-west-1', 'cloud.region': 'us-east-1' } }));
    expect(doc?.aws).toMatchObject({ operation: 'Query', region: 'eu-west-1' });
    expect(doc?.metadata?.default).toMatchObject({ 'rpc.method': 'GetItem', 'cloud.region': 'us-east-1' });
  });

  it('should keep an obfuscated client identifier and the proxy, writing no client_ip for them', () => {
    const doc = translate(span({ kind: SpanKind.SERVER, attributes: {
      'http.request.method': 'GET', 'url.path': '/', 'client.address': '_hidden', 'network.peer.address': '10.0.0.2' } }));
    expect(doc?.http?.request?.client_ip).toBeUndefined();
    expect(doc?.metadata?.default).toMatchObject({ 'client.address': '_hidden', 'network.peer.address': '10.0.0.2' });
  });
});

describe('client addresses', () => {
  it('should read a client address recorded with its port, as forwarded', () => {
    for (const [client, ip] of [['1.2.3.4:5678', '1.2.3.4'], ['[2001:db8::1]:443', '2001:db8::1']] as const) {
      const doc = translate(span({ kind: SpanKind.SERVER, attributes: {
        'http.request.method': 'GET', 'url.path': '/', 'client.address': client, 'network.peer.address': '10.0.0.2' } }));
      expect(doc?.http?.request).toMatchObject({ client_ip: ip, x_forwarded_for: true });
    }
  });

  it('should set x_forwarded_for for the old http.client_ip without a peer address, as the X-Ray SDK does', () => {
    const doc = translate(span({ kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.target': '/', 'http.client_ip': '198.51.100.9' } }));
    expect(doc?.http?.request).toMatchObject({ client_ip: '198.51.100.9', x_forwarded_for: true });
  });
});
