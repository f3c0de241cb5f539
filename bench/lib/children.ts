/**
 * Child processes for the benchmarks: every child is tracked and killed when the runner exits, even on error or a
 * signal. Server children speak the IPC protocol of bench/servers/common.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface ServerStats {
  cpuMicros: number;
  rss: number;
  maxRssKb: number;
  served: number;
}

export interface ServerChild {
  readonly pid: number;
  readonly port: number;
  readonly stderr: () => string;
  call<T extends object>(cmd: string, timeoutMs?: number): Promise<T>;
  stats(): Promise<ServerStats>;
  /** Asks the child to exit (so --cpu-prof writes its profile), then kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** What runs node: another binary, or a wrapper such as valgrind (`command` + `args`, then node's own arguments). */
export interface Launcher {
  command: string;
  args: readonly string[];
  startTimeoutMs: number;
}

/** Starts `node --import tsx <script>` with IPC (through `launcher` when given); resolves once it listens. */
export async function startServer(script: string, env: Record<string, string>, nodeArgs: string[] = [], launcher?: Launcher): Promise<ServerChild> {
  const command = launcher?.command ?? process.execPath;
  const child = spawn(command, [...(launcher?.args ?? []), ...nodeArgs, '--import', 'tsx', BENCH_DIR + script], {
    cwd: BENCH_DIR + '..',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let nextId = 1;
  const pending = new Map<number, (value: object) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const startMs = launcher?.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${startMs / 1000} s: ${stderr}`)), startMs);
    child.on('message', (message: { type?: string; port?: number; id?: number }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port ?? 0);
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
    child.once('exit', (code) => {
      live.delete(child);
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderr}`));
    });
  });
  const call = <T extends object>(cmd: string, timeoutMs = 15_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${script}: '${cmd}' got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, (value) => {
        clearTimeout(timer);
        resolve(value as T);
      });
      child.send({ id, cmd });
    });
  return {
    pid: child.pid ?? 0,
    port,
    stderr: () => stderr,
    call,
    stats: () => call<ServerStats>('stats'),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      call('exit', graceMs).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      live.delete(child);
    },
  };
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon in its own process (bench/lib/load-child.ts) against `url` for `seconds`. */
export function runLoad(url: string, seconds: number, connections = 10): Promise<LoadResult> {
  return runJsonChild<LoadResult>('lib/load-child.ts', [url, String(seconds), String(connections)], seconds + 30);
}

/** Runs a bench script in its own process (tracked, killed after `limitS`); resolves with the JSON it prints. */
export function runJsonChild<T>(script: string, args: readonly string[], limitS: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BENCH_DIR + script, ...args], {
      cwd: BENCH_DIR + '..',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      live.delete(child);
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${script} exited with ${code}: ${err.slice(-2000)}`));
      }
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
