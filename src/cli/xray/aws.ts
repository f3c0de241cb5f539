import type * as XRaySdk from '@aws-sdk/client-xray';
import { CommandError } from '../errors';
import type { ExistingGroup, ExistingRule } from './plan';
import type { Tag, WantedGroup, WantedRule } from './wanted';

/**
 * The X-Ray API calls `apply` makes, through `@aws-sdk/client-xray`: an optional peer dependency, loaded only when a
 * command needs it, so nobody who only traces installs the AWS SDK. Region and credentials come from the SDK's usual
 * chain (environment, shared config and SSO, container or instance role); `endpoint` points it elsewhere.
 */
export interface XRayApi {
  listRules(): Promise<ExistingRule[]>;
  listGroups(): Promise<ExistingGroup[]>;
  createRule(rule: WantedRule, tags: readonly Tag[] | undefined): Promise<void>;
  updateRule(update: Partial<WantedRule> & { RuleName: string }): Promise<void>;
  createGroup(group: WantedGroup, tags: readonly Tag[] | undefined): Promise<void>;
  updateGroup(group: WantedGroup): Promise<void>;
}

type Sdk = typeof XRaySdk;

export const INSTALL_HINT = 'npm install --save-dev @aws-sdk/client-xray';

/** Loads the SDK; a clear `CommandError` with the install line when it is not installed. */
export async function loadSdk(load: () => Promise<unknown> = () => import('@aws-sdk/client-xray')): Promise<Sdk> {
  try {
    return (await load()) as Sdk;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CommandError(`this command needs @aws-sdk/client-xray, an optional peer dependency of dualtrace that is not installed. Install it: ${INSTALL_HINT}`);
    }
    throw error;
  }
}

/** Pages followed at most: far more rules and groups than an account can have. */
const MAX_PAGES = 50;

export async function connectXRay(options: { region?: string; endpoint?: string }, sdk?: Sdk): Promise<XRayApi> {
  const x = sdk ?? (await loadSdk());
  const client = new x.XRayClient({ ...(options.region === undefined ? {} : { region: options.region }), ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }) });
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new CommandError(describeAwsError(error, what, options.endpoint));
    }
  };
  return {
    listRules: () =>
      call('read the sampling rules (xray:GetSamplingRules)', async () => {
        const rules: ExistingRule[] = [];
        let token: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const out = await client.send(new x.GetSamplingRulesCommand(token === undefined ? {} : { NextToken: token }));
          for (const record of out.SamplingRuleRecords ?? []) if (record.SamplingRule !== undefined) rules.push(record.SamplingRule as ExistingRule);
          token = out.NextToken;
          if (token === undefined || token === '') break;
        }
        return rules;
      }),
    listGroups: () =>
      call('read the groups (xray:GetGroups)', async () => {
        const groups: ExistingGroup[] = [];
        let token: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const out = await client.send(new x.GetGroupsCommand(token === undefined ? {} : { NextToken: token }));
          for (const group of out.Groups ?? []) groups.push(group as ExistingGroup);
          token = out.NextToken;
          if (token === undefined || token === '') break;
        }
        return groups;
      }),
    createRule: (rule, tags) =>
      call(`create sampling rule "${rule.RuleName}" (xray:CreateSamplingRule)`, async () => {
        await client.send(new x.CreateSamplingRuleCommand({ SamplingRule: { ...rule }, ...(tags === undefined ? {} : { Tags: [...tags] }) }));
      }),
    updateRule: (update) =>
      call(`update sampling rule "${update.RuleName}" (xray:UpdateSamplingRule)`, async () => {
        await client.send(new x.UpdateSamplingRuleCommand({ SamplingRuleUpdate: { ...update } }));
      }),
    createGroup: (group, tags) =>
      call(`create group "${group.GroupName}" (xray:CreateGroup)`, async () => {
        await client.send(new x.CreateGroupCommand({ ...group, ...(tags === undefined ? {} : { Tags: [...tags] }) }));
      }),
    updateGroup: (group) =>
      call(`update group "${group.GroupName}" (xray:UpdateGroup)`, async () => {
        await client.send(new x.UpdateGroupCommand({ ...group }));
      }),
  };
}

const PERMISSIONS =
  'It needs xray:GetSamplingRules, xray:CreateSamplingRule, xray:UpdateSamplingRule, xray:GetGroups, xray:CreateGroup and xray:UpdateGroup ' +
  '(the AWSXrayFullAccess managed policy has them).';

/** One line that says what failed and what to do; AWS error messages name the identity and action, never a secret. */
export function describeAwsError(error: unknown, what: string, endpoint: string | undefined): string {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = e.name ?? 'Error';
  const message = (e.message ?? String(error)).split('\n')[0]!;
  const status = e.$metadata?.httpStatusCode;
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnrecognizedClientException' || status === 403) {
    return `AWS refused to ${what}: ${name}: ${message}. ${PERMISSIONS}`;
  }
  if (name === 'ThrottledException' || name === 'ThrottlingException' || name === 'TooManyRequestsException' || status === 429) {
    const attempts = e.$metadata?.attempts === undefined ? '' : ` after ${e.$metadata.attempts} attempt(s)`;
    return `X-Ray is throttling these calls (${name}${attempts}) while trying to ${what}. Run it again in a minute; the calls made so far are not repeated.`;
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return `no AWS credentials found to ${what}: set AWS_PROFILE, run "aws configure" or "aws sso login", or run where a role is available.`;
  }
  if (/Region is missing/i.test(message)) return `no AWS region: set AWS_REGION (or pass --region) to ${what}.`;
  if (name === 'InvalidRequestException') return `X-Ray refused to ${what}: ${message}`;
  if (name === 'RuleLimitExceededException') return `X-Ray refused to ${what}: the account has as many sampling rules as it may (${message}).`;
  const code = e.code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    return `cannot reach ${endpoint ?? 'the X-Ray endpoint'} to ${what} (${code}).`;
  }
  return `failed to ${what}: ${name}: ${message}`;
}
