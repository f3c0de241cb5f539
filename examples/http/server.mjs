// node:http + dualtrace: `node examples/http/server.mjs` (PORT, HONEYCOMB_API_KEY, AWS_XRAY_DAEMON_ADDRESS,
// AWS_XRAY_URL from the environment). GET /hello/<name> answers and traces; /healthz is not traced.
import { createServer } from 'node:http';
import { trace } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';
import { traced } from 'dualtrace/http';

initTracing({ service: 'example-http' });

const server = createServer(
  traced(
    (req, res) => {
      if (req.url === '/healthz') return res.end('ok');
      const name = /^\/hello\/([^/?]+)/.exec(req.url ?? '')?.[1];
      if (name === undefined) return res.writeHead(404).end();
      const greeting = trace.getTracer('example').startActiveSpan('compose-greeting', (span) => {
        span.end();
        return `hello ${name}`;
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ greeting }));
    },
    { ignorePaths: ['/healthz'], route: '/hello/:name' },
  ),
);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
