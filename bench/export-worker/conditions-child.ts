/**
 * One scenario of conditions.ts in its own process: dualtrace with both exporters to the parent's sinks, export moved
 * to the worker (EW_WORKER=1) or not, SPANS spans, then the way the process ends (EW_SCENARIO).
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { initTracing } from 'dualtrace';
import { traced } from 'dualtrace/lambda';
import { installWorkerExport } from './processor';

const scenario = process.env.EW_SCENARIO ?? 'shutdown';
const spans = Number(process.env.EW_SPANS ?? 100);
const options = {
  service: 'conditions',
  xrayUrl: '127.0.0.1*',
  honeycombKey: 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c',
  honeycomb: { endpoint: process.env.EW_OTLP_URL! },
  xray: { daemonAddress: process.env.EW_XRAY_ADDRESS!, sampling: 'all' as const },
  logLevel: 'none' as const,
};
const tracing = initTracing(options);
if (process.env.EW_WORKER === '1') {
  installWorkerExport(tracing.provider, {
    tracingOptions: options,
    maxExportBatchSize: 512,
    scheduledDelayMillis: 5000,
    timeoutMillis: 30_000,
    workerUrl: pathToFileURL(process.env.EW_WORKER_BUNDLE!),
  });
}
const makeSpans = (n: number): void => {
  for (let i = 0; i < n; i++) tracing.tracer.startSpan(`span ${i}`, { attributes: { i, 'http.route': '/x' } }).end();
};

if (scenario === 'shutdown') {
  makeSpans(spans);
  await tracing.shutdown();
  process.exit(0);
} else if (scenario === 'flush-exit') {
  makeSpans(spans);
  await tracing.forceFlush();
  process.exit(0);
} else if (scenario === 'before-exit') {
  makeSpans(spans); // nothing else holds the loop: dualtrace's beforeExit hook flushes
} else if (scenario === 'sigterm') {
  makeSpans(spans);
  // Something that keeps the process up until the signal, as a server does.
  createServer().listen(0, '127.0.0.1', () => process.stdout.write('ready\n'));
} else if (scenario === 'lambda' || scenario === 'lambda-warm') {
  // Cold: one invocation right after start-up. Warm: a first invocation, 3 s idle, a second. Then the process is
  // frozen for good (killed) the moment the last handler returns: what is not delivered by then is lost.
  const handler = traced(async (event: { spans: number }) => {
    makeSpans(event.spans - 1); // + the invocation's own SERVER span
    return { statusCode: 200, body: 'ok' };
  });
  const context = { awsRequestId: 'r1', functionName: 'f', getRemainingTimeInMillis: () => 30_000 };
  if (scenario === 'lambda-warm') {
    await handler({ spans: spans / 2 }, context);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  const started = Date.now();
  await handler({ spans: scenario === 'lambda-warm' ? spans / 2 : spans }, context);
  process.stdout.write(`invocation ${Date.now() - started} ms\n`);
  process.kill(process.pid, 'SIGKILL');
}
