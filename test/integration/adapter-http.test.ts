import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { traced } from '../../src/adapters/http';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, loadUser, otlpSpans, send, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';
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
});
