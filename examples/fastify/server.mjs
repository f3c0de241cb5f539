// Fastify + dualtrace: `node examples/fastify/server.mjs` (PORT, HONEYCOMB_API_KEY, AWS_XRAY_DAEMON_ADDRESS,
// AWS_XRAY_URL from the environment). GET /hello/:name answers and traces; /healthz is not traced.
import { trace } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';
import { tracing } from 'dualtrace/fastify';
import Fastify from 'fastify';

initTracing({ service: 'example-fastify' });

const app = Fastify();
await app.register(tracing({ ignorePaths: ['/healthz'] }));
app.get('/healthz', async () => 'ok');
app.get('/hello/:name', async (request) => {
  const greeting = trace.getTracer('example').startActiveSpan('compose-greeting', (span) => {
    span.end();
    return `hello ${request.params.name}`;
  });
  return { greeting };
});

const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`listening ${url}`);
