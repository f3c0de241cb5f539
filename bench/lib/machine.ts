/** What the reports say about the machine and the code a run measured. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  model: string;
  memoryGb: number;
  node: string;
  platform: string;
  loadAtStart: string;
  loadAtEnd?: string;
  commit: string;
  srcDirty: boolean;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

export const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

export function machineInfo(): Machine {
  return {
    cores: cpus().length,
    model: cpus()[0]?.model ?? '?',
    memoryGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: load(),
    commit: git('rev-parse', '--short', 'HEAD'),
    srcDirty: git('status', '--porcelain', 'src') !== '',
  };
}
