import type { SourcedValue, ValueSource } from '../../config/sources';
import type { CheckStatus, DoctorReport } from './types';

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };
const MAX_VALUE = 70;

/** The report as text: the configuration with sources, the checks, then the problems numbered with their fixes. */
export function renderReport(report: DoctorReport): string {
  const lines: string[] = [];
  if (report.config.length > 0) {
    lines.push('Configuration (secrets redacted)');
    const width = Math.max(...report.config.map((row) => row.path.length));
    const values = report.config.map((row) => formatValue(row));
    const valueWidth = Math.min(MAX_VALUE, Math.max(...values.map((v) => v.length)));
    report.config.forEach((row, i) => lines.push(`  ${row.path.padEnd(width)}  ${values[i]!.padEnd(valueWidth)}  ${formatSource(row.source)}`));
    lines.push('');
  }
  lines.push('Checks');
  const nameWidth = Math.max(...report.checks.map((c) => c.name.length));
  for (const check of report.checks) {
    lines.push(`  [${MARK[check.status]}] ${check.name.padEnd(nameWidth)}  ${check.summary}`);
    for (const detail of check.details ?? []) lines.push(`  ${' '.repeat(nameWidth + 9)}${detail}`);
  }
  lines.push('');
  const problems = report.checks.filter((c) => c.status === 'fail');
  if (problems.length === 0) {
    lines.push('No problems found.');
  } else {
    lines.push(`${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    problems.forEach((p, i) => {
      lines.push(`  ${i + 1}. ${p.name}: ${p.summary}`);
      if (p.fix !== undefined) lines.push(`     ${p.fix}`);
    });
  }
  const warnings = report.checks.filter((c) => c.status === 'warn' && c.fix !== undefined);
  for (const w of warnings) lines.push(`  (${w.name}) ${w.fix}`);
  lines.push('See docs/cli.md in the dualtrace package for what each check means.');
  return `${lines.join('\n')}\n`;
}

export function formatSource(source: ValueSource): string {
  switch (source.kind) {
    case 'option':
      return `option ${source.name}`;
    case 'env':
      return `env ${source.name}`;
    case 'derived':
      return `from ${source.from}`;
    default:
      return 'default';
  }
}

function formatValue(row: SourcedValue): string {
  const v = row.value;
  let text: string;
  if (v === undefined) text = '—';
  else if (typeof v === 'string') text = v;
  else if (row.path === 'xray.daemonAddress') {
    const address = v as { udp: { host: string; port: number; family: number }; tcp: { host: string; port: number; family: number } };
    const at = (e: { host: string; port: number; family: number }) => (e.family === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);
    text = `udp ${at(address.udp)}, tcp ${at(address.tcp)}`;
  } else if (row.path === 'sampler') {
    const sampler = v as { name: string; sampleRate: number };
    text = sampler.sampleRate > 1 ? `${sampler.name} (1 in ${sampler.sampleRate})` : sampler.name;
  } else if (Array.isArray(v)) text = v.length === 0 ? '[]' : v.join(', ');
  else text = JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}
