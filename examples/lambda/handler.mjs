// A Lambda function traced with dualtrace (Node.js 20+ runtime, ESM). Deploy with the package bundled or in a layer;
// configure from the environment: OTEL_SERVICE_NAME (or the `service` below), HONEYCOMB_API_KEY, and, when the
// function has X-Ray active tracing on, nothing else — Lambda sets AWS_XRAY_DAEMON_ADDRESS and _X_AMZN_TRACE_ID.
//
// Works behind API Gateway (REST or HTTP API), a function URL or an ALB; any other event is traced as a plain invocation.
import { annotate, initTracing, setUser, withSpan } from 'dualtrace';
import { traced } from 'dualtrace/lambda';

// Once per container, outside the handler: cold starts pay for it once.
initTracing({ service: process.env.OTEL_SERVICE_NAME ?? 'example-lambda' });

const ACTIVITIES = [
  { uuid: '5f2a6e4c-0b1d-4c3e-9f3a-2b7f1c9d8e01', message: 'Cloud is fun!' },
  { uuid: '0c6a3f0e-2d9b-4b7e-8f55-1c2d3e4f5a6b', message: 'Lambda too.' },
];

export const handler = traced(async (event) => {
  const user = event.headers?.['x-user-id'];
  if (user) setUser(user);
  const activities = await withSpan('load activities', async (span) => {
    span.setAttribute('activity.source', 'memory');
    return ACTIVITIES;
  });
  annotate('activity.count', activities.length); // indexed in X-Ray, a column in Honeycomb
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(activities) };
});
