// Express + dualtrace: `node examples/express/server.mjs` (PORT, HONEYCOMB_API_KEY, AWS_XRAY_DAEMON_ADDRESS,
// AWS_XRAY_URL from the environment). GET /hello/:name answers and traces; /healthz is not traced.
import { trace } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';
import { errorTracing, tracing } from 'dualtrace/express';
import express from 'express';

initTracing({ service: 'example-express' });

const app = express();
app.use(tracing({ ignorePaths: ['/healthz'] }));
app.get('/healthz', (_req, res) => res.send('ok'));
app.get('/hello/:name', (req, res) => {
  // A span of your own nests under the request's SERVER span.
  const greeting = trace.getTracer('example').startActiveSpan('compose-greeting', (span) => {
    span.end();
    return `hello ${req.params.name}`;
  });
  res.json({ greeting });
});
app.use(errorTracing());

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
