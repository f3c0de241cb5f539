/** A plain `node:http` app answering the same JSON, in the variant BENCH_VARIANT names. Run by the runner. */
import type * as nodeHttp from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contextRunner, counters, DUALTRACE_VARIANTS, homeActivities, require, serve, setUpVariant, VARIANT } from './common';

const setup = await setUpVariant('activities-http');
const http = require('node:http') as typeof nodeHttp;

function app(_req: IncomingMessage, res: ServerResponse): void {
  counters.served++;
  const body = JSON.stringify(homeActivities(new Date()));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

let listener: (req: IncomingMessage, res: ServerResponse) => void = app;
if (VARIANT === 'context') {
  const run = await contextRunner();
  listener = (req, res) => run(() => app(req, res));
} else if (DUALTRACE_VARIANTS.includes(VARIANT)) {
  const { traced } = await import('dualtrace/http');
  listener = traced(app, { route: '/api/activities/home' });
} else if (VARIANT === 'reference') {
  const { referenceMiddleware } = await import('./reference');
  const middleware = referenceMiddleware('/api/activities/home');
  listener = (req, res) => middleware(req, res, () => app(req, res));
} else if (VARIANT === 'xray' && setup.xray) {
  // What aws-xray-sdk-express's openSegment does, for a bare listener: one segment per request, in cls-hooked context.
  const sdk = setup.xray;
  listener = (req, res) => {
    const segment = sdk.middleware.traceRequestResponseCycle(req, res);
    const ns = sdk.getNamespace();
    ns.bindEmitter(req);
    ns.bindEmitter(res);
    ns.run(() => {
      sdk.setSegment(segment);
      app(req, res);
    });
  };
}

serve(http.createServer(listener), setup);
