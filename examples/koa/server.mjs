// Koa + @koa/router + dualtrace: `node examples/koa/server.mjs` (PORT, HONEYCOMB_API_KEY, AWS_XRAY_DAEMON_ADDRESS,
// AWS_XRAY_URL from the environment). GET /hello/:name answers and traces; /healthz is not traced.
import Router from '@koa/router';
import { trace } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';
import { tracing } from 'dualtrace/koa';
import Koa from 'koa';

initTracing({ service: 'example-koa' });

const app = new Koa();
const router = new Router();
router.get('/healthz', (ctx) => {
  ctx.body = 'ok';
});
router.get('/hello/:name', (ctx) => {
  const greeting = trace.getTracer('example').startActiveSpan('compose-greeting', (span) => {
    span.end();
    return `hello ${ctx.params.name}`;
  });
  ctx.body = { greeting };
});
app.use(tracing({ ignorePaths: ['/healthz'] }));
app.use(router.routes());

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
