import { ConfigError, ConfigErrorCode } from '../errors';
import { safeUrl } from '../http/redact';
import { formatEndpoint } from './daemon-address';
import { warnBadEnv } from './messages';
import { nonEmpty, parseInteger, parseKeyValueList } from './parse';
import { DEFAULT_LOCAL_RULES, parseLocalRules } from './sampling-rules';
import type { XRayLocalRules, XRaySampling, XRaySamplingMode } from './sampling-types';
import type { DualtraceOptions, ResolvedXRay } from './types';
import { XRAY_SAMPLING_MODES } from './validate';

type Env = Readonly<Record<string, string | undefined>>;

/** The X-Ray SDKs poll rules every 5 minutes and report statistics every 10 s (AWS X-Ray developer guide, "Sampling"). */
export const RULES_INTERVAL_MILLIS = 5 * 60_000;
export const TARGETS_INTERVAL_MILLIS = 10_000;
const DEFAULT_RULES_SOURCE = 'X-Ray SDK default (1/s, then 5 %)';

/**
 * X-Ray's half of sampling. The mode is `xray.sampling` / `DUALTRACE_XRAY_SAMPLING`; else `'local'` when rules are
 * given; else X-Ray keeps what the shared sampler keeps when one was set (`sampleRate`, a standard
 * `OTEL_TRACES_SAMPLER`: the behaviour before X-Ray had rules of its own); else centralized rules — except on Lambda,
 * where the Lambda service decides and there is no daemon proxy to ask, so the X-Ray SDK's local default applies.
 */
export function resolveXRaySampling(
  options: DualtraceOptions,
  env: Env,
  xray: ResolvedXRay,
  sharedSet: boolean,
  xraySampler: boolean,
  warnings: string[],
): XRaySampling {
  const x = options.xray ?? {};
  const modeEnv = x.sampling === undefined ? nonEmpty(env.DUALTRACE_XRAY_SAMPLING)?.toLowerCase() : undefined;
  let explicit: { mode: XRaySamplingMode; source: string } | undefined;
  if (x.sampling !== undefined) explicit = { mode: x.sampling, source: 'xray.sampling' };
  else if (modeEnv !== undefined) {
    if ((XRAY_SAMPLING_MODES as readonly string[]).includes(modeEnv)) explicit = { mode: modeEnv as XRaySamplingMode, source: 'DUALTRACE_XRAY_SAMPLING' };
    else warnings.push(warnBadEnv('DUALTRACE_XRAY_SAMPLING', env.DUALTRACE_XRAY_SAMPLING!, XRAY_SAMPLING_MODES.join(', ')));
  }

  const rulesEnv = x.samplingRules === undefined ? nonEmpty(env.DUALTRACE_XRAY_SAMPLING_RULES) : undefined;
  const given =
    x.samplingRules !== undefined
      ? parseLocalRules(x.samplingRules, 'xray.samplingRules')
      : rulesEnv !== undefined
        ? parseLocalRules(rulesEnv, 'DUALTRACE_XRAY_SAMPLING_RULES')
        : undefined;
  const rules: XRayLocalRules = given?.rules ?? DEFAULT_LOCAL_RULES;
  const rulesSource = given?.source ?? DEFAULT_RULES_SOURCE;

  const samplerArg = xraySampler ? parseKeyValueList(env.OTEL_TRACES_SAMPLER_ARG) : {};
  const base = { rules, rulesSource, rulesIntervalMillis: rulesInterval(samplerArg.polling_interval, warnings), targetsIntervalMillis: TARGETS_INTERVAL_MILLIS };
  const centralized = (source: string): XRaySampling => ({ ...base, mode: 'centralized', source, endpoint: endpointOf(x.samplingEndpoint, env, samplerArg.endpoint, xray) });
  const local = (source: string): XRaySampling => ({ ...base, mode: 'local', source, endpoint: undefined });
  const other = (mode: 'all' | 'shared', source: string): XRaySampling => ({ ...base, mode, source, endpoint: undefined, rules: undefined, rulesSource: undefined });

  if (explicit !== undefined) {
    if (explicit.mode === 'centralized') return centralized(explicit.source);
    if (explicit.mode === 'local') return local(explicit.source);
    return other('all', explicit.source);
  }
  if (given !== undefined) return local(x.samplingRules !== undefined ? 'xray.samplingRules' : 'DUALTRACE_XRAY_SAMPLING_RULES');
  if (sharedSet) return other('shared', 'sampleRate / OTEL_TRACES_SAMPLER');
  if (xraySampler) return centralized('OTEL_TRACES_SAMPLER');
  if (nonEmpty(env.AWS_LAMBDA_FUNCTION_NAME) !== undefined) return local('lambda');
  return centralized('default');
}

/** `xray.samplingEndpoint`, else the variables, else the daemon's TCP address (its proxy signs and forwards the calls). */
function endpointOf(option: string | undefined, env: Env, fromSamplerArg: string | undefined, xray: ResolvedXRay): string {
  if (option !== undefined) return checkEndpoint(option, 'xray.samplingEndpoint');
  const fromEnv = nonEmpty(env.DUALTRACE_XRAY_SAMPLING_ENDPOINT);
  if (fromEnv !== undefined) return checkEndpoint(fromEnv, 'DUALTRACE_XRAY_SAMPLING_ENDPOINT');
  if (fromSamplerArg !== undefined && fromSamplerArg !== '') return checkEndpoint(fromSamplerArg, 'OTEL_TRACES_SAMPLER_ARG endpoint');
  return `http://${formatEndpoint(xray.daemonAddress.tcp)}`;
}

function checkEndpoint(value: string, option: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(ConfigErrorCode.BAD_ENDPOINT, option, `is "${safeUrl(value, '****')}"`,
      'Give the base URL of the X-Ray daemon\'s TCP proxy (or the collector\'s awsproxy), e.g. "http://127.0.0.1:2000".');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The longest rules polling interval: half the hour for which fetched rules are trusted (after that the local rules
 * decide again), so one failed poll does not leave the service's rules to expire.
 */
const MAX_RULES_INTERVAL_SECONDS = 1800;

/** `polling_interval=<seconds>` of `OTEL_TRACES_SAMPLER_ARG` (the ADOT convention), else 5 minutes. */
function rulesInterval(raw: string | undefined, warnings: string[]): number {
  if (raw === undefined || raw === '') return RULES_INTERVAL_MILLIS;
  const seconds = parseInteger(raw, 1);
  if (seconds !== undefined && seconds <= MAX_RULES_INTERVAL_SECONDS) return seconds * 1000;
  warnings.push(warnBadEnv('OTEL_TRACES_SAMPLER_ARG polling_interval', raw, `a whole number of seconds from 1 to ${MAX_RULES_INTERVAL_SECONDS}`));
  return RULES_INTERVAL_MILLIS;
}
