import { ConfigError, ConfigErrorCode } from '../errors';
import type { DualtraceOptions, ResolvedXRay, SamplerConfig } from './types';
import type { HoneycombSampling } from './sampling-types';
import { nonEmpty, parseInteger, parseNumber } from './parse';
import { WARN_SAMPLE_RATE_OVERRIDES_ENV, WARN_UNKNOWN_SAMPLER, warnBadEnv } from './messages';
import { resolveXRaySampling } from './xray-sampling';

type Env = Readonly<Record<string, string | undefined>>;
type SharedSampler = Pick<SamplerConfig, 'name' | 'ratio' | 'sampleRate' | 'source'>;

const DEFAULT: SharedSampler = { name: 'parentbased_always_on', ratio: 1, sampleRate: 1, source: 'default' };

/**
 * The shared sampler (`sampleRate`, else the standard `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, else keep
 * everything), then each backend's decision: Honeycomb's `honeycomb.sampleRate` (else the shared one), X-Ray's
 * `xray.sampling` (else the shared sampler when one was set, else X-Ray's centralized rules). `OTEL_TRACES_SAMPLER=xray`
 * makes X-Ray's rules decide for Honeycomb too, as in the AWS Distro for OpenTelemetry.
 */
export function resolveSampler(options: DualtraceOptions, env: Env, xray: ResolvedXRay, warnings: string[]): SamplerConfig {
  const envName = nonEmpty(env.OTEL_TRACES_SAMPLER)?.toLowerCase();
  const shared = resolveShared(options, env, envName, warnings);
  const xraySampler = shared.source === 'default' && envName === 'xray';
  const honeycomb = resolveHoneycombSampling(options, env, shared, xraySampler, warnings);
  return { ...shared, honeycomb, xray: resolveXRaySampling(options, env, xray, shared.source !== 'default', xraySampler, warnings) };
}

function resolveShared(options: DualtraceOptions, env: Env, envName: string | undefined, warnings: string[]): SharedSampler {
  if (options.sampleRate !== undefined) {
    const n = checkRate(options.sampleRate, 'sampleRate');
    if (envName !== undefined) warnings.push(WARN_SAMPLE_RATE_OVERRIDES_ENV);
    if (n === 0) return { name: 'parentbased_always_off', ratio: 0, sampleRate: 1, source: 'sampleRate' };
    return { name: n === 1 ? 'parentbased_always_on' : 'parentbased_traceidratio', ratio: 1 / n, sampleRate: n, source: 'sampleRate' };
  }
  if (envName === undefined) return DEFAULT;

  switch (envName) {
    case 'always_on':
    case 'parentbased_always_on':
      return { name: envName, ratio: 1, sampleRate: 1, source: 'OTEL_TRACES_SAMPLER' };
    case 'always_off':
    case 'parentbased_always_off':
      return { name: envName, ratio: 0, sampleRate: 1, source: 'OTEL_TRACES_SAMPLER' };
    case 'traceidratio':
    case 'parentbased_traceidratio': {
      const raw = env.OTEL_TRACES_SAMPLER_ARG;
      let ratio = parseNumber(raw);
      if (ratio === undefined || ratio < 0 || ratio > 1) {
        if (nonEmpty(raw) !== undefined) warnings.push(warnBadEnv('OTEL_TRACES_SAMPLER_ARG', raw!, 'a number from 0 to 1'));
        ratio = 1; // The OTel spec's default for a missing or bad ratio argument.
      }
      return { name: envName, ratio, sampleRate: ratio > 0 ? Math.round(1 / ratio) : 1, source: 'OTEL_TRACES_SAMPLER' };
    }
    case 'xray':
      return DEFAULT; // X-Ray's rules decide for both backends: see resolveXRaySampling.
    default:
      warnings.push(WARN_UNKNOWN_SAMPLER);
      return DEFAULT;
  }
}

function resolveHoneycombSampling(
  options: DualtraceOptions,
  env: Env,
  shared: SharedSampler,
  xraySampler: boolean,
  warnings: string[],
): HoneycombSampling {
  const option = options.honeycomb?.sampleRate;
  if (option !== undefined) return fromRate(checkRate(option, 'honeycomb.sampleRate'), 'honeycomb.sampleRate');
  const raw = env.SAMPLE_RATE;
  if (nonEmpty(raw) !== undefined) {
    const n = parseInteger(raw);
    if (n !== undefined) return fromRate(n, 'SAMPLE_RATE');
    warnings.push(warnBadEnv('SAMPLE_RATE', raw!, 'a whole number N ≥ 0 (keep 1 trace in N)'));
  }
  if (xraySampler) return { decidedBy: 'xray', ratio: 1, sampleRate: 1, source: 'OTEL_TRACES_SAMPLER' };
  return { decidedBy: 'ratio', ratio: shared.ratio, sampleRate: shared.sampleRate, source: shared.source };
}

function fromRate(n: number, source: HoneycombSampling['source']): HoneycombSampling {
  return { decidedBy: 'ratio', ratio: n === 0 ? 0 : 1 / n, sampleRate: n === 0 ? 1 : n, source };
}

function checkRate(n: number, option: string): number {
  if (!Number.isInteger(n) || n < 0) {
    throw new ConfigError(ConfigErrorCode.BAD_NUMBER, option, `is ${n}`, 'Use a whole number N ≥ 1 to keep 1 trace in N (1 keeps all; 0 keeps none).');
  }
  return n;
}
