/**
 * Garbage collections per request under bench:ir's flags: how many scavenges and mark-compacts a variant's server
 * runs, and how many bytes its scavenges promote, per request. Collections fall where allocation puts them, so with
 * `--predictable` these counts repeat; bench:ir's GC column is their cost, in lumps (bench/notes.md, "What stays
 * lumpy").
 *
 * Each variant's Express server runs without valgrind, with countingNodeFlags and `--trace-gc-nvp` (its stdout to a
 * file); after 3 warm-up cycles of 512 requests, each followed by a flush as in bench:ir, BENCH_GC_CYCLES cycles are
 * counted between two marks.
 *
 * Run: npm run build && node --import tsx bench/gc-counts.ts [variant…]   (default: untraced reference dualtrace)
 * Env: BENCH_GC_CYCLES=16  BENCH_APPS=express|http (the first one)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR } from './lib/children';
import { OneConnection } from './lib/one-connection';
import { CountingOtlpSink, CountingUdpSink } from './lib/sinks';
import { countingNodeFlags } from './lib/valgrind';
import { variantLaunch } from './lib/variants';

const BATCH = 512;
const WARMUP = 3;
const cycles = Number(process.env.BENCH_GC_CYCLES) > 0 ? Number(process.env.BENCH_GC_CYCLES) : 16;
const app = (process.env.BENCH_APPS ?? 'express').split(',')[0]!;
const variants = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['untraced', 'reference', 'dualtrace'];
const dir = mkdtempSync(join(tmpdir(), 'bench-gc-'));

interface Counts {
  scavenges: number;
  markCompacts: number;
  promotedPerRequest: number;
}

/** Counts the collections `--trace-gc-nvp` logged between the first two `mark:` lines. */
function count(log: string, requests: number): Counts {
  const lines = log.split('\n');
  const marks = lines.flatMap((line, i) => (line.startsWith('mark:') ? [i] : []));
  let scavenges = 0;
  let markCompacts = 0;
  let promoted = 0;
  for (const line of lines.slice(marks[0]! + 1, marks[1])) {
    const kind = / gc=(\w+) /.exec(line)?.[1];
    if (kind === 's') {
      scavenges++;
      promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
    } else if (kind === 'mc' || kind === 'ms') {
      markCompacts++;
    }
  }
  return { scavenges, markCompacts, promotedPerRequest: promoted / requests };
}

async function measure(variant: string): Promise<Counts> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const launch = variantLaunch(app, variant, { otlpUrl: otlp.url, xrayAddress: udp.daemonAddress }, 8 * BATCH);
  const file = join(dir, `${variant}.log`);
  const child = spawn(process.execPath, [...countingNodeFlags(), '--trace-gc-nvp', ...launch.nodeArgs, '--import', 'tsx', `${BENCH_DIR}servers/${app}.ts`], {
    cwd: `${BENCH_DIR}..`,
    env: { ...process.env, ...launch.env, BENCH_MARK_LOG: '1' },
    stdio: ['ignore', openSync(file, 'w'), 'inherit', 'ipc'],
  });
  try {
    let nextId = 0;
    const pending = new Map<number, () => void>();
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${variant}: the server exited with ${code}`)));
      child.on('message', (m: { type?: string; port?: number; id?: number }) => {
        if (m.type === 'ready') resolve(m.port ?? 0);
        else if (m.id !== undefined) pending.get(m.id)?.();
      });
    });
    const call = (cmd: string): Promise<void> =>
      new Promise((resolve) => {
        const id = ++nextId;
        pending.set(id, resolve);
        child.send({ id, cmd });
      });
    const client = await OneConnection.open(port, '/api/activities/home');
    for (let i = 0; i < WARMUP; i++) {
      await client.run(BATCH);
      await call('flush');
    }
    await call('mark');
    for (let i = 0; i < cycles; i++) {
      await client.run(BATCH);
      await call('flush');
    }
    await call('mark');
    client.close();
  } finally {
    child.kill();
    await otlp.close();
    await udp.close();
  }
  return count(readFileSync(file, 'utf8'), cycles * BATCH);
}

try {
  process.stdout.write(`${app}, ${cycles} cycles of ${BATCH} requests after ${WARMUP} of warm-up (${cycles * BATCH} requests)\n`);
  for (const variant of variants) {
    const c = await measure(variant);
    process.stdout.write(`${variant}: ${c.scavenges} scavenges, ${c.markCompacts} mark-compacts, ${c.promotedPerRequest.toFixed(0)} bytes promoted per request\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
