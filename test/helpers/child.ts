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
