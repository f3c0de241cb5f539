// The original Flask backend's activities API, ported to Express 5 with dualtrace.
// Run it for real (it listens on HOST:PORT, default 0.0.0.0:4567, as the Flask backend did):
//   OTEL_SERVICE_NAME=backend-flask HONEYCOMB_API_KEY=… AWS_XRAY_URL='*4567-abc.ws-us89.gitpod.io*' \
//     node --import dualtrace/register examples/express-activities/app.mjs
// `--import dualtrace/register` traces every request from the environment; `tracing()` below adds route names and
// `errorTracing()` the exceptions. GET /api/activities/@<handle> calls the users service at USERS_URL (default
// http://127.0.0.1:4568): `PORT=4568 node examples/express-activities/users-service.mjs`.
// demo.ts runs both against local receivers instead (`npm run demo`).
import { pathToFileURL } from 'node:url';
import express from 'express';
import { trace } from '@opentelemetry/api';
import { tracing, errorTracing } from 'dualtrace/express';

const tracer = trace.getTracer('backend-flask');

/** @param {{ usersUrl: string }} options where the users service listens */
export function createApp({ usersUrl }) {
  const app = express();
  app.use(tracing());

  app.get('/api/activities/home', (_req, res) => {
    // The Flask app's HomeActivities.run, with the same hand-made span and attributes.
    const results = tracer.startActiveSpan('home-activities-mock-data', (span) => {
      const now = new Date();
      span.setAttribute('app.now', now.toISOString());
      const data = homeActivities(now);
      span.setAttribute('app.result_length', data.length);
      span.end();
      return data;
    });
    res.json(results);
  });

  app.get('/api/activities/@:handle', async (req, res) => {
    // Calls another local service with fetch: the trace continues there (traceparent + X-Amzn-Trace-Id).
    const profile = await fetch(`${usersUrl}/users/${encodeURIComponent(req.params.handle)}`).then((r) => r.json());
    res.json({ profile, activities: homeActivities(new Date()).filter((a) => a.handle === req.params.handle) });
  });

  app.get('/api/activities/broken', () => {
    throw new Error('the database is on fire');
  });

  app.use(errorTracing());
  app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }));
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = createApp({ usersUrl: process.env.USERS_URL ?? 'http://127.0.0.1:4568' });
  const server = app.listen(Number(process.env.PORT ?? 4567), process.env.HOST ?? '0.0.0.0', () => {
    const { address, port } = server.address();
    console.log(`listening http://${address.includes(':') ? `[${address}]` : address}:${port}`);
  });
}

function homeActivities(now) {
  const hours = (h) => new Date(now.getTime() + h * 3_600_000).toISOString();
  return [
    {
      uuid: '68f126b0-1ceb-4a33-88be-d90fa7109eee',
      handle: 'Andrew Brown',
      message: 'Cloud is very fun!',
      created_at: hours(-48),
      expires_at: hours(24 * 5),
      likes_count: 5,
      replies_count: 1,
      reposts_count: 0,
      replies: [{ uuid: '26e12864-1c26-5c3a-9658-97a10f8fea67', handle: 'Worf', message: 'This post has no honor!', likes_count: 0 }],
    },
    { uuid: '66e12864-8c26-4c3a-9658-95a10f8fea67', handle: 'Worf', message: 'I am out of prune juice', created_at: hours(-168), expires_at: hours(240), likes_count: 0, replies_count: 0, reposts_count: 0, replies: [] },
    { uuid: '248959df-3079-4947-b847-9e0892d1bab4', handle: 'Garek', message: 'My dear doctor, I am just simple tailor', created_at: hours(-2), expires_at: hours(12), likes_count: 0, replies_count: 0, reposts_count: 0, replies: [] },
  ];
}
