import { ConfigError, ConfigErrorCode } from '../errors';
import { warnBadEnv } from './messages';
import { nonEmpty, parseInteger } from './parse';
import type { DualtraceOptions, SpanLimitOptions } from './types';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Defaults that fit Honeycomb's limits (https://docs.honeycomb.io/api/events/: string fields up to 64 KB, 2,000
 * fields and under 1 MB per event). 16,384 UTF-16 units take at most 48 KB of UTF-8, whatever the characters; 128
 * attributes is OpenTelemetry's own default count. A span that is still over the per-event size (many attributes near
 * the length limit) is shrunk by the OTLP exporter before it is sent.
 */
export const DEFAULT_SPAN_LIMITS: Readonly<Required<SpanLimitOptions>> = Object.freeze({
  attributeValueLengthLimit: 16_384,
  attributeCountLimit: 128,
});

/**
 * The span limits: options, then the span-specific variable, then the general one (the OpenTelemetry specification's
 * "Attribute Limits": the span-specific one wins), then the defaults. Options must be whole numbers (≥ 1 for the
 * length, ≥ 0 for the count); an unusable variable is ignored with a warning.
 */
export function resolveSpanLimits(options: DualtraceOptions, env: Env, warnings: string[]): Required<SpanLimitOptions> {
  const limits = options.spanLimits ?? {};
  return {
    attributeValueLengthLimit:
      option(limits.attributeValueLengthLimit, 'spanLimits.attributeValueLengthLimit', 1) ??
      fromEnv(env, ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'], 1, warnings) ??
      DEFAULT_SPAN_LIMITS.attributeValueLengthLimit,
    attributeCountLimit:
      option(limits.attributeCountLimit, 'spanLimits.attributeCountLimit', 0) ??
      fromEnv(env, ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'], 0, warnings) ??
      DEFAULT_SPAN_LIMITS.attributeCountLimit,
  };
}

function option(value: number | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(ConfigErrorCode.BAD_NUMBER, name, `is ${value}`, `Use a whole number ≥ ${min}.`);
  }
  return value;
}

function fromEnv(env: Env, names: readonly string[], min: number, warnings: string[]): number | undefined {
  for (const name of names) {
    const raw = env[name];
    if (nonEmpty(raw) === undefined) continue;
    const parsed = parseInteger(raw, min);
    if (parsed !== undefined) return parsed;
    warnings.push(warnBadEnv(name, raw!, `a whole number ≥ ${min}`));
  }
  return undefined;
}
