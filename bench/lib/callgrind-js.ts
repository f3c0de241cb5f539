/**
 * Instructions per JavaScript function with what it calls outside JavaScript: V8's builtins, inline-cache misses,
 * runtime and native code are shared out to their JavaScript callers in proportion to the calls' inclusive costs (as
 * gprof shares a callee's time), following chains of native calls; the JIT compiler and GC are left out, as in the
 * request-thread figure. Work a native function does under a JavaScript callee it calls (a builtin calling back into
 * JavaScript) stays with that callee. Inlined functions count with the function V8 inlined them into.
 */
import { readFileSync } from 'node:fs';
import { phaseOf } from './callgrind';

interface Graph {
  self: Map<string, number>;
  /** caller → callee → inclusive instructions of those calls */
  calls: Map<string, Map<string, number>>;
}

function readGraph(file: string, rename: (fn: string) => string): Graph {
  const names = new Map<string, string>();
  const name = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return rename(spec);
    if (m[2] !== undefined) names.set(m[1]!, rename(m[2]));
    return names.get(m[1]!) ?? m[1]!;
  };
  const self = new Map<string, number>();
  const calls = new Map<string, Map<string, number>>();
  let fn = '';
  let callee = '';
  let isCall = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) fn = name(line.slice(3));
    else if (line.startsWith('cfn=')) callee = name(line.slice(4));
    else if (line.startsWith('calls=')) isCall = true; // the next cost line is the call's inclusive cost
    else if (/^[0-9+*-]/.test(line)) {
      const ir = Number(line.split(' ')[1] ?? 0);
      if (isCall) {
        isCall = false;
        let out = calls.get(fn);
        if (out === undefined) calls.set(fn, (out = new Map()));
        out.set(callee, (out.get(callee) ?? 0) + ir);
      } else {
        self.set(fn, (self.get(fn) ?? 0) + ir);
      }
    }
  }
  return { self, calls };
}

const isJs = (fn: string): boolean => fn.startsWith('JS:');

/** JavaScript functions (named `JS:…` by `rename`) and their instructions, native work shared out to them. */
export function jsAttributedCost(file: string, rename: (fn: string) => string): Map<string, number> {
  const { self, calls } = readGraph(file, rename);
  const fns = new Set([...self.keys(), ...calls.keys()]);
  const own = (fn: string): number => (phaseOf(fn) === 'mutator' ? (self.get(fn) ?? 0) : 0);
  const inclusive = new Map<string, number>();
  for (const fn of fns) inclusive.set(fn, (self.get(fn) ?? 0) + [...(calls.get(fn)?.values() ?? [])].reduce((a, b) => a + b, 0));
  // A native function's program instructions not under JavaScript: its own plus its native callees' shares (iterated,
  // since native code calls itself through cycles; 30 rounds settle it).
  let native = new Map<string, number>();
  const shareOf = (fn: string, to: (callee: string) => boolean): number => {
    let sum = 0;
    for (const [callee, ir] of calls.get(fn) ?? []) {
      if (!to(callee) || callee === fn) continue;
      const total = inclusive.get(callee) ?? 0;
      if (total > 0) sum += (ir * (native.get(callee) ?? 0)) / total;
    }
    return sum;
  };
  for (let round = 0; round < 30; round++) {
    const next = new Map<string, number>();
    for (const fn of fns) if (!isJs(fn)) next.set(fn, Math.min(own(fn) + shareOf(fn, (c) => !isJs(c)), inclusive.get(fn) ?? 0));
    native = next;
  }
  const out = new Map<string, number>();
  for (const fn of fns) if (isJs(fn)) out.set(fn, own(fn) + shareOf(fn, (c) => !isJs(c)));
  return out;
}
