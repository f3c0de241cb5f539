import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { OtlpExportError } from './export-error';
import type { Tracker } from './in-flight';

/** A complete answer: status, headers and (up to {@link MAX_RESPONSE_BYTES} of) the body. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * More than an OTLP answer ever needs (an `ExportTraceServiceResponse`, or an error document); past it the rest is not
 * read and the connection is closed, so a peer that streams forever cannot grow memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs bodies to one URL over a keep-alive agent, each request under a deadline for the whole of it — connecting,
 * sending, the response headers and the whole body. Node's own `timeout` only fires when the socket is idle, so a
 * peer that trickles its answer (a byte every few hundred ms) would hold the request, and its share of the exporter's
 * concurrency, forever; here the request is destroyed at the deadline whatever the peer does.
 */
export class HttpPoster {
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(
    private readonly url: URL,
    maxSockets: number,
  ) {
    const secure = url.protocol === 'https:';
    // Keep-alive spares a TCP and TLS handshake per batch; idle sockets are unref'd by the agent itself, so they never
    // hold the process, and a socket in use is ref'd again until its request ends.
    const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
    this.agent = secure ? new HttpsAgent(options) : new HttpAgent(options);
    this.request = secure ? httpsRequest : httpRequest;
  }

  /**
   * Sends `body`; resolves with the answer (any status), rejects with the transport error (`code` set: `ECONNREFUSED`,
   * `ECONNRESET`, …, or `ETIMEDOUT` at the deadline, a `performance.now()` time). Tracked in `tracker` until it
   * settles; a tracker that was aborted already fails it before anything is sent.
   */
  post(body: Buffer, headers: OutgoingHttpHeaders, deadline: number, timeoutMillis: number, tracker: Tracker): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        reject(timedOut(timeoutMillis));
        return;
      }
      let settled = false;
      let released = false;
      let req: ClientRequest | undefined;
      let untrack = (): void => undefined; // until tracked: an abort while being added settles before that
      const finish = (error: Error | undefined, answer?: HttpAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        untrack();
        if (error) reject(error);
        else resolve(answer!);
      };
      const timer = setTimeout(() => {
        const error = timedOut(timeoutMillis);
        finish(error);
        req?.destroy(error);
      }, remaining);
      untrack = tracker.add({
        unref: () => {
          released = true;
          timer.unref();
          req?.socket?.unref();
        },
        abort: (error) => {
          finish(error);
          req?.destroy(error);
        },
      });
      if (settled) return; // aborted as it was added: the exporter was abandoned meanwhile
      try {
        req = this.request(this.url, { method: 'POST', agent: this.agent, headers });
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      req.on('socket', (socket: Socket) => {
        if (released) socket.unref();
      });
      req.on('error', (error) => finish(error));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (): HttpAnswer => ({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            finish(undefined, answer());
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => finish(undefined, answer()));
        res.on('error', (error) => finish(error));
        // A response cut off before its end (the peer closed, or we destroyed it) never emits 'end'.
        res.on('close', () => finish(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
      });
      req.end(body);
    });
  }

  /** Closes every socket, idle or not (in-flight requests fail with a reset). */
  close(): void {
    this.agent.destroy();
  }
}

function timedOut(timeoutMillis: number): OtlpExportError {
  return new OtlpExportError(`timed out: no complete answer within ${timeoutMillis} ms`, 'ETIMEDOUT');
}
