import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_KEY, useBackends } from '../helpers/backends';
import { startServing, type ServingChild } from '../helpers/child';
import { send } from '../fixtures/adapter-harness';

// examples/express-activities/app.mjs run exactly as its header says (`node --import dualtrace/register app.mjs`),
// with the users service it calls, both on the BUILT package, configured from the environment.
const EXAMPLE = fileURLToPath(new URL('../../examples/express-activities/', import.meta.url));
const SERVER = 2;
const CLIENT = 3;

describe('examples/express-activities', () => {
  const backends = useBackends();
  const running: ServingChild[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((child) => child.stop()));
  });

  it('should start, serve the activities API and trace it under `node --import dualtrace/register app.mjs`', async () => {
    const env = { HONEYCOMB_API_KEY: TEST_KEY, HONEYCOMB_API_ENDPOINT: backends.honeycomb.url, AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress };
    const users = await startServing([`${EXAMPLE}users-service.mjs`], { ...env, PORT: '0' });
    running.push(users);
    const app = await startServing(
      ['--import', 'dualtrace/register', `${EXAMPLE}app.mjs`],
      { ...env, OTEL_SERVICE_NAME: 'backend-flask', PORT: '0', HOST: '127.0.0.1', USERS_URL: `http://127.0.0.1:${users.port}` },
      { ready: /listening http:\/\/127\.0\.0\.1:(\d+)/ },
    );
    running.push(app);
    const base = `http://127.0.0.1:${app.port}`;

    const home = await send(base, '/api/activities/home');
    expect(home.status).toBe(200);
    expect((JSON.parse(home.body) as { handle: string }[]).map((a) => a.handle)).toContain('Worf');
    const worf = await send(base, '/api/activities/@Worf');
    expect(JSON.parse(worf.body)).toMatchObject({ profile: { handle: 'Worf' } });
    await app.stop();
    await users.stop();

    const spans = await backends.honeycomb.waitFor((all) => all.filter((s) => s.kind === SERVER).length >= 3);
    const homeSpan = spans.find((s) => s.name === 'GET /api/activities/home')!;
    expect(homeSpan.resource['service.name']).toBe('backend-flask');
    expect(spans.find((s) => s.name === 'home-activities-mock-data')!.parentSpanId).toBe(homeSpan.spanId);
    const worfSpan = spans.find((s) => s.name === 'GET /api/activities/@:handle')!;
    const call = spans.find((s) => s.kind === CLIENT && s.parentSpanId === worfSpan.spanId)!;
    const usersSpan = spans.find((s) => s.resource['service.name'] === 'users-service' && s.kind === SERVER)!;
    expect(usersSpan).toMatchObject({ traceId: worfSpan.traceId, parentSpanId: call.spanId });
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().some((s) => s.id === homeSpan.spanId));
  });
});
