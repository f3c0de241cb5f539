// A node:http app for bench/sampling-instructions.ts: `{ port }` on stdout once listening; GET /__exit shuts tracing
// down (every queued span exported) and exits. BENCH_SAMPLING: untraced | both-100 | xray-5 (10 local rules, the
// request matches the last one: X-Ray keeps 5 %, Honeycomb every trace). Loads the built package, as an app does.
import http from 'node:http';

const variant = process.env.BENCH_SAMPLING ?? 'untraced';
let handler = (_req, res) => res.end('{"ok":true}');
let tracing;
if (variant !== 'untraced') {
  const { initTracing } = await import('dualtrace');
  const { traced } = await import('dualtrace/http');
  const rules = [
    ['GET', '/api/health*'], ['*', '/api/users/*'], ['POST', '/api/messages'], ['GET', '/api/activities/search*'],
    ['GET', '/api/activities/notifications'], ['PUT', '*'], ['*', '/v2/*'], ['DELETE', '*'], ['GET', '/admin/*'],
  ].map(([http_method, url_path], i) => ({ description: `rule ${i}`, host: '*', http_method, url_path, fixed_target: 1, rate: 0.1 }));
  tracing = initTracing({
    service: 'backend-flask',
    honeycombKey: 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c',
    honeycomb: { endpoint: process.env.BENCH_OTLP_URL },
    xray:
      variant === 'xray-5'
        ? { daemonAddress: process.env.BENCH_XRAY_ADDRESS, sampling: 'local', samplingRules: { version: 2, rules, default: { fixed_target: 0, rate: 0.05 } } }
        : { daemonAddress: process.env.BENCH_XRAY_ADDRESS, sampling: 'all' },
    flushOnExit: false,
    logLevel: 'none',
  });
  handler = traced(handler, { route: '/api/activities/home' });
}
const server = http.createServer((req, res) => {
  if (req.url === '/__exit') {
    res.end();
    server.close();
    void (tracing?.shutdown() ?? Promise.resolve()).then(() => process.exit(0));
    return;
  }
  handler(req, res);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
