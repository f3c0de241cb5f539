import type { RuleDefinition } from './rule';

/**
 * Reading the X-Ray API's answers (`GetSamplingRules`, `GetSamplingTargets`; shapes from the API reference). Nothing
 * here trusts the input: a record that is not a usable rule is skipped and named, a body that is not the expected
 * object is refused as a whole.
 */

export interface RulesPage {
  readonly definitions: RuleDefinition[];
  /** Rules left out, with why (`"Rule x: FixedRate is 2"`). */
  readonly skipped: string[];
  readonly nextToken: string | undefined;
}

export function readRulesPage(body: unknown): RulesPage | undefined {
  if (!isObject(body) || !Array.isArray(body.SamplingRuleRecords)) return undefined;
  const definitions: RuleDefinition[] = [];
  const skipped: string[] = [];
  for (const record of body.SamplingRuleRecords as unknown[]) {
    const rule = isObject(record) ? record.SamplingRule : undefined;
    const result = readRule(rule);
    if (typeof result === 'string') skipped.push(result);
    else definitions.push(result);
  }
  const token = body.NextToken;
  return { definitions, skipped, nextToken: typeof token === 'string' && token !== '' ? token : undefined };
}

/**
 * A `SamplingRule` (API reference: every field but RuleName/RuleARN/Attributes is required; `Version` is 1). Rules the
 * X-Ray SDKs leave out because they cannot match (ResourceARN, Attributes) are kept: dualtrace matches both.
 */
function readRule(rule: unknown): RuleDefinition | string {
  if (!isObject(rule)) return 'a record without a SamplingRule';
  const name = typeof rule.RuleName === 'string' && rule.RuleName !== '' ? rule.RuleName : undefined;
  const label = `rule ${JSON.stringify(name ?? rule.RuleARN ?? '?')}`;
  if (name === undefined) return `${label}: no RuleName`;
  if (rule.Version !== undefined && rule.Version !== 1) return `${label}: Version ${JSON.stringify(rule.Version)} (only 1 exists)`;
  if (typeof rule.Priority !== 'number') return `${label}: Priority is not a number`;
  if (typeof rule.FixedRate !== 'number' || rule.FixedRate < 0 || rule.FixedRate > 1) return `${label}: FixedRate is not a number from 0 to 1`;
  if (typeof rule.ReservoirSize !== 'number' || rule.ReservoirSize < 0) return `${label}: ReservoirSize is not a number ≥ 0`;
  const attributes: Record<string, string> = {};
  if (rule.Attributes !== undefined && rule.Attributes !== null) {
    if (!isObject(rule.Attributes)) return `${label}: Attributes is not an object`;
    for (const [key, value] of Object.entries(rule.Attributes)) {
      if (typeof value !== 'string') return `${label}: Attributes.${key} is not a string`;
      attributes[key] = value;
    }
  }
  const pattern = (v: unknown): string | undefined => (v === undefined || v === null ? '*' : typeof v === 'string' ? v : undefined);
  const fields = {
    serviceName: pattern(rule.ServiceName),
    serviceType: pattern(rule.ServiceType),
    host: pattern(rule.Host),
    httpMethod: pattern(rule.HTTPMethod),
    urlPath: pattern(rule.URLPath),
    resourceArn: pattern(rule.ResourceARN),
  };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) return `${label}: ${key} is not a string`;
  return {
    name,
    priority: rule.Priority,
    fixedRate: rule.FixedRate,
    reservoirSize: Math.floor(rule.ReservoirSize),
    ...(fields as Record<keyof typeof fields, string>),
    attributes,
  };
}

export interface TargetsAnswer {
  readonly targets: { RuleName: string; FixedRate?: unknown; ReservoirQuota?: unknown; ReservoirQuotaTTL?: unknown; Interval?: unknown }[];
  /** Epoch seconds, when present. */
  readonly lastRuleModification: number | undefined;
  readonly unprocessed: { RuleName?: unknown; ErrorCode?: unknown; Message?: unknown }[];
}

export function readTargets(body: unknown): TargetsAnswer | undefined {
  if (!isObject(body) || !Array.isArray(body.SamplingTargetDocuments)) return undefined;
  const targets = (body.SamplingTargetDocuments as unknown[]).filter(
    (t): t is TargetsAnswer['targets'][number] => isObject(t) && typeof t.RuleName === 'string',
  );
  const unprocessed = Array.isArray(body.UnprocessedStatistics) ? (body.UnprocessedStatistics as unknown[]).filter(isObject) : [];
  const modified = body.LastRuleModification;
  return { targets, lastRuleModification: typeof modified === 'number' && Number.isFinite(modified) ? modified : undefined, unprocessed };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
