import { buildTraceLinks } from '../../api/trace-links';
import { formatEndpoint } from '../../config/daemon-address';
import { redactConfig } from '../../config/redact';
import { resolveConfig } from '../../config/resolve-config';
import { configSources } from '../../config/sources';
import type { DualtraceOptions, ResolvedConfig } from '../../config/types';
import { DualtraceError } from '../../errors';
import { safeUrl } from '../../http/redact';
import { checkAwsCredentials } from './aws-credentials';
import { checkHoneycombAuth, type HoneycombAuth } from './honeycomb-auth';
import { describeHoneycombKey } from './honeycomb-key';
import { checkSampling } from './sampling';
import { sendTestTrace } from './test-trace';
import type { CheckResult, DoctorReport, DoctorSampling } from './types';

type Env = Readonly<Record<string, string | undefined>>;

export interface DoctorInput {
  /** What the app passes to `initTracing` in code, if the user gave it (`--options <file>`); options win over `env`. */
  readonly options?: DualtraceOptions;
  readonly env: Env;
  /** Bound of each network check, in ms. */
  readonly timeoutMs: number;
  /** Send the test trace (default true). */
  readonly send?: boolean;
}

/**
 * Everything `dualtrace doctor` checks, in order: the configuration (and where each value came from), the Honeycomb
 * key's shape and `GET /1/auth`, X-Ray's transport, the sampling set-up (centralized rules fetched as the app fetches
 * them), then one test trace to both backends with a link to it in each console. Never throws for what it finds: each
 * finding is a check in the report.
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const options = input.options ?? {};
  let config: ResolvedConfig;
  try {
    config = resolveConfig(options, input.env);
  } catch (error) {
    if (!(error instanceof DualtraceError)) throw error;
    return report([], [{ name: 'configuration', status: 'fail', summary: error.message.replace(/^dualtrace: /, '') }]);
  }
  const shown = configSources(options, input.env, redactConfig(config));
  const checks: CheckResult[] = [configurationCheck(config)];
  if (config.disabled) return report(shown, checks);

  let auth: HoneycombAuth | undefined;
  if (!config.collector.enabled) {
    checks.push(keyCheck(config));
    if (config.honeycomb.enabled) {
      const checked = await checkHoneycombAuth(config.honeycomb, input.timeoutMs);
      checks.push(checked.result);
      auth = checked.auth;
    }
    if (config.xray.enabled && config.xray.otlp !== undefined) {
      checks.push(otlpTransportCheck(config));
      if (config.xray.otlp.sigv4) checks.push(await checkAwsCredentials(input.timeoutMs));
    }
  }
  // Whatever the transport, and in collector mode: centralized rules are fetched wherever the app would fetch them.
  const { check: samplingCheck, sampling } = await checkSampling(config, input.timeoutMs);
  if (samplingCheck !== undefined) checks.push(samplingCheck);
  if (input.send === false) return report(shown, checks, sampling);

  // The same endpoint again would only repeat what the auth check found.
  const honeycombUnreachable = checks.some((c) => c.name === 'honeycomb auth' && c.status === 'fail');
  const trace = await sendTestTrace(config, input.timeoutMs, honeycombUnreachable ? 'the auth check failed' : undefined);
  checks.push(trace.honeycomb, trace.xray);
  const links = buildTraceLinks(trace.traceId, trace.spanId, config, auth === undefined ? {} : { team: auth.team, environment: auth.environment });
  // In collector mode the one stream reaches both backends through the Collector.
  const honeycombSent = trace.honeycomb.status === 'ok';
  const xraySent = trace.xray.status === 'ok' || (config.collector.enabled && honeycombSent);
  const linkCheck = linksCheck(config, links, auth, honeycombSent, xraySent);
  if (linkCheck !== undefined) checks.push(linkCheck);
  return report(shown, checks, sampling, {
    traceId: trace.traceId,
    xrayTraceId: links.xrayTraceId,
    ...(honeycombSent ? { honeycomb: links.honeycomb } : {}),
    ...(xraySent ? { xray: links.xray } : {}),
  });
}

function report(config: DoctorReport['config'], checks: CheckResult[], sampling?: DoctorSampling, testTrace?: DoctorReport['testTrace']): DoctorReport {
  return {
    ok: checks.every((c) => c.status !== 'fail'),
    config,
    ...(sampling === undefined ? {} : { sampling }),
    checks,
    ...(testTrace === undefined ? {} : { testTrace }),
  };
}

function configurationCheck(config: ResolvedConfig): CheckResult {
  const name = 'configuration';
  if (config.disabled) return { name, status: 'warn', summary: 'tracing is disabled (`disabled` / OTEL_SDK_DISABLED): nothing is sent, nothing else is checked' };
  const xray = config.xray.otlp !== undefined ? `X-Ray over OTLP at ${new URL(config.xray.otlp.url).origin}` : `X-Ray daemon at udp ${formatEndpoint(config.xray.daemonAddress.udp)}`;
  const targets = config.collector.enabled
    ? [`one OTLP stream to the Collector at ${new URL(config.collector.url).origin} (collector mode)`]
    : [config.honeycomb.enabled ? `Honeycomb at ${new URL(config.honeycomb.url).origin}` : undefined, config.xray.enabled ? xray : undefined].filter((t) => t !== undefined);
  const where = targets.length === 0 ? 'no backend: both exports are off' : `sends to ${targets.join(' and ')}`;
  if (config.warnings.length === 0) return { name, status: 'ok', summary: `service "${config.serviceName}", ${where}` };
  return { name, status: 'warn', summary: `service "${config.serviceName}", ${where}; ${config.warnings.length} warning(s)`, details: [...config.warnings] };
}

/** X-Ray over OTLP: where it sends, in which region, signed or not (the credentials are the next check). */
function otlpTransportCheck(config: ResolvedConfig): CheckResult {
  const otlp = config.xray.otlp!;
  const region = config.xray.region === undefined ? 'no region' : `region ${config.xray.region}`;
  return {
    name: 'xray otlp',
    status: 'ok',
    summary: `X-Ray over OTLP to ${safeUrl(otlp.url, '****')} (${region}, ${otlp.sigv4 ? 'SigV4-signed' : 'unsigned: a local agent or Collector'})`,
    details: ['The OTLP transport needs CloudWatch Transaction Search enabled in the account and region (docs/xray.md).'],
  };
}

function keyCheck(config: ResolvedConfig): CheckResult {
  const name = 'honeycomb key';
  const key = config.honeycomb.apiKey;
  if (key === undefined) {
    return config.honeycomb.enabled
      ? { name, status: 'ok', summary: 'no key: Honeycomb export is on without one (a collector, or dualtrace dev)' }
      : { name, status: 'warn', summary: 'no key: Honeycomb export is off', fix: 'Set HONEYCOMB_API_KEY (or the `honeycombKey` option) to an Ingest key.' };
  }
  const shape = describeHoneycombKey(key);
  const dataset = config.honeycomb.keyKind === 'classic' ? `; dataset "${config.honeycomb.dataset ?? ''}"` : '';
  if (!shape.valid) return { name, status: 'fail', summary: `${shape.description}: ${shape.problem ?? 'not a valid shape'}`, fix: 'Copy the key again from Honeycomb (Environment settings → API keys).' };
  if (shape.kind === 'configuration') {
    return { name, status: 'warn', summary: `${shape.description}${dataset}`, details: ['Configuration keys send events only with the "Send Events" permission; the auth check below says whether this one has it.'] };
  }
  return { name, status: 'ok', summary: `${shape.description}, shape valid${dataset}` };
}

function linksCheck(
  config: ResolvedConfig,
  links: ReturnType<typeof buildTraceLinks>,
  auth: HoneycombAuth | undefined,
  honeycombSent: boolean,
  xraySent: boolean,
): CheckResult | undefined {
  if (!honeycombSent && !xraySent) return undefined;
  const details: string[] = [];
  if (honeycombSent) details.push(`Honeycomb: ${links.honeycomb}`);
  if (xraySent) details.push(`X-Ray:     ${links.xray}`);
  const notes: string[] = [];
  if (honeycombSent && auth === undefined) notes.push('the Honeycomb link has <team>/<environment> to fill in (the key was not checked)');
  if (xraySent && config.xray.region === undefined) notes.push('set AWS_REGION for a link to the region the daemon sends to');
  details.push('Traces show up after the batch delay: a few seconds in Honeycomb, up to a minute in X-Ray.');
  return { name: 'test trace', status: 'ok', summary: `trace ${links.traceId} (X-Ray ${links.xrayTraceId})${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`, details };
}
