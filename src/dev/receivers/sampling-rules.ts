/**
 * The sampling rules the daemon stand-in serves. A file may hold the X-Ray SDK's local rules (`version` 1 or 2,
 * `rules`, `default`), a GetSamplingRules response (`SamplingRuleRecords`), one `SamplingRule`, or an array of
 * SamplingRule objects; all become GetSamplingRules records. Without a file every request is sampled.
 * Shapes: https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingRules.html and the X-Ray SDK's local sampling
 * rules (https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-nodejs-configuration.html#xray-sdk-nodejs-configuration-sampling).
 */

export interface SamplingRule {
  RuleName: string;
  RuleARN?: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes: Record<string, string>;
}

export interface SamplingRuleRecord {
  SamplingRule: SamplingRule;
  CreatedAt: number;
  ModifiedAt: number;
}

/** Keep everything: the rule a local viewer wants, so no request of the app under test goes unseen. */
export const PERMISSIVE_RULES: readonly SamplingRuleRecord[] = [
  record({ RuleName: 'Default', Priority: 10000, FixedRate: 1, ReservoirSize: 1 }),
];

/** Rules from the parsed contents of a rules file; throws an Error whose message says what is wrong. */
export function rulesFromFile(json: unknown): SamplingRuleRecord[] {
  if (Array.isArray(json)) return json.map((rule, i) => ({ ...record(checkRule(rule, `[${i}]`)) }));
  if (json === null || typeof json !== 'object') throw new Error('expected a JSON object or array of sampling rules');
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.SamplingRuleRecords)) {
    return o.SamplingRuleRecords.map((r, i) => record(checkRule((r as { SamplingRule?: unknown })?.SamplingRule, `SamplingRuleRecords[${i}].SamplingRule`)));
  }
  if (o.SamplingRule !== undefined) return [record(checkRule(o.SamplingRule, 'SamplingRule'))];
  if (o.version !== undefined) return fromLocalRules(o);
  throw new Error('expected X-Ray SDK local rules ({"version":2,"rules":[…],"default":{…}}), SamplingRuleRecords, a SamplingRule, or an array of rules');
}

function fromLocalRules(o: Record<string, unknown>): SamplingRuleRecord[] {
  if (o.version !== 1 && o.version !== 2) throw new Error('"version" must be 1 or 2');
  const def = o.default as Record<string, unknown> | undefined;
  if (def === undefined || typeof def.fixed_target !== 'number' || typeof def.rate !== 'number') {
    throw new Error('"default" with "fixed_target" and "rate" is required');
  }
  const rules = Array.isArray(o.rules) ? o.rules : [];
  const out = rules.map((raw, i) => {
    const r = raw as Record<string, unknown>;
    const host = o.version === 1 ? '*' : r.host;
    const service = o.version === 1 ? r.service_name : '*';
    for (const [key, value] of Object.entries({ host, service_name: service, http_method: r.http_method, url_path: r.url_path })) {
      if (typeof value !== 'string') throw new Error(`rules[${i}].${key} must be a string`);
    }
    if (typeof r.fixed_target !== 'number' || typeof r.rate !== 'number') throw new Error(`rules[${i}] needs "fixed_target" and "rate" numbers`);
    return record({
      RuleName: `local-${i + 1}`,
      Priority: i + 1,
      FixedRate: checkRate(r.rate, `rules[${i}].rate`),
      ReservoirSize: r.fixed_target,
      ServiceName: service as string,
      Host: host as string,
      HTTPMethod: r.http_method as string,
      URLPath: r.url_path as string,
    });
  });
  out.push(record({ RuleName: 'Default', Priority: 10000, FixedRate: checkRate(def.rate, 'default.rate'), ReservoirSize: def.fixed_target }));
  return out;
}

function checkRule(value: unknown, path: string): Partial<SamplingRule> & Pick<SamplingRule, 'RuleName'> {
  if (value === null || typeof value !== 'object') throw new Error(`${path} must be a SamplingRule object`);
  const r = value as Partial<SamplingRule>;
  if (typeof r.RuleName !== 'string' || r.RuleName === '') throw new Error(`${path}.RuleName is required`);
  if (r.FixedRate !== undefined) checkRate(r.FixedRate, `${path}.FixedRate`);
  return r as Partial<SamplingRule> & Pick<SamplingRule, 'RuleName'>;
}

function checkRate(value: unknown, path: string): number {
  if (typeof value !== 'number' || value < 0 || value > 1) throw new Error(`${path} must be a number from 0 to 1`);
  return value;
}

function record(rule: Partial<SamplingRule> & Pick<SamplingRule, 'RuleName'>): SamplingRuleRecord {
  return {
    SamplingRule: {
      ResourceARN: '*', Priority: 10000, FixedRate: 1, ReservoirSize: 1, ServiceName: '*', ServiceType: '*', Host: '*',
      HTTPMethod: '*', URLPath: '*', Version: 1, Attributes: {}, ...rule,
    },
    CreatedAt: 0,
    ModifiedAt: 0,
  };
}
