import { DEFAULT_LOCAL_RULES } from '../../config/sampling-rules';
import type { ResolvedConfig } from '../../config/types';
import { safeUrl } from '../../http/redact';
import { createResource } from '../../provider/resource';
import { samplingStatus } from '../../provider/sampling-status';
import { SamplingRequestError } from '../../provider/xray-sampling/client';
import { fetchSamplingRules, type FetchedRules } from '../../provider/xray-sampling/fetch-rules';
import { serviceFacts } from '../../provider/xray-sampling/request';
import { RuleSet } from '../../provider/xray-sampling/rule-set';
import { usesXRayRules } from '../../provider/xray-sampling/xray-rules';
import type { RuleStatus } from '../../trace/sampling-status';
import { noAnswer } from './http';
import type { CheckResult, DoctorSampling, SamplingRuleSummary } from './types';

/**
 * The sampling set-up as the app will run it: each backend's share and, for X-Ray, the mode, where the rules come
 * from and the rules themselves. With centralized rules in use, they are fetched exactly as the app fetches them (the
 * sampling module's `GetSamplingRules` client: same paths, paging and reading), and the `sampling rules` check says
 * whether that worked; local rules are shown as resolved. The rules are listed as `getSamplingStatus()` lists them.
 */
export async function checkSampling(config: ResolvedConfig, timeoutMs: number): Promise<{ check?: CheckResult; sampling: DoctorSampling }> {
  const x = config.sampler.xray;
  const rules = new RuleSet(x.rules ?? DEFAULT_LOCAL_RULES, serviceFacts(createResource(config), config.xray));
  const local = rules.status(Date.now()).local.map(summary);
  const base = {
    honeycomb: samplingStatus(config, NO_DECISIONS, undefined).honeycomb,
    xray: {
      enabled: config.xray.enabled,
      mode: x.mode,
      source: x.source,
      endpoint: x.endpoint === undefined ? undefined : safeUrl(x.endpoint, '****'),
      rulesSource: x.rulesSource,
    },
  };
  const used = usesXRayRules(config);
  if (!used || x.mode !== 'centralized') {
    const using = !used ? (x.mode === 'shared' ? 'shared sampler' : x.mode === 'all' ? 'every trace' : 'not used') : 'local rules';
    return { sampling: { ...base, xray: { ...base.xray, using, rules: using === 'local rules' ? local : [], localRules: undefined } } };
  }

  const where = `POST ${base.xray.endpoint}/GetSamplingRules`;
  let fetched: FetchedRules;
  try {
    fetched = await fetchSamplingRules(x.endpoint!, timeoutMs, new AbortController().signal);
  } catch (error) {
    if (!(error instanceof SamplingRequestError)) throw error;
    const sampling: DoctorSampling = { ...base, xray: { ...base.xray, using: 'local rules until the service answers', rules: local, localRules: undefined } };
    return { check: failed(where, x.endpoint!, error, x.rulesSource, timeoutMs), sampling };
  }
  const skipped = fetched.skipped.map((why) => `left out: ${why}`);
  if (fetched.definitions.length === 0) {
    const sampling: DoctorSampling = { ...base, xray: { ...base.xray, using: 'local rules until the service answers', rules: local, localRules: undefined } };
    const check: CheckResult = {
      name: NAME,
      status: 'warn',
      summary: `${where} answered with no usable rule: the local rules decide (${x.rulesSource ?? 'the X-Ray SDK default'})`,
      ...(skipped.length > 0 ? { details: skipped } : {}),
      fix: 'X-Ray always has a Default rule: is the endpoint an X-Ray sampling proxy (the daemon, the CloudWatch agent, a Collector\'s awsproxy)?',
    };
    return { check, sampling };
  }
  rules.setCentralized(fetched.definitions, Date.now());
  const service = (rules.status(Date.now()).centralized ?? []).map(summary);
  const count = `${service.length} rule${service.length === 1 ? '' : 's'}`;
  const check: CheckResult =
    skipped.length === 0
      ? { name: NAME, status: 'ok', summary: `${where} answered: ${count}` }
      : { name: NAME, status: 'warn', summary: `${where} answered: ${count}, ${skipped.length} left out`, details: skipped };
  return { check, sampling: { ...base, xray: { ...base.xray, using: 'service rules', rules: service, localRules: local } } };
}

const NAME = 'sampling rules';
const NO_DECISIONS = { decided: 0, xray: 0, honeycomb: 0 };

function summary(rule: RuleStatus): SamplingRuleSummary {
  return { name: rule.name, priority: rule.priority, fixedRate: rule.fixedRate, reservoirSize: rule.reservoirSize, matches: rule.matches };
}

/** No answer, or X-Ray's refusal forwarded by the proxy: what happened, and what to do. */
function failed(where: string, endpoint: string, error: SamplingRequestError, rulesSource: string | undefined, timeoutMs: number): CheckResult {
  const meanwhile = `Until it answers, the app's X-Ray sampling uses the local rules (${rulesSource ?? 'the X-Ray SDK default'}).`;
  if (error.answer !== undefined) {
    const { status, type, message } = error.answer;
    const what = [type, message].filter((part) => part !== undefined && part !== '').join(': ');
    const denied = status === 403 || /AccessDenied|NotAuthorized|UnrecognizedClient|InvalidSignature|ExpiredToken|MissingAuthenticationToken/i.test(type ?? '');
    return {
      name: NAME,
      status: 'fail',
      summary: `${where} answered HTTP ${status}${what === '' ? '' : ` (${what})`}`,
      fix: `${
        denied
          ? "The proxy's AWS credentials may not call xray:GetSamplingRules (the AWSXRayDaemonWriteAccess policy allows it), or it has none."
          : 'The proxy forwards this call to X-Ray in its region; its log says more.'
      } ${meanwhile}`,
    };
  }
  if (error.code === 'ANSWER') {
    return { name: NAME, status: 'fail', summary: `${where} answered with ${error.message}: is that an X-Ray sampling proxy?`, fix: meanwhile };
  }
  const reason = error.code === 'TIMEOUT' ? `no answer from ${new URL(endpoint).host} within ${timeoutMs} ms` : noAnswer(new URL(endpoint), error).message;
  return {
    name: NAME,
    status: 'fail',
    summary: `${where}: ${reason}`,
    fix:
      'The X-Ray daemon serves sampling rules on TCP (its -t / --bind-tcp address, default 127.0.0.1:2000), as do the CloudWatch ' +
      "agent's tcp_proxy and a Collector's awsproxy. Start it, or give its address: AWS_XRAY_DAEMON_ADDRESS=\"udp:host:port tcp:host:port\" " +
      `or xray.samplingEndpoint / DUALTRACE_XRAY_SAMPLING_ENDPOINT. ${meanwhile}`,
  };
}
