/**
 * valgrind and node binaries for the instruction counts (bench/instructions.ts). valgrind comes from apt and is
 * installed here when missing: only this benchmark needs it, never the test suite. Node versions other than the one
 * running come from npm (`npx -y node@<major>`), and their binary is then run directly (under valgrind, not npx).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './util';

function run(command: string, args: readonly string[], timeoutMs = 600_000): string {
  return execFileSync(command, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).trim();
}

function version(): string | undefined {
  try {
    return run('valgrind', ['--version']);
  } catch {
    return undefined;
  }
}

/** valgrind's version, installing it with apt-get first when it is missing. */
export function ensureValgrind(): string {
  const found = version();
  if (found !== undefined) return found;
  log('valgrind is missing: installing it with apt-get (needs root)…');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (...args: string[]): string => (sudo.length ? run(sudo[0] as string, [...sudo.slice(1), 'apt-get', ...args]) : run('apt-get', args));
  try {
    apt('install', '-y', '--no-install-recommends', 'valgrind');
  } catch {
    apt('update');
    apt('install', '-y', '--no-install-recommends', 'valgrind');
  }
  const installed = version();
  if (installed === undefined) throw new Error('valgrind could not be installed: install it (apt-get install valgrind) and run again');
  return installed;
}

export interface NodeBinary {
  major: number;
  version: string;
  path: string;
}

/** The node binary of `major`: this process's when it is that version, else the one `npx -y node@<major>` installs. */
export function nodeBinary(major: number): NodeBinary {
  if (Number(process.versions.node.split('.')[0]) === major) return { major, version: process.version, path: process.execPath };
  log(`node ${major}: asking npx for its binary (installs it from npm the first time)…`);
  const [version = '?', path = ''] = run('npx', ['-y', `node@${major}`, '-p', 'process.version + " " + process.execPath']).split('\n').pop()!.split(' ');
  if (!path) throw new Error(`npx -y node@${major} gave no binary`);
  return { major, version, path };
}

/**
 * Flags that make the count repeat, and make it about the steady state:
 * - V8 single-threaded and deterministic (`--predictable`: no concurrent compiler or GC threads) with fixed seeds;
 * - a fixed GC schedule: what `--predictable-gc-schedule` fixes (old generation grows by 30 %, no memory reducer), but
 *   with a 16 MB young generation (the most V8 gives it by default) instead of its 4 MB, so short-lived request
 *   objects die young as they would in a warm server;
 * - tier-up about 8× sooner than by default, so that a few thousand requests of warm-up reach the optimised steady
 *   state a long-running server is in (by default, code run once per request still reaches TurboFan after 4,000–8,000
 *   requests). Node 20's V8 counts a bytecode budget, Node 22+'s invocations.
 *
 * `major`: the Node version the flags are for; by default the one running this script.
 */
export function countingNodeFlags(major = Number(process.versions.node.split('.')[0])): string[] {
  const gc = ['--min-semi-space-size=16', '--max-semi-space-size=16', '--heap-growing-percent=30', '--no-memory-reducer'];
  const tierUp = major <= 20 ? ['--interrupt-budget=8192'] : ['--invocation-count-for-turbofan=400', '--invocation-count-for-maglev=50'];
  return ['--predictable', '--random-seed=1', '--hash-seed=1', ...gc, ...tierUp];
}

/**
 * The function whose entry makes callgrind write the counts so far: the server calls `os.loadavg()` for each mark
 * (bench/servers/common.ts) and nothing else in these processes does. It is libuv's, exported by every node binary.
 */
export const MARK_FUNCTION = 'uv_loadavg';

/**
 * valgrind's arguments before the node binary: callgrind counting instructions only, one dump file per mark and per
 * thread. With `--separate-threads=yes` a mark dumps only the thread that made it, so a worker thread's instructions
 * are never mixed into the main thread's parts: a worker that should be counted part by part marks itself (the
 * export-worker variant does, bench/servers/common.ts); other threads (libuv's pool, V8's platform threads, idle under
 * `--predictable`) are only written at exit.
 */
export function callgrindArgs(outDir: string): string[] {
  return ['--tool=callgrind', '--separate-threads=yes', `--dump-before=${MARK_FUNCTION}`, `--callgrind-out-file=${join(outDir, 'callgrind.%p')}`];
}

/**
 * The part files callgrind wrote for `pid`, by thread (1 is the main thread), each in order: `callgrind.<pid>.<part>-<thread>`
 * (the part number counts the dumps of every thread). Files of runs without `--separate-threads` (`callgrind.<pid>.<part>`)
 * count as the main thread's. The exit dumps (`callgrind.<pid>-<thread>`) are left out.
 */
export function threadPartFiles(outDir: string, pid: number): Map<number, string[]> {
  const re = new RegExp(`^callgrind\\.${pid}\\.(\\d+)(?:-(\\d+))?$`);
  const byThread = new Map<number, { part: number; file: string }[]>();
  for (const f of readdirSync(outDir)) {
    const m = re.exec(f);
    if (!m) continue;
    const thread = m[2] === undefined ? 1 : Number(m[2]);
    let list = byThread.get(thread);
    if (list === undefined) byThread.set(thread, (list = []));
    list.push({ part: Number(m[1]), file: join(outDir, f) });
  }
  return new Map([...byThread].map(([thread, list]) => [thread, list.sort((a, b) => a.part - b.part).map((x) => x.file)]));
}

/** The main thread's part files for `pid`, in order: part 1 ends at the first mark. */
export function partFiles(outDir: string, pid: number): string[] {
  return threadPartFiles(outDir, pid).get(1) ?? [];
}
