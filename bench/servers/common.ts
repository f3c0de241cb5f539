/**
 * Shared by every benchmark server child: the variant set-up (tracing before the app's modules load, so the OTel
 * auto-instrumentation can patch them), the response body, and the IPC protocol the runner uses
 * (`{ id, cmd }` → `{ id, ...result }`; the child sends `{ type: 'ready', port }` once listening).
 *
 * Env: BENCH_VARIANT (untraced | context | spans | dualtrace | dualtrace-otlp | dualtrace-worker | zerocode | reference |
 * otel | xray),
 * BENCH_OTLP_URL, BENCH_XRAY_ADDRESS, BENCH_BATCH (see `BATCH`). `dualtrace-otlp` sends X-Ray's copy over OTLP to
 * BENCH_OTLP_URL, gzipped and SigV4-signed with AWS's documentation example credentials (the sink does not check them).
 * `context` and `spans` decompose dualtrace's cost: `context` only enables the AsyncLocalStorage context manager and
 * runs each request inside `context.with` (what any context-propagating tracer pays); `spans` is dualtrace with both
 * exporters off (context + propagation + the SERVER span, no export). `zerocode` is `node --import dualtrace/register`
 * configured by the environment, with no adapter (the runner adds the flag). `reference` is the hand-written OTel
 * middleware with one OTLP exporter (./reference.ts). `dualtrace-worker` is dualtrace with its export moved to a worker
 * thread: the prototype of bench/export-worker/ (README there), not part of the library.
 * aws-xray-sdk-core is only ever loaded here, in a server child (it turns cls-hooked on for the whole process).
 */
import { createRequire } from 'node:module';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Server } from 'node:http';
import { Session } from 'node:inspector';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** CPU profiles on request (`profile-start` / `profile-stop`): only the measured load, not start-up. */
const profiler = new Session();

/**
 * Garbage collections so far, counted only for bench/alloc.ts (BENCH_ALLOC=1): its heap deltas are allocated bytes
 * only when no collection fell between them.
 */
let collections = 0;
let heapProfiling = false;
if (process.env.BENCH_ALLOC === '1') new PerformanceObserver((list) => void (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });

export const require = createRequire(import.meta.url);
export type Variant =
  | 'untraced'
  | 'context'
  | 'spans'
  | 'dualtrace'
  | 'dualtrace-otlp'
  | 'dualtrace-worker'
  | 'zerocode'
  | 'reference'
  | 'otel'
  | 'xray';

/** The variants that run dualtrace's adapters. */
export const DUALTRACE_VARIANTS: readonly Variant[] = ['dualtrace', 'dualtrace-otlp', 'dualtrace-worker', 'spans'];

export const VARIANT = (process.env.BENCH_VARIANT ?? 'untraced') as Variant;
const OTLP_URL = process.env.BENCH_OTLP_URL ?? 'http://127.0.0.1:4318';
const XRAY_ADDRESS = process.env.BENCH_XRAY_ADDRESS ?? '127.0.0.1:2000';

/**
 * BENCH_BATCH=n (the instruction counts of bench/instructions.ts): every tracer's queue and batch hold n spans and the
 * batch timer is out of the way (2e9 ms, under setTimeout's 2^31 − 1 limit), so nothing is exported until the runner
 * asks for a flush. Unset: each tracer's defaults.
 */
const batchSize = Number(process.env.BENCH_BATCH);
export const BATCH = batchSize > 0 ? { maxQueueSize: batchSize, maxExportBatchSize: batchSize, scheduledDelayMillis: 2_000_000_000 } : undefined;
/**
 * With BENCH_BATCH, dualtrace's bound on a flush (shutdownTimeoutMillis, 5 s by default): under valgrind one full batch
 * takes longer than that to export, and a flush cut short leaves its datagrams to land in the next counted part.
 */
export const FLUSH_BOUND_MILLIS = 600_000;

/** Warnings and errors logged through OTel diag (dualtrace reports drops and send failures there). */
export const diagLines: string[] = [];
const capture: DiagLogger = {
  error: (...args) => void diagLines.push(`error ${args.map(String).join(' ')}`),
  warn: (...args) => void diagLines.push(`warn ${args.map(String).join(' ')}`),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

export interface Setup {
  flush: () => Promise<void>;
  /** A worker thread that should be counted part by part marks itself first (bench/lib/valgrind.ts callgrindArgs). */
  markThreads?: () => Promise<void>;
  /** aws-xray-sdk-core's module, for the X-Ray variant's node:http wiring. */
  xray?: XRaySdk;
}

export interface XRaySdk {
  middleware: {
    traceRequestResponseCycle: (req: unknown, res: unknown) => unknown;
    setSamplingRules: (rules: unknown) => void;
    disableCentralizedSampling: () => void;
    setDefaultName: (name: string) => void;
  };
  getNamespace: () => { bindEmitter: (e: unknown) => void; run: (fn: () => void) => void };
  setSegment: (segment: unknown) => void;
  setDaemonAddress: (address: string) => void;
  setContextMissingStrategy: (strategy: string) => void;
  setLogger: (logger: unknown) => void;
}

export async function setUpVariant(service: string): Promise<Setup> {
  diag.setLogger(capture, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  if (VARIANT === 'context') {
    const { context } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    return { flush: async () => undefined };
  }
  if (DUALTRACE_VARIANTS.includes(VARIANT)) {
    const { initTracing } = await import('dualtrace');
    type Options = Parameters<typeof initTracing>[0];
    const exporting = VARIANT !== 'spans';
    if (VARIANT === 'dualtrace-otlp') {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
      });
    }
    const options: Options = {
      service,
      xrayUrl: '127.0.0.1*',
      honeycombKey: 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c',
      honeycomb: { endpoint: OTLP_URL, enabled: exporting },
      // Every trace to both backends, as the other variants send (the counting sinks have no sampling proxy).
      xray:
        VARIANT === 'dualtrace-otlp'
          ? { transport: 'otlp', endpoint: OTLP_URL, region: 'us-east-1', sigv4: true, sampling: 'all' }
          : { daemonAddress: XRAY_ADDRESS, enabled: exporting, sampling: 'all' },
      flushOnExit: false,
      logLevel: 'none', // keep the capturing diag logger installed above
      ...(BATCH && { batch: BATCH, shutdownTimeoutMillis: FLUSH_BOUND_MILLIS }),
    };
    const tracing = initTracing(options);
    if (VARIANT === 'dualtrace-worker') {
      // The export-worker prototype (bench/export-worker/README.md): export moved to a worker thread.
      const { installWorkerExport } = await import('../export-worker/processor');
      const worker = installWorkerExport(tracing.provider, {
        tracingOptions: options as Record<string, unknown>,
        maxExportBatchSize: BATCH?.maxExportBatchSize ?? 512,
        scheduledDelayMillis: BATCH?.scheduledDelayMillis ?? 5_000,
        timeoutMillis: BATCH ? FLUSH_BOUND_MILLIS : 30_000,
      });
      return { flush: () => tracing.forceFlush(), markThreads: () => worker.mark() };
    }
    return { flush: () => tracing.forceFlush() };
  }
  if (VARIANT === 'zerocode') {
    // `--import dualtrace/register` has already run initTracing() from the environment the runner set.
    const { getTracing } = await import('dualtrace');
    return { flush: async () => void (await getTracing()?.forceFlush()) };
  }
  if (VARIANT === 'reference') {
    const { setUpReference } = await import('./reference');
    return { flush: setUpReference(service, OTLP_URL, BATCH) };
  }
  if (VARIANT === 'otel') {
    const { NodeSDK, tracing } = await import('@opentelemetry/sdk-node');
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    const sdk = new NodeSDK({
      serviceName: service,
      spanProcessors: [new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: `${OTLP_URL}/v1/traces` }), BATCH)],
      instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
    });
    sdk.start();
    diag.setLogger(capture, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    const { trace } = await import('@opentelemetry/api');
    const provider = trace.getTracerProvider() as unknown as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
    return { flush: async () => void (await provider.getDelegate?.().forceFlush?.()) };
  }
  if (VARIANT === 'xray') {
    const sdk = require('aws-xray-sdk-core') as XRaySdk;
    sdk.setLogger({ error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined });
    sdk.setDaemonAddress(XRAY_ADDRESS);
    sdk.setContextMissingStrategy('IGNORE_ERROR');
    sdk.middleware.disableCentralizedSampling();
    sdk.middleware.setSamplingRules({ version: 2, default: { fixed_target: 0, rate: 1 }, rules: [] });
    sdk.middleware.setDefaultName(service);
    return { flush: async () => undefined, xray: sdk }; // segments go out over UDP as each one closes
  }
  return { flush: async () => undefined };
}

export function homeActivities(now: Date): object[] {
  const hours = (h: number): string => new Date(now.getTime() + h * 3_600_000).toISOString();
  return [
    { uuid: '68f126b0-1ceb-4a33-88be-d90fa7109eee', handle: 'Andrew Brown', message: 'Cloud is very fun!', created_at: hours(-48), expires_at: hours(120), likes_count: 5, replies_count: 1, reposts_count: 0 },
    { uuid: '66e12864-8c26-4c3a-9658-95a10f8fea67', handle: 'Worf', message: 'I am out of prune juice', created_at: hours(-168), expires_at: hours(240), likes_count: 0, replies_count: 0, reposts_count: 0 },
    { uuid: '248959df-3079-4947-b847-9e0892d1bab4', handle: 'Garek', message: 'My dear doctor, I am just simple tailor', created_at: hours(-2), expires_at: hours(12), likes_count: 0, replies_count: 0, reposts_count: 0 },
  ];
}

export const counters = { served: 0 };

/** The `context` variant's per-request work: run the rest of the request inside `context.with` on a fresh context. */
export async function contextRunner(): Promise<<T>(fn: () => T) => T> {
  const { context, ROOT_CONTEXT, createContextKey } = await import('@opentelemetry/api');
  const key = createContextKey('bench.request');
  return (fn) => context.with(ROOT_CONTEXT.setValue(key, counters.served), fn);
}

/**
 * What one `process.nextTick` costs in this process now (bench/nexttick.ts): ns per tick to queue and to run, the best
 * of 5 rounds of 10,000 no-op ticks, queued inside a fresh context (so AsyncLocalStorage's hooks run when a tracer
 * enabled them, as on a request's path).
 */
async function tickCost(): Promise<{ queueNs: number; runNs: number }> {
  const { context, ROOT_CONTEXT, createContextKey } = await import('@opentelemetry/api');
  const key = createContextKey('bench.ticks');
  const noop = (): void => undefined;
  let queueNs = Infinity;
  let runNs = Infinity;
  for (let round = 0; round < 5; round++) {
    const [t0, t1] = context.with(ROOT_CONTEXT.setValue(key, round), (): [bigint, bigint] => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 10_000; i++) process.nextTick(noop);
      return [start, process.hrtime.bigint()];
    });
    const t2 = await new Promise<bigint>((resolve) => setImmediate(() => resolve(process.hrtime.bigint())));
    queueNs = Math.min(queueNs, Number(t1 - t0) / 10_000);
    runNs = Math.min(runNs, Number(t2 - t1) / 10_000);
  }
  return { queueNs, runNs };
}

/** Listens on 127.0.0.1:0, then answers the runner's IPC commands. */
export function serve(server: Server, setup: Setup): void {
  // Long enough that the one connection of the instruction count stays open through a flush under valgrind.
  server.keepAliveTimeout = 600_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.send?.({ type: 'ready', port });
  });
  process.on('message', (message: { id: number; cmd: string }) => {
    const reply = (result: object): void => void process.send?.({ id: message.id, ...result });
    if (message.cmd === 'stats') {
      const cpu = process.cpuUsage();
      reply({ cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage.rss(), maxRssKb: process.resourceUsage().maxRSS, served: counters.served });
    } else if (message.cmd === 'flush') {
      setup.flush().then(
        () => reply({ ok: true }),
        (error: unknown) => reply({ ok: false, error: String(error) }),
      );
    } else if (message.cmd === 'mark') {
      const mark = (): void => {
        // Under `valgrind --tool=callgrind --dump-before=uv_loadavg` this call writes the counts so far (bench/lib/valgrind.ts).
        loadavg();
        if (process.env.BENCH_MARK_LOG === '1') process.stdout.write(`mark: ${counters.served} served\n`); // lines up --trace-* output
        reply({ served: counters.served });
      };
      if (setup.markThreads) void setup.markThreads().then(mark);
      else mark();
    } else if (message.cmd === 'heap') {
      // bench/alloc.ts: bytes on V8's heap and in array buffers; `gc` first when asked (node --expose-gc).
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
      reply({ used: getHeapStatistics().used_heap_size, spaces, arrayBuffers: process.memoryUsage().arrayBuffers, collections });
    } else if (message.cmd === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      setTimeout(() => reply({}), 20); // after the collection's entry reached the observer above
    } else if (message.cmd === 'heap-profile-start') {
      // Allocation sites, including objects already collected (a sample every 128 bytes on average).
      if (!heapProfiling) profiler.connect();
      heapProfiling = true;
      profiler.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, () => reply({ ok: true }));
    } else if (message.cmd === 'heap-profile-stop') {
      profiler.post('HeapProfiler.stopSampling', (error, result) => reply(error ? { error: String(error) } : { profile: result.profile }));
    } else if (message.cmd === 'ticks') {
      void tickCost().then(reply);
    } else if (message.cmd === 'logs') {
      reply({ lines: diagLines.splice(0) });
    } else if (message.cmd === 'profile-start') {
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler.post('Profiler.start', () => reply({ ok: true })));
    } else if (message.cmd === 'profile-stop') {
      profiler.post('Profiler.stop', (error, result) => reply(error ? { error: String(error) } : { profile: result.profile }));
    } else if (message.cmd === 'exit') {
      reply({});
      server.closeAllConnections();
      setTimeout(() => process.exit(0), 50);
    }
  });
  process.on('disconnect', () => process.exit(0)); // the runner went away: never outlive it
}
