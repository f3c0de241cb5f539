/**
 * How X-Ray's share of traces is chosen (`xray.sampling`):
 * - `'centralized'`: the rules you manage in the X-Ray console / API, fetched through the X-Ray daemon (default);
 * - `'local'`: rules given in `xray.samplingRules` (the X-Ray SDK's local rules format);
 * - `'all'`: every trace this service decides on.
 *
 * @example
 * initTracing({ service: 'api', xray: { sampling: 'local', samplingRules: './xray-rules.json' } });
 * @see docs/sampling.md
 */
export type XRaySamplingMode = 'centralized' | 'local' | 'all';

/**
 * One rule of the X-Ray SDK's local rules format. Version 2 names `host`; version 1 names `service_name` (matched
 * against the Host, as the X-Ray SDK does). `*` and `?` are wildcards, case-insensitive.
 *
 * @example
 * const health: XRayLocalSamplingRule = { description: 'health checks', host: '*', http_method: 'GET', url_path: '/health*', fixed_target: 0, rate: 0 };
 * @see docs/sampling.md#local-rules
 */
export interface XRayLocalSamplingRule {
  /** Free text; names the rule in errors and in `getSamplingStatus()`. */
  description?: string;
  /** Version 2: the Host pattern (`*` for any). */
  host?: string;
  /** Version 1: the pattern matched against the Host. */
  service_name?: string;
  /** The method pattern (`GET`, `*`). */
  http_method: string;
  /** The path pattern (`/api/health*`); the query string is not part of it. */
  url_path: string;
  /** Traces kept each second before `rate` applies (a whole number). */
  fixed_target: number;
  /** The share kept once the second's `fixed_target` is used, 0–1. */
  rate: number;
}

/**
 * The X-Ray SDK's local sampling rules document (`AWSXRay.middleware.setSamplingRules`): `xray.samplingRules`.
 *
 * @example
 * const rules: XRayLocalSamplingRulesDocument = {
 *   version: 2,
 *   rules: [{ description: 'health checks', host: '*', http_method: 'GET', url_path: '/health*', fixed_target: 0, rate: 0 }],
 *   default: { fixed_target: 1, rate: 0.05 },
 * };
 * initTracing({ xray: { sampling: 'local', samplingRules: rules } });
 * @see docs/sampling.md#local-rules
 */
export interface XRayLocalSamplingRulesDocument {
  /** 2 (`host`) or 1 (`service_name`). */
  version: 1 | 2;
  /** Tried in order; the first that matches decides. */
  rules?: XRayLocalSamplingRule[];
  /** What applies to everything the rules do not match. */
  default: { fixed_target: number; rate: number };
}

/**
 * Local rules as resolved and checked: first match wins, in order, then `default`.
 *
 * @example
 * resolveConfig({ xray: { samplingRules: { version: 2, default: { fixed_target: 1, rate: 0.1 } } } }, {}).sampler.xray.rules;
 * // { version: 2, rules: [], default: { fixedTarget: 1, rate: 0.1 } }
 * @see docs/sampling.md#local-rules
 */
export interface XRayLocalRules {
  /** The format version the rules were written in. */
  readonly version: 1 | 2;
  /** The rules in order (version 1's `service_name` is in `host`). */
  readonly rules: readonly {
    readonly description: string | undefined;
    readonly host: string;
    readonly httpMethod: string;
    readonly urlPath: string;
    readonly fixedTarget: number;
    readonly rate: number;
  }[];
  /** The rule for everything else. */
  readonly default: { readonly fixedTarget: number; readonly rate: number };
}

/**
 * Honeycomb's sampling as resolved (`config.sampler.honeycomb`).
 *
 * @example
 * resolveConfig({ honeycomb: { sampleRate: 20 } }, {}).sampler.honeycomb;
 * // { decidedBy: 'ratio', ratio: 0.05, sampleRate: 20, source: 'honeycomb.sampleRate' }
 * @see docs/sampling.md
 */
export interface HoneycombSampling {
  /** `ratio`: 1 trace in `sampleRate`, from the trace id; `xray`: the traces X-Ray's rules keep (`OTEL_TRACES_SAMPLER=xray`). */
  readonly decidedBy: 'ratio' | 'xray';
  /** Probability of keeping a trace this service decides on, 0..1 (`decidedBy: 'ratio'`). */
  readonly ratio: number;
  /** Written on kept spans as `SampleRate` when above 1, so Honeycomb multiplies counts back up. */
  readonly sampleRate: number;
  /** Which option or variable set it. */
  readonly source: 'honeycomb.sampleRate' | 'SAMPLE_RATE' | 'sampleRate' | 'OTEL_TRACES_SAMPLER' | 'default';
}

/**
 * X-Ray's sampling as resolved (`config.sampler.xray`). `mode: 'shared'` means X-Ray keeps what the shared sampler
 * (`sampleRate` / a standard `OTEL_TRACES_SAMPLER`) keeps, as before X-Ray had its own rules.
 *
 * @example
 * resolveConfig({}, { AWS_XRAY_DAEMON_ADDRESS: 'xray-daemon:2000' }).sampler.xray;
 * // { mode: 'centralized', endpoint: 'http://xray-daemon:2000', rulesSource: 'X-Ray SDK default (1/s, then 5 %)', … }
 * @see docs/sampling.md
 */
export interface XRaySampling {
  /** `centralized`, `local`, `all`, or `shared` (X-Ray keeps what the shared sampler keeps). */
  readonly mode: XRaySamplingMode | 'shared';
  /** Which option or variable chose the mode (`default`: centralized because X-Ray is on; `lambda`: local on Lambda). */
  readonly source: string;
  /** Where `GetSamplingRules` and `SamplingTargets` go (centralized only): the daemon's TCP address unless overridden. */
  readonly endpoint: string | undefined;
  /** The local rules (local mode), or what centralized sampling uses until the service's rules arrive. */
  readonly rules: XRayLocalRules | undefined;
  /** Where `rules` came from: a file path, `xray.samplingRules (object)`, or the X-Ray SDK default. */
  readonly rulesSource: string | undefined;
  /** How often the rules are fetched (centralized), in ms. */
  readonly rulesIntervalMillis: number;
  /** How often statistics are reported and quotas fetched (centralized; the service's `Interval` overrides), in ms. */
  readonly targetsIntervalMillis: number;
}
