import type { IncomingMessage, ServerResponse } from 'node:http';

/** Open streams at most: each browser tab holds one. */
const MAX_CLIENTS = 32;
/** Changes are sent at most this often, as one message naming every trace that changed. */
const COALESCE_MILLIS = 100;
/** A comment line this often keeps proxies and idle timeouts from closing the stream. */
const HEARTBEAT_MILLIS = 15_000;

/**
 * Server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html): `event: change` with the ids
 * of the traces that changed (an empty list when only unattributed datagrams or counters did). The page fetches
 * what it shows; the stream carries no trace data.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MILLIS).unref();
  }

  add(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    if (this.clients.size >= MAX_CLIENTS) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Too many open viewers.\n');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  changed(traceId: string | undefined): void {
    if (traceId !== undefined) this.pending.add(traceId);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MILLIS).unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending.clear();
    this.write(`event: change\ndata: ${JSON.stringify({ traceIds: ids })}\n\n`);
  }

  private write(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}
