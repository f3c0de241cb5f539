// A second local service the activities API calls. It runs in its own process with its own initTracing,
// as a separate service would, and continues the caller's trace.
import http from 'node:http';
import { initTracing } from 'dualtrace';
import { traced } from 'dualtrace/http';

const tracing = initTracing({ service: 'users-service' }); // everything else from the environment

const server = http.createServer(
  traced((req, res) => {
    const handle = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ handle, display_name: handle, bio: 'Lives on a starship.' }));
  }),
);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => void tracing.shutdown().then(() => process.exit(0))));
