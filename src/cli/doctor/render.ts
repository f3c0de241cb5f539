import type { SourcedValue, ValueSource } from '../../config/sources';
import type { CheckStatus, DoctorReport, DoctorSampling, SamplingRuleSummary } from './types';

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
  if (report.sampling !== undefined) lines.push(...renderSampling(report.sampling), '');
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
  } else if (row.path === 'sampler.honeycomb') {
    const share = v as { decidedBy: string; ratio: number; sampleRate: number };
    text = share.decidedBy === 'xray' ? "X-Ray's rules" : share.ratio === 0 ? 'no trace' : share.sampleRate > 1 ? `1 in ${share.sampleRate}` : 'every trace';
  } else if (row.path === 'sampler.xray.rules') {
    const rules = v as { rules: readonly unknown[]; default: { fixedTarget: number; rate: number } };
    const first = rules.rules.length === 0 ? '' : `${rules.rules.length} rule${rules.rules.length === 1 ? '' : 's'}, then `;
    text = `${first}default ${rules.default.fixedTarget}/s, then ${Math.round(rules.default.rate * 10000) / 100} %`;
  } else if (Array.isArray(v)) text = v.length === 0 ? '[]' : v.join(', ');
  else text = JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** The sampling set-up: what each backend keeps, and X-Ray's rules in the order they are tried. */
function renderSampling(sampling: DoctorSampling): string[] {
  const { honeycomb: hc, xray: x } = sampling;
  const by = (source: string) => (source === 'default' ? '(default)' : `(set by ${source})`);
  const lines = ['Sampling', `  Honeycomb  ${honeycombShare(hc)} ${by(hc.source)}`];
  const mode = `${x.mode} ${by(x.source)}`;
  switch (x.using) {
    case 'service rules':
      lines.push(`  X-Ray      ${mode}: the X-Ray service's rules, from ${x.endpoint}`, `             until they arrive: ${x.rulesSource}`);
      break;
    case 'local rules until the service answers':
      lines.push(`  X-Ray      ${mode}: no rules from ${x.endpoint} (see the check below), so the local rules decide: ${x.rulesSource}`);
      break;
    case 'local rules':
      lines.push(`  X-Ray      ${mode}: the local rules, from ${x.rulesSource}`);
      break;
    case 'every trace':
      lines.push(`  X-Ray      ${mode}: every trace this service decides on`);
      break;
    case 'shared sampler':
      lines.push(`  X-Ray      ${mode}: the traces the shared sampler keeps (sampleRate / OTEL_TRACES_SAMPLER)`);
      break;
    default:
      lines.push(`  X-Ray      ${mode}: not used, X-Ray export is off`);
  }
  if (x.rules.length > 0) lines.push(...ruleTable(x.rules).map((row) => `             ${row}`));
  return lines;
}

function honeycombShare(hc: DoctorSampling['honeycomb']): string {
  if (!hc.enabled) return 'export is off';
  if (hc.decidedBy === 'xray') return "the traces X-Ray's rules keep";
  if (hc.sampleRate > 1) return `1 trace in ${hc.sampleRate} (SampleRate ${hc.sampleRate} on its spans)`;
  return 'every trace';
}

function ruleTable(rules: readonly SamplingRuleSummary[]): string[] {
  const rows = [
    ['priority', 'reservoir', 'rate', 'rule', 'matches'],
    ...rules.map((r) => {
      const matches = Object.entries(r.matches).map(([key, value]) => `${key} ${value}`);
      return [String(r.priority), `${r.reservoirSize}/s`, `${Math.round(r.fixedRate * 10000) / 100} %`, r.name, matches.length === 0 ? 'everything' : matches.join(', ')];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}
