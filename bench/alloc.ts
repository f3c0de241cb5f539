/**
 * Bytes allocated per request: what a server variant puts on V8's heap while serving and while exporting, and where.
 * GC instructions (bench/instructions.ts) follow allocation but land in lumps; allocated bytes repeat to the byte.
 *
 * Each variant runs its server (bench/servers/) in a fresh process with the counting flags of bench:ir (--predictable,
 * fixed seeds, early tier-up), but a young generation large enough (64 MB semi-spaces) that one cycle of requests and
 * its flush allocate without a collection, and `--expose-gc`. After the warm-up, each cycle is:
 *
 *   gc | heap | heap | `batch` requests | heap | flush (one full batch per exporter) | heap
 *
 * With no collection in between (checked: the child counts them), the growth of V8's used heap is the bytes allocated.
 * The second `heap` measures a `heap` call's own allocation, subtracted from each part. Array buffers (Buffer backing
 * stores, off V8's heap) are given apart. Then one more cycle measures what is held per request until the flush exports
 * it (the heap after a full collection before the flush, less after it): what every scavenge in between copies. With BENCH_ALLOC_PROFILE=1, one more cycle runs under V8's sampling heap
 * profiler (collected objects included) and the largest allocation sites of each part are listed, by function and by
 * the nearest dualtrace (or reference middleware) frame.
 *
 * Run: npm run bench:alloc   (= npm run build, then node --import tsx bench/alloc.ts)
 * Env: BENCH_APPS=express  BENCH_VARIANTS=reference,dualtrace  BENCH_ALLOC_WARMUP=3  BENCH_ALLOC_CYCLES=3
 *      BENCH_ALLOC_BATCH=512  BENCH_ALLOC_PROFILE=1  BENCH_ALLOC_TOP=25  BENCH_ALLOC_OUT=<prefix> (writes each part's
 *      sampled bytes per request by allocating function to <prefix>-<app>-<variant>-<part>.json, for comparing)
 *      BENCH_ALLOC_CALLERS=<function> (what that function allocated, by caller)
 */
import { writeFileSync } from 'node:fs';
import { startServer, type ServerChild } from './lib/children';
import { OneConnection } from './lib/one-connection';
import { CountingOtlpSink, CountingUdpSink, settle } from './lib/sinks';
import { envInt, log, selected } from './lib/util';
import { countingNodeFlags } from './lib/valgrind';
import { variantLaunch } from './lib/variants';

const PATH = '/api/activities/home';
const APPS = ['express', 'http'] as const;
const VARIANTS = ['untraced', 'reference', 'context', 'spans', 'dualtrace', 'dualtrace-otlp', 'zerocode'] as const;

interface Heap {
  used: number;
  spaces: Record<string, number>;
  arrayBuffers: number;
  collections: number;
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const config = {
  warmup: envInt('BENCH_ALLOC_WARMUP', 3),
  cycles: envInt('BENCH_ALLOC_CYCLES', 3),
  batch: envInt('BENCH_ALLOC_BATCH', 512),
  top: envInt('BENCH_ALLOC_TOP', 25),
  profile: process.env.BENCH_ALLOC_PROFILE === '1',
};

/** The counting flags, with semi-spaces large enough for one cycle without a collection. */
function nodeFlags(): string[] {
  const flags = countingNodeFlags().filter((f) => !f.includes('semi-space'));
  return [...flags, '--min-semi-space-size=64', '--max-semi-space-size=64', '--expose-gc'];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/(dist|bench|src)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** Own code: dualtrace's bundle, or the reference middleware. */
function isOwn(node: ProfileNode): boolean {
  const { url } = node.callFrame;
  return /\/dist\/[^/]+\.js$|\/dist\/adapters\/|\/dist\/chunk-|bench\/servers\/reference\.ts/.test(url);
}

/**
 * Allocated bytes of a sampling profile by allocating function and by nearest own frame; with BENCH_ALLOC_CALLERS=<name>,
 * also the bytes that function allocated by its callers' frames (for builtins such as `next` or `keys`).
 */
function sites(root: ProfileNode): { total: number; bySelf: Map<string, number>; byOwn: Map<string, number>; byCaller: Map<string, number> } {
  const bySelf = new Map<string, number>();
  const byOwn = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const watched = process.env.BENCH_ALLOC_CALLERS;
  let total = 0;
  const stack: { node: ProfileNode; own: string; caller: string }[] = [{ node: root, own: '(not own code)', caller: '' }];
  while (stack.length > 0) {
    const { node, own, caller } = stack.pop()!;
    const here = isOwn(node) ? frameName(node) : own;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const self = frameName(node);
      bySelf.set(self, (bySelf.get(self) ?? 0) + node.selfSize);
      byOwn.set(here, (byOwn.get(here) ?? 0) + node.selfSize);
      if (node.callFrame.functionName === watched) byCaller.set(caller, (byCaller.get(caller) ?? 0) + node.selfSize);
    }
    for (const child of node.children) stack.push({ node: child, own: here, caller: frameName(node) });
  }
  return { total, bySelf, byOwn, byCaller };
}

function printTop(title: string, map: Map<string, number>, perRequest: number): void {
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, config.top);
  process.stdout.write(`  ${title}\n`);
  for (const [name, bytes] of rows) process.stdout.write(`    ${(bytes / perRequest).toFixed(0).padStart(7)} B  ${name}\n`);
}

async function measure(app: string, variant: string): Promise<void> {
  const otlp = await new CountingOtlpSink().start();
  const udp = await new CountingUdpSink().start();
  const launch = variantLaunch(app, variant, { otlpUrl: otlp.url, xrayAddress: udp.daemonAddress }, 8 * config.batch);
  let server: ServerChild | undefined;
  let client: OneConnection | undefined;
  try {
    server = await startServer(`servers/${app}.ts`, { ...launch.env, BENCH_ALLOC: '1' }, [...nodeFlags(), ...launch.nodeArgs]);
    client = await OneConnection.open(server.port, PATH);
    const s = server;
    const heap = (): Promise<Heap> => s.call<Heap>('heap');
    const quiet = (): Promise<number> => settle(() => otlp.spans + udp.segments, Number.POSITIVE_INFINITY, 300, 30_000);
    const flush = async (): Promise<void> => {
      await s.call('flush', 120_000);
      await quiet();
    };
    for (let i = 0; i < config.warmup; i++) {
      await client.run(config.batch);
      await flush();
    }
    const request: number[] = [];
    const exported: number[] = [];
    const buffers: number[] = [];
    /** Bytes per request by heap space, request thread and export together (old-space growth drives major GCs). */
    const bySpace = new Map<string, number[]>();
    const spans = { otlp: otlp.spans, xray: udp.segments };
    for (let i = 0; i < config.cycles; i++) {
      await s.call('gc');
      const h0 = await heap();
      const h1 = await heap();
      const call = h1.used - h0.used;
      await client.run(config.batch);
      const h2 = await heap();
      await flush();
      const h3 = await heap();
      if (h3.collections !== h0.collections) {
        log(`${app}/${variant}: cycle ${i + 1} had ${h3.collections - h0.collections} collections; left out`);
        continue;
      }
      request.push((h2.used - h1.used - call) / config.batch);
      exported.push((h3.used - h2.used - call) / config.batch);
      buffers.push((h3.arrayBuffers - h1.arrayBuffers) / config.batch);
      for (const [space, used] of Object.entries(h3.spaces)) {
        const list = bySpace.get(space) ?? [];
        list.push((used - (h1.spaces[space] ?? 0) - (h1.spaces[space]! - h0.spaces[space]!)) / config.batch);
        bySpace.set(space, list);
      }
    }
    const perRequest = {
      otlp: (otlp.spans - spans.otlp) / (config.cycles * config.batch),
      xray: (udp.segments - spans.xray) / (config.cycles * config.batch),
    };
    // Held between a request and the flush that exports its span (what each scavenge in between copies): the heap
    // after a full collection with a batch of spans queued, less the same after the flush.
    await s.call('gc');
    await client.run(config.batch);
    await s.call('gc');
    const queued = await heap();
    await flush();
    await s.call('gc');
    const flushed = await heap();
    const held = (queued.used - flushed.used) / config.batch;
    const k = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' / ');
    process.stdout.write(`${app}/${variant}: bytes allocated per request, request thread ${k(request)}; export ${k(exported)}; ` +
      `array buffers ${k(buffers)}; held until the flush ${held.toFixed(0)} (OTLP ${perRequest.otlp}, X-Ray ${perRequest.xray} spans per request)\n`);
    process.stdout.write(`  by space (both parts): ${[...bySpace].filter(([, xs]) => xs.some((x) => Math.abs(x) >= 1)).map(([space, xs]) => `${space} ${k(xs)}`).join('; ')}\n`);
    if (config.profile) {
      await s.call('gc');
      await s.call('heap-profile-start', 120_000);
      await client.run(config.batch);
      const req = await s.call<{ profile: { head: ProfileNode } }>('heap-profile-stop', 120_000);
      await s.call('heap-profile-start', 120_000);
      await flush();
      const exp = await s.call<{ profile: { head: ProfileNode } }>('heap-profile-stop', 120_000);
      for (const [part, result] of [['request thread', req], ['export', exp]] as const) {
        const { total, bySelf, byOwn, byCaller } = sites(result.profile.head);
        process.stdout.write(` ${part}, sampled: ${(total / config.batch).toFixed(0)} B per request\n`);
        printTop('by allocating function', bySelf, config.batch);
        printTop('by nearest own frame', byOwn, config.batch);
        if (byCaller.size > 0) printTop(`${process.env.BENCH_ALLOC_CALLERS} by caller`, byCaller, config.batch);
        if (process.env.BENCH_ALLOC_OUT) {
          const file = `${process.env.BENCH_ALLOC_OUT}-${app}-${variant}-${part === 'export' ? 'export' : 'request'}.json`;
          writeFileSync(file, JSON.stringify(Object.fromEntries([...bySelf].map(([name, b]) => [name, b / config.batch]))));
        }
      }
    }
  } catch (error) {
    log(`${app}/${variant}: ${String(error)} ${server?.stderr().slice(-2000) ?? ''}`);
  } finally {
    client?.close();
    await server?.stop(5_000).catch(() => undefined);
    await otlp.close();
    await udp.close();
  }
}

for (const app of selected(APPS, 'BENCH_APPS')) {
  for (const variant of process.env.BENCH_VARIANTS ? selected(VARIANTS, 'BENCH_VARIANTS') : (['reference', 'dualtrace'] as const)) {
    await measure(app, variant);
  }
}
process.exit(0);
