/**
 * Counting-only backends for the benchmarks, on loopback: an OTLP/HTTP receiver standing in for Honeycomb and a UDP
 * socket standing in for the X-Ray daemon. They decode just enough to count spans (protobuf via the test helper; X-Ray
 * documents as JSON, nested subsegments included) and can be switched to an outage: OTLP refusing (listener closed)
 * or hanging (accepts, never answers); UDP closed (no daemon: the kernel answers ICMP port unreachable).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest } from '../../test/helpers/otlp-proto';

export type OtlpMode = 'ok' | 'refuse' | 'hang';

export class CountingOtlpSink {
  spans = 0;
  requests = 0;
  bad = 0;
  port = 0;
  private mode: OtlpMode = 'ok';
  private server: Server | undefined;
  private readonly hung = new Set<ServerResponse>();

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  reset(): void {
    this.spans = 0;
    this.requests = 0;
    this.bad = 0;
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  private listen(): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.mode === 'hang') {
          this.hung.add(res);
          return;
        }
        try {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          this.spans += decodeTraceRequest(body).length;
          this.requests++;
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch {
          this.bad++;
          res.writeHead(400).end();
        }
      });
    });
    // Keep the exporter's connection open between flushes, however far apart (minutes under valgrind): a reconnect
    // costs the server tens of thousands of instructions, which would land in whichever phase happens to pay it.
    server.keepAliveTimeout = 600_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** 'refuse' closes the listener (connection refused); 'hang' and 'ok' listen again on the same port. */
  async setMode(mode: OtlpMode): Promise<void> {
    if (mode === 'ok') for (const res of this.hung) res.destroy();
    if (mode === 'ok') this.hung.clear();
    this.mode = mode;
    if (mode === 'refuse' && this.server) await this.stop();
    else if (mode !== 'refuse' && !this.server) await this.listen();
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    await this.stop();
  }
}

export class CountingUdpSink {
  /** Segments and subsegments received, nested ones included. */
  segments = 0;
  datagrams = 0;
  bad = 0;
  port = 0;
  private socket: Socket | undefined;

  get daemonAddress(): string {
    return `127.0.0.1:${this.port}`;
  }

  reset(): void {
    this.segments = 0;
    this.datagrams = 0;
    this.bad = 0;
    this.dropsBase = this.rawDrops();
  }

  async start(): Promise<this> {
    // A large receive buffer (capped by net.core.rmem_max): a 512-span batch arrives as a burst of datagrams.
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    socket.on('message', (message) => {
      this.datagrams++;
      const text = message.toString('utf8');
      const newline = text.indexOf('\n');
      try {
        this.segments += countSegments(JSON.parse(text.slice(newline + 1)) as Doc);
      } catch {
        this.bad++;
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.port = socket.address().port;
    this.socket = socket;
    return this;
  }

  /** Datagrams the kernel dropped at this socket (receive buffer full): lost by the sink, not by the exporter. */
  kernelDrops(): number {
    return this.rawDrops() - this.dropsBase;
  }

  private dropsBase = 0;

  private rawDrops(): number {
    try {
      const hexPort = this.port.toString(16).toUpperCase().padStart(4, '0');
      for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[1]?.endsWith(`:${hexPort}`)) return Number(fields[fields.length - 1] ?? 0);
      }
    } catch {
      // not Linux
    }
    return 0;
  }

  /** Closes the socket (no daemon) or binds the same port again. */
  async setUp(up: boolean): Promise<void> {
    if (up && !this.socket) await this.start();
    else if (!up) await this.close();
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

interface Doc {
  subsegments?: Doc[];
}

function countSegments(doc: Doc): number {
  let n = 1;
  for (const child of doc.subsegments ?? []) n += countSegments(child);
  return n;
}

/** Polls until `read()` stops changing for `quietMs` (or reaches `target`), at most `timeoutMs`. */
export async function settle(read: () => number, target: number, quietMs = 500, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = read();
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = read();
    if (now >= target) return now;
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return now;
    }
  }
  return read();
}
