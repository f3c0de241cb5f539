import { DEFAULT_RULE, type Tag, type Wanted, type WantedGroup, type WantedRule } from './wanted';

/**
 * What `apply` will do, worked out from what X-Ray has (read first) and what the files ask for: create what is
 * missing, update what differs (only the fields that differ), leave the rest alone, so running it again changes
 * nothing. Pure.
 */

/** A rule as `GetSamplingRules` returns it. */
export type ExistingRule = Partial<WantedRule> & { RuleName?: string; RuleARN?: string };
/** A group as `GetGroups` returns it. */
export type ExistingGroup = Partial<WantedGroup> & { GroupName?: string; GroupARN?: string };

export interface Change {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export type Action =
  | { readonly kind: 'rule'; readonly op: 'create'; readonly name: string; readonly rule: WantedRule; readonly tags?: readonly Tag[] }
  | { readonly kind: 'rule'; readonly op: 'update'; readonly name: string; readonly changes: readonly Change[]; readonly update: Partial<WantedRule> & { RuleName: string } }
  | { readonly kind: 'group'; readonly op: 'create'; readonly name: string; readonly group: WantedGroup; readonly tags?: readonly Tag[] }
  | { readonly kind: 'group'; readonly op: 'update'; readonly name: string; readonly changes: readonly Change[]; readonly group: WantedGroup }
  | { readonly kind: 'rule' | 'group'; readonly op: 'unchanged'; readonly name: string };

/** A difference `UpdateSamplingRule` cannot make (the API fixes a rule's version). */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

const UPDATABLE: readonly (keyof WantedRule)[] = [
  'ResourceARN', 'Priority', 'FixedRate', 'ReservoirSize', 'ServiceName', 'ServiceType', 'Host', 'HTTPMethod', 'URLPath', 'Attributes', 'SamplingRateBoost',
];

export function plan(wanted: Wanted, rules: readonly ExistingRule[], groups: readonly ExistingGroup[]): Action[] {
  const actions: Action[] = [];
  const seen = new Map<string, string>();
  const once = (key: string, source: string): void => {
    const first = seen.get(key);
    if (first !== undefined) throw new PlanError(`${source} and ${first} both define ${key}: keep one`);
    seen.set(key, source);
  };
  for (const { rule, tags, source } of wanted.rules) {
    once(`sampling rule "${rule.RuleName}"`, source);
    const existing = rules.find((r) => r.RuleName === rule.RuleName);
    if (existing === undefined && rule.RuleName === DEFAULT_RULE) {
      throw new PlanError(`${source}: X-Ray did not list its Default rule, which every account has and which cannot be created: is this the X-Ray API?`);
    }
    if (existing === undefined) {
      actions.push({ kind: 'rule', op: 'create', name: rule.RuleName, rule, ...(tags === undefined ? {} : { tags }) });
      continue;
    }
    if (existing.Version !== undefined && existing.Version !== rule.Version) {
      throw new PlanError(`${source}: sampling rule "${rule.RuleName}" has Version ${String(existing.Version)} in X-Ray; a rule's version cannot change`);
    }
    const changes: Change[] = [];
    const update: Partial<WantedRule> & { RuleName: string } = { RuleName: rule.RuleName };
    for (const field of UPDATABLE) {
      if (rule[field] === undefined || same(normalise(field, existing[field]), normalise(field, rule[field]))) continue;
      changes.push({ field, from: existing[field], to: rule[field] });
      Object.assign(update, { [field]: rule[field] });
    }
    actions.push(changes.length === 0 ? { kind: 'rule', op: 'unchanged', name: rule.RuleName } : { kind: 'rule', op: 'update', name: rule.RuleName, changes, update });
  }
  for (const { group, tags, source } of wanted.groups) {
    once(`group "${group.GroupName}"`, source);
    const existing = groups.find((g) => g.GroupName === group.GroupName);
    if (existing === undefined) {
      actions.push({ kind: 'group', op: 'create', name: group.GroupName, group, ...(tags === undefined ? {} : { tags }) });
      continue;
    }
    const changes: Change[] = [];
    if (group.FilterExpression !== undefined && group.FilterExpression !== existing.FilterExpression) {
      changes.push({ field: 'FilterExpression', from: existing.FilterExpression, to: group.FilterExpression });
    }
    for (const key of ['InsightsEnabled', 'NotificationsEnabled'] as const) {
      const to = group.InsightsConfiguration?.[key];
      const from = existing.InsightsConfiguration?.[key] ?? false;
      if (to !== undefined && to !== from) changes.push({ field: `InsightsConfiguration.${key}`, from, to });
    }
    actions.push(changes.length === 0 ? { kind: 'group', op: 'unchanged', name: group.GroupName } : { kind: 'group', op: 'update', name: group.GroupName, changes, group });
  }
  return actions;
}

/** X-Ray leaves out empty attribute maps; a rule without attributes and one with `{}` are the same rule. */
function normalise(field: keyof WantedRule, value: unknown): unknown {
  if (field === 'Attributes' && (value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0))) return {};
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
