/**
 * The export worker of the prototype (processor.ts): its own dualtrace tracing (same options, nothing instrumented,
 * no exit hooks), whose backend processors and exporters receive the spans the request thread wrote as records.
 * Messages arrive in order, so a flush or shutdown comes after every batch handed over before it.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadavg } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initTracing } from 'dualtrace';
import { RecordReader } from './record-reader';

const lines: string[] = [];
const take = (): string[] => lines.splice(0);
const tracing = initTracing({
  ...(workerData as { tracingOptions: Record<string, unknown> }).tracingOptions,
  instrumentation: { server: false, http: false, fetch: false },
  flushOnExit: false,
  logLevel: 'none',
} as Parameters<typeof initTracing>[0]);
diag.setLogger(
  {
    error: (...args) => void lines.push(`error ${args.map(String).join(' ')}`),
    warn: (...args) => void lines.push(`warn ${args.map(String).join(' ')}`),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);
const provider = tracing.provider as unknown as { _resource: Resource; _activeSpanProcessor: SpanProcessor };
const processors = provider._activeSpanProcessor;
const reader = new RecordReader(provider._resource);
const port = parentPort!;

type Message = { type: 'batch'; buffer: ArrayBuffer; length: number } | { type: 'flush' | 'shutdown' | 'mark'; id: number };

port.on('message', (message: Message) => {
  if (message.type === 'batch') {
    try {
      reader.read(message.buffer, message.length, (span) => processors.onEnd(span));
    } catch (error) {
      lines.push(`error export worker: a batch could not be read: ${String(error)}`);
    }
    port.postMessage({ type: 'returned', buffer: message.buffer, lines: take() }, [message.buffer]);
  } else if (message.type === 'mark') {
    // Under callgrind with --separate-threads=yes, this dumps this thread's counts (bench/lib/valgrind.ts).
    loadavg();
    port.postMessage({ type: 'done', id: message.id, lines: [] });
  } else {
    const done = message.type === 'flush' ? tracing.forceFlush() : tracing.shutdown();
    void done.then(() => port.postMessage({ type: 'done', id: message.id, lines: take() }));
  }
});
