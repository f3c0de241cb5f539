import { describe, expect, it } from 'vitest';
import { traced } from '../../src/adapters/fetch';
import type { ServerTracingOptions } from '../../src/adapters/shared/server-span';
import { describeServerAdapter, HOST, loadUser, otlpSpans, STATUS_ERROR, useTracing } from '../fixtures/adapter-harness';
import { serveFetch } from '../fixtures/adapter-serve';

/** One traced handler per route, as Next.js route handlers are; a tiny dispatcher stands in for the framework. */
function buildHandlers(options: ServerTracingOptions) {
  const users = traced(
    async (request: Request, params: { id: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return Response.json(loadUser(params.id), { headers: { 'x-response-id': 'r-1' } });
    },
    { ...options, route: '/users/:id' },
  );
  const fail = traced(() => new Response('failed', { status: 500 }), { ...options, route: '/fail' });
  const thrower = traced((): Response => {
    throw new Error('kaboom');
  }, { ...options, route: '/throw' });
  const health = traced(() => new Response('ok'), { ...options, route: '/healthz' });
  const notFound = traced(() => new Response('not found', { status: 404 }), options);
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const user = /^\/users\/([^/]+)$/.exec(path);
    try {
      if (user) return await users(request, { id: user[1]! });
      if (path === '/fail') return await fail(request);
      if (path === '/throw') return await thrower(request);
      if (path === '/healthz') return await health(request);
      return await notFound(request);
    } catch {
      return new Response('Internal Server Error', { status: 500 }); // What a framework does with a thrown error.
    }
  };
}

describeServerAdapter('fetch handler', { start: (options) => serveFetch(buildHandlers(options)), routes: true, peer: false });

describe('fetch: in-process', () => {
  const s = useTracing();

  it('should trace a handler called directly with a Request, and rethrow its error unchanged', async () => {
    const error = new RangeError('out of range');
    const handler = traced(async (): Promise<Response> => {
      throw error;
    });
    await expect(handler(new Request(`https://${HOST}/x?code=abc`, { method: 'DELETE' }))).rejects.toBe(error);
    const [server] = await otlpSpans(s, 1);
    expect(server!.name).toBe('DELETE');
    expect(server!.attributes).toMatchObject({ 'url.scheme': 'https', 'server.address': HOST, 'url.query': 'code=REDACTED', 'error.type': 'RangeError' });
    expect(server!.status.code).toBe(STATUS_ERROR);
  });
});
