/** Durations (env-configurable, `--quick` for a smoke run), small statistics and formatting for the benchmarks. */
export interface BenchConfig {
  quick: boolean;
  warmupS: number;
  durationS: number;
  rounds: number;
  throughputS: number;
  outageS: number;
  healthyS: number;
  recoveryS: number;
}

/** A positive number from the environment, else `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** A positive whole number from the environment, else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** BENCH_WARMUP_S, BENCH_DURATION_S, BENCH_ROUNDS, BENCH_THROUGHPUT_S, BENCH_OUTAGE_S, BENCH_HEALTHY_S, BENCH_RECOVERY_S. */
export function benchConfig(argv: readonly string[] = process.argv): BenchConfig {
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  return {
    quick,
    warmupS: envNumber('BENCH_WARMUP_S', quick ? 1 : 3),
    durationS: envNumber('BENCH_DURATION_S', quick ? 3 : 10),
    rounds: envNumber('BENCH_ROUNDS', 3),
    throughputS: envNumber('BENCH_THROUGHPUT_S', quick ? 3 : 10),
    outageS: envNumber('BENCH_OUTAGE_S', quick ? 10 : 60),
    healthyS: envNumber('BENCH_HEALTHY_S', quick ? 8 : 20),
    // Longer than the OTLP export timeout (10 s), so requests hung during the outage time out and export resumes.
    recoveryS: envNumber('BENCH_RECOVERY_S', quick ? 15 : 20),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export const min = (values: readonly number[]): number => Math.min(...values);

/** The members of `all` named in the comma-separated env variable (all of them when it is unset), plus `keep`. */
export function selected<T extends string>(all: readonly T[], envName: string, keep?: T): T[] {
  const names = process.env[envName]?.split(',').map((n) => n.trim());
  if (!names) return [...all];
  return all.filter((x) => x === keep || names.includes(x));
}
export const max = (values: readonly number[]): number => Math.max(...values);

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const log = (message: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** True when this module is the script node was started with. */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && url.endsWith(entry.replace(/^.*\/bench\//, '/bench/'));
}
