// Hono on Node (@hono/node-server) + dualtrace: `node examples/hono/server.mjs` (PORT, HONEYCOMB_API_KEY,
// AWS_XRAY_DAEMON_ADDRESS, AWS_XRAY_URL from the environment). GET /hello/:name answers and traces.
import { serve } from '@hono/node-server';
import { trace } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';
import { tracing } from 'dualtrace/hono';
import { Hono } from 'hono';

initTracing({ service: 'example-hono' });

const app = new Hono();
app.use(tracing({ ignorePaths: ['/healthz'] }));
app.get('/healthz', (c) => c.text('ok'));
app.get('/hello/:name', (c) => {
  const greeting = trace.getTracer('example').startActiveSpan('compose-greeting', (span) => {
    span.end();
    return `hello ${c.req.param('name')}`;
  });
  return c.json({ greeting });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening http://127.0.0.1:${info.port}`);
});
