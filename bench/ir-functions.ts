/**
 * Where a variant's instructions per request go, function by function: reads the callgrind files that
 * `BENCH_IR_KEEP=<dir> npm run bench:ir` kept (part 1 = start-up and warm-up, then per cycle: requests, flush, empty)
 * and prints self instructions per request (Σ over cycles of (requests part − empty part) / requests), optionally
 * against a second process (e.g. untraced), largest differences first. The pids are in bench/results-ir.json.
 *
 * Run: node --import tsx bench/ir-functions.ts <dir>/callgrind.<pid> [<dir>/callgrind.<base pid>]
 *        [--export] [--cycles 4] [--skip 0] [--batch 512] [--top 40] [--kinds] [--js] [--thread 1]
 *   --export: the flush parts instead of the request parts; --kinds: totals by kind of code (JS tier, GC, …);
 *   --js: JavaScript functions only, each with the builtins, inline-cache misses and native code it calls (compiler
 *   and GC left out; see ./lib/callgrind-js);
 *   --thread: another thread's parts (runs with --separate-threads=yes; a worker that marks itself), 1 = main.
 */
import { dirname } from 'node:path';
import { jitNamer, kindOf, selfCost } from './lib/callgrind';
import { jsAttributedCost } from './lib/callgrind-js';
import { threadPartFiles } from './lib/valgrind';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const files = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--cycles', '--skip', '--batch', '--top', '--thread'].includes(args[i - 1]!)));
const thread = Number(flag('--thread') ?? 1);
const cycles = Number(flag('--cycles') ?? 4);
const skip = Number(flag('--skip') ?? 0);
const batch = Number(flag('--batch') ?? 512);
const top = Number(flag('--top') ?? 40);
const offset = args.includes('--export') ? 1 : 0;

function perRequest(prefix: string): Map<string, number> {
  const pid = Number(/callgrind\.(\d+)$/.exec(prefix)?.[1]);
  const name = jitNamer(pid);
  const out = new Map<string, number>();
  const add = (costs: Map<string, number>, weight: number): void => {
    for (const [fn, ir] of costs) {
      const key = args.includes('--kinds') ? kindOf(name(fn)) : args.includes('--js') ? sameAcrossBuilds(name(fn)) : name(fn);
      out.set(key, (out.get(key) ?? 0) + weight * ir);
    }
  };
  const cost = args.includes('--js') ? (file: string) => jsAttributedCost(file, name) : selfCost;
  // This thread's parts in order (part 1 = start-up and warm-up), whatever numbers the other threads' dumps took.
  const parts = threadPartFiles(dirname(prefix), pid).get(thread) ?? [];
  for (let c = skip; c < cycles; c++) {
    add(cost(parts[1 + 3 * c + offset]!), 1 / ((cycles - skip) * batch));
    add(cost(parts[3 + 3 * c]!), -1 / ((cycles - skip) * batch));
  }
  return out;
}

/** A JS function's name without its tier mark, checkout directory and bundle chunk, to compare two builds. */
function sameAcrossBuilds(fn: string): string {
  return fn
    .replace(/^JS:[*+^~']*/, 'JS:')
    .replace(/(?:file:\/\/)?\/\S*?\/(node_modules|dist|bench)\//, '$1/')
    .replace(/dist\/(\S*?)(?:-[A-Za-z0-9_]{8})?\.js:\d+:\d+/, 'dist/$1');
}

if (files.length === 0) {
  process.stderr.write('usage: node --import tsx bench/ir-functions.ts <dir>/callgrind.<pid> [<dir>/callgrind.<base pid>] [--export] [--kinds]\n');
  process.exit(2);
}
const mine = perRequest(files[0]!);
const base = files[1] ? perRequest(files[1]) : new Map<string, number>();
const keys = [...new Set([...mine.keys(), ...base.keys()])];
const total = (m: Map<string, number>): number => [...m.values()].reduce((s, x) => s + x, 0);
const rows = keys.map((k) => ({ k, m: mine.get(k) ?? 0, b: base.get(k) ?? 0 })).sort((x, y) => Math.abs(y.m - y.b) - Math.abs(x.m - x.b));
const f = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
process.stdout.write(`${files[1] ? `${'this'.padStart(10)} ${'base'.padStart(10)} ${'diff'.padStart(10)}` : 'Ir / request'.padStart(10)}  function\n`);
process.stdout.write(`${files[1] ? `${f(total(mine))} ${f(total(base))} ${f(total(mine) - total(base))}` : f(total(mine))}  (all)\n`);
for (const r of rows.slice(0, top)) {
  process.stdout.write(`${files[1] ? `${f(r.m)} ${f(r.b)} ${f(r.m - r.b)}` : f(r.m)}  ${r.k.slice(0, 160)}\n`);
}
