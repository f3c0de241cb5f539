/** The Express 5 activities app, `GET /api/activities/home`, in the variant BENCH_VARIANT names. Run by the runner. */
import type * as nodeHttp from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contextRunner, counters, DUALTRACE_VARIANTS, homeActivities, require, serve, setUpVariant, VARIANT } from './common';

type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
interface ExpressApp {
  use: (handler: Handler) => void;
  get: (path: string, handler: (req: unknown, res: { json: (body: unknown) => void }) => void) => void;
}

const setup = await setUpVariant('activities-express');
// Loaded after the tracing set-up and through require, so the OTel instrumentation's require hook sees both.
const http = require('node:http') as typeof nodeHttp;
const express = require('express') as () => ExpressApp & ((req: IncomingMessage, res: ServerResponse) => void);

const app = express();
if (VARIANT === 'context') {
  const run = await contextRunner();
  app.use((_req, _res, next) => run(next));
} else if (DUALTRACE_VARIANTS.includes(VARIANT)) {
  const { tracing } = await import('dualtrace/express');
  app.use(tracing());
} else if (VARIANT === 'reference') {
  const { referenceMiddleware } = await import('./reference');
  app.use(referenceMiddleware());
} else if (VARIANT === 'xray') {
  const xrayExpress = require('aws-xray-sdk-express') as { openSegment: (name: string) => Handler };
  app.use(xrayExpress.openSegment('activities-express'));
}
app.get('/api/activities/home', (_req, res) => {
  counters.served++;
  res.json(homeActivities(new Date()));
});

serve(http.createServer(app), setup);
