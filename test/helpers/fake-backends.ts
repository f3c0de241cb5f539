/**
 * Stand-ins for the services `dualtrace doctor` talks to, on loopback: Honeycomb's API (`GET /1/auth`, `POST
 * /v1/traces` decoded for real, gzipped or not: it also stands in for X-Ray's OTLP endpoint and a Collector) and the X-Ray daemon (segments on a real UDP socket, its TCP sampling API). Each
 * answers as told, so every failure can be staged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest, type ReceivedSpan } from './otlp-proto';
import { startUdpSink, type UdpSink } from './udp-sink';

export interface FakeHoneycomb {
  readonly url: string;
  /** The answer to `GET /1/auth`: a status and a JSON body. Default: the key belongs to team acme, environment production. */
  auth: (key: string | undefined) => { status: number; body?: unknown };
  /** The status `POST /v1/traces` answers with. Default 200. */
  traces: number;
  readonly spans: ReceivedSpan[];
  readonly keysSeen: string[];
  /** The `authorization` header of each `POST /v1/traces` (SigV4 when X-Ray over OTLP signs). */
  readonly authorizations: string[];
  /** The `user-agent` of every request, in order (`undefined` when there was none). */
  readonly userAgents: (string | undefined)[];
  close(): Promise<void>;
}

export const AUTH_OK = {
  id: 'k1',
  type: 'ingest',
  api_key_access: { events: true, markers: false },
  environment: { name: 'Production', slug: 'production' },
  team: { name: 'Acme', slug: 'acme' },
};

export async function startFakeHoneycomb(): Promise<FakeHoneycomb> {
  const fake = {
    url: '',
    auth: () => ({ status: 200, body: AUTH_OK }),
    traces: 200,
    spans: [] as ReceivedSpan[],
    keysSeen: [] as string[],
    authorizations: [] as string[],
    userAgents: [] as (string | undefined)[],
  } as Omit<FakeHoneycomb, 'close'>;
  const server = await listen(async (req, res, body) => {
    fake.userAgents.push(req.headers['user-agent']);
    const key = req.headers['x-honeycomb-team'] as string | undefined;
    if (key !== undefined) fake.keysSeen.push(key);
    if (req.method === 'GET' && req.url === '/1/auth') {
      const { status, body: answer } = fake.auth(key);
      res.writeHead(status, { 'content-type': 'application/json' }).end(answer === undefined ? '' : JSON.stringify(answer));
    } else if (req.method === 'POST' && req.url === '/v1/traces') {
      fake.authorizations.push(String(req.headers.authorization ?? ''));
      if (fake.traces === 200) fake.spans.push(...decodeTraceRequest(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
      res.writeHead(fake.traces, { 'content-type': 'application/x-protobuf' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, { close: () => close(server) });
}

export interface FakeDaemon {
  /** `udp:127.0.0.1:<port> tcp:127.0.0.1:<port>`, for AWS_XRAY_DAEMON_ADDRESS. */
  readonly address: string;
  readonly udp: UdpSink;
  /** The answer to `POST /GetSamplingRules`. Default: the Default rule and one for health checks. */
  sampling: () => { status: number; body: unknown; headers?: Record<string, string> };
  /** The `user-agent` of every TCP request, in order (`undefined` when there was none). */
  readonly userAgents: (string | undefined)[];
  close(): Promise<void>;
}

export const RULES_OK = {
  SamplingRuleRecords: [
    { SamplingRule: { RuleName: 'Default', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1, ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', ResourceARN: '*', Version: 1 } },
    { SamplingRule: { RuleName: 'health', Priority: 100, FixedRate: 0, ReservoirSize: 0, ServiceName: 'backend-flask', ServiceType: '*', Host: '*', HTTPMethod: 'GET', URLPath: '/health*', ResourceARN: '*', Version: 1 } },
  ],
};

export async function startFakeDaemon(): Promise<FakeDaemon> {
  const udp = await startUdpSink();
  const fake = { udp, sampling: () => ({ status: 200, body: RULES_OK }), userAgents: [] } as Omit<FakeDaemon, 'address' | 'close'>;
  const server = await listen(async (req, res) => {
    fake.userAgents.push(req.headers['user-agent']);
    if (req.method !== 'POST' || req.url !== '/GetSamplingRules') return void res.writeHead(404).end();
    const { status, body, headers } = fake.sampling();
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  });
  const tcpPort = (server.address() as AddressInfo).port;
  return Object.assign(fake, {
    address: `udp:${udp.daemonAddress} tcp:127.0.0.1:${tcpPort}`,
    close: async () => {
      await close(server);
      await udp.close();
    },
  });
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
