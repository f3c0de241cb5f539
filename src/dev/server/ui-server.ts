/**
 * The UI's HTTP side: the page, its files, a JSON API over the store and a server-sent event stream that says which
 * traces changed. Everything is computed from the store on request; nothing is cached or written.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceStore } from '../store/trace-store';
import { summarize } from '../view/summary';
import { traceView } from '../view/trace-view';
import { loadAssets } from './assets';
import { EventStream } from './event-stream';

export interface UiOptions {
  readonly store: TraceStore;
  /** What `/api/status` reports: ports, limits, counters. */
  readonly status: () => unknown;
  /** Host names the UI answers to besides loopback ones (the `--host` it listens on). */
  readonly allowedHosts?: readonly string[];
  readonly assetDir?: string;
}

/** Nothing from other origins: the page works offline and runs only its own scripts. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const TRACE_PATH_RE = /^\/traces\/([0-9a-fA-F]{32})$/;
const API_TRACE_RE = /^\/api\/traces\/([0-9a-fA-F]{32})$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function createUiHandler(options: UiOptions) {
  const { store } = options;
  const assets = loadAssets(options.assetDir);
  const events = new EventStream();
  store.onChange((traceId) => events.changed(traceId));
  const allowed = new Set([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? [])]);

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS }).end(JSON.stringify(body));
  };
  const asset = (res: ServerResponse, name: string): void => {
    const file = assets.get(name)!;
    res.writeHead(200, { 'content-type': file.type, ...SECURITY_HEADERS }).end(file.body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    // A web page elsewhere could otherwise read this API through a DNS name rebound to 127.0.0.1.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!allowed.has(host)) return json(res, 403, { error: `Host "${host}" is not served; open the UI at 127.0.0.1 or localhost.` });
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'The UI is read-only.' });
    const path = (req.url ?? '/').split('?')[0]!;

    if (path === '/' || TRACE_PATH_RE.test(path)) return asset(res, 'index.html');
    if (path.startsWith('/ui/') && assets.has(path.slice(4))) return asset(res, path.slice(4));
    if (path === '/favicon.ico' || path === '/favicon.svg') return asset(res, 'favicon.svg');
    if (path === '/api/events') return events.add(req, res, SECURITY_HEADERS);
    if (path === '/api/status') return json(res, 200, options.status());
    if (path === '/api/traces') {
      return json(res, 200, {
        traces: store.entries().map(summarize),
        // What the list shows of them: never whole documents, which may be 64 kB each.
        unattributed: store.unattributed.map((d) => ({
          receivedAt: d.receivedAt,
          problems: d.problems,
          datagram: { bytes: d.datagram.bytes, preview: d.datagram.preview ?? JSON.stringify(d.datagram.document ?? null).slice(0, 300) },
        })),
        maxTraces: store.limits.maxTraces,
      });
    }
    const match = API_TRACE_RE.exec(path);
    if (match) {
      const entry = store.get(match[1]!);
      if (entry === undefined) {
        return json(res, 404, { error: `Trace ${match[1]!.toLowerCase()} is not in memory: it has not arrived, or it was one of the oldest when more than ${store.limits.maxTraces} traces came in.` });
      }
      return json(res, 200, traceView(entry));
    }
    json(res, 404, { error: `No such page: ${path}` });
  };
  return Object.assign(handle, { close: () => events.close() });
}
