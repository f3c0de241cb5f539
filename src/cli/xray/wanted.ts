/**
 * What `dualtrace xray apply` is asked for, read from the AWS CLI's own JSON: `{"SamplingRule": {…}, "Tags": […]}` as
 * for `aws xray create-sampling-rule --cli-input-json`, and `{"GroupName": …, "FilterExpression": …}` as for
 * `aws xray create-group --cli-input-json`; a file may also hold an array of them, or be what `aws xray
 * get-sampling-rules` prints (`{"SamplingRuleRecords": […]}`). Every field is checked against the
 * X-Ray API's limits (https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html, API_CreateGroup.html) before
 * anything is sent, and a mistake names the file, the field and the value.
 */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** A sampling rule as the API takes it (`RuleARN` is X-Ray's to assign, so it is not kept). */
export interface WantedRule {
  readonly RuleName: string;
  readonly ResourceARN: string;
  readonly Priority: number;
  readonly FixedRate: number;
  readonly ReservoirSize: number;
  readonly ServiceName: string;
  readonly ServiceType: string;
  readonly Host: string;
  readonly HTTPMethod: string;
  readonly URLPath: string;
  readonly Version: number;
  readonly Attributes?: Readonly<Record<string, string>>;
  readonly SamplingRateBoost?: { readonly MaxRate: number; readonly CooldownWindowMinutes: number };
}

export interface WantedGroup {
  readonly GroupName: string;
  readonly FilterExpression?: string;
  readonly InsightsConfiguration?: { readonly InsightsEnabled?: boolean; readonly NotificationsEnabled?: boolean };
}

export interface Wanted {
  readonly rules: { readonly rule: WantedRule; readonly tags?: readonly Tag[]; readonly source: string }[];
  readonly groups: { readonly group: WantedGroup; readonly tags?: readonly Tag[]; readonly source: string }[];
}

/** A file that cannot be applied: the message names the file, the field and what is wrong with its value. */
export class WantedError extends Error {
  override readonly name = 'WantedError';
}

/** Reads one file's text (already loaded) into rules and groups; throws `WantedError`. */
export function parseWanted(text: string, source: string): Wanted {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WantedError(`${source}: not JSON (${(error as Error).message})`);
  }
  // What `aws xray get-sampling-rules` prints is taken as it is: its records, each a rule.
  const records = isObject(json) && Array.isArray(json.SamplingRuleRecords) ? json.SamplingRuleRecords : undefined;
  if (records !== undefined) only(json as Record<string, unknown>, ['SamplingRuleRecords', 'NextToken'], source);
  const items = records ?? (Array.isArray(json) ? json : [json]);
  const wanted: { rules: Wanted['rules'][number][]; groups: Wanted['groups'][number][] } = { rules: [], groups: [] };
  items.forEach((item, i) => {
    const where = records !== undefined ? `${source}: SamplingRuleRecords[${i}]` : Array.isArray(json) ? `${source}[${i}]` : source;
    if (!isObject(item)) throw new WantedError(`${where}: expected an object with "SamplingRule" or "GroupName", got ${describe(item)}`);
    const tags = item.Tags === undefined ? undefined : checkTags(item.Tags, `${where}: Tags`);
    if ('SamplingRule' in item) {
      // A record of get-sampling-rules also says when X-Ray created and changed the rule: X-Ray's, like RuleARN.
      only(item, ['SamplingRule', 'Tags', 'CreatedAt', 'ModifiedAt'], where);
      wanted.rules.push({ rule: checkRule(item.SamplingRule, `${where}: SamplingRule`), ...(tags === undefined ? {} : { tags }), source: where });
    } else if ('GroupName' in item) {
      only(item, ['GroupName', 'FilterExpression', 'InsightsConfiguration', 'Tags'], where);
      wanted.groups.push({ group: checkGroup(item, where), ...(tags === undefined ? {} : { tags }), source: where });
    } else if ('SamplingRuleUpdate' in item) {
      throw new WantedError(`${where}: "SamplingRuleUpdate" is the update form; give the whole rule as "SamplingRule" (apply creates or updates it)`);
    } else {
      throw new WantedError(`${where}: expected "SamplingRule" (a sampling rule) or "GroupName" (a group), found ${Object.keys(item).map((k) => JSON.stringify(k)).join(', ') || 'an empty object'}`);
    }
  });
  return wanted;
}

/** A group from `--group NAME --filter EXPR`. */
export function groupFromFlags(name: string, filter: string | undefined): Wanted['groups'][number] {
  return { group: checkGroup({ GroupName: name, ...(filter === undefined ? {} : { FilterExpression: filter }) }, '--group'), source: '--group' };
}

const RULE_FIELDS = ['RuleName', 'RuleARN', 'ResourceARN', 'Priority', 'FixedRate', 'ReservoirSize', 'ServiceName', 'ServiceType', 'Host', 'HTTPMethod', 'URLPath', 'Version', 'Attributes', 'SamplingRateBoost'];

/**
 * X-Ray's own rule: it exists in every account, matches everything at priority 10000, and only its `FixedRate` and
 * `ReservoirSize` can change (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html).
 */
export const DEFAULT_RULE = 'Default';
const DEFAULT_PRIORITY = 10000;
const MATCH_FIELDS = ['ResourceARN', 'ServiceName', 'ServiceType', 'Host', 'HTTPMethod', 'URLPath'] as const;

function checkRule(value: unknown, where: string): WantedRule {
  if (!isObject(value)) throw new WantedError(`${where}: expected an object, got ${describe(value)}`);
  only(value, RULE_FIELDS, where);
  const field = (name: string) => `${where}.${name}`;
  if (value.RuleName === DEFAULT_RULE) checkDefaultRule(value, field);
  const rule: Record<string, unknown> = {
    RuleName: text(value.RuleName, field('RuleName'), 1, 32, 'apply finds the rule by its name'),
    ResourceARN: text(value.ResourceARN, field('ResourceARN'), 1, 500),
    Priority:
      value.RuleName === DEFAULT_RULE
        ? DEFAULT_PRIORITY
        : integer(value.Priority, field('Priority'), 1, 9999, ' (lower is evaluated first; the Default rule is 10000)'),
    FixedRate: number(value.FixedRate, field('FixedRate'), 0, 1, ' (0.1 = 10%)'),
    ReservoirSize: integer(value.ReservoirSize, field('ReservoirSize'), 0, Number.MAX_SAFE_INTEGER, ' (traces per second before FixedRate applies)'),
    ServiceName: text(value.ServiceName, field('ServiceName'), 1, 64),
    ServiceType: text(value.ServiceType, field('ServiceType'), 1, 64),
    Host: text(value.Host, field('Host'), 1, 64),
    HTTPMethod: text(value.HTTPMethod, field('HTTPMethod'), 1, 10),
    URLPath: text(value.URLPath, field('URLPath'), 1, 128),
    Version: value.Version === 1 ? 1 : fail(field('Version'), value.Version, 'must be 1 (the only version X-Ray has)'),
  };
  if (value.Attributes !== undefined) rule.Attributes = attributes(value.Attributes, field('Attributes'));
  if (value.SamplingRateBoost !== undefined) {
    const boost = value.SamplingRateBoost;
    if (!isObject(boost)) fail(field('SamplingRateBoost'), boost, 'must be an object {MaxRate, CooldownWindowMinutes}');
    only(boost, ['MaxRate', 'CooldownWindowMinutes'], field('SamplingRateBoost'));
    rule.SamplingRateBoost = {
      MaxRate: number(boost.MaxRate, `${field('SamplingRateBoost')}.MaxRate`, 0, 1),
      CooldownWindowMinutes: integer(boost.CooldownWindowMinutes, `${field('SamplingRateBoost')}.CooldownWindowMinutes`, 1, Number.MAX_SAFE_INTEGER),
    };
  }
  return rule as unknown as WantedRule;
}

/** The Default rule as `get-sampling-rules` prints it, with the rate or reservoir changed: nothing else may differ. */
function checkDefaultRule(value: Record<string, unknown>, field: (name: string) => string): void {
  if (value.Priority !== DEFAULT_PRIORITY) fail(field('Priority'), value.Priority, `must be ${DEFAULT_PRIORITY} for the Default rule (X-Ray's own, tried last)`);
  for (const name of MATCH_FIELDS) {
    if (value[name] !== '*') fail(field(name), value[name], 'must be "*" for the Default rule: it matches everything, and only FixedRate and ReservoirSize can change');
  }
  for (const name of ['Attributes', 'SamplingRateBoost']) {
    if (value[name] !== undefined && !(name === 'Attributes' && isObject(value[name]) && Object.keys(value[name]).length === 0)) {
      fail(field(name), value[name], 'cannot be set on the Default rule: only FixedRate and ReservoirSize can change');
    }
  }
}

function checkGroup(value: Record<string, unknown>, where: string): WantedGroup {
  const name = text(value.GroupName, `${where}: GroupName`, 1, 32);
  if (name === 'Default') fail(`${where}: GroupName`, name, 'is reserved by X-Ray for the group of all traces');
  const group: Record<string, unknown> = { GroupName: name };
  if (value.FilterExpression !== undefined) group.FilterExpression = text(value.FilterExpression, `${where}: FilterExpression`, 1, Number.MAX_SAFE_INTEGER);
  if (value.InsightsConfiguration !== undefined) {
    const insights = value.InsightsConfiguration;
    const at = `${where}: InsightsConfiguration`;
    if (!isObject(insights)) fail(at, insights, 'must be an object {InsightsEnabled, NotificationsEnabled}');
    only(insights, ['InsightsEnabled', 'NotificationsEnabled'], at);
    for (const key of ['InsightsEnabled', 'NotificationsEnabled']) {
      if (insights[key] !== undefined && typeof insights[key] !== 'boolean') fail(`${at}.${key}`, insights[key], 'must be true or false');
    }
    if (insights.NotificationsEnabled === true && insights.InsightsEnabled !== true) fail(`${at}.NotificationsEnabled`, true, 'needs InsightsEnabled: true');
    group.InsightsConfiguration = insights;
  }
  return group as unknown as WantedGroup;
}

function checkTags(value: unknown, where: string): Tag[] {
  if (!Array.isArray(value)) fail(where, value, 'must be an array of {"Key": …, "Value": …}');
  return value.map((tag, i) => {
    if (!isObject(tag) || typeof tag.Key !== 'string' || typeof tag.Value !== 'string') fail(`${where}[${i}]`, tag, 'must be {"Key": "…", "Value": "…"}');
    return { Key: tag.Key, Value: tag.Value };
  });
}

function attributes(value: unknown, where: string): Record<string, string> {
  if (!isObject(value)) fail(where, value, 'must be an object of strings');
  const entries = Object.entries(value);
  if (entries.length > 5) throw new WantedError(`${where} has ${entries.length} entries; X-Ray allows at most 5`);
  for (const [key, v] of entries) {
    if (key.length < 1 || key.length > 32) fail(`${where} key`, key, 'must be 1 to 32 characters');
    text(v, `${where}.${key}`, 1, 32);
  }
  return value as Record<string, string>;
}

function text(value: unknown, where: string, min: number, max: number, why = ''): string {
  if (typeof value !== 'string') fail(where, value, value === undefined ? `is missing${why === '' ? '' : `: ${why}`}` : 'must be a string');
  if (value.length < min || value.length > max) fail(where, value, `must be ${min} to ${max} characters long (it has ${value.length})`);
  return value;
}

function integer(value: unknown, where: string, min: number, max: number, hint = ''): number {
  if (value === undefined) fail(where, value, 'is missing');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(where, value, `must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}${hint}`);
  }
  return value;
}

function number(value: unknown, where: string, min: number, max: number, hint = ''): number {
  if (value === undefined) fail(where, value, 'is missing');
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(where, value, `must be a number from ${min} to ${max}${hint}`);
  return value;
}

function only(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const close = known.find((k) => k.toLowerCase() === key.toLowerCase());
      throw new WantedError(`${where}: unknown field "${key}"${close === undefined ? ` (known: ${known.join(', ')})` : `; did you mean "${close}"?`}`);
    }
  }
}

function fail(where: string, value: unknown, problem: string): never {
  throw new WantedError(value === undefined ? `${where} ${problem}` : `${where} is ${describe(value)}; it ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
