/**
 * The X-Ray daemon's TCP side: the sampling API an X-Ray SDK or OpenTelemetry's X-Ray remote sampler calls at the
 * daemon address (`POST /GetSamplingRules`, `POST /SamplingTargets`), answered locally from rules instead of
 * being signed and forwarded to X-Ray. https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingTargets.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body';
import type { SamplingRuleRecord } from './sampling-rules';

/** Sampling requests are small JSON documents (at most 25 statistics documents). */
const MAX_SAMPLING_BODY_BYTES = 64 * 1024;
/** "A quota is good for five minutes" (X-Ray developer guide, sampling). */
const QUOTA_TTL_SECONDS = 300;
/** Seconds until the client reports again (the API's default). */
const TARGET_INTERVAL_SECONDS = 10;

export interface SamplingStats {
  rulesRequests: number;
  targetsRequests: number;
}

export function createSamplingHandler(rules: readonly SamplingRuleRecord[], stats: SamplingStats, now: () => number = Date.now) {
  const byName = new Map(rules.map((r) => [r.SamplingRule.RuleName, r.SamplingRule]));
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  return async function handleSampling(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/GetSamplingRules' && path !== '/SamplingTargets')) {
      return send(res, 404, { message: 'dualtrace dev answers POST /GetSamplingRules and POST /SamplingTargets.' });
    }
    const body = await readBody(req, MAX_SAMPLING_BODY_BYTES);
    if (body === undefined) return send(res, 413, { message: 'Request too large.' });
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
      } catch {
        return send(res, 400, { message: 'The body is not JSON.' });
      }
    }
    if (path === '/GetSamplingRules') {
      stats.rulesRequests++;
      return send(res, 200, { SamplingRuleRecords: rules, NextToken: null });
    }
    stats.targetsRequests++;
    const docs = Array.isArray(input.SamplingStatisticsDocuments) ? (input.SamplingStatisticsDocuments as { RuleName?: unknown }[]) : [];
    const seconds = Math.floor(now() / 1000);
    const targets = [];
    const unprocessed = [];
    for (const doc of docs) {
      const rule = typeof doc?.RuleName === 'string' ? byName.get(doc.RuleName) : undefined;
      if (rule === undefined) {
        unprocessed.push({ RuleName: String(doc?.RuleName ?? ''), ErrorCode: '400', Message: 'No such sampling rule in dualtrace dev.' });
        continue;
      }
      targets.push({
        RuleName: rule.RuleName,
        FixedRate: rule.FixedRate,
        ReservoirQuota: rule.ReservoirSize,
        ReservoirQuotaTTL: seconds + QUOTA_TTL_SECONDS,
        Interval: TARGET_INTERVAL_SECONDS,
      });
    }
    send(res, 200, { SamplingTargetDocuments: targets, LastRuleModification: 0, UnprocessedStatistics: unprocessed });
  };
}
