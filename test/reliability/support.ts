/**
 * Shared pieces of the reliability suite (not a test file): a diag logger that captures every line, an
 * `unhandledRejection` recorder, a TCP fault proxy in front of the OTLP sink, and a heap probe. Everything listens on
 * 127.0.0.1 only.
 */
import { diag, DiagLogLevel, type DiagLogger, trace } from '@opentelemetry/api';
import type { DualtraceOptions } from '../../src/config/types';
import { initTracing } from '../../src/init-tracing';
import { afterEach, beforeEach } from 'vitest';
import { useBackends, type BackendsFixture } from '../helpers/backends';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface CapturedLog {
  /** Every line logged through `diag`, as `LEVEL message args…`. */
  readonly lines: string[];
  /** Lines that match `pattern`. */
  matching(pattern: RegExp): string[];
  /** Removes the logger again. */
  restore(): void;
}

/** Installs a diag logger that records every line at `level` (default: everything). */
export function captureDiag(level: DiagLogLevel = DiagLogLevel.ALL): CapturedLog {
  const lines: string[] = [];
  const record =
    (name: string) =>
    (message: string, ...args: unknown[]): void => {
      lines.push([name, message, ...args.map(safeString)].join(' '));
    };
  const logger: DiagLogger = {
    error: record('ERROR'),
    warn: record('WARN'),
    info: record('INFO'),
    debug: record('DEBUG'),
    verbose: record('VERBOSE'),
  };
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  return {
    lines,
    matching: (pattern) => lines.filter((line) => pattern.test(line)),
    restore: () => diag.disable(),
  };
}

const LOSS_LINE = /^WARN dualtrace (\w+): (\d+) (?:more )?spans? lost \((.+?)\)/;

/** The loss lines of `backend` (`<backend>: N spans lost (CAUSE)…`), of one cause or of all. */
export function lossLines(log: CapturedLog, backend: string, cause?: string): string[] {
  return log.lines.filter((line) => {
    const match = LOSS_LINE.exec(line);
    return match !== null && match[1] === backend && (cause === undefined || match[3] === cause);
  });
}

/** The spans those lines count, summed: what the log says was lost. */
export function lostInLog(log: CapturedLog, backend: string, cause?: string): number {
  return lossLines(log, backend, cause).reduce((sum, line) => sum + Number(LOSS_LINE.exec(line)![2]), 0);
}

function safeString(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message} ${value.stack ?? ''} ${safeString({ ...value })}`;
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Records `unhandledRejection`s and `uncaughtException`s while installed. */
export function recordUnhandled(): { readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown): void => {
    errors.push(error);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtExceptionMonitor', onError);
  return {
    errors,
    stop: () => {
      process.off('unhandledRejection', onError);
      process.off('uncaughtExceptionMonitor', onError);
    },
  };
}

/** Ends `count` spans on the global tracer (the app "serving"), each with one attribute; returns their span ids. */
export function endSpans(count: number, name = 'GET /api/activities/home'): string[] {
  const ids: string[] = [];
  const tracer = trace.getTracer('reliability');
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(name, { attributes: { 'request.index': i } });
    ids.push(span.spanContext().spanId);
    span.end();
  }
  return ids;
}

export type ProxyMode = 'pass' | 'reset' | 'hang' | 'slow';

/**
 * A TCP proxy on 127.0.0.1 in front of `target` (host:port) that can misbehave: `pass` pipes both ways, `reset`
 * destroys each connection as soon as the request starts arriving (ECONNRESET at the client), `hang` accepts and
 * never answers, `slow` passes each connection on after {@link FaultProxy.delayMs}. `stop()` closes the listener (the port then refuses) and `listen()` opens it again on the same port.
 */
export class FaultProxy {
  mode: ProxyMode = 'pass';
  /** How long `slow` holds each connection before passing it on. */
  delayMs = 300;
  /** Connections accepted so far. */
  connections = 0;
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    const server = createServer((client) => {
      this.connections++;
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'reset') {
        client.once('data', () => client.resetAndDestroy());
        return;
      }
      if (this.mode === 'hang') {
        client.resume();
        return;
      }
      const pass = (): void => {
        if (client.destroyed) return;
        const upstream = createConnection(this.targetPort, client);
        this.sockets.add(upstream);
        upstream.on('close', () => this.sockets.delete(upstream));
      };
      if (this.mode === 'slow') {
        client.pause();
        setTimeout(pass, this.delayMs);
      } else pass();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the listener and every open connection: the port refuses until `listen()`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function createConnection(port: number, client: Socket): Socket {
  const upstream = connect(port, '127.0.0.1');
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.pipe(upstream).pipe(client);
  return upstream;
}

let gcFn: (() => void) | undefined;
/** Heap used after a full garbage collection (gc is exposed at run time through V8 flags). */
export function heapAfterGc(): number {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed;
}

/** A port on 127.0.0.1 with nothing listening (bound, then closed). */
export async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Calls `initTracing(options)` expecting it to throw, and returns what it threw. Endpoints default to loopback ports
 * nothing listens on, and if it does not throw, the handle is shut down at once: a set-up test can never leave a
 * handle behind (later `initTracing` calls would get it) nor send anywhere.
 */
export async function initError(options: DualtraceOptions): Promise<unknown> {
  try {
    const handle = initTracing({
      flushOnExit: false,
      logLevel: 'none',
      ...options,
      honeycomb: { endpoint: 'http://127.0.0.1:9', ...options.honeycomb },
      xray: { daemonAddress: '127.0.0.1:9', sampling: 'all', ...options.xray },
    });
    await handle.shutdown();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Resolves once `condition()` holds (checked every 10 ms); rejects after `timeoutMs`, on a monotonic clock. */
export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves after `ms` (for the few places where nothing can be awaited: "nothing else arrives"). */
export function quiet(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What each fault test gets, as a live view: both sinks, the captured diag log and the unhandled-rejection record. */
export interface FaultHarness {
  backends: BackendsFixture;
  log: CapturedLog;
  unhandled: ReturnType<typeof recordUnhandled>;
}

/**
 * Per test: captures diag at `level`, records unhandled rejections and starts both sinks ({@link useBackends}; then
 * `prepare` runs, e.g. to make one hang); undoes all of it after the test, the capture last, so it sees the shutdown.
 */
export function useFaultHarness(level: DiagLogLevel, prepare?: (backends: BackendsFixture) => void): FaultHarness {
  const harness = {} as FaultHarness;
  // Registered before useBackends: vitest runs afterEach hooks in reverse, so these outlast its teardown.
  beforeEach(() => {
    harness.log = captureDiag(level);
    harness.unhandled = recordUnhandled();
  });
  afterEach(() => {
    harness.unhandled.stop();
    harness.log.restore();
  });
  harness.backends = useBackends();
  if (prepare) beforeEach(() => prepare(harness.backends));
  return harness;
}
