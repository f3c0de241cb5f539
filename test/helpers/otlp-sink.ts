import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest, type ReceivedSpan } from './otlp-proto';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  spans: ReceivedSpan[];
}

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (port 0). It decodes protobuf (and JSON) trace requests for real, records the
 * headers, and answers like Honeycomb: 200 with an empty ExportTraceServiceResponse, or whatever `respond` says.
 */
export class OtlpSink {
  readonly requests: ReceivedRequest[] = [];
  /** Overrides the answer: return a status (and optional headers), or 'hang' to never answer. */
  respond: (req: ReceivedRequest) => number | 'hang' | { status: number; headers?: Record<string, string> } = () => 200;
  private server: Server | undefined;
  private readonly waiters = new Set<() => void>();

  get spans(): ReceivedSpan[] {
    return this.requests.flatMap((r) => r.spans);
  }

  /** Base URL, e.g. `http://127.0.0.1:43121` (append `/v1/traces` yourself, or let dualtrace do it). */
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        let spans: ReceivedSpan[] = [];
        try {
          spans = decodeTraceRequest(body); // dualtrace sends OTLP protobuf; anything else fails to decode → 400.
        } catch (error) {
          res.writeHead(400).end(String(error));
          return;
        }
        const record: ReceivedRequest = { path: req.url ?? '', headers: req.headers, spans };
        this.requests.push(record);
        for (const wake of this.waiters) wake();
        const answer = this.respond(record);
        if (answer === 'hang') return;
        const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
        res.writeHead(status, { 'content-type': 'application/x-protobuf', ...headers }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `predicate` holds for the received spans; rejects after `timeoutMs`. */
  async waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 5000): Promise<ReceivedSpan[]> {
    if (predicate(this.spans)) return this.spans;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`OtlpSink: condition not met within ${timeoutMs} ms; got ${this.spans.length} spans`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate(this.spans)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.spans);
      };
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
