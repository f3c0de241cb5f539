/**
 * A stand-in for the AWS X-Ray API on loopback: the restJson1 paths `dualtrace xray apply` calls (GetSamplingRules,
 * CreateSamplingRule, UpdateSamplingRule, Groups, CreateGroup, UpdateGroup), with state, SigV4-signed requests
 * required (as AWS does), errors in AWS's shape (`x-amzn-errortype` + `{"message"}`), and small pages so NextToken is
 * followed. Nothing off the shelf fakes sampling rules or groups.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface FakeXRayApi {
  readonly url: string;
  readonly rules: Map<string, Json>;
  readonly groups: Map<string, Json>;
  /** Every call, in order: the path (the operation) and the JSON body. */
  readonly calls: { path: string; body: Json }[];
  /** Paths answered with an error instead: `{ '/CreateSamplingRule': [403, 'AccessDeniedException', 'User: … is not authorized'] }`. */
  failures: Record<string, [number, string, string]>;
  /** The paths of calls that change something. */
  writes(): string[];
  close(): Promise<void>;
}

const PAGE = 2;

export async function startFakeXRayApi(): Promise<FakeXRayApi> {
  const rules = new Map<string, Json>();
  const groups = new Map<string, Json>();
  const calls: FakeXRayApi['calls'] = [];
  const fake = { rules, groups, calls, failures: {} as FakeXRayApi['failures'] };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = (text === '' ? {} : JSON.parse(text)) as Json;
      calls.push({ path, body });
      const send = (status: number, answer: Json, type?: string) =>
        res.writeHead(status, { 'content-type': 'application/json', ...(type === undefined ? {} : { 'x-amzn-errortype': type }) }).end(JSON.stringify(answer));
      if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/xray\/aws4_request/.test(String(req.headers.authorization))) {
        return send(403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException');
      }
      const failure = fake.failures[path];
      if (failure !== undefined) return send(failure[0], { message: failure[2] }, failure[1]);
      const now = Math.floor(Date.now() / 1000);
      switch (path) {
        case '/GetSamplingRules': {
          const all = [...rules.values()];
          const start = Number(body.NextToken ?? 0);
          const page = all.slice(start, start + PAGE).map((r) => ({ SamplingRule: r, CreatedAt: now, ModifiedAt: now }));
          return send(200, { SamplingRuleRecords: page, ...(start + PAGE < all.length ? { NextToken: String(start + PAGE) } : {}) });
        }
        case '/CreateSamplingRule': {
          const rule = { ...(body.SamplingRule as Json) };
          if (rules.has(rule.RuleName as string)) return send(400, { message: 'Rule already exists' }, 'InvalidRequestException');
          rule.RuleARN = `arn:aws:xray:us-east-1:123456789012:sampling-rule/${String(rule.RuleName)}`;
          rules.set(rule.RuleName as string, rule);
          return send(200, { SamplingRuleRecord: { SamplingRule: rule, CreatedAt: now, ModifiedAt: now } });
        }
        case '/UpdateSamplingRule': {
          const update = body.SamplingRuleUpdate as Json;
          const rule = rules.get(update.RuleName as string);
          if (rule === undefined) return send(400, { message: 'Rule not found' }, 'InvalidRequestException');
          Object.assign(rule, update);
          return send(200, { SamplingRuleRecord: { SamplingRule: rule, CreatedAt: now, ModifiedAt: now } });
        }
        case '/Groups': {
          const all = [...groups.values()];
          const start = Number(body.NextToken ?? 0);
          return send(200, { Groups: all.slice(start, start + PAGE), ...(start + PAGE < all.length ? { NextToken: String(start + PAGE) } : {}) });
        }
        case '/CreateGroup': {
          const { Tags: _tags, ...group } = body;
          const stored = { InsightsConfiguration: { InsightsEnabled: false, NotificationsEnabled: false }, ...group, GroupARN: `arn:aws:xray:us-east-1:123456789012:group/${String(group.GroupName)}/x` };
          groups.set(group.GroupName as string, stored);
          return send(200, { Group: stored });
        }
        case '/UpdateGroup': {
          const group = groups.get(body.GroupName as string);
          if (group === undefined) return send(400, { message: 'Group not found' }, 'InvalidRequestException');
          Object.assign(group, body);
          return send(200, { Group: group });
        }
        default:
          return send(404, { message: `no such operation ${path}` }, 'UnknownOperationException');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    writes: () => calls.map((c) => c.path).filter((p) => !['/GetSamplingRules', '/Groups'].includes(p)),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
