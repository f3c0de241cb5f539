import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeXRayApi, type FakeXRayApi } from '../helpers/fake-xray-api';

// `dualtrace xray apply` as users run it (its own process, the real @aws-sdk/client-xray, SigV4 and all) against a
// stand-in for the X-Ray API on loopback, with credentials and region from the environment as in the AWS chain.
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

// The team's aws/json/xray.json, as `aws xray create-sampling-rule --cli-input-json` takes it.
const CRUDDUR_RULE = {
  SamplingRule: {
    RuleName: 'Cruddur', ResourceARN: '*', Priority: 9000, FixedRate: 0.1, ReservoirSize: 5, ServiceName: 'backend-flask',
    ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1,
  },
};
const FILTER = 'service("backend-flask") {fault OR error}';

describe('dualtrace xray apply', () => {
  let api: FakeXRayApi;
  let dir: string;
  beforeEach(async () => {
    api = await startFakeXRayApi();
    dir = mkdtempSync(join(tmpdir(), 'dualtrace-xray-'));
  });
  afterEach(() => api.close());

  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  };
  const apply = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', BIN, 'xray', 'apply', ...args, '--endpoint', api.url], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir, // no ~/.aws of this machine's user
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'test-secret',
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
      },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('should create a sampling rule from the AWS CLI JSON and a group from flags', async () => {
    const result = await apply(file('xray.json', CRUDDUR_RULE), '--group', 'Cruddur', '--filter', FILTER);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'sampling rule "Cruddur": created (priority 9000, 5/s then 10%, service backend-flask * *)\n' +
        `group "Cruddur": created (filter ${FILTER})\n` +
        'Done: 2 created, 0 updated, 0 unchanged.\n',
    );
    expect(api.writes()).toEqual(['/CreateSamplingRule', '/CreateGroup']);
    expect(api.rules.get('Cruddur')).toMatchObject(CRUDDUR_RULE.SamplingRule);
    expect(api.groups.get('Cruddur')).toMatchObject({ GroupName: 'Cruddur', FilterExpression: FILTER });
  });

  it('should change nothing when everything is as the files say (reads only)', async () => {
    const rule = file('xray.json', CRUDDUR_RULE);
    const group = file('group.json', { GroupName: 'Cruddur', FilterExpression: FILTER });
    await apply(rule, group);
    api.calls.length = 0;
    const again = await apply(rule, group);
    expect(again.stdout).toBe('sampling rule "Cruddur": unchanged\ngroup "Cruddur": unchanged\nDone: 0 created, 0 updated, 2 unchanged.\n');
    expect(api.writes()).toEqual([]);
  });

  it('should update only the fields that differ, across pages of existing rules', async () => {
    for (const name of ['a', 'b', 'c']) api.rules.set(name, { ...CRUDDUR_RULE.SamplingRule, RuleName: name, Priority: 100 });
    api.rules.set('Cruddur', { ...CRUDDUR_RULE.SamplingRule, FixedRate: 0.05, Attributes: {} });
    const result = await apply(file('xray.json', CRUDDUR_RULE));
    expect(result.stdout).toContain('sampling rule "Cruddur": updated FixedRate 0.05 → 0.1\n');
    expect(api.calls.filter((c) => c.path === '/GetSamplingRules')).toHaveLength(2); // 4 rules, 2 per page: NextToken followed
    expect(api.calls.find((c) => c.path === '/UpdateSamplingRule')!.body).toEqual({ SamplingRuleUpdate: { RuleName: 'Cruddur', FixedRate: 0.1 } });
  });

  it("should update the Default rule's rate and reservoir, as get-sampling-rules prints it, and nothing else", async () => {
    const DEFAULT = { ...CRUDDUR_RULE.SamplingRule, RuleName: 'Default', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1, ServiceName: '*' };
    api.rules.set('Default', { ...DEFAULT, RuleARN: 'arn:aws:xray:us-east-1:123456789012:sampling-rule/Default', Attributes: {} });
    const result = await apply(file('default.json', { SamplingRule: { ...DEFAULT, FixedRate: 0.1, Attributes: {} } }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('sampling rule "Default": updated FixedRate 0.05 → 0.1\nDone: 0 created, 1 updated, 0 unchanged.\n');
    expect(api.calls.find((c) => c.path === '/UpdateSamplingRule')!.body).toEqual({ SamplingRuleUpdate: { RuleName: 'Default', FixedRate: 0.1 } });

    api.calls.length = 0;
    const narrowed = await apply(file('narrow.json', { SamplingRule: { ...DEFAULT, ServiceName: 'backend-flask' } }));
    expect(narrowed.code).toBe(1);
    expect(narrowed.stderr).toContain('SamplingRule.ServiceName is "backend-flask"; it must be "*" for the Default rule');
    expect(api.calls).toEqual([]);
  });

  it('should take what get-sampling-rules prints (records with ARNs and times), e.g. from another account', async () => {
    const DEFAULT = { ...CRUDDUR_RULE.SamplingRule, RuleName: 'Default', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1, ServiceName: '*' };
    api.rules.set('Default', { ...DEFAULT, Attributes: {} });
    const printed = {
      SamplingRuleRecords: [
        { SamplingRule: { ...DEFAULT, RuleARN: 'arn:aws:xray:eu-west-1:111111111111:sampling-rule/Default', Attributes: {} }, CreatedAt: 0, ModifiedAt: 1700000000 },
        { SamplingRule: { ...CRUDDUR_RULE.SamplingRule, RuleARN: 'arn:aws:xray:eu-west-1:111111111111:sampling-rule/Cruddur', Attributes: {} }, CreatedAt: 1700000000, ModifiedAt: 1700000000 },
      ],
    };
    const result = await apply(file('printed.json', printed));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'sampling rule "Default": unchanged\n' +
        'sampling rule "Cruddur": created (priority 9000, 5/s then 10%, service backend-flask * *)\n' +
        'Done: 1 created, 0 updated, 1 unchanged.\n',
    );
    expect(api.calls.find((c) => c.path === '/CreateSamplingRule')!.body.SamplingRule).not.toHaveProperty('RuleARN');
  });

  it('should update a group whose filter changed', async () => {
    api.groups.set('Cruddur', { GroupName: 'Cruddur', FilterExpression: 'service("old")', InsightsConfiguration: { InsightsEnabled: false, NotificationsEnabled: false } });
    const result = await apply(file('group.json', [{ GroupName: 'Cruddur', FilterExpression: FILTER, InsightsConfiguration: { InsightsEnabled: true } }]));
    expect(result.stdout).toContain(`group "Cruddur": updated FilterExpression "service(\\"old\\")" → ${JSON.stringify(FILTER)}, InsightsConfiguration.InsightsEnabled false → true\n`);
    expect(api.groups.get('Cruddur')).toMatchObject({ FilterExpression: FILTER, InsightsConfiguration: { InsightsEnabled: true } });
  });

  it('should print the difference and change nothing with --dry-run', async () => {
    api.rules.set('Cruddur', { ...CRUDDUR_RULE.SamplingRule, ReservoirSize: 1 });
    const result = await apply(file('xray.json', CRUDDUR_RULE), '--group', 'Cruddur', '--filter', FILTER, '--dry-run');
    expect(result.stdout).toBe(
      'sampling rule "Cruddur": would update ReservoirSize 1 → 5\n' +
        `group "Cruddur": would create (filter ${FILTER})\n` +
        'Dry run: 1 to create, 1 to update, 0 unchanged; nothing was changed.\n',
    );
    expect(api.writes()).toEqual([]);
  });

  it('should name the file, the field and the value of a malformed file, and call nothing', async () => {
    const bad = file('xray.json', { SamplingRule: { ...CRUDDUR_RULE.SamplingRule, FixedRate: 10 } });
    const result = await apply(bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`dualtrace: ${bad}: SamplingRule.FixedRate is 10; it must be a number from 0 to 1 (0.1 = 10%)\n`);
    const typo = await apply(file('typo.json', { SamplingRule: { ...CRUDDUR_RULE.SamplingRule, Fixedrate: 0.1 } }));
    expect(typo.stderr).toContain('SamplingRule: unknown field "Fixedrate"; did you mean "FixedRate"?');
    const notJson = await apply(file('broken.json', '{ "SamplingRule": '));
    expect(notJson.stderr).toContain('broken.json: not JSON');
    expect(api.calls).toEqual([]);
  });

  it('should read a file saved with a byte order mark (Windows editors, PowerShell)', async () => {
    const result = await apply(file('bom.json', `\uFEFF${JSON.stringify(CRUDDUR_RULE)}`), '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sampling rule "Cruddur": would create');
  });

  it('should explain a permission error (403) and a throttled call, after what was done', async () => {
    api.failures['/CreateGroup'] = [403, 'AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: xray:CreateGroup'];
    const denied = await apply(file('xray.json', CRUDDUR_RULE), '--group', 'Cruddur', '--filter', FILTER);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('sampling rule "Cruddur": created (priority 9000, 5/s then 10%, service backend-flask * *)\n');
    expect(denied.stderr).toContain('AWS refused to create group "Cruddur" (xray:CreateGroup): AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized');
    expect(denied.stderr).toContain('AWSXrayFullAccess');
    expect(denied.stderr).not.toContain('test-secret');

    api.failures['/GetSamplingRules'] = [429, 'ThrottledException', 'Rate exceeded'];
    const throttled = await apply(file('xray.json', CRUDDUR_RULE));
    expect(throttled.code).toBe(1);
    expect(throttled.stderr).toContain('X-Ray is throttling these calls (ThrottledException after 1 attempt(s)) while trying to read the sampling rules');
  });

  it('should refuse a command line that cannot work, with exit code 2', async () => {
    expect((await apply()).code).toBe(2);
    expect((await apply('--filter', FILTER)).stderr).toContain('--filter needs --group <name>');
  });
});
