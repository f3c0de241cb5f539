import { ConfigError, ConfigErrorCode } from '../errors';
import type { DualtraceOptions, SamplerConfig } from './types';
import { nonEmpty, parseNumber } from './parse';
import { WARN_SAMPLE_RATE_OVERRIDES_ENV, WARN_UNKNOWN_SAMPLER, warnBadEnv } from './messages';

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT: SamplerConfig = { name: 'parentbased_always_on', ratio: 1, sampleRate: 1, source: 'default' };

/**
 * `sampleRate: N` keeps 1 trace in N (parent-based, decided from the trace id so every service agrees).
 * Otherwise the standard `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`; otherwise keep everything.
 */
export function resolveSampler(options: DualtraceOptions, env: Env, warnings: string[]): SamplerConfig {
  const envName = nonEmpty(env.OTEL_TRACES_SAMPLER)?.toLowerCase();
  if (options.sampleRate !== undefined) {
    const n = options.sampleRate;
    if (!Number.isInteger(n) || n < 0) {
      throw new ConfigError(
        ConfigErrorCode.BAD_NUMBER,
        'sampleRate',
        `is ${n}`,
        'Use a whole number N ≥ 1 to keep 1 trace in N (1 keeps all; 0 keeps none).',
      );
    }
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
    default:
      warnings.push(WARN_UNKNOWN_SAMPLER);
      return DEFAULT;
  }
}
