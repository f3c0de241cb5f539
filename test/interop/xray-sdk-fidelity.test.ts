/**
 * The X-Ray SDK (aws-xray-sdk-core) as the oracle for what dualtrace writes into segment documents: the same real HTTP
 * request goes through the SDK's own code and through dualtrace's adapter attributes and translator, and the results
 * are compared. Loading the SDK turns on cls-hooked for the whole process, so this file runs alone (vitest forks a
 * process per file).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRequestAttributes } from '../../src/adapters/shared/request-attributes';
import { createSegmentTranslator } from '../../src/exporters/xray/translate';
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
/** What the last request looked like to each side. */
let seen: { req: IncomingMessage } | undefined;

beforeAll(async () => {
  const core = (await import('aws-xray-sdk-core')) as unknown as { default?: { middleware: MiddlewareUtils } } & { middleware: MiddlewareUtils };
  middleware = (core.default ?? core).middleware;
  middleware.setDefaultName(SERVICE);
  // A file of the SDK's package, untyped (a devDependency, the oracle only).
  IncomingRequestData = ((await import('aws-xray-sdk-core/dist/lib/middleware/incoming_request_data.js')) as { default: IncomingRequestDataClass }).default;
  server = createServer((req, res) => {
    seen = { req };
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a raw request (so the headers are exactly these) and returns the request as the server saw it. */
async function requestWith(headers: Record<string, string>): Promise<IncomingMessage> {
  seen = undefined;
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`GET /api/activities/home?x=1 HTTP/1.1\r\n${lines}Connection: close\r\n\r\n`));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  return seen!.req;
}

/** dualtrace's segment for that request: the adapter's start attributes through the translator. */
function dualtraceSegment(req: IncomingMessage, namePattern?: string) {
  const attributes = nodeRequestAttributes(req, req.method!, splitTarget(req.url!), []);
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
    expect(dualtraceSegment(req, pattern).name).toBe(middleware.resolveName(req.headers.host));
  });
});
