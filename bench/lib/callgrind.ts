/**
 * Self cost per function from callgrind's output files (format: valgrind.org/docs/manual/cl-format.html), with V8's
 * JIT code named from the `--perf-basic-prof` map node writes to /tmp/perf-<pid>.map (callgrind only knows addresses).
 */
import { existsSync, readFileSync } from 'node:fs';

/** Self instructions by function name (callgrind's compressed `fn=(id) name` / `cfn=` names resolved). */
export function selfCost(file: string): Map<string, number> {
  const names = new Map<string, string>();
  const cost = new Map<string, number>();
  let fn: string | undefined;
  let skipNext = false;
  const name = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? m[1]!;
  };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) fn = name(line.slice(3));
    else if (line.startsWith('cfn=')) name(line.slice(4));
    else if (line.startsWith('calls=')) skipNext = true; // the next cost line is the call's inclusive cost
    else if (/^[0-9+*-]/.test(line)) {
      if (skipNext) {
        skipNext = false;
        continue;
      }
      const ir = Number(line.split(' ')[1] ?? 0);
      if (fn !== undefined && ir) cost.set(fn, (cost.get(fn) ?? 0) + ir);
    }
  }
  return cost;
}

interface MapEntry {
  start: number;
  end: number;
  name: string;
}

/** Resolves JIT addresses (`0x…` function names) through node's perf map; other names are returned as they are. */
export function jitNamer(pid: number): (fn: string) => string {
  const file = `/tmp/perf-${pid}.map`;
  if (!existsSync(file)) return (fn) => fn;
  const entries: MapEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (m) entries.push({ start: parseInt(m[1]!, 16), end: parseInt(m[1]!, 16) + parseInt(m[2]!, 16), name: m[3]! });
  }
  // Later entries win (code space is reused); keep the last entry for each start, sorted by start.
  const byStart = new Map<number, MapEntry>();
  for (const e of entries) byStart.set(e.start, e);
  const sorted = [...byStart.values()].sort((a, b) => a.start - b.start);
  return (fn) => {
    if (!fn.startsWith('0x')) return fn;
    const addr = parseInt(fn, 16);
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = sorted[mid]!;
      if (addr < e.start) hi = mid - 1;
      else if (addr >= e.end) lo = mid + 1;
      else return e.name;
    }
    return fn;
  };
}

export type Phase = 'compile' | 'gc' | 'mutator';

const GC_RE = /Scaveng|MarkCompact|Sweep|Marking|Heap::|Evacuat|BodyDescriptor|MemoryAllocator|GCTracer|LiveObject|SizeFromMap|RememberedSet|SlotSet|Worklist|PagedSpace|NewSpace|SemiSpace|MemoryChunk|StringTableCleaner|ClearNonLive|GlobalHandles|FreeList|Builtins_RecordWrite/;
const COMPILE_RE = /compiler::|maglev::|baseline::|Compiler::|Parser|Scanner|BytecodeGenerator|interpreter::|Assembler|CodeGenerator|RegExpCompiler|RegExpMacroAssembler/;

/**
 * What a function's instructions are: the JIT compiler and parser (warm-up work, done on background threads outside
 * `--predictable`), the garbage collector (also partly in parallel outside it), or the program itself.
 */
export function phaseOf(name: string): Phase {
  if (name.startsWith('JS:') || name.startsWith('node::') || name.startsWith('uv_')) return 'mutator';
  if (COMPILE_RE.test(name)) return 'compile';
  if (GC_RE.test(name)) return 'gc';
  return 'mutator';
}

/** Instructions of one callgrind part by phase. */
export function partPhases(file: string): Record<Phase, number> {
  const out: Record<Phase, number> = { compile: 0, gc: 0, mutator: 0 };
  for (const [fn, ir] of selfCost(file)) out[phaseOf(fn)] += ir;
  return out;
}

/** Rough kind of a function, for summaries. */
export function kindOf(name: string): string {
  if (name.startsWith('JS:')) return `JS ${name[3] === '*' ? 'optimised (TurboFan)' : name[3] === '+' ? 'optimised (Maglev)' : name[3] === '^' ? 'baseline (Sparkplug)' : 'interpreted'}`;
  if (name.startsWith('Builtin:') || name.startsWith('Builtins_') || name.startsWith('BytecodeHandler:')) return 'V8 builtins';
  if (name.startsWith('0x')) return 'JIT code (unnamed)';
  if (name.startsWith('node::')) return 'node C++';
  const phase = phaseOf(name);
  if (phase === 'compile') return 'V8 compiler/parser';
  if (phase === 'gc') return 'V8 GC';
  if (/LookupIterator|IC::|Runtime_|DescriptorArray|Map::|TransitionsAccessor|JSObject::|StubCache|FieldIndex/.test(name)) return 'V8 runtime / inline-cache misses';
  if (/^v8::|^uv_|^uv__/.test(name)) return name.startsWith('uv') ? 'libuv' : 'V8 other';
  return 'libc / kernel interface / other native';
}
