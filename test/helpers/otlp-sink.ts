import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest, type ReceivedSpan } from './otlp-proto';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  spans: ReceivedSpan[];
  method: string;
  /** Body bytes as sent (before gunzip). */
  bytes: number;
  /** The body as sent (what a request signature covers). */
  raw: Buffer;
  /** The body after gunzip: the encoded ExportTraceServiceRequest. */
  body: Buffer;
}

/**
 * How the sink answers a request: a status (and headers, and a body), `'hang'` (never), or `'trickle'`: 200 with its
 * headers at once, then one byte of body every 200 ms, never finishing (a peer that keeps the connection busy).
 */
export type SinkAnswer = number | 'hang' | 'trickle' | { status: number; headers?: Record<string, string>; body?: Buffer | string };

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (port 0). It decodes protobuf (and JSON) trace requests for real, records the
 * headers, and answers like Honeycomb: 200 with an empty ExportTraceServiceResponse, or whatever `respond` says.
 */
export class OtlpSink {
  readonly requests: ReceivedRequest[] = [];
  /** Overrides the answer: return a status (and optional headers and body), 'hang' or 'trickle' (see SinkAnswer). */
  respond: (req: ReceivedRequest) => SinkAnswer = () => 200;
  /** Trickled answers whose connection is still open. */
  trickling = 0;
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
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        let spans: ReceivedSpan[] = [];
        try {
          spans = decodeTraceRequest(body); // dualtrace sends OTLP protobuf; anything else fails to decode → 400.
        } catch (error) {
          res.writeHead(400).end(String(error));
          return;
        }
        const record: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, spans, bytes: raw.length, raw, body };
        this.requests.push(record);
        for (const wake of this.waiters) wake();
        const answer = this.respond(record);
        if (answer === 'hang') return;
        if (answer === 'trickle') {
          this.trickling++;
          res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '1000000' });
          const drip = setInterval(() => res.write('\n'), 200);
          res.on('close', () => {
            clearInterval(drip);
            this.trickling--;
          });
          return;
        }
        const { status, headers, body: answerBody } = typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
        res.writeHead(status, { 'content-type': 'application/x-protobuf', ...headers }).end(answerBody);
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
