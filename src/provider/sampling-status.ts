import type { ResolvedConfig } from '../config/types';
import { safeUrl } from '../http/redact';
import type { DecisionCounts, SamplingStatus } from '../trace/sampling-status';
import type { XRayRules } from './xray-sampling/xray-rules';

/** The status of the provider's sampling, built when asked (nothing is kept up to date for it). */
export function samplingStatus(config: ResolvedConfig, counts: DecisionCounts, rules: XRayRules | undefined): SamplingStatus {
  const x = config.sampler.xray;
  const live = rules?.status();
  return {
    honeycomb: {
      enabled: config.honeycomb.enabled,
      decidedBy: config.sampler.honeycomb.decidedBy,
      sampleRate: config.sampler.honeycomb.sampleRate,
      source: config.sampler.honeycomb.source,
    },
    xray: {
      enabled: config.xray.enabled,
      mode: x.mode,
      endpoint: x.endpoint === undefined ? undefined : safeUrl(x.endpoint, '****'), // a proxy's credentials masked
      rulesSource: x.rulesSource,
      using: live?.using ?? (x.mode === 'shared' ? 'shared sampler' : 'every trace'),
      rules: live?.rules ?? [],
      localRules: live?.localRules,
      poller: live?.poller,
    },
    decisions: { ...counts },
  };
}
