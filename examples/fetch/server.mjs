// A Fetch-style handler + dualtrace: `node examples/fetch/server.mjs` (PORT, HONEYCOMB_API_KEY,
// AWS_XRAY_DAEMON_ADDRESS, AWS_XRAY_URL from the environment). In Next.js the same handler is a route file:
//   export const GET = traced(handler, { route: '/hello/[name]' });
// Here any Fetch server runs it; @hono/node-server's `serve` is used only as that server.
import { serve } from '@hono/node-server';
import { trace } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';
import { traced } from 'dualtrace/fetch';

initTracing({ service: 'example-fetch' });

const hello = traced(
  async (request) => {
    const name = new URL(request.url).pathname.split('/')[2] ?? 'world';
    const greeting = trace.getTracer('example').startActiveSpan('compose-greeting', (span) => {
      span.end();
      return `hello ${name}`;
    });
    return Response.json({ greeting });
  },
  // On Node, initTracing also traces every request (zero-code): ignorePaths keeps /healthz out of that too.
  { route: '/hello/[name]', ignorePaths: ['/healthz'] },
);

serve(
  {
    fetch: (request) => (new URL(request.url).pathname.startsWith('/hello/') ? hello(request) : new Response('ok')),
    port: Number(process.env.PORT ?? 0),
    hostname: '127.0.0.1',
  },
  (info) => console.log(`listening http://127.0.0.1:${info.port}`),
);
