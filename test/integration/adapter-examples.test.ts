// Starts each examples/<framework>/server.mjs for real (a child process importing `dualtrace` and
// `dualtrace/<framework>` by name from the BUILT package), sends one request, and checks it was served and traced to
// both sinks. Configuration comes from the environment, as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackends } from '../helpers/backends';
import { HOST, KEY, send, SPAN_KIND_SERVER, XRAY_URL } from '../fixtures/adapter-harness';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const CASES = [
  ['express', 'GET /hello/:name'],
  ['fastify', 'GET /hello/:name'],
  ['koa', 'GET /hello/:name'],
  ['hono', 'GET /hello/:name'],
  ['http', 'GET /hello/:name'],
  ['fetch', 'GET /hello/[name]'],
] as const;

function startExample(name: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${EXAMPLES}${name}/server.mjs`], {
      env: { PATH: process.env.PATH ?? '', DUALTRACE_XRAY_SAMPLING: 'all', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`examples/${name} did not start: ${out}`));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (http:\/\/[\d.:]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/${name} exited (${code}): ${out}`));
    });
  });
}

describe('examples', () => {
  const backends = useBackends();
  let running: ChildProcess | undefined;
  afterEach(async () => {
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running!.once('exit', resolve));
      running.kill('SIGTERM'); // dualtrace flushes on SIGTERM, then the process ends as it would have.
      await exited;
    }
    running = undefined;
  });

  it.each(CASES)('should serve and trace examples/%s', async (name, spanName) => {
    const app = await startExample(name, {
      PORT: '0',
      HONEYCOMB_API_KEY: KEY,
      HONEYCOMB_API_ENDPOINT: backends.honeycomb.url,
      AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress,
      AWS_XRAY_URL: XRAY_URL,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    running = app.child;
    const reply = await send(app.url, '/hello/ada');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ greeting: 'hello ada' });
    expect((await send(app.url, '/healthz')).status).toBe(200);

    const spans = await backends.honeycomb.waitFor((all) => all.length >= 2, 5000);
    const server = spans.find((s) => s.kind === SPAN_KIND_SERVER)!;
    expect(server.name).toBe(spanName);
    expect(server.resource['service.name']).toBe(`example-${name}`);
    expect(spans.find((s) => s.name === 'compose-greeting')!.parentSpanId).toBe(server.spanId);
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().some((s) => s.id === server.spanId), 5000);
    const segment = backends.xray.segmentsFlat().find((s) => s.id === server.spanId)!;
    expect(segment.doc.name).toBe(HOST);
    expect(segment.doc.http).toMatchObject({ request: { method: 'GET', url: `http://${HOST}/hello/ada` }, response: { status: 200 } });
    expect(spans.some((s) => s.attributes['url.path'] === '/healthz')).toBe(false);
    expect(app.output()).not.toMatch(/error/i);
  });
});
