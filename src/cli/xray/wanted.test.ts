import { describe, expect, it } from 'vitest';
import { plan, PlanError } from './plan';
import { groupFromFlags, parseWanted, WantedError } from './wanted';

const RULE = {
  RuleName: 'Cruddur', ResourceARN: '*', Priority: 9000, FixedRate: 0.1, ReservoirSize: 5, ServiceName: 'backend-flask',
  ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1,
};
const error = (text: string): string => {
  try {
    parseWanted(text, 'x.json');
  } catch (e) {
    if (e instanceof WantedError) return e.message;
    throw e;
  }
  throw new Error('expected a WantedError');
};
const rule = (over: Record<string, unknown>) => JSON.stringify({ SamplingRule: { ...RULE, ...over } });

describe('parseWanted', () => {
  it('should read rules (with tags, RuleARN ignored) and groups, alone or in an array', () => {
    const wanted = parseWanted(JSON.stringify([{ SamplingRule: { ...RULE, RuleARN: 'arn:…' }, Tags: [{ Key: 'team', Value: 'cruddur' }] }, { GroupName: 'g', FilterExpression: 'ok' }]), 'x.json');
    expect(wanted.rules).toEqual([{ rule: RULE, tags: [{ Key: 'team', Value: 'cruddur' }], source: 'x.json[0]' }]);
    expect(wanted.groups).toEqual([{ group: { GroupName: 'g', FilterExpression: 'ok' }, source: 'x.json[1]' }]);
  });

  it.each([
    [rule({ Priority: 0 }), 'x.json: SamplingRule.Priority is 0; it must be a whole number from 1 to 9999 (lower is evaluated first; the Default rule is 10000)'],
    [rule({ ReservoirSize: -1 }), 'x.json: SamplingRule.ReservoirSize is -1; it must be a whole number ≥ 0 (traces per second before FixedRate applies)'],
    [rule({ HTTPMethod: 'PROPFINDPATCH' }), 'x.json: SamplingRule.HTTPMethod is "PROPFINDPATCH"; it must be 1 to 10 characters long (it has 13)'],
    [rule({ Version: 2 }), 'x.json: SamplingRule.Version is 2; it must be 1 (the only version X-Ray has)'],
    [rule({ RuleName: undefined }), 'x.json: SamplingRule.RuleName is missing: apply finds the rule by its name'],
    [rule({ Attributes: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } }), 'x.json: SamplingRule.Attributes has 6 entries; X-Ray allows at most 5'],
    [JSON.stringify({ SamplingRuleUpdate: RULE }), 'x.json: "SamplingRuleUpdate" is the update form; give the whole rule as "SamplingRule" (apply creates or updates it)'],
    [JSON.stringify({ GroupName: 'Default' }), 'x.json: GroupName is "Default"; it is reserved by X-Ray for the group of all traces'],
    [JSON.stringify({ GroupName: 'g', InsightsConfiguration: { NotificationsEnabled: true } }), 'x.json: InsightsConfiguration.NotificationsEnabled is true; it needs InsightsEnabled: true'],
    [JSON.stringify({ Rule: RULE }), 'x.json: expected "SamplingRule" (a sampling rule) or "GroupName" (a group), found "Rule"'],
  ])('should name the field and value: %s', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('should check a group given on the command line', () => {
    expect(() => groupFromFlags('x'.repeat(33), undefined)).toThrow('--group: GroupName is "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; it must be 1 to 32 characters long (it has 33)');
  });
});

describe('plan', () => {
  const wanted = parseWanted(JSON.stringify({ SamplingRule: RULE }), 'x.json');

  it('should treat missing and empty Attributes as the same rule', () => {
    expect(plan(wanted, [{ ...RULE, RuleARN: 'arn', Attributes: {} }], [])).toEqual([{ kind: 'rule', op: 'unchanged', name: 'Cruddur' }]);
  });

  it('should refuse a Version change and a rule defined twice', () => {
    expect(() => plan(wanted, [{ ...RULE, Version: 2 }], [])).toThrow(PlanError);
    const twice = { rules: [...wanted.rules, { ...wanted.rules[0]!, source: 'y.json' }], groups: [] };
    expect(() => plan(twice, [], [])).toThrow('y.json and x.json both define sampling rule "Cruddur": keep one');
  });
});
