import type { DaemonEndpoint } from '../../config/daemon-address';
import { formatEndpoint } from '../../config/daemon-address';
import { NoAnswer, request } from './http';
import type { CheckResult } from './types';

/**
 * The X-Ray sampling rules as the daemon's TCP proxy serves them: `POST /GetSamplingRules` (the X-Ray API path; the
 * daemon signs and forwards it, https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingRules.html). A small
 * client of its own for the CLI; when the sampler's poller is in the library, this check can ask it instead.
 */
interface SamplingRule {
  RuleName?: string;
  Priority?: number;
  FixedRate?: number;
  ReservoirSize?: number;
  ServiceName?: string;
  Host?: string;
  HTTPMethod?: string;
  URLPath?: string;
}

/** Pages followed at most: the API pages 100 rules at a time, and an account has at most a few hundred. */
const MAX_PAGES = 10;

export async function checkSamplingRules(tcp: DaemonEndpoint, timeoutMs: number): Promise<CheckResult> {
  const name = 'sampling rules';
  const base = `http://${formatEndpoint(tcp)}`;
  const where = `POST ${base}/GetSamplingRules`;
  const rules: SamplingRule[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let answer;
    try {
      const body = JSON.stringify(token === undefined ? {} : { NextToken: token });
      answer = await request(`${base}/GetSamplingRules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, timeoutMs);
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      return {
        name,
        status: 'fail',
        summary: `${where}: ${error.message}`,
        fix: `The X-Ray daemon serves sampling rules on TCP (its -t / --bind-tcp address, default 127.0.0.1:2000). Start it, or give its address: AWS_XRAY_DAEMON_ADDRESS="udp:host:port tcp:host:port".`,
      };
    }
    if (answer.status !== 200) return rejected(name, where, answer.status, answer.body);
    let parsed: { SamplingRuleRecords?: { SamplingRule?: SamplingRule }[]; NextToken?: unknown };
    try {
      parsed = JSON.parse(answer.body) as typeof parsed;
    } catch {
      return { name, status: 'fail', summary: `${where} answered 200 without JSON: is that the X-Ray daemon?` };
    }
    for (const record of parsed.SamplingRuleRecords ?? []) if (record.SamplingRule !== undefined) rules.push(record.SamplingRule);
    token = typeof parsed.NextToken === 'string' && parsed.NextToken !== '' ? parsed.NextToken : undefined;
    if (token === undefined) break;
  }
  rules.sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0) || String(a.RuleName).localeCompare(String(b.RuleName)));
  return { name, status: 'ok', summary: `${where} answered: ${rules.length} rule${rules.length === 1 ? '' : 's'}`, details: rules.map(describeRule) };
}

function describeRule(rule: SamplingRule): string {
  const rate = typeof rule.FixedRate === 'number' ? `${Math.round(rule.FixedRate * 10000) / 100}%` : '?';
  const match = [rule.ServiceName ?? '*', rule.Host ?? '*', rule.HTTPMethod ?? '*', rule.URLPath ?? '*'].join(' ');
  return `${rule.RuleName ?? '(unnamed)'}: priority ${rule.Priority ?? '?'}, reservoir ${rule.ReservoirSize ?? '?'}/s, then ${rate}; matches service host method path = ${match}`;
}

/** The daemon forwards X-Ray's own answer: an error type in the body or `x-amzn-errortype` says what went wrong. */
function rejected(name: string, where: string, status: number, body: string): CheckResult {
  let type = '';
  let message = '';
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
    type = typeof parsed.__type === 'string' ? parsed.__type.replace(/^.*#/, '') : '';
    message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : '';
  } catch {
    // Not JSON: the status says enough.
  }
  const what = [type, message].filter(Boolean).join(': ');
  const denied = status === 403 || /AccessDenied|NotAuthorized|UnrecognizedClient|InvalidSignature|ExpiredToken/i.test(type);
  return {
    name,
    status: 'fail',
    summary: `${where} answered HTTP ${status}${what === '' ? '' : ` (${what.slice(0, 200)})`}`,
    fix: denied
      ? "The daemon's AWS credentials may not call xray:GetSamplingRules (the AWSXRayDaemonWriteAccess policy allows it), or it has none."
      : 'The daemon forwards this call to X-Ray in its region; its log says more.',
  };
}
