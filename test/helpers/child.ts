import { spawn, type ChildProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <fixture>` (a file in test/fixtures/, or an absolute path) with extra env; `onStdout` sees output as it
 * arrives. Kills it after `timeoutMs`.
 */
export function runFixture(
  fixture: string,
  env: Record<string, string>,
  options: { timeoutMs?: number; onStdout?: (text: string, child: ChildProcess) => void } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [isAbsolute(fixture) ? fixture : FIXTURES + fixture], {
      // The fixtures' fake daemons have no sampling proxy: X-Ray keeps every trace unless a test says otherwise.
      env: { PATH: process.env.PATH ?? '', DUALTRACE_XRAY_SAMPLING: 'all', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${fixture} did not exit within ${options.timeoutMs ?? 10_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A child process serving HTTP: the port it printed as `{"port":N}`, its output so far, and a way to stop it. */
export interface ServingChild {
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM (dualtrace flushes on it), then resolves with how the process ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node <args…>` from the package root (so `dualtrace/register` resolves through package.json "exports") and
 * waits for the line it prints once listening: `{"port":N}`, or whatever `ready` matches (the port is its first
 * group). Rejects when it exits first or after `timeoutMs`.
 */
export function startServing(
  args: readonly string[],
  env: Record<string, string>,
  { timeoutMs = 10_000, ready = /\{"port":(\d+)\}/ }: { timeoutMs?: number; ready?: RegExp } = {},
): Promise<ServingChild> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not start within ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        child,
        output: () => output,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited (${code ?? signal}) before listening\n${output}`));
    });
  });
}
