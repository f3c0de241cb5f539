/**
 * Export throughput child: the real provider from `initTracing` (BENCH_EXPORTERS = both | otlp | xray) against the
 * runner's counting sinks. On `run`, creates spans as fast as it can for BENCH_SECONDS, in batches of one full queue
 * (2048, the default maxQueueSize) each followed by `forceFlush()`, so nothing is dropped. BENCH_TRACE_SPANS = 1: lone
 * SERVER spans with 5 attributes, each its own trace; 4: request traces of a SERVER span and three children (a
 * database CLIENT span, an HTTP CLIENT span, an INTERNAL span), which X-Ray receives as one document each.
 */
import { Session } from 'node:inspector';
import { ROOT_CONTEXT, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { initTracing } from 'dualtrace';

const exporters = process.env.BENCH_EXPORTERS ?? 'both';
const seconds = Number(process.env.BENCH_SECONDS ?? '3');
const traceSpans = process.env.BENCH_TRACE_SPANS === '4' ? 4 : 1;
const BATCH = 2048;

const tracing = initTracing({
  service: 'span-generator',
  xrayUrl: '127.0.0.1*',
  honeycombKey: 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c',
  honeycomb: { enabled: exporters !== 'xray', endpoint: process.env.BENCH_OTLP_URL ?? 'http://127.0.0.1:4318' },
  xray: { enabled: exporters !== 'otlp', daemonAddress: process.env.BENCH_XRAY_ADDRESS ?? '127.0.0.1:2000', sampling: 'all' },
  flushOnExit: false,
  logLevel: 'warn',
  instrumentation: { fetch: false, http: false },
});
const tracer = trace.getTracer('bench');

async function run(): Promise<object> {
  // Warm-up (JIT) outside the measurement: one batch, flushed.
  let created = 0;
  const server: Attributes = {
    'http.request.method': 'GET',
    'url.path': '/api/activities/home',
    'http.route': '/api/activities/home',
    'http.response.status_code': 200,
    'user_agent.original': 'autocannon',
  };
  const db: Attributes = { 'db.system.name': 'postgresql', 'db.namespace': 'cruddur', 'db.operation.name': 'SELECT', 'server.address': 'db.internal' };
  const http: Attributes = { 'http.request.method': 'GET', 'url.full': 'https://api.example.com/v1/users', 'server.address': 'api.example.com', 'http.response.status_code': 200 };
  const batch = (): void => {
    for (let i = 0; i < BATCH; i += traceSpans) {
      const root = tracer.startSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: server });
      if (traceSpans === 4) {
        const parent = trace.setSpan(ROOT_CONTEXT, root);
        tracer.startSpan('SELECT cruddur.activities', { kind: SpanKind.CLIENT, attributes: db }, parent).end();
        tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: http }, parent).end();
        tracer.startSpan('render home', { kind: SpanKind.INTERNAL }, parent).end();
      }
      root.end();
    }
    created += BATCH;
  };
  batch();
  await tracing.forceFlush();
  const warm = created;
  const profiler = process.env.BENCH_PROFILE === '1' ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await new Promise((resolve) => profiler.post('Profiler.enable', () => profiler.post('Profiler.start', resolve)));
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    batch();
    await tracing.forceFlush();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const profile = profiler
    ? await new Promise<unknown>((resolve) => profiler.post('Profiler.stop', (error, result) => resolve(error ? undefined : result.profile)))
    : undefined;
  return { created, measured: created - warm, wallMs, cpuMicros: cpu.user + cpu.system, profile };
}

process.send?.({ type: 'ready', port: 0 });
process.on('message', (message: { id: number; cmd: string }) => {
  if (message.cmd === 'run') void run().then((result) => process.send?.({ id: message.id, ...result }));
  else if (message.cmd === 'exit') {
    process.send?.({ id: message.id });
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
