import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_KEY as KEY, useBackends } from '../helpers/backends';
import { FIXTURES } from '../helpers/child';

// Runs examples/lambda/handler.mjs against the BUILT package (by name), as the Lambda runtime would: import the
// module, call `handler(event, context)` once, await it. Needs `npx tsup` (npm test builds first).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INVOKE = `
import { readFileSync } from 'node:fs';
import { handler } from './examples/lambda/handler.mjs';
const event = JSON.parse(readFileSync(process.env.EVENT_FILE, 'utf8'));
event.headers['x-user-id'] = 'andrew';
const context = { awsRequestId: 'req-1', functionName: 'example-lambda', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:example-lambda', getRemainingTimeInMillis: () => 3000 };
const result = await handler(event, context);
process.stdout.write(JSON.stringify(result) + '\\n');
setInterval(() => {}, 1000); // stay alive (frozen, as far as the test is concerned) until killed
`;

describe('examples/lambda/handler.mjs', () => {
  const backends = useBackends();

  it('should answer and have both backends hold its spans by the time the handler resolved', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', INVOKE], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        EVENT_FILE: `${FIXTURES}lambda/api-gateway-http.json`,
        HONEYCOMB_API_KEY: KEY,
        HONEYCOMB_API_ENDPOINT: backends.honeycomb.url,
        AWS_XRAY_DAEMON_ADDRESS: backends.xray.daemonAddress,
        OTEL_BSP_SCHEDULE_DELAY: '60000', // only the wrapper's flush can send anything
      },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no result within 10 s: ${stderr}`)), 10_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve(out.trim());
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const result = JSON.parse(line) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toHaveLength(2);
      // The process is still running (as if frozen): the spans were sent by the wrapper's flush, not at exit.
      const spans = await backends.honeycomb.waitFor((s) => s.length === 2, 2000);
      const server = spans.find((s) => s.name === 'POST /api/activities')!;
      expect(server.attributes).toMatchObject({ 'faas.trigger': 'http', 'enduser.id': 'andrew', 'activity.count': 2 });
      expect(spans.find((s) => s.name === 'load activities')!.parentSpanId).toBe(server.spanId);
      await backends.xray.waitFor(1);
      expect(backends.xray.documents[0]).toMatchObject({ user: 'andrew', annotations: { 'activity.count': 2 } });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
