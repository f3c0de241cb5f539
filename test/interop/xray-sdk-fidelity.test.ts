/**
 * The X-Ray SDK (aws-xray-sdk-core) as the oracle for what dualtrace writes into segment documents: the same real HTTP
 * request goes through the SDK's own code and through dualtrace's adapter attributes and translator, and the results
 * are compared. Loading the SDK turns on cls-hooked for the whole process, so this file runs alone (vitest forks a
 * process per file).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRequestAttributes } from '../../src/adapters/shared/request-attributes';
import { createSegmentTranslator } from '../../src/exporters/xray/translate';
import { parseNode } from '../../src/http/forwarded';
import { splitTarget } from '../../src/http/url';
import { createTestTracing, NODE_RESOURCE } from '../helpers/translator';

interface MiddlewareUtils {
  enableDynamicNaming(pattern?: string): void;
  setDefaultName(name: string): void;
  resolveName(host: string | undefined): string;
}
type IncomingRequestDataClass = new (req: IncomingMessage) => { request: Record<string, unknown> };

const SERVICE = 'backend-flask';
let middleware: MiddlewareUtils;
let IncomingRequestData: IncomingRequestDataClass;
let server: Server;
let port: number;
/** What the last request looked like to each side, taken while its socket was open. */
interface Seen {
  readonly host: string | undefined;
  /** dualtrace's adapter start attributes. */
  readonly attributes: Attributes;
  /** The X-Ray SDK's `http.request` of a segment for this request. */
  readonly sdkRequest: Record<string, unknown>;
}
let seen: Seen | undefined;

beforeAll(async () => {
  const core = (await import('aws-xray-sdk-core')) as unknown as { default?: { middleware: MiddlewareUtils } } & { middleware: MiddlewareUtils };
  middleware = (core.default ?? core).middleware;
  middleware.setDefaultName(SERVICE);
  // A file of the SDK's package, untyped (a devDependency, the oracle only).
  IncomingRequestData = ((await import('aws-xray-sdk-core/dist/lib/middleware/incoming_request_data.js')) as { default: IncomingRequestDataClass }).default;
  server = createServer((req, res) => {
    seen = {
      host: req.headers.host,
      attributes: nodeRequestAttributes(req, req.method!, splitTarget(req.url!), []),
      sdkRequest: new IncomingRequestData(req).request,
    };
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a raw request (so the headers are exactly these) and returns what both sides saw. */
async function requestWith(headers: Record<string, string>): Promise<Seen> {
  seen = undefined;
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`GET /api/activities/home?x=1 HTTP/1.1\r\n${lines}Connection: close\r\n\r\n`));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  return seen!;
}

/** dualtrace's segment for that request: the adapter's start attributes through the translator. */
function dualtraceSegment({ attributes }: Seen, namePattern?: string) {
  const { span } = createTestTracing({ ...NODE_RESOURCE, 'service.name': SERVICE });
  return createSegmentTranslator({ namePattern })(span({ name: 'GET /api/activities/home', kind: SpanKind.SERVER, attributes }))!;
}

describe('dynamic naming, as the X-Ray SDK names segments', () => {
  const cases: [pattern: string, host: string][] = [
    ['localhost', 'localhost:4567'],
    ['localhost', 'localhost'],
    ['localhost:4567', 'localhost:4567'],
    ['*:4567', 'localhost:4567'],
    ['*.example.com', 'api.example.com:8443'],
    ['*.example.com*', 'API.Example.com:8443'],
    ['api.example.com', 'api.example.com:abc'],
    ['api.example.com:0443', 'api.example.com:0443'],
    ['api.example.com', 'api.example.com.'],
    ['*4567-abc.ws-us89.gitpod.io*', '4567-abc.ws-us89.gitpod.io:443'],
    ['*4567-abc.ws-us89.gitpod.io*', '4567-abc-def.ws-eu01.gitpod.io'],
    ['127.0.0.?', '127.0.0.1:80'],
  ];

  it.each(cases)('pattern %j, Host %j: the name the SDK gives', async (pattern, host) => {
    const req = await requestWith({ Host: host });
    middleware.enableDynamicNaming(pattern);
    expect(dualtraceSegment(req, pattern).name).toBe(middleware.resolveName(req.host));
  });
});

describe('the client address, as the X-Ray SDK records it', () => {
  const forwardedFor = ['203.0.113.7', '203.0.113.7, 10.0.0.1', '1.2.3.4:5678', '1.2.3.4:5678, 10.0.0.1', '[2001:db8::1]:443, 10.0.0.1', '2001:db8::1'];

  it.each(forwardedFor)('X-Forwarded-For %j: the same client and x_forwarded_for (the port left out)', async (header) => {
    const req = await requestWith({ Host: 'api.example.com', 'X-Forwarded-For': header });
    const sdk = req.sdkRequest;
    const ours = dualtraceSegment(req).http?.request;
    // The SDK copies the first entry as it is, port included; client_ip is an IP address, so dualtrace leaves the port out.
    expect(ours?.client_ip).toBe(parseNode(String(sdk.client_ip))?.address);
    expect(ours?.x_forwarded_for ?? false).toBe(sdk.x_forwarded_for ?? false);
  });

  it('without a forwarding header: the socket peer, not forwarded', async () => {
    const req = await requestWith({ Host: 'api.example.com' });
    const sdk = req.sdkRequest;
    const ours = dualtraceSegment(req).http?.request;
    expect(ours?.client_ip).toBe(sdk.client_ip);
    expect(ours?.x_forwarded_for).toBeUndefined();
    expect(sdk.x_forwarded_for).toBeUndefined();
  });

  // The SDK reads only X-Forwarded-For; dualtrace reads RFC 7239 Forwarded too when X-Forwarded-For is absent.
  it.each([
    ['for=192.0.2.60;proto=http;by=203.0.113.43', '192.0.2.60'],
    ['for="[2001:db8:cafe::17]:4711"', '2001:db8:cafe::17'],
    ['for=192.0.2.43, for=198.51.100.17', '192.0.2.43'],
  ])('Forwarded %j: client %s, forwarded, the proxy kept in metadata', async (header, client) => {
    const req = await requestWith({ Host: 'api.example.com', Forwarded: header });
    const doc = dualtraceSegment(req);
    expect(doc.http?.request).toMatchObject({ client_ip: client, x_forwarded_for: true });
    expect(doc.metadata?.default).toMatchObject({ 'network.peer.address': '127.0.0.1' });
  });

  it('Forwarded with an obfuscated identifier: no client_ip rather than the proxy', async () => {
    const req = await requestWith({ Host: 'api.example.com', Forwarded: 'for=_hidden' });
    const doc = dualtraceSegment(req);
    expect(doc.http?.request?.client_ip).toBeUndefined();
    expect(doc.metadata?.default).toMatchObject({ 'client.address': '_hidden', 'network.peer.address': '127.0.0.1' });
  });
});
