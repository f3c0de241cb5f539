import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createSecureServer } from 'node:http2';
import { get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { traced } from '../../src/adapters/http';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, loadUser, otlpSpans, send, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';
import { FIXTURES } from '../helpers/child';
import { serveNode } from '../fixtures/adapter-serve';

/** A hand-routed listener with the suite's routes (no router: spans are named by method only). */
async function listener(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const user = /^\/users\/([^/]+)$/.exec(path);
  if (user) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    res.setHeader('x-response-id', 'r-1');
    res.setHeader('set-cookie', 'sid=s3cr3t');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(loadUser(user[1]!)));
  } else if (path === '/fail') {
    res.writeHead(500).end('failed');
  } else if (path === '/throw') {
    throw new Error('kaboom');
  } else if (path === '/healthz') {
    res.end('ok');
  } else if (path === '/hang') {
    req.socket.destroy(); // The client goes away before any answer.
  } else {
    res.writeHead(404).end();
  }
}

function start(options: ServerTracingOptions & { route?: string }) {
  const wrapped = traced(listener, options);
  // An async listener's rejection is the app's business: answer 500, as an app's own catch-all would.
  return serveNode(createServer((req, res) => void wrapped(req, res).catch(() => res.writeHead(500).end())));
}

describeServerAdapter('node:http', { start, routes: false, peer: true });

describe('node:http: traced specifics', () => {
  const s = useTracing();

  it('should record unknown methods as _OTHER, use a fixed route, and end once when the client is gone', async () => {
    const app = await start({ route: '/*' });
    try {
      expect((await send(app.url, '/users/1', {}, 'PROPFIND')).status).toBe(200);
      await send(app.url, '/hang').catch(() => undefined);
      const spans = await otlpSpans(s, 2);
      const other = spans.find((sp) => sp.attributes['url.path'] === '/users/1')!;
      expect(other.name).toBe('PROPFIND /*');
      expect(other.attributes).toMatchObject({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PROPFIND', 'http.route': '/*' });
      const hung = spans.filter((sp) => sp.attributes['url.path'] === '/hang');
      expect(hung).toHaveLength(1);
      expect(hung[0]!.attributes['http.response.status_code']).toBeUndefined();
      expect(hung[0]!.status.code).not.toBe(STATUS_ERROR);
    } finally {
      await app.close();
    }
  });

  // Zero-code tracing does not see node:http2 servers (docs/adapters.md#zero-code); the adapter works there, for
  // HTTP/2 requests and, with allowHTTP1, HTTP/1.1 ones.
  it('should trace an http2 secure server with allowHTTP1, both protocols', async () => {
    const tls = { key: readFileSync(`${FIXTURES}tls/key.pem`), cert: readFileSync(`${FIXTURES}tls/cert.pem`) };
    // `traced` is typed for node:http's request and response; http2's compatibility objects work at run time.
    const listener = traced((_req, res) => void res.end('ok'), { route: '/h2' }) as unknown as Parameters<typeof createSecureServer>[1];
    const server = createSecureServer({ ...tls, allowHTTP1: true }, listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const session = connect(`https://127.0.0.1:${port}`, { ca: tls.cert });
      await new Promise<void>((resolve, reject) => {
        const stream = session.request({ ':path': '/two' });
        stream.on('error', reject).on('end', resolve).resume();
      });
      session.close();
      await new Promise<void>((resolve, reject) => {
        httpsGet({ host: '127.0.0.1', port, path: '/one', ca: tls.cert, agent: false }, (res) => res.on('end', resolve).resume()).on('error', reject);
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const spans = await otlpSpans(s, 2);
    const byPath = (path: string) => spans.find((sp) => sp.attributes['url.path'] === path)!;
    expect(byPath('/two')).toMatchObject({ name: 'GET /h2', attributes: { 'network.protocol.version': '2.0', 'url.scheme': 'https', 'http.response.status_code': 200 } });
    expect(byPath('/one')).toMatchObject({ name: 'GET /h2', attributes: { 'network.protocol.version': '1.1', 'url.scheme': 'https', 'http.response.status_code': 200 } });
  });
});
