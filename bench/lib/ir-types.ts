/** The shapes of an instructions-per-request run (bench/instructions.ts) that the reports read. */
import type { Machine } from './machine';

export interface IrConfig {
  quick: boolean;
  /** Requests per cycle: one full batch. */
  batch: number;
  /** Cycles of warm-up, then cycles measured. */
  warmupCycles: number;
  cycles: number;
  jobs: number;
}

/** Spans the sinks received in one part. */
export interface Received {
  otlp: number;
  xray: number;
}

export interface IrRun {
  node: number;
  nodeVersion: string;
  app: string;
  variant: string;
  /** The server's process id: its callgrind files are callgrind.<pid>.<part> (kept with BENCH_IR_KEEP). */
  pid?: number;
  /** Instructions per request over the measured cycles (see `countCycles`). */
  ir: CycleIr;
  /** OTLP spans and X-Ray segments received per request served in the measured cycles. */
  otlpPerRequest: number;
  xrayPerRequest: number;
  /** Every cycle (and the warm-up) delivered the same whole number of spans per request to each sink. */
  complete: boolean;
  udpKernelDrops: number;
  diagLines: string[];
  wallSeconds: number;
  error?: string;
}

/** Per request, averaged over the measured cycles. */
export interface CycleIr {
  /** The program (JavaScript, V8's runtime and builtins, node, libc) while serving: the requests' parts. */
  request: number;
  /** The program while exporting: the flushes' parts. */
  export: number;
  /**
   * Garbage collection, wherever it landed. Shown apart: a major collection comes in one lump, in whichever part it
   * happens to fall (often a flush, collecting what the requests left), so it cannot be assigned to either.
   */
  gc: number;
  /** The JIT compiler and parser: warm-up work, on background threads in production; not counted in `total`. */
  compile: number;
  /** request + export + gc. */
  total: number;
  /** Per cycle, to show how much they move within a run. */
  requestByCycle: number[];
  gcByCycle: number[];
  /** A mark alone (the median empty part), subtracted from each requests' and flush's part. */
  mark: number;
  /**
   * A worker thread that marks itself (the export-worker prototype): its work in the measured cycles, per request, apart
   * from the main thread's columns above and not in `total` (add it for the process's CPU).
   */
  worker?: ThreadIr;
}

/** One worker thread's instructions per request over the measured cycles (all three parts of each cycle). */
export interface ThreadIr {
  /** The program (less the worker's own mark). */
  work: number;
  gc: number;
  compile: number;
  workByCycle: number[];
  gcByCycle: number[];
}

export interface IrReport {
  startedAt: string;
  finishedAt: string;
  config: IrConfig;
  valgrind: string;
  machine: Machine;
  nodes: { major: number; version: string }[];
  runs: IrRun[];
}
